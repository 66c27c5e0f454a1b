"""Several machines on one PostgreSQL: `kb ingest --queue-only` queues the corpus, two
`kb worker` processes ingest it while a third is SIGKILLed in the middle of a document, and
two `kb serve` replicas, each with a KB_HOME of its own (nothing shared on disk), answer
every question alike; users, tokens, revocations and the invalid-token limit hold across
replicas. Real processes, a real PostgreSQL on loopback; the hash embedder (what is judged
is that the replicas agree, not ranking quality)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from embedders import HASH

from tests.conftest import CORPUS, ROOT, free_port, serving

KB = [sys.executable, "-m", "kb.cli"]


def _env(home: Path, url: str, corpus: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    return env | {
        "KB_HOME": str(home), "KB_DATABASE_URL": url, "KB_CORPUS_DIR": str(corpus),
        "KB_PROJECT_ROOT": str(corpus.parent), "KB_EMBED_MODEL": HASH, "KB_PROGRESS": "false",
        "KB_AUTH__INVALID_TOKENS_PER_MINUTE": "10",
    }  # fmt: skip


def _kb(env: dict, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [*KB, *args], env=env, cwd=ROOT, capture_output=True, text=True, input=input, timeout=300
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r


def _post(url: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def _status(env: dict) -> dict:
    return json.loads(_kb(env, "ingest", "--status", "--json").stdout)


@pytest.fixture
def corpus(tmp_path) -> Path:
    """The corpus and a second copy of it under other names: 10 jobs."""
    root = tmp_path / "project" / "corpus"
    shutil.copytree(CORPUS, root)
    for p in sorted(CORPUS.glob("*")):
        if p.is_file() and p.suffix != ".yaml":
            shutil.copy(p, root / f"copy-{p.name}")
    return root


def test_workers_and_replicas_share_one_postgresql(tmp_path, pg_url, corpus):
    a = _env(tmp_path / "machine-a", pg_url, corpus)
    b = _env(tmp_path / "machine-b", pg_url, corpus)
    queued = json.loads(_kb(a, "ingest", "--queue-only", "--json").stdout)
    n = queued["queued"]
    assert n == len([p for p in corpus.iterdir() if p.suffix != ".yaml"]) >= 10
    assert _status(a)["counts"]["queued"] == n

    # One worker dies (SIGKILL) after writing a document's vectors, before finishing it.
    crash = subprocess.run(
        [*KB, "worker", "--lease", "5"],
        env=a | {"KB_CRASH_AT": "vectors"}, cwd=ROOT, capture_output=True, timeout=300,
    )  # fmt: skip
    assert crash.returncode == -9
    st = _status(a)
    assert st["counts"]["running"] == 1 and st["counts"]["done"] == 0
    workers = [
        subprocess.Popen([*KB, "worker", "--lease", "5"], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for env in (a, b)
    ]  # fmt: skip
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            counts = _status(a)["counts"]
            if counts["done"] + counts["failed"] == n and not counts["running"]:
                break
            time.sleep(1)
        assert counts == {"queued": 0, "running": 0, "done": n, "failed": 0}, counts
    finally:
        for w in workers:
            w.terminate()
        logs = [w.communicate(timeout=30)[1] for w in workers]
    assert all("新增" in log for log in logs), logs  # both took part
    recent = _status(a)["recent"]
    assert max(j["attempts"] for j in recent) == 2  # the killed job, taken again
    # Nothing half-written: the store is consistent and holds every document once.
    doctor = json.loads(_kb(b, "doctor", "--json").stdout)
    assert doctor["ok"], doctor
    docs = json.loads(_kb(b, "docs", "list", "--json").stdout)
    assert len(docs) == n

    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    questions = [
        q["question"] for q in yaml.safe_load((ROOT / "evals/datasets/yrd.yaml").read_text())
    ]
    with (
        serving([*KB, "serve", "--port", str(ports[0])], a, f"{urls[0]}/v1/health",
                tmp_path / "serve-a.log", "replica a"),
        serving([*KB, "serve", "--port", str(ports[1])], b, f"{urls[1]}/v1/health",
                tmp_path / "serve-b.log", "replica b"),
    ):  # fmt: skip
        for q in questions[:30]:
            got = []
            for url in urls:
                code, body = _post(f"{url}/v1/ask", {"question": q})
                assert code == 200, body
                body.pop("timings_ms", None)
                got.append(body)
            assert got[0] == got[1], q

        # A user made on machine a, a token issued on machine b: both replicas accept it.
        _kb(a, "users", "add", "wang", "--groups", "office", "--password-stdin",
            input="correct horse battery\n")  # fmt: skip
        token = _kb(b, "users", "token", "wang").stdout.strip().split()[-1]
        for url in urls:
            code, _ = _post(f"{url}/v1/ask", {"question": questions[0]}, token)
            assert code == 200
        # Revoked on machine a: refused by both replicas at once.
        _kb(a, "users", "token", "wang", "--revoke")
        for url in urls:
            code, body = _post(f"{url}/v1/ask", {"question": questions[0]}, token)
            assert code == 401, body
        # Invalid tokens count across replicas: the limit (KB_AUTH__INVALID_TOKENS_PER_MINUTE,
        # 10 here) is reached on the sum of both: the two revoked-token calls above and 8 more,
        # alternating between replicas (each alone would have allowed 10).
        codes = [
            _post(f"{urls[i % 2]}/v1/ask", {"question": "x"}, f"kb_wrong{i}")[0] for i in range(12)
        ]
        assert codes == [401] * 8 + [429] * 4, codes
