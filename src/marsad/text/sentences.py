"""Sentence splitting that does not break inside quotations, brackets, numbers,
abbreviations or dates. Linear in the length of the text: brackets are paired in one
pass with a bounded stack, and unpaired openers are ignored (so an unclosed « cannot
swallow the rest of a paragraph)."""

from __future__ import annotations

from collections.abc import Iterable

from ..doc import Span

_PAIRS = {"«": "»", "“": "”", "(": ")", "{": "}", "[": "]", "‹": "›", "﴾": "﴿"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_TERMINATORS = frozenset(".!?؟…۔")
_TRAILERS = frozenset("»”\")}]’'›﴿")
_MAX_DEPTH = 64


def _quote_depth(text: str, start: int, end: int) -> list[int]:
    """depth[i - start] > 0 where text[i] lies inside a paired quotation or bracket."""
    n = end - start
    delta = [0] * (n + 1)
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    for i in range(start, end):
        ch = text[i]
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
                    delta[o - start + 1] += 1
                    delta[i - start] -= 1
                    break
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                delta[straight - start + 1] += 1
                delta[i - start] -= 1
                straight = None
    depths: list[int] = []
    running = 0
    for d in delta[:n]:
        running += d
        depths.append(running)
    return depths


def split_sentences(text: str, start: int, end: int,
                    abbreviations: frozenset[str]) -> Iterable[Span]:
    """Sentences of ``text[start:end]`` (one paragraph), trimmed of surrounding space."""
    depth = _quote_depth(text, start, end)
    sent_start = start
    i = start
    while i < end:
        ch = text[i]
        if ch in _TERMINATORS and depth[i - start] == 0 and not _is_internal(
                text, i, start, end, abbreviations):
            j = i + 1
            while j < end and (text[j] in _TERMINATORS or text[j] in _TRAILERS):
                j += 1
            if j >= end or text[j].isspace():
                yield from _trimmed(text, sent_start, j)
                sent_start = j
            i = j
            continue
        if ch in _TERMINATORS and depth[i - start] > 0:
            # a sentence that ends inside a quote which closes right here: «... .»
            j = i + 1
            while j < end and text[j] in _TRAILERS:
                j += 1
            if j > i + 1 and depth[j - 1 - start] == 0 and (j >= end or text[j].isspace()) \
                    and depth[i - start] == 1:
                yield from _trimmed(text, sent_start, j)
                sent_start = j
                i = j
                continue
        i += 1
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
