"""Unlabelled news as sentences of normalised surface tokens (training only: the text the
fastText word vectors are learned from)."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..text.normalize import normalize_key

#: surface tokens as ANERcorp has them: words (clitics attached), numbers, punctuation
_TOK = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
_SENT_END = frozenset({".", "!", "?", "؟"})


def tokenize_plain(text: str) -> list[str]:
    """Normalised surface tokens of running text (hashtag underscores become spaces)."""
    return _TOK.findall(normalize_key(text.replace("_", " ").replace("#", " ")))


def iter_corpus_sentences(corpus: Path, extra: Sequence[Sequence[str]] = ()
                          ) -> Iterator[list[str]]:
    """Sentences (lists of normalised tokens) of a JSONL(.gz) news corpus with
    ``title``/``abstract``/``text`` fields, then of ``extra`` (already tokenized)."""
    opener: Any = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for field in ("title", "abstract", "text"):
                value = rec.get(field)
                if not isinstance(value, str):
                    continue
                for para in value.split("\n"):
                    sent: list[str] = []
                    for tok in tokenize_plain(para):
                        sent.append(tok)
                        if tok in _SENT_END:
                            yield sent
                            sent = []
                    if sent:
                        yield sent
    for words in extra:
        yield [normalize_key(w) for w in words]


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))
