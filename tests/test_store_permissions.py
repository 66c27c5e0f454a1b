"""The store is its owner's alone: the catalog holds password and token hashes and the
audit trail's questions, so nobody else on the machine may read it, whatever the umask."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from kb.knowledge import KnowledgeBase
from tests.test_access import build


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@contextlib.contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def assert_private(kb: KnowledgeBase) -> None:
    s = kb.settings
    assert mode(s.home) == 0o700
    for folder in (s.chroma_path, s.bm25_path):
        assert mode(folder) == 0o700, folder
    with kb.store.catalog.connect() as con:  # a write, so the -wal and -shm files exist
        con.execute("INSERT OR REPLACE INTO meta VALUES ('probe', '1')")
        files = {p.name: mode(p) for p in s.home.glob("catalog.sqlite*")}
    assert {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"} <= set(files)
    assert set(files.values()) == {0o600}, files


def test_a_new_store_is_private_even_under_a_permissive_umask(tmp_path):
    with umask(0o000):  # everything else the process makes would be world-writable
        s = build(tmp_path)
        catalog = s.catalog_path
        assert mode(s.home) == 0o700 and mode(catalog) == 0o600  # as ingest left them
        assert_private(KnowledgeBase.open(s))


def test_an_existing_store_is_tightened_when_opened(tmp_path):
    s = build(tmp_path)
    for p in (s.home, s.chroma_path, s.bm25_path):
        p.chmod(0o755)
    s.catalog_path.chmod(0o644)
    assert mode(s.catalog_path) == 0o644  # as a store written by an older version was
    assert_private(KnowledgeBase.open(s))
