"""The lexical knowledge of the quotes stage, loaded once from ``data/quotes``:
reporting verbs (``verbs.tsv``) and frame words (``frames.tsv``).

Every form and phrase is run through the same tokenizer as the articles, so that it is
matched as the sequence of token keys (``Token.norm``) the text will have: ``البيان`` is
``ال`` + ``بيان``, ``بحسب`` is ``ب`` + ``حسب``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..errors import DataFileError
from ..resources import read_data_lines
from ..text import Tokenizer

VERB_CLASSES = frozenset({"say", "frame", "object", "track", "learn"})
FRAME_KINDS = ("comp", "not-comp", "via", "addressee", "statement", "speaker", "generic",
               "role", "adverb", "time", "break", "pronoun", "negation", "aux", "nested",
               "ellipsis", "formula", "preposition")

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Verb:
    """One reporting-verb form: its lemma, class (see ``verbs.tsv``), the prepositions
    that may open its complement, and whether the form is a participle (``مشددا``)."""

    lemma: str
    cls: str
    preps: frozenset[tuple[str, ...]]
    participle: bool


class PhraseTable(Generic[V]):
    """Phrases as sequences of token keys, matched longest first at a token position."""

    __slots__ = ("_by_first", "keys")

    def __init__(self, entries: Mapping[tuple[str, ...], V]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        for key, value in entries.items():
            by_first.setdefault(key[0], []).append((key, value))
        for group in by_first.values():
            group.sort(key=lambda kv: -len(kv[0]))
        self._by_first = by_first
        #: every first key, for a quick membership test
        self.keys = frozenset(by_first)

    def match(self, norms: Sequence[str], i: int, stop: int) -> tuple[int, V] | None:
        """``(length, value)`` of the longest phrase at ``norms[i:stop]``, or ``None``."""
        group = self._by_first.get(norms[i])
        if group is None:
            return None
        for key, value in group:
            n = len(key)
            if i + n <= stop and (n == 1 or tuple(norms[i:i + n]) == key):
                return n, value
        return None


@dataclass(frozen=True, slots=True)
class QuoteLexicon:
    """``verbs``: reporting-verb forms; ``frames``: one table per frame kind (see
    ``frames.tsv``); ``bare_verbs``: single-key forms, for words the tokenizer left whole
    with a conjunction or an object pronoun attached (``وأبلغهم``)."""

    verbs: PhraseTable[Verb]
    frames: Mapping[str, PhraseTable[bool]]
    bare_verbs: Mapping[str, Verb]

    @classmethod
    def load(cls, tokenizer: Tokenizer) -> QuoteLexicon:
        def keys(text: str) -> tuple[str, ...]:
            return tuple(t.norm for t in tokenizer(text))

        verbs: dict[tuple[str, ...], Verb] = {}
        bare: dict[str, Verb] = {}
        for ln in read_data_lines("quotes", "verbs.tsv"):
            cols = ln.split("\t")
            if len(cols) != 5 or cols[1] not in VERB_CLASSES:
                raise DataFileError(path="quotes/verbs.tsv", detail=f"bad line {ln!r}")
            lemma, vcls, preps, finite, participles = cols
            prep_set = frozenset() if preps == "-" else frozenset(keys(p) for p in preps.split())
            for forms, part in ((finite, False), (participles, True)):
                for form in forms.split():
                    if form == "-":
                        continue
                    verb = Verb(lemma, vcls, prep_set, part)
                    key = keys(form)
                    if key:
                        verbs.setdefault(key, verb)
                    bare.setdefault("".join(key), verb)
        phrases: dict[str, dict[tuple[str, ...], bool]] = {k: {} for k in FRAME_KINDS}
        for ln in read_data_lines("quotes", "frames.tsv"):
            kind, _, phrase = ln.partition("\t")
            key = keys(phrase)
            if kind not in phrases or not key:
                raise DataFileError(path="quotes/frames.tsv", detail=f"bad line {ln!r}")
            phrases[kind][key] = True
        return cls(PhraseTable(verbs), {k: PhraseTable(v) for k, v in phrases.items()}, bare)
