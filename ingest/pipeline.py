"""Ingest: files -> read -> clean -> structure -> chunk -> embed -> Chroma + catalog + BM25.

The public entry: ``ingest`` takes the store's lock and runs the stages of ingest/stages.py
over one run's state (ingest/run.py); ``ensure_ingested`` builds a fresh checkout's store.
The names other packages use are importable from here.
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ingest import stages
from ingest.discover import discover, printable, source_of
from ingest.plan import PIPELINE_VERSION, start
from ingest.refresh import refresh_descriptions
from ingest.report import FileResult, IngestReport, extra_lines, report_json, summary_line
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.retrieve.embeddings import as_embedder
from kb.store.catalog import StoreError
from kb.store.db import ingest_lock
from kb.store.store import Store, wipe
from kb.store.vectors import VectorIndex

__all__ = [
    "PIPELINE_VERSION",
    "FileResult",
    "IngestReport",
    "discover",
    "extra_lines",
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
    on_stored: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest files and folders (default: the corpus folder and KB_HOME/uploads). Unchanged
    files are skipped, changed ones replaced, and documents whose file vanished from a scanned
    folder removed.
    ``on_page(file name, page, pages)`` reports OCR progress page by page; ``on_stored(source)``
    each document stored and searchable by its words, before it is embedded (``on_file`` then
    reports it done). ``embedder``: any
    ``kb.core.protocols.Embedder`` (or llama-index ``BaseEmbedding``) instead of the one
    settings name; ``vectors``: a vector index instead of Chroma (see ``kb.store.vectors``)."""
    # Backends handed in are checked before anything is written (or wiped).
    embedder = as_embedder(embedder) if embedder is not None else None
    if vectors is not None and not isinstance(vectors, VectorIndex):
        raise StoreError(
            f"{type(vectors).__name__} is not a vector index: it needs upsert, delete, ids, "
            "count and query (kb.store.vectors.VectorIndex)"
        )
    with ingest_lock(settings):
        paths = [Path(p) for p in (paths or default_paths(settings))]
        store = Store(settings, vectors)
        _mark_started(store, paths)
        if rebuild:
            wipe(settings, vectors)
            _mark_started(store, paths)  # the wipe cleared the marks
        report = _ingest_locked(paths, store, embedder, on_file, on_page, on_stored)
        store.catalog.set_meta(**{_COMPLETE: time.strftime("%Y-%m-%dT%H:%M:%S"), _STARTED: ""})
        return report


def default_paths(settings: Settings) -> list[Path]:
    """What `kb ingest` reads when given nothing: the corpus folder, and the files uploaded
    into this store (so `kb ingest --rebuild` keeps them)."""
    up = settings.uploads_dir
    return [settings.corpus_dir, *([up] if up.is_dir() else [])]


# Catalog marks of the store's first ingest: started (the paths, until it ends) and complete.
# A first ingest that never ended (killed) leaves a store that looks built but is not.
_STARTED, _COMPLETE = "first_ingest_started", "first_ingest_complete"


def _mark_started(store: Store, paths: list[Path]) -> None:
    if not store.catalog.get_meta(_COMPLETE):
        names = [printable(str(p.resolve())) for p in paths]
        store.catalog.set_meta(**{_STARTED: json.dumps(names, ensure_ascii=False)})


def _ingest_locked(
    paths: list[Path],
    store: Store,
    embedder: Embedder | None,
    on_file: Callable[[FileResult], None] | None,
    on_page: Callable[[str, int, int], None] | None = None,
    on_stored: Callable[[str], None] | None = None,
) -> IngestReport:
    run = start(paths, store, embedder, on_file, on_page)
    run.on_stored = on_stored
    stages.records_current_if_empty(run)
    stages.read_files(run)
    refresh_descriptions(run)
    stages.add_terms(run)
    stages.store_read(run)
    stages.embed_and_write(run)
    stages.remove_vanished(run)
    stages.remove_orphans(run)
    stages.refresh_records(run)
    stages.rebuild_index(run)
    return stages.finish(run)


def ensure_ingested(settings: Settings, quiet: bool = False) -> None:
    """Build the store from the corpus on a fresh checkout (a store nothing was ever
    ingested into), saying so unless ``quiet``. A store whose first ingest started but never
    finished is not filled from the corpus behind the user's back: StoreError says which
    ingest to run again."""
    store = Store(settings)
    if store.catalog.get_meta(_STARTED):
        with ingest_lock(settings):  # the first ingest may still be running: wait for it
            started = store.catalog.get_meta(_STARTED)
        if started:
            names = json.loads(started)
            shown = " ".join(map(shlex.quote, names[:5])) + (" …" if len(names) > 5 else "")
            raise StoreError(
                f"{settings.home} 中的知识库不完整：首次导入（{shown}）中途被打断；"
                f"请运行 `kb ingest {shown}` 把它完成"
            )
    if store.catalog.get_meta(_COMPLETE) or not store.is_empty():
        return
    if not quiet:
        print(
            f"首次使用：{settings.home} 中还没有知识库，正在导入 {settings.corpus_dir.resolve()}/ …"
            "（以后用 `kb ingest` 更新）",
            file=sys.stderr,
        )
    report = ingest(None, settings)
    for f in report.failed:
        print(summary_line(f), file=sys.stderr)
