"""Which language is this text in? Script counts, Persian/Urdu letters, English words."""

from __future__ import annotations

import re

_PERSIAN = frozenset("پچژگکی")
_URDU = frozenset("ٹڈڑںہےۓ")
_ENGLISH = frozenset(["the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "was",
                      "as", "by", "are", "from"])
SAMPLE = 20_000
# runs, not single letters: counting the length of each run is several times faster than
# one match object per letter
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06D5\u06EE-\u06FF\u0750-\u077F"
                             r"\uFB50-\uFDFF\uFE70-\uFEFC]+")
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00C0-\u024F]+")
_LETTERS = re.compile(r"[^\W\d_]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def detect_language(text: str) -> tuple[str, list[str]]:
    """``(code, warnings)``: ``ar``, ``fa``, ``ur``, ``en``, ``und`` (and a warning when the
    text is not Arabic, since Arabic stages would give unreliable results on it)."""
    sample = text[:SAMPLE]
    arabic = _count(_ARABIC_LETTERS, sample)
    latin = _count(_LATIN_LETTERS, sample)
    letters = _count(_LETTERS, sample)
    persian = sum(sample.count(ch) for ch in _PERSIAN)
    urdu = sum(sample.count(ch) for ch in _URDU)
    if letters == 0:
        return "und", ["language: no letters found; nothing to analyse"]
    if arabic >= 0.5 * letters:
        if urdu >= 5 and urdu >= 0.005 * arabic:
            return "ur", ["language: the text looks Urdu, not Arabic; "
                          "Arabic analysis will be unreliable"]
        if persian >= 5 and persian >= 0.01 * arabic:
            return "fa", ["language: the text looks Persian, not Arabic; "
                          "Arabic analysis will be unreliable"]
        return "ar", []
    if latin >= 0.5 * letters:
        words = sample.lower().split()
        hits = sum(1 for w in words if w in _ENGLISH)
        code = "en" if words and hits >= 0.05 * len(words) else "und"
        return code, [f"language: the text is not Arabic ({code}); "
                      "Arabic analysis was skipped or will be unreliable"]
    return "und", ["language: the text is not in Arabic script; "
                   "Arabic analysis will be unreliable"]
