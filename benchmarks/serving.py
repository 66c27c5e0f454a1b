"""What the CLI and API benchmarks share: a copy of an ingested store (so that their questions
do not fill the real store's audit trail), `kb` as a fresh process, and `kb serve` on a
loopback port."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kb_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment `kb` runs in: this checkout's code, the given store, no progress bars.
    Bytecode is written as a normal install does (a PYTHONDONTWRITEBYTECODE shell would
    otherwise make every run compile the kb modules again)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env | {"KB_HOME": str(home), "KB_PROGRESS": "false"} | extra


def kb(*args: str) -> list[str]:
    """The command line of `kb ARGS` (the console script runs the same ``kb.cli:main``)."""
    return [sys.executable, "-m", "kb.cli", *args]


@contextlib.contextmanager
def store_copy(home: Path) -> Iterator[Path]:
    """A temporary copy of the store at ``home``, ingested first if it is empty."""
    if not (home / "catalog.sqlite").exists():
        print(f"ingesting the corpus into {home} first …", file=sys.stderr)
        subprocess.run(kb("ingest"), cwd=ROOT, env=kb_env(home), check=True)
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        shutil.copytree(home, tmp / "kb", ignore=shutil.ignore_patterns("*.lock", "eval-corpora"))
        yield tmp / "kb"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def kb_serve(home: Path, log: Path, timeout: float = 120) -> Iterator[str]:
    """`kb serve` on a free loopback port until the block ends; yields its URL once healthy."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            kb("serve", "--port", str(port)),
            cwd=ROOT,
            env=kb_env(home),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.time() + timeout
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"kb serve exited with {proc.returncode}; see {log}")
                try:
                    urllib.request.urlopen(f"{url}/v1/health", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit(f"kb serve did not start in {timeout:.0f} s") from None
                    time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"
