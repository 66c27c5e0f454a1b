"""One file made ready to embed: read, cleaned, structured, chunked, and described by a
catalog record (title, date, type, 公文 parts, OCR confidence). Nothing is written here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ingest.chunk import Chunk, Paragraph, chunk, structure
from ingest.clean import CleanDoc, clean
from ingest.dates import file_year, infer_date
from ingest.errors import ReadError
from ingest.gongwen.parse import parse as parse_gongwen
from ingest.limits import ReadLimits
from ingest.metadata import METADATA_VERSION, ManifestEntry, infer_title, infer_type
from ingest.ocr.engine import OcrOptions, mean_confidence
from ingest.read.file import read_file
from ingest.read.rawdoc import RawDoc
from ingest.speech import is_speech
from ingest.terms import extract_terms
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.store.catalog import GONGWEN_FIELDS, DocumentRecord


@dataclass
class Prepared:
    path: Path
    source: str
    doc: DocumentRecord
    chunks: list[Chunk]
    terms: list[str]
    status: str


class _OcrProgress:
    """Per-page OCR progress: a bar on stderr (made when the page count is known), and the
    caller's callback, e.g. the upload page."""

    def __init__(self, path: Path, settings: Settings, on_page) -> None:
        self.path, self.settings, self.on_page = path, settings, on_page
        self.bar = None

    def __call__(self, i: int, n: int) -> None:
        if self.settings.progress:
            if self.bar is None:
                self.bar = tqdm(
                    total=n, desc=f"OCR {self.path.name}", unit="页", file=sys.stderr, leave=False
                )
            self.bar.update(1)
            if i == n:
                self.bar.close()
        if self.on_page:
            self.on_page(self.path.name, i, n)


def ocr_options(
    path: Path, settings: Settings, on_page: Callable[[str, int, int], None] | None
) -> OcrOptions:
    """OCR limits from the settings, and per-page progress."""
    return OcrOptions(
        max_pages=settings.ocr_max_pages,
        page_timeout_s=settings.ocr_page_timeout_s,
        max_pixels=int(settings.ocr_max_megapixels * 1e6),
        dpi=settings.ocr_dpi,
        threads=settings.ocr_threads,
        on_page=_OcrProgress(path, settings, on_page),
    )


def prepare(
    path: Path,
    source: str,
    doc_id: str,
    sha: str,
    entry: ManifestEntry | None,
    settings: Settings,
    tok: Tokenizer,
    on_page: Callable[[str, int, int], None] | None = None,
) -> Prepared:
    ocr = ocr_options(path, settings, on_page)
    limits = ReadLimits.of(settings)
    raw = read_file(path, limits.max_bytes, limits.max_pages, ocr, limits)
    cleaned = clean(raw.text)
    if not cleaned.text.strip():
        raise ReadError("去掉导航栏和页面模板文字后没有剩下正文")
    paras = structure(cleaned, raw.pages)
    chunks = chunk(cleaned, paras, settings.chunk)
    if not chunks:
        raise ReadError("没有可编入索引的文字")
    doc = _document(path, source, doc_id, sha, entry, raw, cleaned, paras)
    # Chunk offsets are reported in the extracted text, which is what `text` stores.
    for c in chunks:
        c.start, c.end = cleaned.raw_span(c.start, c.end)
        if raw.ocr_spans:
            c.ocr_conf = mean_confidence(raw.ocr_spans, c.start, c.end)
    return Prepared(path, source, doc, chunks, extract_terms(cleaned.text, tok), "added")


def _document(
    path: Path,
    source: str,
    doc_id: str,
    sha: str,
    entry: ManifestEntry | None,
    raw: RawDoc,
    cleaned: CleanDoc,
    paras: list[Paragraph],
) -> DocumentRecord:
    """The catalog record: what describes the document, and what it is made of."""
    fields, quotes = describe(path, entry, raw, cleaned)
    extra = _extra(raw, cleaned, paras, entry)
    if quotes is not None:
        extra["gongwen_quotes"] = quotes
    return DocumentRecord(
        doc_id=doc_id, source=source, sha256=sha, n_chars=len(cleaned.text), text=raw.text,
        extra=extra, **fields,
    )  # fmt: skip


def describe(
    path: Path, entry: ManifestEntry | None, raw: RawDoc, cleaned: CleanDoc
) -> tuple[dict, dict | None]:
    """A document's descriptive columns (title, type, date, author, 公文 parts; every one,
    None where unknown) and its 公文 quotes (None when it is not one): the manifest's
    metadata first, then the 公文 parts, then what the file and its text suggest. Also run on
    the stored text of unchanged documents when these rules change (ingest/refresh.py)."""
    hints = raw.hints
    gw = parse_gongwen(cleaned.text)
    # a 发文字号 (a labelled portal field included) makes the parts a 公文's even when the
    # text does not follow GB/T 9704 (a 答复 or 复函 reposted without its 版头)
    official = gw.is_gongwen or bool(gw.doc_number)
    title = (entry.title if entry else None) or infer_title(
        cleaned.text, hints.get("title"), path, gw
    )
    date = (
        (entry.date if entry else None)
        or infer_date(cleaned.text, hints.get("date"), gw if official else None)
        or file_year(cleaned.text, path.stem, is_speech(cleaned.text))
    )
    parts = {k: v for k, v in gw.fields().items() if k in GONGWEN_FIELDS} if official else {}
    fields = {
        "title": title,
        "doc_type": (entry.doc_type if entry else None) or infer_type(title, cleaned.text),
        "date": date,
        "year": int(date[:4]) if date else None,
        "author": (entry.author if entry else None)
        or (gw.issuer if official else None)
        or hints.get("author"),
        "publication": entry.publication if entry else None,
        "region": entry.region if entry else None,
        **{k: parts.get(k, [] if k == "attachments" else None) for k in GONGWEN_FIELDS},
    }
    return fields, (gw.quotes if official else None)


def _extra(
    raw: RawDoc, cleaned: CleanDoc, paras: list[Paragraph], entry: ManifestEntry | None
) -> dict:
    """The document's ``extra`` column: its paragraphs (offsets in the extracted text), what
    cleaning dropped, and per-page OCR confidence."""
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
        # what describe() read, so a rules change re-describes it without reading the file
        "hints": {k: v for k, v in raw.hints.items() if isinstance(v, str)},
        "metadata_version": METADATA_VERSION,
    }
    if raw.ocr_pages:
        confs = list(raw.ocr_pages.values())
        extra["ocr"] = {
            "pages": {str(k): v for k, v in raw.ocr_pages.items()},
            "confidence": round(sum(confs) / len(confs), 4),
        }
    return extra
