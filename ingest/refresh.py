"""Re-describe unchanged documents when the rules that infer titles, types, dates and authors
have changed (``METADATA_VERSION``): from the text the catalog already holds and the hints
the file carries, never embedding again. A better title reaches the 文档库, citations and
filters on the next ingest; a chunk's vector keeps the old title in the context line it is
pooled with (ingest/embed.py) until the document itself changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ingest.clean import clean
from ingest.limits import ReadLimits
from ingest.metadata import METADATA_VERSION
from ingest.prepare import describe
from ingest.read.file import file_hints
from ingest.read.rawdoc import RawDoc
from ingest.run import IngestRun
from kb.store.writer import vector_meta


def refresh_descriptions(run: IngestRun) -> None:
    """Unchanged documents described by older rules get the current rules' description."""
    for path, doc_id in run.unchanged:
        doc = run.store.catalog.document(doc_id)
        if doc is None or doc.extra.get("metadata_version") == METADATA_VERSION:
            continue
        hints = doc.extra.get("hints")
        if hints is None:  # described before hints were kept: read them (never by OCR)
            try:
                hints = file_hints(path, ReadLimits.of(run.settings))
            except Exception:  # unreadable now: its title may have come from them; keep it
                continue
        entry = run.manifests.get(str(path.resolve()))
        raw = RawDoc(doc.text, doc.extra.get("kind") or "txt", hints=hints)
        fields, quotes = describe(Path(path), entry, raw, clean(doc.text))
        extra = {**doc.extra, "hints": hints, "metadata_version": METADATA_VERSION}
        if quotes is not None:
            extra["gongwen_quotes"] = quotes
        changed = {k: v for k, v in fields.items() if getattr(doc, k) != v}
        run.store.catalog.describe_document(doc_id, changed, extra)
        if changed:
            run.report.redescribed.append(doc.source)
            _vector_metadata(run, replace(doc, **changed), changed)
    run.timer.lap("describe")


def _vector_metadata(run: IngestRun, doc, changed: dict) -> None:
    """Filters read the type and year from the vectors' metadata too (a Chroma ``where``)."""
    update = getattr(run.store.vectors, "update_meta", None)  # optional in VectorIndex
    if update is None or not {"doc_type", "year"} & changed.keys():
        return
    chunks = run.store.catalog.chunks(doc.doc_id)
    update([c.chunk_id for c in chunks], [vector_meta(doc, c) for c in chunks])
