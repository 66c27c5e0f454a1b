"""`make cluster` for real: deploy/cluster.py starts PostgreSQL, two API replicas, the app and
two workers, the corpus is ingested through the queue, both replicas answer alike, and
everything stops cleanly (ports free, PostgreSQL down). Hash embedder: the processes and their
agreement are judged here, not ranking."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from embedders import HASH

from tests.conftest import ROOT, free_port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_the_local_cluster_starts_ingests_answers_and_stops(tmp_path):
    ports = [free_port(), free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env |= {"KB_EMBED_MODEL": HASH, "KB_PROGRESS": "false"}
    r = subprocess.run(
        [sys.executable, "deploy/cluster.py", "--dir", str(tmp_path / "c"), "--check",
         "--api-ports", f"{ports[0]},{ports[1]}", "--app-port", str(ports[2])],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    assert '"replicas_agree": true' in r.stdout and '"done": 5' in r.stdout
    assert "应用：http://127.0.0.1" in r.stdout
    assert not any(_listening(p) for p in ports)  # every process stopped
    assert not (tmp_path / "c" / "pg" / "postmaster.pid").exists()  # and PostgreSQL
    logs = {p.name: p.read_text() for p in (tmp_path / "c" / "logs").iterdir()}
    assert sum("新增" in text for name, text in logs.items() if name.startswith("worker")) >= 1
