"""How soon a folder of real documents can be searched (run by hand, not in CI).

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/searchable.py [DIR] [--embed-for SECONDS]

Runs `kb ingest DIR` (default: ../shared/datasets/policy-corpus/docs) into a fresh store as a
user would and watches its catalog every half second: seconds until the first document, and
until every read document, is stored and findable by its words (ingest's first phase); then
chunks embedded per second over ``--embed-for`` seconds after the first document is embedded
(0: stop then; -1: let it finish and report the full ingest time), and peak memory.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "datasets" / "policy-corpus" / "docs"
POLL_S = 0.5


def _rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (OCR workers), from /proc."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _counts(db: Path) -> tuple[int, int, int, int]:
    """(documents, of them embedded, chunks, chunks of embedded documents) in the catalog."""
    if not db.exists():
        return 0, 0, 0, 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        docs = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(sha256 NOT LIKE 'pending:%'), 0), "
            "COALESCE(SUM(n_chunks), 0), "
            "COALESCE(SUM(CASE WHEN sha256 NOT LIKE 'pending:%' THEN n_chunks END), 0) "
            "FROM documents"
        ).fetchone()
        con.close()
        return tuple(int(x) for x in docs)
    except sqlite3.Error:  # being created, or locked for a moment
        return 0, 0, 0, 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--embed-for", type=float, default=120.0)
    args = ap.parse_args()
    if not args.folder.is_dir():
        sys.exit(f"{args.folder}: no such folder (the policy corpus lives in ../shared)")
    n_files = sum(1 for p in args.folder.rglob("*") if p.is_file() and p.name != "manifest.yaml")
    home = Path(tempfile.mkdtemp(prefix="kb-searchable-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_HOME=str(home), KB_PROGRESS="false", KB_PROJECT_ROOT=str(ROOT))
    kb = Path(sys.executable).parent / "kb"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(kb), "ingest", str(args.folder)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    db = home / "catalog.sqlite"
    first = all_read = None
    peak = 0.0
    read_docs = 0  # stored before the first was embedded: every document read
    embed_start: tuple[float, int] | None = None
    last = (0, 0, 0, 0)
    while proc.poll() is None:
        time.sleep(POLL_S)
        now = time.perf_counter() - started
        peak = max(peak, _rss_mb(proc.pid))
        last = _counts(db)
        docs, embedded, chunks, embedded_chunks = last
        if docs and first is None:
            first = now
        if docs > read_docs and not embedded:
            all_read, read_docs = now, docs  # the last document stored so far
        if docs and embedded and embed_start is None:
            # the first document finished: every read document was stored before it
            embed_start = (now, embedded_chunks)
        if embed_start and args.embed_for >= 0 and now - embed_start[0] >= args.embed_for:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
            break
    total = time.perf_counter() - started
    docs, embedded, chunks, embedded_chunks = _counts(db)
    print(f"folder: {args.folder} ({n_files} files)")
    print(f"first document findable by its words: {first or float('nan'):.1f} s")
    print(
        f"all {read_docs} read documents findable by their words: {all_read or float('nan'):.1f} s"
    )
    if embed_start and all_read:
        # counted from the end of the first phase: documents finish whole, often 1000 chunks
        span = total - all_read
        rate = embedded_chunks / span if span > 0 else float("nan")
        print(f"first document embedded: {embed_start[0]:.1f} s")
        print(
            f"embedding: {embedded_chunks} of {chunks} chunks, {rate:.1f} chunks/s over {span:.0f} s"
        )
    if proc.returncode == 0:
        print(f"full ingest: {total:.1f} s, {docs} documents embedded: {embedded}")
    print(f"peak memory: {peak:.0f} MB; store: {home}")
    err = (proc.stderr.read() if proc.stderr else "").strip().splitlines()
    failed = [line for line in err if "failed" in line or "失败" in line]
    if failed:
        print(f"{len(failed)} files refused, e.g. {failed[0][:160]}")


if __name__ == "__main__":
    main()
