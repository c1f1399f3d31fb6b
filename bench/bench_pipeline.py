"""Throughput and memory of each pipeline stage and of the whole pipeline on real ANT
articles, in one process.

    python bench/bench_pipeline.py [--corpus PATH] [--start 1000] [--count 2000] [--json]

Lines 1001-3000 of the ANT corpus are the reference set (``--start 1000 --count 2000``).
For each stage: wall seconds, CPU seconds (``time.process_time``; the machine may be
shared, CPU time is the steadier number), articles/s and tokens/s (on wall time), and the
part of the process's peak RSS reached while that stage ran (the high-water mark rises
only when a stage needs more memory than any before it, so these add up to the peak)."""

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

DEFAULT = Path(os.environ.get("MARSAD_SHARED", Path(__file__).resolve().parents[2] / "shared")
               ) / "data/corpora/ant-v2.1-world-mideast.jsonl.gz"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--start", type=int, default=1000)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args()

    t0, c0 = time.perf_counter(), time.process_time()
    from marsad import Pipeline, Settings
    from marsad.recovery import record_to_raw
    from marsad.runtime import tune_gc_for_batch
    imported = time.perf_counter() - t0
    pipe = Pipeline(Settings())
    tune_gc_for_batch()  # as marsad analyze, ingest and run do
    load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    base_rss = peak_mb()

    with gzip.open(args.corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(x) for x in itertools.islice(fh, args.start,
                                                            args.start + args.count)]
    raws = [record_to_raw(r) for r in records]
    del records
    names = ["recover", *pipe.stage_names]
    wall = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)
    mem = dict.fromkeys(names, 0.0)
    mem["(start-up)"] = base_rss
    n_tokens = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    for raw in raws:
        t, c, m = time.perf_counter(), time.process_time(), peak_mb()
        doc = pipe.make_doc(raw)
        wall["recover"] += time.perf_counter() - t
        cpu["recover"] += time.process_time() - c
        mem["recover"] += peak_mb() - m
        for name, fn in pipe.stages:
            t, c, m = time.perf_counter(), time.process_time(), peak_mb()
            doc = fn(doc)
            wall[name] += time.perf_counter() - t
            cpu[name] += time.process_time() - c
            mem[name] += peak_mb() - m
        n_tokens += len(doc.tokens)
    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    n = len(raws)
    result = {
        "articles": n, "tokens": n_tokens, "import_seconds": round(imported, 3),
        "startup_seconds": round(load, 3), "startup_cpu_seconds": round(load_cpu, 3),
        "stages": {k: {"seconds": round(wall[k], 3), "cpu_seconds": round(cpu[k], 3),
                       "articles_per_s": round(n / wall[k]) if wall[k] else None,
                       "tokens_per_s": round(n_tokens / wall[k]) if wall[k] else None,
                       "peak_rss_added_mb": round(mem[k], 1)} for k in names},
        "pipeline": {"seconds": round(total, 3), "cpu_seconds": round(total_cpu, 3),
                     "articles_per_s": round(n / total), "tokens_per_s": round(n_tokens / total),
                     "articles_per_cpu_s": round(n / total_cpu)},
        "peak_rss_mb": round(peak_mb()), "rss_after_startup_mb": round(base_rss),
        "load_average": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"articles: {n}  tokens: {n_tokens}  start-up: {load:.2f} s "
          f"(import {imported:.2f} s)  load average: {result['load_average']:.2f}")
    print(f"{'stage':<12}{'seconds':>9}{'cpu s':>8}{'articles/s':>12}{'tokens/s':>11}"
          f"{'+peak MB':>10}")
    print(f"{'(start-up)':<12}{load:9.2f}{load_cpu:8.2f}{'':>12}{'':>11}{base_rss:10.0f}")
    for k in names:
        print(f"{k:<12}{wall[k]:9.2f}{cpu[k]:8.2f}{n / wall[k]:12.0f}"
              f"{n_tokens / wall[k]:11.0f}{mem[k]:10.0f}")
    print(f"{'pipeline':<12}{total:9.2f}{total_cpu:8.2f}{n / total:12.0f}"
          f"{n_tokens / total:11.0f}{peak_mb():10.0f}  (peak RSS, MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
