"""Sentence splitting that does not break inside quotations, brackets, numbers,
abbreviations or dates. Linear in the length of the text: brackets are paired in one
pass over the marks with a bounded stack, and unpaired openers are ignored (so an unclosed « cannot
swallow the rest of a paragraph)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from ..doc import Span

_PAIRS = {"«": "»", "“": "”", "(": ")", "{": "}", "[": "]", "‹": "›", "﴾": "﴿"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_TERMINATORS = frozenset(".!?؟…۔")
_TRAILERS = frozenset("»”\")}]’'›﴿")
_MAX_DEPTH = 64


_MARK = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS) + '"') + "]")
_TERMINATOR = re.compile("[" + re.escape("".join(sorted(_TERMINATORS))) + "]")


class _Depth:
    """Quotation/bracket depth at any position of ``text[start:end]``, from one pass over
    the quotation marks and brackets only (found by a regex, not a loop over characters).
    An opener's own position is outside its pair; the closer's position is outside too."""

    __slots__ = ("depths", "points")

    def __init__(self, text: str, start: int, end: int) -> None:
        delta: dict[int, int] = {}
        stack: list[tuple[str, int]] = []
        straight: int | None = None
        for m in _MARK.finditer(text, start, end):
            ch, i = m.group(), m.start()
            if ch in _PAIRS:
                if len(stack) < _MAX_DEPTH:
                    stack.append((ch, i))
            elif ch in _CLOSERS:
                opener = _CLOSERS[ch]
                # pop to the matching opener if it is near the top; drop unpaired openers
                for depth in range(len(stack) - 1, max(-1, len(stack) - 5), -1):
                    if stack[depth][0] == opener:
                        o = stack[depth][1]
                        del stack[depth:]
                        delta[o + 1] = delta.get(o + 1, 0) + 1
                        delta[i] = delta.get(i, 0) - 1
                        break
            elif straight is None:  # '"'
                straight = i
            else:
                delta[straight + 1] = delta.get(straight + 1, 0) + 1
                delta[i] = delta.get(i, 0) - 1
                straight = None
        self.points = sorted(delta)
        running = 0
        self.depths: list[int] = []
        for p in self.points:
            running += delta[p]
            self.depths.append(running)

    def at(self, i: int) -> int:
        k = bisect_right(self.points, i) - 1
        return self.depths[k] if k >= 0 else 0


def split_sentences(text: str, start: int, end: int,
                    abbreviations: frozenset[str]) -> Iterable[Span]:
    """Sentences of ``text[start:end]`` (one paragraph), trimmed of surrounding space."""
    depth = _Depth(text, start, end)
    sent_start = start
    i = start
    for m in _TERMINATOR.finditer(text, start, end):
        p = m.start()
        if p < i:
            continue  # consumed with the terminator before it (?!, ...)
        d = depth.at(p)
        if d == 0 and not _is_internal(text, p, start, end, abbreviations):
            j = p + 1
            while j < end and (text[j] in _TERMINATORS or text[j] in _TRAILERS):
                j += 1
            if j >= end or text[j].isspace():
                yield from _trimmed(text, sent_start, j)
                sent_start = j
            i = j
        elif d == 1:
            # a sentence that ends inside a quote which closes right here: «... .»
            j = p + 1
            while j < end and text[j] in _TRAILERS:
                j += 1
            if j > p + 1 and depth.at(j - 1) == 0 and (j >= end or text[j].isspace()):
                yield from _trimmed(text, sent_start, j)
                sent_start = j
                i = j
    yield from _trimmed(text, sent_start, end)


def _is_internal(text: str, i: int, start: int, end: int, abbreviations: frozenset[str]) -> bool:
    """Is the period at ``i`` part of a number, a date, a URL or an abbreviation?"""
    if text[i] != ".":
        return False
    nxt = text[i + 1] if i + 1 < end else ""
    prev = text[i - 1] if i > start else ""
    if prev.isdigit() and nxt.isdigit():
        return True
    if nxt and not nxt.isspace() and nxt not in _TRAILERS and nxt != ".":
        return True  # www.example.com, 5.30, a.m.
    # the word before the period
    j = i
    while j > start and not text[j - 1].isspace() and text[j - 1] not in "«(\"“":
        j -= 1
    word = text[j:i].replace("ـ", "")
    return word in abbreviations or (len(word) == 1 and word.isalpha())


def _trimmed(text: str, s: int, e: int) -> Iterable[Span]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        yield Span(s, e)
