"""Load test of ``marsad serve`` on loopback: concurrent clients against ``POST
/api/analyze`` (real ANT articles) and ``GET /api/events`` (filters and pages), bounded in
requests and in time. Prints requests/s, p50/p99 latency and errors per endpoint, and the
server's resident memory after warm-up and after each round (every round sends the same
requests: memory that keeps growing round after round would be a leak; the first rounds
fill caches and the allocator's per-thread arenas).

    python bench/load_server.py [--db FILE] [--clients 8] [--requests 200] [--rounds 4]
                                [--seconds 60] [--json]

Without ``--db`` it ingests the first 100 articles of the bundled sample into a temporary
store first. The server runs as a child process on 127.0.0.1 only and is stopped at the
end; nothing is sent anywhere else."""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample" / "ant-v2.1-sample-500.jsonl.gz"
HOST = "127.0.0.1"  # loopback only, by design


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def sample_records(n: int) -> list[dict[str, Any]]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in itertools.islice(fh, n)]


def build_db(target: Path, n: int) -> None:
    path = target.parent / "sample.jsonl"
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        path.write_text("".join(itertools.islice(fh, n)), "utf-8")
    subprocess.run([sys.executable, "-m", "marsad.cli", "ingest", str(path), "--db",
                    str(target), "--quiet"], check=True)


class Phase:
    """Requests of one kind, sent by ``clients`` threads until ``count`` are done or the
    deadline passes."""

    def __init__(self, name: str, make: Any, count: int, deadline: float) -> None:
        self.name, self.make, self.count, self.deadline = name, make, count, deadline
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self._next = itertools.count()
        self._lock = threading.Lock()

    def worker(self, base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.monotonic() < self.deadline:
                i = next(self._next)
                if i >= self.count:
                    return
                method, url, kw = self.make(i)
                t0 = time.perf_counter()
                try:
                    r = client.request(method, url, **kw)
                    ok = r.status_code == 200
                    detail = f"{r.status_code} {r.text[:120]}"
                except httpx.HTTPError as err:
                    ok, detail = False, f"{type(err).__name__}: {err}"
                dt = time.perf_counter() - t0
                with self._lock:
                    self.latencies.append(dt)
                    if not ok:
                        self.errors.append(detail)

    def run(self, base: str, clients: int) -> dict[str, Any]:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            for f in [pool.submit(self.worker, base) for _ in range(clients)]:
                f.result()
        wall = time.perf_counter() - t0
        lat = sorted(self.latencies)
        n = len(lat)
        return {"endpoint": self.name, "requests": n, "errors": len(self.errors),
                "seconds": round(wall, 2), "rps": round(n / wall, 1) if wall else 0.0,
                "p50_ms": round(1000 * statistics.median(lat), 1) if lat else None,
                "p99_ms": round(1000 * lat[min(n - 1, int(0.99 * n))], 1) if lat else None,
                "first_errors": self.errors[:3]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a store (default: 100 sample articles)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200,
                    help="requests per endpoint and per round (default 200)")
    ap.add_argument("--rounds", type=int, default=4, help="rounds (default 4)")
    ap.add_argument("--seconds", type=float, default=60,
                    help="time limit for each endpoint and round (default 60)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="marsad-load-")
    db = args.db or Path(tmp.name) / "load.db"
    if args.db is None:
        build_db(db, 100)
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen([sys.executable, "-m", "marsad.cli", "serve", "--db", str(db),
                               "--host", HOST, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "MARSAD_TOKEN": ""})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            print("the server did not start", file=sys.stderr)
            return 1
        records = sample_records(200)
        texts = [(r.get("title") or "") + "\n" + r["text"] for r in records]

        def analyze(i: int) -> tuple[str, str, dict[str, Any]]:
            return ("POST", "/api/analyze",
                    {"content": texts[i % len(texts)].encode(),
                     "headers": {"content-type": "text/plain; charset=utf-8"}})

        filters: list[dict[str, Any]] = [{}, {"quad_class": 4}, {"quad_class": 1},
                                         {"cameo": "04"}, {"limit": 200}, {"actor": "IRN"},
                                         {"from": "2018-01-01", "to": "2018-12-31"}]

        def events(i: int) -> tuple[str, str, dict[str, Any]]:
            return ("GET", "/api/events", {"params": filters[i % len(filters)]})

        # warm-up: models loaded, caches filled
        with httpx.Client(base_url=base, timeout=120) as warm:
            for i in range(5):
                for make in (analyze, events):
                    method, url, kw = make(i)
                    warm.request(method, url, **kw).raise_for_status()
        rss = {"after_warmup_mb": round(rss_mb(server.pid), 1)}
        results = []
        for half in range(1, args.rounds + 1):
            for name, make in (("POST /api/analyze", analyze), ("GET /api/events", events)):
                phase = Phase(name, make, args.requests,
                              time.monotonic() + args.seconds)
                res = phase.run(base, args.clients)
                res["round"] = half
                results.append(res)
            rss[f"after_round_{half}_mb"] = round(rss_mb(server.pid), 1)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        tmp.cleanup()
    report = {"clients": args.clients, "results": results, "server_rss": rss,
              "cpus": os.cpu_count()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"{args.clients} clients on {HOST}, {os.cpu_count()} CPUs")
        print(f"{'endpoint':<20} {'round':<7} {'requests':>8} {'errors':>6} {'req/s':>7} "
              f"{'p50 ms':>8} {'p99 ms':>8}")
        for r in results:
            print(f"{r['endpoint']:<20} {r['round']:<7} {r['requests']:>8} {r['errors']:>6} "
                  f"{r['rps']:>7} {r['p50_ms']:>8} {r['p99_ms']:>8}")
            for e in r["first_errors"]:
                print(f"    error: {e}")
        print("server RSS (MB): " + ", ".join(f"{k} {v}" for k, v in rss.items()))
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
