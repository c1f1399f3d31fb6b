"""A silver lexicon (training only): how often a CRF tags each word as each entity type
over a large unlabelled news corpus.

A first-pass model tags every sentence of the corpus; the per-word counts of predicted
types become features of the final model ("silver" group). A name the labelled data never
shows is often tagged confidently somewhere in millions of tokens, and the lexicon carries
that back to the ambiguous mentions. For the training features, the lexicon comes from a
first-pass model that did not see the sentence's labels (jackknifed by halves).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..text.normalize import normalize_key

Counts = dict[str, Counter[str]]


def count_predictions(model_dir: Path, sentences: Iterable[Sequence[str]],
                      batch: int = 200) -> Counts:
    """Tag ``sentences`` with the model in ``model_dir``; per normalised word, counts of
    the predicted entity type (``O`` for none)."""
    from .tagger import NerTagger

    tagger = NerTagger.load(model_dir)
    counts: Counts = {}
    buf: list[Sequence[str]] = []

    def flush() -> None:
        for words, tags in zip(buf, tagger.tag_sentences(buf), strict=True):
            for w, t in zip(words, tags, strict=True):
                key = normalize_key(w)
                c = counts.get(key)
                if c is None:
                    c = counts[key] = Counter()
                c[t[2:] if t != "O" else "O"] += 1
        buf.clear()

    for s in sentences:
        if s:
            buf.append(s)
            if len(buf) >= batch:
                flush()
    if buf:
        flush()
    return counts


def merge_counts(parts: Sequence[Counts]) -> Counts:
    out: Counts = {}
    for part in parts:
        for k, c in part.items():
            out.setdefault(k, Counter()).update(c)
    return out


def silver_table(counts: Mapping[str, Counter[str]], min_count: int = 2
                 ) -> dict[str, tuple[str, ...]]:
    """word -> silver features: for each type tagged at least once, a bucket of the
    share of the word's occurrences so tagged, and a frequency bucket."""
    out: dict[str, tuple[str, ...]] = {}
    for key, c in counts.items():
        total = sum(c.values())
        if total < min_count:
            continue
        feats: list[str] = []
        ent = total - c.get("O", 0)
        if ent == 0:
            feats.append("none")
        for typ, n in c.items():
            if typ == "O" or n == 0:
                continue
            frac = n / total
            feats.append(typ + ("1" if frac < 0.1 else "2" if frac < 0.4
                                else "3" if frac < 0.8 else "4"))
        feats.append("f" + ("1" if total < 10 else "2" if total < 100 else "3"))
        out[key] = tuple(sorted(feats))
    return out
