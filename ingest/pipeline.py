"""Ingest: files -> read -> clean -> structure -> chunk -> embed -> Chroma + catalog + BM25.

Per document the write order is: vectors upserted (idempotent, deterministic ids), then the
catalog replaced in one transaction, then stale vectors deleted. The catalog decides what
exists, so a crash at any point leaves at worst unreferenced vectors that the next run
overwrites or removes. BM25 is rebuilt from the catalog at the end and swapped in atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout
from tqdm import tqdm

from ingest import gongwen
from ingest.chunk import Chunk, chunk, structure
from ingest.clean import clean
from ingest.metadata import (
    ManifestEntry,
    infer_date,
    infer_title,
    infer_type,
    load_manifest,
    make_doc_id,
)
from ingest.ocr import OcrOptions, mean_confidence
from ingest.readers import SUPPORTED, ReadError, read_file
from ingest.records import RECORDS_VERSION, extract, reextract
from ingest.terms import extract_terms
from kb.answer.units import split_units
from kb.core.faults import checkpoint
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.retrieve.embeddings import make_embedder
from kb.store.catalog import GONGWEN_FIELDS, ChunkRecord, DocumentRecord, StoreError
from kb.store.store import Store, wipe
from kb.store.writer import embed_text, index_text, rebuild_bm25, vector_meta

# Bump when reading/cleaning/chunking changes output, so unchanged files are re-chunked.
PIPELINE_VERSION = "4"  # 4: OCR, 公文 parts, web clippings, Word lists/footnotes


@dataclass
class FileResult:
    source: str
    status: str  # added | updated | unchanged | removed | failed | skipped
    doc_id: str | None = None
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def to_dict(self) -> dict:
        return {
            "files": [asdict(f) for f in self.files],
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "removed": self.count("removed"),
            "failed": self.count("failed"),
            "skipped": self.count("skipped"),
            "documents": self.documents,
            "chunks": self.chunks,
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
        }


@dataclass
class _Prepared:
    path: Path
    source: str
    doc: DocumentRecord
    chunks: list[Chunk]
    terms: list[str]
    status: str


class _Timer:
    def __init__(self, report: IngestReport) -> None:
        self.t = report.timings_s

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.t[stage] = self.t.get(stage, 0.0) + now - since
        return now


def source_of(path: Path, settings: Settings) -> str:
    """Path relative to the project root (posix), or absolute when outside it."""
    p = path.resolve()
    try:
        return p.relative_to(settings.project_root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(files to ingest, folders scanned, (path, reason) skipped). Hidden files and the
    manifest are passed over. Nothing from outside a scanned folder is read: a symbolic link
    leading out of it is skipped, and so is anything not a regular file (a device, FIFO or
    socket would block or leak), each with a reason."""
    files: list[Path] = []
    roots: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in paths:
        if p.is_dir():
            roots.append(p)
            root = p.resolve()
            for dirpath, dirnames, names in os.walk(p):  # does not descend into linked folders
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for d in dirnames:
                    if (here / d).is_symlink() and not _inside(here / d, root):
                        skipped.append((here / d, "symbolic link leading outside the folder"))
                for name in sorted(names):
                    f = here / name
                    if name.startswith(".") or name in ("manifest.yaml", "manifest.yml"):
                        continue
                    if f.is_symlink() and not _inside(f, root):
                        skipped.append((f, "symbolic link leading outside the folder"))
                    elif (why := _not_regular(f)) is not None:
                        skipped.append((f, why))
                    else:
                        files.append(f)
        elif p.exists() and (why := _not_regular(p)) is not None:
            skipped.append((p, why))
        else:
            files.append(p)  # a missing file is reported by the reader step
    # One entry per file: a link inside the folder and its target are the same document.
    unique = {f.resolve(): f for f in reversed(files)}
    return list(reversed(unique.values())), roots, skipped


def _inside(link: Path, root: Path) -> bool:
    try:
        link.resolve(strict=True).relative_to(root)
        return True
    except (OSError, ValueError, RuntimeError):  # dangling, outside, or a loop
        return False


