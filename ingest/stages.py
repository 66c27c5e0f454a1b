"""The stages of an ingest run, in order (ingest/pipeline.py calls them): read every new or
changed file, add its domain terms, store every read document, embed and finish them in
batches, remove documents whose file vanished and vectors no document lists, re-extract
records when the rules changed, and rebuild BM25.

Per document the writes are: the catalog replaced in one transaction with the document marked
"read" (its file hash not yet set) and the replaced version's vectors deleted; later its
vectors upserted (idempotent, deterministic ids), then its unit vectors and file hash set.
The catalog decides what exists, and readers build BM25 from its tokens while the saved
index lags (kb/retrieve/retrieve.py), so a document is found by its words from the first
write; a crash leaves at worst documents still "read", which the next run reads and embeds
again, and unreferenced vectors, which it overwrites or removes. BM25 is rebuilt from the
catalog at the end and swapped in atomically.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.discover import source_of
from ingest.embed import (
    Embedded,
    Stored,
    chunk_records,
    chunk_vectors,
    text_vectors,
    unit_plan,
)
from ingest.errors import ReadError
from ingest.formats import by_suffix
from ingest.limits import ReadLimits, check_size
from ingest.metadata import make_doc_id
from ingest.plan import doc_hash
from ingest.prepare import Prepared, prepare
from ingest.records.extract import RECORDS_VERSION, extract, reextract
from ingest.relations import extract_relations
from ingest.report import FileResult, IngestReport, unexpected, write_failed
from ingest.run import Changed, IngestRun
from kb.core.faults import checkpoint
from kb.core.units import unit_key
from kb.retrieve.embeddings import make_embedder
from kb.store.catalog import PENDING
from kb.store.writer import rebuild_bm25, vector_meta

# Vectors are written in batches across documents (one Chroma call per this many chunks,
# not one per document), each batch before the catalog transactions of its documents.
BATCH_CHUNKS = 1000


def read_files(run: IngestRun) -> None:
    """Read, clean and chunk every new or changed file (cheap next to embedding)."""
    for path in tqdm(
        run.files,
        desc="读取文件",
        unit="file",
        disable=not run.settings.progress,
        file=sys.stderr,
        leave=False,
    ):
        source = run.source_names.get(path) or source_of(path, run.settings)
        run.seen_sources.add(source)
        try:
            prep = _read_one(run, path, source)
            if prep is not None:
                run.prepared.append(prep)
                checkpoint("read")
        except ReadError as e:
            run.done(FileResult(source, "failed", reason=str(e)))
        except Exception as e:  # a reader bug must not stop the other files
            run.done(FileResult(source, "failed", reason=unexpected(e)))
    run.timer.lap("read_chunk")


def check_file(run: IngestRun, path: Path, source: str) -> Changed | None:
    """A new or changed file with the id its document takes, or None when it is unchanged
    (reported here); ReadError when it cannot be read at all."""
    if not path.exists():
        raise ReadError("找不到文件")
    if by_suffix(path) is None:
        raise ReadError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}")
    limits = ReadLimits.of(run.settings)
    check_size(path, limits)  # from stat: a huge (or sparse) file is refused unread
    entry = run.manifests.get(str(path.resolve()))
    sha = doc_hash(path, entry, run.settings, limits)  # hashed block by block
    old = run.known.get(source)
    if old and old[1] == sha:
        run.done(FileResult(source, "unchanged", old[0]))
        run.unchanged.append((path, old[0]))
        return None
    doc_id = (
        run.doc_ids.get(source)
        or (entry.id if entry and entry.id else None)
        or (old[0] if old else make_doc_id(path, run.taken))
    )
    run.taken.add(doc_id)
    return Changed(entry, sha, doc_id, "updated" if old else "added")


def _read_one(run: IngestRun, path: Path, source: str) -> Prepared | None:
    """The file prepared for embedding, or None when it is unchanged (reported here)."""
    c = check_file(run, path, source)
    if c is None:
        return None
    prep = prepare(path, source, c.doc_id, c.sha, c.entry, run.settings, run.tok, run.on_page)
    prep.status = c.status
    return prep


def add_terms(run: IngestRun) -> None:
    """Domain terms of the new documents join the tokenizer: they change the tokenisation of
    the chunks that contain them (see rebuild_index)."""
    run.old_terms = set(run.store.terms())
    # Terms of restricted documents stay out of the shared dictionary: they would change how
    # questions and other documents are tokenised, i.e. influence what non-members get.
    run.new_terms = {
        term for p in run.prepared if p.source not in run.access for term in p.terms
    } - run.old_terms
    if run.new_terms:
        run.tok.add_terms(run.new_terms)


def store_read(run: IngestRun) -> None:
    """Phase one: every read document goes to the catalog (chunks with their BM25 tokens,
    record mentions, 公文 parts) marked "read", before any is embedded, so it is listed and
    found by its words within seconds; its file hash waits for its vectors, so an ingest
    killed before them reads and embeds it again."""
    for p in tqdm(
        run.prepared,
        desc="存入（可检索）",
        unit="doc",
        disable=not run.settings.progress or not run.prepared,
        file=sys.stderr,
        leave=False,
    ):
        try:
            x = to_store(run, p)
        except Exception as e:
            run.done(FileResult(p.source, "failed", p.doc.doc_id, reason=write_failed(e)))
            continue
        if write_read(run, x):
            run.stored.append(x)


def to_store(run: IngestRun, p: Prepared) -> Stored:
    """A prepared document's catalog rows (tokens, records, relations) and the vectors of
    its previous version, read before it is replaced; nothing is written."""
    run.timer.mark()
    records = chunk_records(p, run.tok)  # jieba tokens for BM25
    run.timer.lap("tokenize")
    mentions = extract(p.doc, records, run.tok)  # agreements, plans, events
    relations = extract_relations(p.doc, records)  # repeals, amends, implements
    run.timer.lap("records")
    old = run.known.get(p.source)
    reuse = run.store.catalog.document_unit_vectors(old[0]) if old else {}
    return Stored(p, records, mentions, reuse, relations)


def write_read(run: IngestRun, x: Stored) -> bool:
    """Write a document marked "read"; False (and reported) when the store refused it."""
    p = x.prepared
    unread = replace(p.doc, sha256=PENDING + p.doc.sha256)
    try:
        stale = run.store.catalog.replace_document(
            unread, x.records, x.mentions, relations=x.relations
        )
        run.store.vectors.delete(stale)  # the replaced version's
    except Exception as e:
        run.done(FileResult(p.source, "failed", p.doc.doc_id, reason=write_failed(e)))
        return False
    run.timer.lap("write_catalog")
    checkpoint("stored")
    if run.on_stored:
        run.on_stored(p.source)
    return True


def embed_and_write(run: IngestRun) -> None:
    """Phase two: embed document by document, writing a batch of vectors whenever enough are
    waiting, each document finished (its unit vectors, its file hash) after its vectors."""
    to_embed = sum(len(x.records) for x in run.stored)
    if run.stored:
        run.embedder = run.embedder or make_embedder(run.settings)
        run.store.check_model(run.embedder.model_name, writing=True)
    run.timer.lap("setup")
    bar = tqdm(
        total=to_embed,
        desc="向量化",
        unit="chunk",
        disable=not run.settings.progress or not to_embed,
        file=sys.stderr,
    )
    for x in run.stored:
        run.timer.mark()
        run.pending.append(_embed_one(run, x, bar))
        if sum(len(e.records) for e in run.pending) >= BATCH_CHUNKS:
            write_batch(run)
    write_batch(run)
    bar.close()


def _embed_one(run: IngestRun, x: Stored, bar: tqdm | None = None) -> Embedded:
    texts, rows = unit_plan(x.prepared.doc, x.records)
    shown = 0

    def progress(done: int) -> None:  # counted in chunks, as the bar is
        nonlocal shown
        now = len(x.records) * done // len(texts)
        if bar is not None:
            bar.update(now - shown)
        shown = now

    keys = [unit_key(t) for t in texts]
    embedded, n_new = text_vectors(
        texts, keys, lambda keys: _known(run, x, keys), run.embedder.passage_vectors,
        run.settings.embed_batch, progress,
    )  # fmt: skip
    progress(len(texts))
    run.recent.update(zip(keys, embedded, strict=True))
    run.report.texts_embedded += n_new
    run.report.texts_reused += len(texts) - n_new
    vectors, unit_vecs = chunk_vectors(x.records, rows, embedded)
    run.timer.lap("embed")
    checkpoint("embed")
    return Embedded(x.prepared, x.records, vectors, x.mentions, unit_vecs)


def _known(run: IngestRun, x: Stored, keys: list[str]) -> dict[str, np.ndarray]:
    """Vectors already made for these texts: this document's previous version, documents
    embedded earlier in this run but not yet written, then the catalog."""
    have = {k: v for k in keys if (v := x.reuse.get(k, run.recent.get(k))) is not None}
    missing = [k for k in keys if k not in have]
    if missing:
        have.update(run.store.catalog.vectors_of_units(missing))
    return have


def write_batch(run: IngestRun) -> None:
    """Upsert the waiting documents' vectors in one call, then finish each document in the
    catalog. A failed write fails the documents it concerns (they stay "read", found by their
    words, and the next ingest embeds them), not the run."""
    pending = run.pending
    if not pending:
        return
    ids = [c.chunk_id for e in pending for c in e.records]
    vecs = [v for e in pending for v in e.vectors]
    texts = [c.text for e in pending for c in e.records]
    metas = [vector_meta(e.prepared.doc, c) for e in pending for c in e.records]
    try:
        run.store.vectors.upsert(ids, vecs, texts, metas)
    except Exception as e:
        for x in pending:
            p = x.prepared
            run.done(FileResult(p.source, "failed", p.doc.doc_id, reason=write_failed(e)))
        pending.clear()
        return
    run.timer.lap("write_vectors")
    checkpoint("vectors")
    for x in pending:
        _finish_document(run, x)
    pending.clear()
    run.recent.clear()  # in the catalog now


def _finish_document(run: IngestRun, x: Embedded) -> None:
    p = x.prepared
    try:
        run.store.catalog.finish_document(p.doc.doc_id, p.doc.sha256, x.unit_vecs)
        run.timer.lap("write_catalog")
        checkpoint("catalog")
    except Exception as e:
        run.done(FileResult(p.source, "failed", p.doc.doc_id, reason=write_failed(e)))
        return
    run.done(FileResult(p.source, p.status, p.doc.doc_id, len(x.records)))


def remove_vanished(run: IngestRun) -> None:
    """Remove the documents whose files disappeared from a scanned folder."""
    run.timer.mark()
    root_sources = [source_of(r, run.settings).rstrip("/") + "/" for r in run.roots]
    run.gone = [
        (src, doc_id)
        for src, (doc_id, _) in run.known.items()
        if src not in run.seen_sources and any(src.startswith(r) for r in root_sources)
    ]
    if run.gone:
        stale = run.store.catalog.remove_documents([d for _, d in run.gone])
        run.store.vectors.delete(stale)
        for src, doc_id in run.gone:
            run.done(FileResult(src, "removed", doc_id))
    run.timer.lap("write_catalog")


def remove_orphans(run: IngestRun) -> None:
    """Delete vectors the catalog does not list (an earlier run killed between its writes)."""
    orphans = run.store.vectors.ids() - run.store.catalog.chunk_ids()
    if orphans:
        run.store.vectors.delete(sorted(orphans))
    run.timer.lap("write_vectors")


def records_current_if_empty(run: IngestRun) -> None:
    """An empty catalog has no record extracted by older rules: mark it current before any
    document is written, so a first ingest killed half way is not reported stale."""
    if not run.store.catalog.counts()["documents"]:
        run.store.catalog.set_meta(records_version=RECORDS_VERSION)


def refresh_records(run: IngestRun) -> None:
    """Re-extract the records of documents ingested before the extraction rules last changed."""
    if run.store.catalog.get_meta("records_version") != RECORDS_VERSION:
        reextract(run.store, run.tok, skip={d for d in _written(run) if d})
    run.timer.lap("records")


def rebuild_index(run: IngestRun) -> None:
    """BM25 from the catalog, re-tokenising only chunks that contain a new term; also when an
    earlier run died before saving it."""
    catalog = run.store.catalog
    changed = bool(run.prepared or run.gone) or catalog.get_meta("bm25_generation") != str(
        catalog.generation()
    )
    if changed or run.new_terms:
        fresh = {d for d in _written(run) if d}
        rebuild_bm25(run.store, run.tok, run.new_terms, run.old_terms, fresh)
    run.timer.lap("bm25")


def finish(run: IngestRun) -> IngestReport:
    files = run.report.files
    run.store.catalog.note_failures(
        {f.source: f.reason for f in files if f.status == "failed"},
        [f.source for f in files if f.status in ("added", "updated", "unchanged", "removed")],
    )
    counts = run.store.catalog.counts()
    run.report.documents, run.report.chunks = counts["documents"], counts["chunks"]
    run.timer.total()
    return run.report


def _written(run: IngestRun) -> set[str | None]:
    """Doc ids of the documents this run added or updated."""
    return {f.doc_id for f in run.report.files if f.status in ("added", "updated")}
