"""Normalisation as a *view* for matching: a key string plus an offset map back to the
text. The text itself is never rewritten.

``NormView(text).key`` folds alef forms, alef maqsura, ta marbuta, hamza carriers,
Arabic-Indic and Persian digits, presentation forms and Persian kaf/yeh, lowercases Latin,
and deletes tashkeel, tatweel, zero-width and bidi control characters. ``raw_span`` maps a
span of the key back to the text; deleted characters inside or right after a span are
covered by it.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

_LETTER_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ۀ": "ه", "ە": "ه",
    "ؤ": "ء", "ئ": "ء", "ٶ": "ء", "ٸ": "ء",
    "ک": "ك",
}
_DELETE_RANGES = (
    (0x064B, 0x065F),  # tashkeel and other combining marks
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x0640, 0x0640),  # tatweel
    (0x200B, 0x200F),  # zero-width space/joiners, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0xFEFF, 0xFEFF),  # BOM / zero-width no-break space
    (0x061C, 0x061C),  # Arabic letter mark
    (0x00AD, 0x00AD),  # soft hyphen
)
_SPACES = ("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
           "\u200a\u202f\u205f\u3000")


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The character table behind the key: code point -> replacement ('' deletes)."""
    table: dict[int, str] = {}
    for lo, hi in _DELETE_RANGES:
        for cp in range(lo, hi + 1):
            table[cp] = ""
    for src, dst in _LETTER_FOLDS.items():
        table[ord(src)] = dst
    for i in range(10):
        table[0x0660 + i] = str(i)
        table[0x06F0 + i] = str(i)
    table[0x066B] = "."  # Arabic decimal separator
    table[0x066C] = ","  # Arabic thousands separator
    for ch in _SPACES:
        table[ord(ch)] = " "
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    # presentation forms: NFKC, then the same folds; isolated marks become nothing
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFEFF)):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cn":
            continue
        base = unicodedata.normalize("NFKC", ch)
        folded = "".join(table.get(ord(c), c) for c in base).strip()
        table[cp] = folded
    return table


@lru_cache(maxsize=1)
def _length_changing() -> re.Pattern[str]:
    chars = "".join(chr(cp) for cp, rep in fold_table().items() if len(rep) != 1)
    return re.compile("[" + re.escape(chars) + "]")


@lru_cache(maxsize=1)
def _marks_table() -> dict[int, str]:
    return {cp: "" for lo, hi in _DELETE_RANGES for cp in range(lo, hi + 1)}


def strip_marks(text: str) -> str:
    """``text`` as written, without the marks the key deletes (tashkeel, tatweel, invisible
    controls): letters are not folded, so أمام and إمام stay apart."""
    return text.translate(_marks_table())


def normalize_key(text: str) -> str:
    """The matching key of ``text`` (no offset map): use it for dictionary keys."""
    return text.translate(fold_table())


@dataclass(frozen=True, slots=True)
class NormView:
    """``key`` is the normalised form of ``text``; ``starts[i]`` is the text index of the
    character that key character ``i`` came from and ``ends[i]`` the text index where it
    (and the deleted characters right after it) end. ``starts``/``ends`` are ``None`` when
    the key has the same length as the text, i.e. the map is the identity."""

    text: str
    key: str
    starts: array | None  # type: ignore[type-arg]
    ends: array | None  # type: ignore[type-arg]

    @classmethod
    def of(cls, text: str) -> NormView:
        table = fold_table()
        if not _length_changing().search(text):
            return cls(text, text.translate(table), None, None)
        key_parts: list[str] = []
        starts = array("l")
        ends = array("l")
        pending = 0  # key chars whose end is not yet known
        for i, ch in enumerate(text):
            rep = table.get(ord(ch), ch)
            if not rep:
                continue
            for _ in range(pending):
                ends.append(i)
            pending = 0
            for _ in rep:
                starts.append(i)
            pending = len(rep)
            key_parts.append(rep)
        for _ in range(pending):
            ends.append(len(text))
        # an expansion (one char -> several key chars) ends where its source char ends
        return cls(text, "".join(key_parts), starts, ends)

    def raw_span(self, kstart: int, kend: int) -> tuple[int, int]:
        """Text offsets of the key span ``key[kstart:kend]``."""
        if self.starts is None or self.ends is None:
            return kstart, kend
        n = len(self.key)
        if kstart >= n:
            return len(self.text), len(self.text)
        start = self.starts[kstart]
        if kend <= kstart:
            return start, start
        return start, self.ends[min(kend, n) - 1]

    def raw_index(self, k: int) -> int:
        if self.starts is None:
            return k
        return self.starts[k] if k < len(self.key) else len(self.text)