def _not_regular(path: Path) -> str | None:
    """Why a path is not a readable regular file (after following a link), or None."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder reached through a link (not followed)"
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file ({kind})"


def source_of_link(path: Path, settings: Settings) -> str:
    """Like source_of, without following a final symbolic link (to name what was skipped)."""
    p = path.parent.resolve() / path.name
    try:
        return p.relative_to(settings.project_root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


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


def _doc_hash(data: bytes, entry: ManifestEntry | None, settings: Settings) -> str:
    h = hashlib.sha256(data)
    h.update(PIPELINE_VERSION.encode())
    h.update(settings.chunk.model_dump_json().encode())
    if entry is not None:  # access is applied without re-reading or re-embedding
        h.update(entry.model_dump_json(exclude={"access"}).encode())
    return h.hexdigest()


def ingest(
    paths: Iterable[Path | str] | None,
    settings: Settings,
    *,
    embedder=None,
    rebuild: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest files and folders (default: settings.corpus_dir). Unchanged files are skipped,
    changed ones replaced, and documents whose file vanished from a scanned folder removed.
    ``on_page(file name, page, pages)`` reports OCR progress page by page."""
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
            wipe(settings)
        return _ingest_locked(
            [Path(p) for p in (paths or [settings.corpus_dir])],
            settings,
            embedder,
            on_file,
            on_page,
        )
    finally:
        lock.release()


