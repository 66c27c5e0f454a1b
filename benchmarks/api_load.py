"""API load (issue 14): `kb serve` under concurrent clients asking the eval questions.

    .venv/bin/python benchmarks/api_load.py [--clients 16] [--seconds 60] [--home .kb]

Starts `kb serve` on a loopback port over a copy of --home (ingested first if empty), then
--clients threads each keep one connection and POST /v1/ask back to back for --seconds, with
the questions of evals/datasets/yrd.yaml in a different order per client. Prints requests/s,
latency p50/p95/p99 and errors; exits 1 on any error. The clients run on the same cores as
the server (2 here), so the figures are a floor for a server with the machine to itself.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import kb_serve, load_average, store_copy  # noqa: E402
from evals.dataset import load_dataset  # noqa: E402


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: collections.Counter[str] = collections.Counter()
        self.statuses: collections.Counter[str] = collections.Counter()

    def add(self, took: float, error: str | None, status: str | None) -> None:
        with self.lock:
            if error:
                self.errors[error] += 1
            else:
                self.latencies.append(took)
                self.statuses[status or "?"] += 1


def client(url: str, questions: list[str], until: float, seed: int, tally: Tally) -> None:
    order = questions[:]
    random.Random(seed).shuffle(order)
    with httpx.Client(base_url=url, timeout=120) as http:
        i = 0
        while time.perf_counter() < until:
            q = order[i % len(order)]
            i += 1
            t = time.perf_counter()
            try:
                r = http.post("/v1/ask", json={"question": q})
                took = time.perf_counter() - t
                if r.status_code != 200:
                    tally.add(took, f"HTTP {r.status_code}", None)
                    continue
                d = r.json()
                ok = d.get("answer") and d.get("status") in ("answered", "not_found")
                tally.add(took, None if ok else "malformed answer", d.get("status"))
            except (httpx.HTTPError, ValueError) as e:
                tally.add(time.perf_counter() - t, type(e).__name__, None)


def run_clients(
    urls: list[str], questions: list[str], clients: int, seconds: float, tally: Tally
) -> float:
    """``clients`` threads asking for ``seconds``, spread over ``urls``; the time it took."""
    start = time.perf_counter()
    until = start + seconds
    threads = [
        threading.Thread(target=client, args=(urls[i % len(urls)], questions, until, i, tally))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--home", type=Path, default=ROOT / ".kb", help="an ingested KB_HOME")
    ap.add_argument("--dataset", type=Path, default=ROOT / "evals" / "datasets" / "yrd.yaml")
    args = ap.parse_args()
    questions = [it.question for it in load_dataset(args.dataset)]
    print(f"load average before: {load_average()}")
    tally = Tally()
    with store_copy(args.home) as home:
        log = Path(tempfile.mkdtemp(prefix="kb-bench-log-")) / "serve.log"
        with kb_serve(home, log) as url:
            for q in questions[:5]:  # warm-up, not counted
                httpx.post(f"{url}/v1/ask", json={"question": q}, timeout=120).raise_for_status()
            elapsed = run_clients([url], questions, args.clients, args.seconds, tally)
    print(f"load average after:  {load_average()}")
    n, errors = len(tally.latencies), sum(tally.errors.values())
    lat = [x * 1000 for x in tally.latencies] or [0.0]
    print(
        f"\n{args.clients} clients for {elapsed:.1f} s, {len(questions)} questions "
        f"({args.dataset.name}) asked in turn"
    )
    print(f"requests:   {n + errors} ({dict(tally.statuses)})")
    print(f"throughput: {n / elapsed:.1f} requests/s")
    print(
        f"latency:    p50 {pct(lat, 50):.0f} ms   p95 {pct(lat, 95):.0f} ms   "
        f"p99 {pct(lat, 99):.0f} ms   mean {statistics.mean(lat):.0f} ms   max {max(lat):.0f} ms"
    )
    print(f"errors:     {errors}" + (f" {dict(tally.errors)}" if errors else ""))
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
