"""Word clusters for the NER features, learned from unlabelled Arabic news (training only).

word2vec (gensim, skip-gram, one worker, fixed seed and a fixed word hash, so the result
does not depend on ``PYTHONHASHSEED``) on the normalised tokens of the ANT v2.1 corpus
(Apache-2.0) and of the training files, then k-means at several granularities on the
vectors of the most frequent words. The output ``clusters.tsv`` has one line per word:
``word<TAB>id_k1<TAB>id_k2...``; its header line names the granularities.

gensim and numpy are imported only inside these functions: they are the ``[train]`` extra
and are never needed to tag.
"""

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


def _stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _kmeans(vectors: Any, k: int, seed: int, iterations: int = 25) -> Any:
    """Plain Lloyd k-means with k-means++ seeding on unit vectors (cosine)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = vectors.shape[0]
    # k-means++ on a sample keeps seeding cheap
    sample = vectors[rng.choice(n, size=min(n, 20 * k), replace=False)]
    centers = [sample[rng.integers(len(sample))]]
    best = 1.0 - sample @ centers[0]
    for _ in range(1, k):
        probs = np.clip(best, 0, None) ** 2
        total = probs.sum()
        idx = int(rng.choice(len(sample), p=probs / total)) if total > 0 \
            else int(rng.integers(len(sample)))
        centers.append(sample[idx])
        best = np.minimum(best, 1.0 - sample @ sample[idx])
    cent = np.array(centers)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        labels_new = np.empty(n, dtype=np.int64)
        for lo in range(0, n, 8192):
            labels_new[lo:lo + 8192] = np.argmax(vectors[lo:lo + 8192] @ cent.T, axis=1)
        if np.array_equal(labels_new, labels):
            break
        labels = labels_new
        sums = np.zeros_like(cent)
        np.add.at(sums, labels, vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[~empty] /= norms[~empty]
        sums[empty] = cent[empty]
        cent = sums
    return labels


def build_clusters(out: Path, corpus: Path, extra: Sequence[Sequence[str]] = (), *,
                   ks: Sequence[int] = (64, 256, 1024, 4096), max_words: int = 100_000,
                   dim: int = 100, window: int = 5, epochs: int = 5, min_count: int = 3,
                   seed: int = 0) -> dict[str, Any]:
    """Train word2vec on ``corpus`` (+ ``extra`` sentences), cluster the ``max_words``
    most frequent words at each granularity in ``ks`` and write ``out`` (TSV)."""
    import numpy as np
    from gensim.models import Word2Vec

    sentences = list(iter_corpus_sentences(corpus, extra))
    model = Word2Vec(sentences=sentences, vector_size=dim, window=window, min_count=min_count,
                     sg=1, negative=5, sample=1e-4, epochs=epochs, workers=1, seed=seed,
                     hashfxn=_stable_hash)
    words = [w for w in model.wv.index_to_key if any(c.isalpha() for c in w)][:max_words]
    vecs = np.array([model.wv[w] for w in words], dtype=np.float64)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    columns = [_kmeans(vecs, k, seed + i) for i, k in enumerate(ks)]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write("#word\t" + "\t".join(f"k{k}" for k in ks) + "\n")
        for i, w in enumerate(words):
            fh.write(w + "\t" + "\t".join(str(int(col[i])) for col in columns) + "\n")
    return {"sentences": len(sentences), "tokens": sum(len(s) for s in sentences),
            "words": len(words), "ks": list(ks), "dim": dim, "window": window,
            "epochs": epochs, "min_count": min_count, "seed": seed}
