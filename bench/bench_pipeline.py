"""Throughput of each pipeline stage and of the whole pipeline on real ANT articles.

    python bench/bench_pipeline.py [--corpus PATH] [--start 1000] [--count 2000]

Prints articles/s and tokens/s per stage (one process) and the peak RSS. Lines 1001-3000
of the ANT corpus are the reference set (``--start 1000 --count 2000``)."""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import sys
import time
from pathlib import Path

from marsad import Pipeline, Settings
from marsad.recovery import record_to_raw

DEFAULT = Path(os.environ.get("MARSAD_SHARED", Path(__file__).resolve().parents[2] / "shared")
               ) / "data/corpora/ant-v2.1-world-mideast.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--start", type=int, default=1000)
    ap.add_argument("--count", type=int, default=2000)
    args = ap.parse_args()
    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(x) for x in itertools.islice(fh, args.start,
                                                            args.start + args.count)]
    raws = [record_to_raw(r) for r in records]
    t0 = time.perf_counter()
    pipe = Pipeline(Settings())
    load = time.perf_counter() - t0
    timings = {"recover": 0.0, **{name: 0.0 for name in pipe.stage_names}}
    n_tokens = 0
    start = time.perf_counter()
    for raw in raws:
        t = time.perf_counter()
        doc = pipe.make_doc(raw)
        timings["recover"] += time.perf_counter() - t
        for name, fn in pipe.stages:
            t = time.perf_counter()
            doc = fn(doc)
            timings[name] += time.perf_counter() - t
        n_tokens += len(doc.tokens)
    total = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(raws)}  tokens: {n_tokens}  start-up (load): {load:.2f} s")
    print(f"{'stage':<12}{'seconds':>9}{'articles/s':>12}{'tokens/s':>12}")
    for name, secs in timings.items():
        print(f"{name:<12}{secs:9.2f}{len(raws) / secs:12.0f}{n_tokens / secs:12.0f}")
    print(f"{'pipeline':<12}{total:9.2f}{len(raws) / total:12.0f}{n_tokens / total:12.0f}")
    print(f"peak RSS: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