def _ingest_locked(paths, settings: Settings, embedder, on_file, on_page=None) -> IngestReport:
    report = IngestReport()
    timer = _Timer(report)
    t0 = time.perf_counter()
    store = Store(settings)
    files, roots, skipped = discover(paths)
    known = store.catalog.hashes()
    taken = {doc_id for doc_id, _ in known.values()}
    manifests: dict[str, ManifestEntry] = {}
    for root in {*(r for r in roots), *(f.parent for f in files)}:
        manifests.update(load_manifest(root / "manifest.yaml"))

    def done(r: FileResult) -> None:
        report.files.append(r)
        if on_file:
            on_file(r)

    for path, why in skipped:
        done(FileResult(source_of_link(path, settings), "skipped", reason=why))
    # Access first, keyed by source: a restricted document is never readable by all, not
    # even between its catalog write and a later step.
    access = store.catalog.access_all()
    for path in files:
        entry = manifests.get(str(path.resolve()))
        _apply_manifest_access(store, source_of(path, settings), entry, access)

    tok = Tokenizer(store.terms())  # jieba loads on first use: not at all when nothing changed
    t = timer.add("setup", t0)

    # 1. read, clean, chunk every new or changed file (cheap next to embedding)
    prepared: list[_Prepared] = []
    seen_sources: set[str] = set()
    for path in tqdm(
        files,
        desc="读取文件",
        unit="file",
        disable=not settings.progress,
        file=sys.stderr,
        leave=False,
    ):
        source = source_of(path, settings)
        seen_sources.add(source)
        try:
            if not path.exists():
                raise ReadError("file not found")
            if path.suffix.lower() not in SUPPORTED:
                raise ReadError(f"unsupported file type {path.suffix or '(none)'}")
            data = path.read_bytes()
            entry = manifests.get(str(path.resolve()))
            sha = _doc_hash(data, entry, settings)
            old = known.get(source)
            if old and old[1] == sha:
                done(FileResult(source, "unchanged", old[0]))
                continue
            doc_id = (entry.id if entry and entry.id else None) or (
                old[0] if old else make_doc_id(path, taken)
            )
            taken.add(doc_id)
            prep = _prepare(path, source, doc_id, sha, entry, settings, tok, on_page)
            prep.status = "updated" if old else "added"
            prepared.append(prep)
            checkpoint("read")
        except ReadError as e:
            done(FileResult(source, "failed", reason=str(e)))
        except Exception as e:  # a reader bug must not stop the other files
            done(FileResult(source, "failed", reason=f"{type(e).__name__}: {e}"))
    t = timer.add("read_chunk", t)

    # 2. domain terms: new terms change tokenisation of chunks that contain them
    old_terms = set(store.terms())
    # Terms of restricted documents stay out of the shared dictionary: they would change how
    # questions and other documents are tokenised, i.e. influence what non-members get.
    new_terms = {term for p in prepared if p.source not in access for term in p.terms} - old_terms
    if new_terms:
        tok.add_terms(new_terms)

    # 3. embed and write, document by document
    to_embed = sum(len(p.chunks) for p in prepared)
    if prepared:
        embedder = embedder or make_embedder(settings)
        store.check_model(embedder.model_name, writing=True)
    t = timer.add("setup", t)
    bar = tqdm(
        total=to_embed,
        desc="向量化",
        unit="chunk",
        disable=not settings.progress or not to_embed,
        file=sys.stderr,
    )
    # Vectors are written in batches across documents (one Chroma call per ~1000 chunks, not
    # per document), each batch before the catalog transactions of its documents.
    pending: list[tuple[_Prepared, list[ChunkRecord], list, list, dict]] = []

    def flush() -> None:
        nonlocal t
        if not pending:
            return
        ids = [c.chunk_id for _, recs, _, _, _ in pending for c in recs]
        vecs = [v for _, _, vs, _, _ in pending for v in vs]
        texts = [c.text for _, recs, _, _, _ in pending for c in recs]
        metas = [vector_meta(p.doc, c) for p, recs, _, _, _ in pending for c in recs]
        try:
            store.vectors.upsert(ids, vecs, texts, metas)
        except Exception as e:
            for p, *_ in pending:
                done(
                    FileResult(p.source, "failed", p.doc.doc_id, reason=f"store write failed: {e}")
                )
            pending.clear()
            return
        t = timer.add("write_vectors", t)
        checkpoint("vectors")
        for p, recs, _, mentions, unit_vecs in pending:
            try:
                stale = store.catalog.replace_document(p.doc, recs, mentions, unit_vecs)
                t = timer.add("write_catalog", t)
                checkpoint("catalog")
                store.vectors.delete(stale)
                t = timer.add("write_vectors", t)
            except Exception as e:
                done(
                    FileResult(p.source, "failed", p.doc.doc_id, reason=f"store write failed: {e}")
                )
                continue
            done(FileResult(p.source, p.status, p.doc.doc_id, len(recs)))
        pending.clear()

    for p in prepared:
        t = time.perf_counter()
        records = _records(p, tok)  # jieba tokens for BM25
        texts, rows = _unit_plan(p.doc, records)
        t = timer.add("tokenize", t)
        mentions = extract(p.doc, records, tok)  # agreements, plans, events
        t = timer.add("records", t)
        embedded, shown = [], 0
        for i in range(0, len(texts), settings.embed_batch):
            embedded.extend(embedder.passage_vectors(texts[i : i + settings.embed_batch]))
            now = len(records) * len(embedded) // len(texts)  # progress counted in chunks
            bar.update(now - shown)
            shown = now
        vectors, unit_vecs = _chunk_vectors(records, rows, np.asarray(embedded, dtype=np.float32))
        t = timer.add("embed", t)
        checkpoint("embed")
        pending.append((p, records, vectors, mentions, unit_vecs))
        if sum(len(r) for _, r, *_ in pending) >= 1000:
            flush()
    flush()
    bar.close()

    # 4. documents whose files disappeared from a scanned folder
    t = time.perf_counter()
    root_sources = [source_of(r, settings).rstrip("/") + "/" for r in roots]
    gone = [
        (src, doc_id)
        for src, (doc_id, _) in known.items()
        if src not in seen_sources and any(src.startswith(r) for r in root_sources)
    ]
    if gone:
        stale = store.catalog.remove_documents([d for _, d in gone])
        store.vectors.delete(stale)
        for src, doc_id in gone:
            done(FileResult(src, "removed", doc_id))
    t = timer.add("write_catalog", t)

    # 5. vectors the catalog does not list (an earlier run killed between its writes)
    orphans = store.vectors.ids() - store.catalog.chunk_ids()
    if orphans:
        store.vectors.delete(sorted(orphans))
    t = timer.add("write_vectors", t)

    # 6. records of documents ingested before the extraction rules last changed
    if store.catalog.get_meta("records_version") != RECORDS_VERSION:
        written = {f.doc_id for f in report.files if f.status in ("added", "updated")}
        reextract(store, tok, skip={d for d in written if d})
    t = timer.add("records", t)

    # 7. BM25 from the catalog, re-tokenising only chunks that contain a new term; also when
    # an earlier run died before saving it
    changed = bool(prepared or gone) or store.catalog.get_meta("bm25_generation") != str(
        store.catalog.generation()
    )
    if changed or new_terms:
        fresh = {f.doc_id for f in report.files if f.status in ("added", "updated") and f.doc_id}
        rebuild_bm25(store, tok, new_terms, old_terms, fresh)
    timer.add("bm25", t)
    counts = store.catalog.counts()
    report.documents, report.chunks = counts["documents"], counts["chunks"]
    report.timings_s["total"] = time.perf_counter() - t0
    return report


