"""Words for entity matching, built from the token layer: contiguous tokens that are not
punctuation form one word; proclitics (و ف ب ل ك س) are split off the word's matching key
and its mention start, while the article ال stays part of the name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..doc import Span, Token

_JOIN = frozenset({"word", "clitic", "article", "number", "latin"})


class Word(NamedTuple):
    """``start``/``end``: the whole surface word; ``core``: where the word starts without
    its proclitics; ``norm``: the matching key without proclitics (``للقدس`` -> ``القدس``);
    ``clitics``: the proclitics' keys. A named tuple (like :class:`~marsad.doc.Token`):
    there is one per word of every article."""

    start: int
    end: int
    core: int
    norm: str
    clitics: str
    punct: bool


#: builds a Word without the keyword-argument machinery of ``Word(...)`` (hot path)
_make_word = tuple.__new__


def _word(group: Sequence[Token]) -> Word:
    if len(group) == 1:
        t = group[0]
        return _make_word(Word, (t.start, t.end, t.start, t.norm, "", False))
    i = 0
    while i < len(group) - 1 and group[i].kind == "clitic":
        i += 1
    core = group[i]
    # ل + fused article (للقدس): the mention keeps the ل, the key restores ال
    core_start = group[i - 1].start if core.kind == "article" and i > 0 \
        and group[i - 1].norm == "ل" and core.start == group[i - 1].end \
        and core.norm == "ال" and core.end - core.start == 1 else core.start
    norm = "".join([t.norm for t in group[i:]])
    clitics = "".join([t.norm for t in group[:i]])
    return _make_word(Word, (group[0].start, group[-1].end, core_start, norm, clitics, False))


def build_words(tokens: Sequence[Token]) -> list[Word]:
    words: list[Word] = []
    append = words.append
    group: list[Token] = []
    last_end = -1
    for tok in tokens:
        if tok.kind in _JOIN:
            if group and tok.start != last_end:
                append(_word(group))
                group = []
            group.append(tok)
            last_end = tok.end
        else:
            if group:
                append(_word(group))
                group = []
            append(_make_word(Word, (tok.start, tok.end, tok.start, tok.norm, "", True)))
    if group:
        append(_word(group))
    return words


def words_in(words: Sequence[Word], span: Span, start_index: int = 0) -> tuple[int, int]:
    """Index range ``[i, j)`` of the words inside ``span``, scanning from ``start_index``."""
    i = start_index
    while i < len(words) and words[i].end <= span.start:
        i += 1
    j = i
    while j < len(words) and words[j].start < span.end:
        j += 1
    return i, j
