"""Ingest: files -> read -> clean -> structure -> chunk -> embed -> Chroma + catalog + BM25.

The public entry: ``ingest`` takes the store's lock and runs the stages of ingest/stages.py
over one run's state (ingest/run.py); ``ensure_ingested`` builds a fresh checkout's store.
The names other packages use are importable from here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ingest import stages
from ingest.discover import discover, source_of
from ingest.plan import PIPELINE_VERSION, start
from ingest.report import FileResult, IngestReport, report_json, summary_line
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.retrieve.embeddings import as_embedder
from kb.store.catalog import StoreError
from kb.store.store import Store, wipe
from kb.store.vectors import VectorIndex

__all__ = [
    "PIPELINE_VERSION",
    "FileResult",
    "IngestReport",
    "discover",
    "ensure_ingested",
    "ingest",
    "report_json",
    "source_of",
    "summary_line",
]


def ingest(
    paths: Iterable[Path | str] | None,
    settings: Settings,
    *,
    embedder: Any = None,
    vectors: VectorIndex | None = None,
    rebuild: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest files and folders (default: settings.corpus_dir). Unchanged files are skipped,
    changed ones replaced, and documents whose file vanished from a scanned folder removed.
    ``on_page(file name, page, pages)`` reports OCR progress page by page. ``embedder``: any
    ``kb.core.protocols.Embedder`` (or llama-index ``BaseEmbedding``) instead of the one
    settings name; ``vectors``: a vector index instead of Chroma (see ``kb.store.vectors``)."""
    # Backends handed in are checked before anything is written (or wiped).
    embedder = as_embedder(embedder) if embedder is not None else None
    if vectors is not None and not isinstance(vectors, VectorIndex):
        raise StoreError(
            f"{type(vectors).__name__} is not a vector index: it needs upsert, delete, ids, "
            "count and query (kb.store.vectors.VectorIndex)"
        )
    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.home / "ingest.lock"))
    try:
        lock.acquire(timeout=float(os.environ.get("KB_LOCK_TIMEOUT", "600")))
    except Timeout as e:
        raise StoreError(
            f"another ingest holds {settings.home / 'ingest.lock'}; try again later"
        ) from e
    try:
        if rebuild:
            wipe(settings, vectors)
        paths = [Path(p) for p in (paths or [settings.corpus_dir])]
        return _ingest_locked(paths, Store(settings, vectors), embedder, on_file, on_page)
    finally:
        lock.release()


def _ingest_locked(
    paths: list[Path],
    store: Store,
    embedder: Embedder | None,
    on_file: Callable[[FileResult], None] | None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    run = start(paths, store, embedder, on_file, on_page)
    stages.read_files(run)
    stages.add_terms(run)
    stages.embed_and_write(run)
    stages.remove_vanished(run)
    stages.remove_orphans(run)
    stages.refresh_records(run)
    stages.rebuild_index(run)
    return stages.finish(run)


def ensure_ingested(settings: Settings, quiet: bool = False) -> None:
    """Build the store from the corpus on a fresh checkout."""
    if not Store(settings).is_empty():
        return
    if not quiet:
        print(f"首次使用：正在导入 {settings.corpus_dir}/ …", file=sys.stderr)
    report = ingest(None, settings)
    for f in report.failed:
        print(summary_line(f), file=sys.stderr)
