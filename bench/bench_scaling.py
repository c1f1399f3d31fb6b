"""How marsad scales: with worker processes, and as the input grows. Each measurement
runs the real command (``marsad analyze`` or ``marsad run``) in a fresh process on
articles of the ANT corpus and reports wall time, CPU time of all its processes, articles/s
and the peak RSS of its largest process (one worker, or the parent).

    python bench/bench_scaling.py jobs  [--jobs 1 2] [--start 1000] [--count 2000] [--via ...]
    python bench/bench_scaling.py sizes [--sizes 1000 4000 16000] [--jobs 1] [--via ...]
    python bench/bench_scaling.py startup [--repeat 5]

``--via analyze`` (default) or ``--via run`` (the local engine of ``marsad run``).
``jobs`` compares --jobs values on the same articles (the reference set: lines 1001-3000);
``sizes`` runs the first N articles for each N (cost per article must stay flat);
``startup`` times a fresh ``import marsad``, ``marsad --version``, building the pipeline,
and ``marsad analyze`` on the bundled seed article (medians).
The machine may be shared: compare CPU time as well as wall time, and note ``uptime``."""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared")
               ) / "data/corpora/ant-v2.1-world-mideast.jsonl.gz"
BIN = Path(sys.executable).parent


def measure(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` in a child of a fresh process, so the resource counts are its own."""
    code = ("import json, resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "wall = time.perf_counter() - t\n"
            "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'rc': rc, 'wall': wall, 'cpu': r.ru_utime + r.ru_stime,"
            " 'peak_rss_mb': r.ru_maxrss / 1024}))\n")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True,
                         check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"command failed ({result['rc']}): {' '.join(cmd)}\n{out.stderr}")
    return result


def write_subset(corpus: Path, start: int, count: int, dest: Path) -> int:
    with gzip.open(corpus, "rt", encoding="utf-8") as fh, dest.open("w", encoding="utf-8") as out:
        n = 0
        for line in itertools.islice(fh, start, start + count):
            out.write(line)
            n += 1
    return n


def command(via: str, path: Path, jobs: int, work: Path) -> list[str]:
    if via == "analyze":
        return [str(BIN / "marsad"), "analyze", str(path), "--jobs", str(jobs),
                "--format", "jsonl"]
    out = Path(tempfile.mkdtemp(dir=work, prefix="run-"))
    return [str(BIN / "marsad"), "run", "--input", str(path), "--output", str(out),
            "--jobs", str(jobs), "--quiet"]


def row(label: str, n: int, m: dict[str, Any], base: float | None = None) -> str:
    rate = n / m["wall"]
    extra = f"{rate / base:8.2f}x" if base else f"{'':>9}"
    return (f"{label:<14}{n:>8}{m['wall']:9.1f}{m['cpu']:9.1f}{rate:12.1f}"
            f"{n / m['cpu']:13.1f}{m['peak_rss_mb']:10.0f}{extra}")


HEADER = (f"{'run':<14}{'articles':>8}{'wall s':>9}{'cpu s':>9}{'articles/s':>12}"
          f"{'art/cpu-s':>13}{'peak MB':>10}{'speed-up':>9}")


def bench_jobs(args: argparse.Namespace, work: Path) -> None:
    path = work / "subset.jsonl"
    n = write_subset(args.corpus, args.start, args.count, path)
    print(f"{args.via} on ANT lines {args.start + 1}-{args.start + n}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(HEADER)
    base = None
    for jobs in args.jobs:
        m = measure(command(args.via, path, jobs, work))
        print(row(f"--jobs {jobs}", n, m, base), flush=True)
        base = base or n / m["wall"]


def bench_sizes(args: argparse.Namespace, work: Path) -> None:
    print(f"{args.via} --jobs {args.jobs[0]} on the first N ANT articles; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(HEADER.replace("speed-up", "ms/art"))
    for size in args.sizes:
        path = work / f"first{size}.jsonl"
        n = write_subset(args.corpus, 0, size, path)
        m = measure(command(args.via, path, args.jobs[0], work))
        print(row(f"N={size}", n, m).rstrip() + f"{1000 * m['cpu'] / n:9.2f}", flush=True)


def bench_startup(args: argparse.Namespace, work: Path) -> None:
    seed = REPO / "examples" / "aawsat-soleimani-2017.txt"
    cases = {
        "import marsad": [sys.executable, "-c", "import marsad"],
        "marsad --version": [str(BIN / "marsad"), "--version"],
        "build Pipeline": [sys.executable, "-c",
                           "import marsad; marsad.Pipeline(marsad.Settings())"],
        "analyze seed": [str(BIN / "marsad"), "analyze", str(seed)],
    }
    print(f"median of {args.repeat} fresh processes; load average {os.getloadavg()[0]:.2f}")
    print(f"{'what':<18}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}")
    for name, cmd in cases.items():
        ms = [measure(cmd) for _ in range(args.repeat)]
        print(f"{name:<18}{statistics.median(m['wall'] for m in ms):9.2f}"
              f"{statistics.median(m['cpu'] for m in ms):9.2f}"
              f"{statistics.median(m['peak_rss_mb'] for m in ms):9.0f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("jobs", "sizes", "startup"))
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--start", type=int, default=1000)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--jobs", type=int, nargs="+", default=None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000])
    ap.add_argument("--via", choices=("analyze", "run"), default="analyze")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    args.jobs = args.jobs or ([1, 2] if args.what == "jobs" else [1])
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as tmp:
        {"jobs": bench_jobs, "sizes": bench_sizes, "startup": bench_startup}[args.what](
            args, Path(tmp))
    print(f"(bench took {time.perf_counter() - t:.0f} s; "
          f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
