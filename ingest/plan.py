"""The start of an ingest run: what to read, which manifest entries apply, whose access the
manifest sets, and whether a file changed since it was last ingested."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ingest.discover import discover, source_of, source_of_link
from ingest.limits import ReadLimits, update_with_file
from ingest.metadata import ManifestEntry, load_manifest
from ingest.report import FileResult, IngestReport, Timer
from ingest.run import IngestRun
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.store.store import Store

# Bump when reading/cleaning/chunking changes output, so unchanged files are re-chunked.
PIPELINE_VERSION = "10"  # 4: OCR, 公文 parts, web clippings, Word lists/footnotes; 5: layout tables; 6: numbered items are units, portal labels; 7: lines standing alone that fill a chunk are kept; 8: contact lines are units; 9: traditional characters read as simplified; 10: a 令 named in the 题注, table cells of one paragraph


def start(
    paths: list[Path],
    store: Store,
    embedder: Embedder | None,
    on_file: Callable[[FileResult], None] | None,
    on_page: Callable[[str, int, int], None] | None,
) -> IngestRun:
    report = IngestReport()
    timer = Timer(report)
    settings = store.settings
    files, roots, skipped = discover(paths)
    known = store.catalog.hashes()
    run = IngestRun(
        settings=settings,
        store=store,
        embedder=embedder,
        on_file=on_file,
        on_page=on_page,
        report=report,
        timer=timer,
        files=files,
        roots=roots,
        known=known,
        taken={doc_id for doc_id, _ in known.values()},
    )
    for root in {*(r for r in roots), *(f.parent for f in files)}:
        run.manifests.update(load_manifest(root / "manifest.yaml"))
    for path, why in skipped:
        run.done(FileResult(source_of_link(path, settings), "skipped", reason=why))
    # Access first, keyed by source: a restricted document is never readable by all, not
    # even between its catalog write and a later step.
    run.access = store.catalog.access_all()
    for path in files:
        entry = run.manifests.get(str(path.resolve()))
        _apply_manifest_access(store, source_of(path, settings), entry, run.access)
    run.tok = Tokenizer(store.terms())  # jieba loads on first use: not at all if nothing changed
    timer.lap("setup")
    return run


def _apply_manifest_access(
    store: Store,
    source: str,
    entry: ManifestEntry | None,
    access: dict[str, tuple[list[str], str]],
) -> None:
    """The manifest governs the access of the files it lists with ``access:``; when the key
    is removed, the restriction it set is lifted. Uploads and `kb docs access` set their own.
    ``access`` (the catalog's ``access_all``) is kept up to date."""
    current = access.get(source)
    if entry is not None and entry.access is not None:
        if current != (entry.access, "manifest"):
            store.catalog.set_access(source, entry.access, "manifest")
            access[source] = (entry.access, "manifest")
    elif current and current[1] == "manifest":
        store.catalog.set_access(source, None, "manifest")
        del access[source]


def doc_hash(
    path: Path, entry: ManifestEntry | None, settings: Settings, limits: ReadLimits
) -> str:
    """What decides whether a file is re-read: its bytes (read block by block, at most the
    size limit), the pipeline version, the chunk settings and its manifest entry."""
    h = hashlib.sha256()
    update_with_file(h, path, limits)
    h.update(PIPELINE_VERSION.encode())
    h.update(settings.chunk.model_dump_json().encode())
    if entry is not None:  # access is applied without re-reading or re-embedding
        h.update(entry.model_dump_json(exclude={"access"}).encode())
    return h.hexdigest()
