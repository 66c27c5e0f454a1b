"""Shared fixtures: the real corpus ingested once per session with the real model, and fast
isolated stores (hash embedder) for tests that do not judge retrieval quality."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from embedders import HASH

from kb.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# Processes the tests start load the test embedder (tests/embedders.py) by its module name.
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH")])
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    """No test reads the developer's KB_* settings or writes to ./.kb."""
    for key in list(os.environ):
        if key.startswith("KB_"):
            monkeypatch.delenv(key)


def free_port() -> int:
    """A loopback port nobody listens on (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc: subprocess.Popen, url: str, timeout: float, name: str) -> None:
    """Poll url until the server answers; fail the test if it exits or never does."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{name} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"{name} did not start within {timeout:.0f} s")


@contextlib.contextmanager
def serving(cmd: list[str], env: dict, health: str, log_path: Path, name: str, timeout=90):
    """Run a server command until the block ends; yields once ``health`` answers."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(proc, health, timeout, name)
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def make_settings(home: Path, **kw) -> Settings:
    kw.setdefault("corpus_dir", CORPUS)
    kw.setdefault("project_root", ROOT)
    return Settings(home=home, progress=False, **kw)


def settings_env(monkeypatch, settings: Settings) -> None:
    """Point the CLI/app (which read settings from the environment) at a test store."""
    monkeypatch.setenv("KB_HOME", str(settings.home))
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_PROJECT_ROOT", str(settings.project_root))
    monkeypatch.setenv("KB_EMBED_MODEL", settings.embed_model)
    monkeypatch.setenv("KB_PROGRESS", "false")


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    """The real corpus, ingested once with the bundled e5 model."""
    from ingest.pipeline import ingest

    s = make_settings(tmp_path_factory.mktemp("kb-e5"))
    report = ingest(None, s)
    assert not report.failed, report.failed
    assert report.documents == 5
    return s


@pytest.fixture(scope="session")
def corpus_kb(corpus_settings):
    from kb.knowledge import KnowledgeBase

    return KnowledgeBase.open(corpus_settings)


@pytest.fixture
def hash_settings(tmp_path) -> Settings:
    """A private store with the fast deterministic embedder and its own copy of the corpus."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return make_settings(
        tmp_path / "kb", corpus_dir=corpus, project_root=tmp_path, embed_model=HASH
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Fixtures may ask how the test went (the browser saves what it saw when it failed).
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
