"""Which language is this text in? Script counts, Persian/Urdu letters, English words."""

from __future__ import annotations

_PERSIAN = frozenset("پچژگکی")
_URDU = frozenset("ٹڈڑںہےۓ")
_ENGLISH = frozenset(["the", "of", "and", "to", "in", "is", "that", "for", "on", "with", "was",
                      "as", "by", "are", "from"])
SAMPLE = 20_000


def detect_language(text: str) -> tuple[str, list[str]]:
    """``(code, warnings)``: ``ar``, ``fa``, ``ur``, ``en``, ``und`` (and a warning when the
    text is not Arabic, since Arabic stages would give unreliable results on it)."""
    sample = text[:SAMPLE]
    arabic = latin = other = persian = urdu = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        cp = ord(ch)
        if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFEFF:
            arabic += 1
            if ch in _PERSIAN:
                persian += 1
            elif ch in _URDU:
                urdu += 1
        elif cp < 0x0250:
            latin += 1
        else:
            other += 1
    letters = arabic + latin + other
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
