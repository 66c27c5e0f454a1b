"""Server mode: a real `chroma run` on a loopback port; ingest through it, query from another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from embedders import HASH

from ingest.pipeline import ingest
from kb.store.store import Store
from tests.conftest import free_port, wait_until_serving


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [
            str(exe),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(proc, f"{url}/api/v2/heartbeat", 60, "chroma run")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_through_server_and_query_from_another_process(hash_settings, chroma_server):
    s = hash_settings.model_copy(update={"chroma_url": chroma_server})
    report = ingest(None, s)
    assert report.count("added") == 5
    store = Store(s)
    assert store.vectors.ids() == store.catalog.chunk_ids()
    assert not (s.home / "chroma").exists()  # nothing embedded on disk in server mode

    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_HOME=str(s.home), KB_CORPUS_DIR=str(s.corpus_dir), KB_PROJECT_ROOT=str(s.project_root),
        KB_EMBED_MODEL=HASH, KB_CHROMA_URL=chroma_server, KB_PROGRESS="false",
    )  # fmt: skip
    kb = Path(sys.executable).parent / "kb"
    out = subprocess.run(
        [str(kb), "ask", "2018年签署了哪些协议？", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "answered"
    assert "长三角地区加快构建区域创新共同体战略合作协议" in result["answer"]


def test_unreachable_server_is_a_clear_error(hash_settings):
    from kb.store.catalog import StoreError

    s = hash_settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(StoreError, match="cannot open Chroma at http://127.0.0.1"):
        Store(s).vectors.count()