def _ocr_options(path: Path, settings: Settings, on_page) -> OcrOptions:
    """OCR limits from the settings, and per-page progress (a bar on stderr, and the caller's
    callback, e.g. the upload page)."""
    bar: list = []

    def page_done(i: int, n: int) -> None:
        if settings.progress:
            if not bar:
                bar.append(
                    tqdm(total=n, desc=f"OCR {path.name}", unit="页", file=sys.stderr, leave=False)
                )
            bar[0].update(1)
            if i == n:
                bar[0].close()
        if on_page:
            on_page(path.name, i, n)

    return OcrOptions(
        max_pages=settings.ocr_max_pages,
        page_timeout_s=settings.ocr_page_timeout_s,
        max_pixels=int(settings.ocr_max_megapixels * 1e6),
        dpi=settings.ocr_dpi,
        threads=settings.ocr_threads,
        on_page=page_done,
    )


def _prepare(
    path, source, doc_id, sha, entry, settings: Settings, tok: Tokenizer, on_page=None
) -> _Prepared:
    ocr = _ocr_options(path, settings, on_page)
    raw = read_file(path, int(settings.max_file_mb * 1e6), settings.max_pdf_pages, ocr)
    cleaned = clean(raw.text)
    if not cleaned.text.strip():
        raise ReadError("nothing left after removing navigation and boilerplate")
    paras = structure(cleaned, raw.pages)
    chunks = chunk(cleaned, paras, settings.chunk)
    if not chunks:
        raise ReadError("no text to index")
    hints = raw.hints
    gw = gongwen.parse(cleaned.text)
    official = gw.is_gongwen
    title = (entry.title if entry else None) or infer_title(
        cleaned.text, hints.get("title"), path, gw
    )
    date = (entry.date if entry else None) or infer_date(
        cleaned.text, hints.get("date"), gw if official else None
    )
    extra = {
        "kind": raw.kind,
        "pages": len(raw.pages) or None,
        "paragraphs": [
            {
                "n": p.index,
                "kind": p.kind,
                "section": p.section,
                "page": p.page,
                "start": cleaned.raw_span(p.start, p.end)[0],
                "end": cleaned.raw_span(p.start, p.end)[1],
            }
            for p in paras
        ],
        "dropped": cleaned.dropped[:50],
        "metadata_from": "manifest" if entry else "inferred",
    }
    if raw.ocr_pages:
        confs = list(raw.ocr_pages.values())
        extra["ocr"] = {
            "pages": {str(k): v for k, v in raw.ocr_pages.items()},
            "confidence": round(sum(confs) / len(confs), 4),
        }
    if official:
        extra["gongwen_quotes"] = gw.quotes
    doc = DocumentRecord(
        doc_id=doc_id,
        source=source,
        title=title,
        doc_type=(entry.doc_type if entry else None) or infer_type(title, cleaned.text),
        date=date,
        year=int(date[:4]) if date else None,
        author=(entry.author if entry else None)
        or (gw.issuer if official else None)
        or hints.get("author"),
        publication=entry.publication if entry else None,
        region=entry.region if entry else None,
        sha256=sha,
        n_chars=len(cleaned.text),
        text=raw.text,
        extra=extra,
        **({k: v for k, v in gw.fields().items() if k in GONGWEN_FIELDS} if official else {}),
    )
    # Chunk offsets are reported in the extracted text, which is what `text` stores.
    for c in chunks:
        c.start, c.end = cleaned.raw_span(c.start, c.end)
        if raw.ocr_spans:
            c.ocr_conf = mean_confidence(raw.ocr_spans, c.start, c.end)
    return _Prepared(path, source, doc, chunks, extract_terms(cleaned.text, tok), "added")


