"""Tagging speed of the shipped NER model on the ANERcorp CAMeL test split.

    .venv/bin/python bench/bench_ner.py [FILE] [--repeat N]

Prints the model load time and tokens/s on one core: cold (empty per-word cache, as for
the first article a process sees), warm (cache filled), sentence by sentence and in one
batch, and the micro-F1 as a sanity check.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from marsad.ner import NerTagger, read_conll, score_spans

SHARED = Path(os.environ.get("MARSAD_SHARED", Path(__file__).resolve().parents[2] / "shared"))
TEST = SHARED / "data" / "ner" / "anercorp_camellab" / "ANERCorp_CamelLab_test.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=TEST)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model", type=Path, help="model directory (default: the shipped one)")
    args = ap.parse_args()
    sents = read_conll(args.file)
    words = [[w for w, _ in s] for s in sents]
    n = sum(len(w) for w in words)

    t0 = time.perf_counter()
    tagger = NerTagger.load(args.model)
    print(f"model load: {time.perf_counter() - t0:.3f} s")

    t0 = time.perf_counter()
    pred = tagger.tag_sentences(words)
    cold = n / (time.perf_counter() - t0)
    print(f"cold batch: {cold:,.0f} tokens/s ({len(sents)} sentences, {n} tokens)")
    best_batch = best_sent = 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        tagger.tag_sentences(words)
        best_batch = max(best_batch, n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for w in words:
            tagger.tag(w)
        best_sent = max(best_sent, n / (time.perf_counter() - t0))
    print(f"warm batch (tag_sentences): {best_batch:,.0f} tokens/s")
    print(f"warm sentence by sentence (tag): {best_sent:,.0f} tokens/s")
    micro = score_spans([[t for _, t in s] for s in sents], pred)["micro"]
    print(f"micro P/R/F1: {micro['precision']:.4f} / {micro['recall']:.4f} / "
          f"{micro['f1']:.4f}")


if __name__ == "__main__":
    main()
