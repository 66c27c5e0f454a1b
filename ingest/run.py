"""The state of one ingest run, handed from stage to stage (see ingest/stages.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.embed import Embedded, Stored
from ingest.metadata import ManifestEntry
from ingest.prepare import Prepared
from ingest.report import FileResult, IngestReport, Timer
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.store.store import Store


@dataclass
class Changed:
    """A new or changed file: its manifest entry, hash, document id and result status."""

    entry: ManifestEntry | None
    sha: str
    doc_id: str
    status: str  # added | updated


@dataclass
class IngestRun:
    settings: Settings
    store: Store
    embedder: Embedder | None  # made when the first document needs embedding
    on_file: Callable[[FileResult], None] | None
    on_page: Callable[[str, int, int], None] | None
    report: IngestReport
    timer: Timer
    files: list[Path]
    roots: list[Path]  # folders scanned: documents whose file left them are removed
    known: dict[str, tuple[str, str]]  # source -> (doc_id, sha256) in the catalog
    taken: set[str]  # doc ids in use
    manifests: dict[str, ManifestEntry] = field(default_factory=dict)  # by resolved path
    access: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # by source
    tok: Tokenizer | None = None
    seen_sources: set[str] = field(default_factory=set)
    prepared: list[Prepared] = field(default_factory=list)  # new or changed documents
    unchanged: list[tuple[Path, str]] = field(default_factory=list)  # (file, doc_id)
    old_terms: set[str] = field(default_factory=set)
    new_terms: set[str] = field(default_factory=set)
    stored: list[Stored] = field(default_factory=list)  # written, to embed (two phases)
    on_stored: Callable[[str], None] | None = None  # a document (its source) is searchable
    pending: list[Embedded] = field(default_factory=list)  # the next batch of vectors
    recent: dict[str, np.ndarray] = field(default_factory=dict)  # the batch's text vectors
    gone: list[tuple[str, str]] = field(default_factory=list)  # (source, doc_id) removed
    # A queued job's file, read from a temporary copy: its source and doc id as queued.
    source_names: dict[Path, str] = field(default_factory=dict)
    doc_ids: dict[str, str] = field(default_factory=dict)  # by source

    def done(self, r: FileResult) -> None:
        self.report.files.append(r)
        if self.on_file:
            self.on_file(r)