def _records(p: _Prepared, tok: Tokenizer) -> list[ChunkRecord]:
    prefix = p.doc.sha256[:16]
    out = []
    for c in p.chunks:
        out.append(
            ChunkRecord(
                chunk_id=f"{prefix}-{c.position:05d}",  # deterministic: content hash + position
                doc_id=p.doc.doc_id,
                position=c.position,
                text=c.text,
                section=c.section,
                page=c.page,
                para_start=c.para_start,
                para_end=c.para_end,
                char_start=c.start,
                char_end=c.end,
                n_tokens=c.n_tokens,
                kind=c.kind,
                tokens=tok.tokens(index_text(c.section, c.text)),
                ocr_conf=c.ocr_conf,
            )
        )
    return out


def _unit_plan(doc: DocumentRecord, records: list[ChunkRecord]) -> tuple[list[str], list]:
    """The distinct texts to embed for a document, and per chunk the rows of its units and of
    its context line (title + section). Overlapping chunks share sentences: each distinct
    text is embedded once, which keeps ingest no dearer than embedding whole chunks."""
    texts: dict[str, int] = {}

    def row(text: str) -> int:
        return texts.setdefault(text, len(texts))

    rows = []
    for c in records:
        units = [row(u.shown) for u in split_units(c.text, c.kind)]
        if units:
            rows.append((units, row(f"{doc.title}\n{c.section}".strip())))
        else:  # a heading or fragment only: the chunk as it stands
            rows.append(([], row(embed_text(doc, c))))
    return list(texts), rows


def _chunk_vectors(
    records: list[ChunkRecord], rows: list, embedded: np.ndarray
) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    """A chunk's vector is the normalised mean of its unit vectors and its context line's
    vector (sentence vectors pooled, as in late chunking), so the chunk is never embedded
    a second time; the unit vectors are kept for the answerer."""
    vectors, unit_vecs = [], {}
    for c, (units, ctx) in zip(records, rows, strict=True):
        m = embedded[units + [ctx]]
        v = m.mean(axis=0)
        vectors.append(v / (np.linalg.norm(v) or 1.0))
        if units:
            unit_vecs[c.chunk_id] = embedded[units]
    return vectors, unit_vecs


def ensure_ingested(settings: Settings, quiet: bool = False) -> None:
    """Build the store from the corpus on a fresh checkout."""
    if not Store(settings).is_empty():
        return
    if not quiet:
        print(f"首次使用：正在导入 {settings.corpus_dir}/ …", file=sys.stderr)
    report = ingest(None, settings)
    for f in report.failed:
        print(summary_line(f), file=sys.stderr)


def summary_line(r: FileResult) -> str:
    label = {
        "added": "新增",
        "updated": "更新",
        "unchanged": "未变",
        "removed": "移除",
        "failed": "失败",
        "skipped": "跳过",
    }[r.status]
    if r.status in ("failed", "skipped"):
        return f"{label}  {r.source}: {r.reason}"
    return f"{label}  {r.source}" + (f" ({r.chunks} 段)" if r.chunks else "")


def report_json(report: IngestReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
