"""Readers: one file in, extracted text out (.txt/.md, .html, .pdf, .docx, and scans or photos
as .png/.jpg/.tif/.bmp).

Each reader returns the document's text as extracted, page starts for paged formats, the
spans that OCR recognised (with their confidence), and metadata hints the file carries (HTML
<title>, Word core properties). Anything unreadable raises ``ReadError`` with a reason a user
can act on; the pipeline names the file. The reader is picked by file type from the table
in ingest/formats.py; each format has its own module (read_pdf, read_docx, decode for text
files) or reader function here.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.decode import decode_text
from ingest.errors import ReadError
from ingest.formats import SUPPORTED, by_suffix
from ingest.limits import ReadLimits, check_chars, read_capped
from ingest.ocr import OcrOptions
from ingest.pdf_lines import join_wrapped_lines
from ingest.rawdoc import RawDoc
from ingest.read_docx import read_docx
from ingest.read_pdf import read_pdf
from ingest.webclip import html_to_text, reduce_clipping

__all__ = [
    "RawDoc",
    "ReadError",
    "decode_text",
    "join_wrapped_lines",
    "read_docx",
    "read_file",
    "read_html",
    "read_image",
    "read_pdf",
]


def read_file(
    path: Path,
    max_bytes: int,
    max_pages: int,
    ocr: OcrOptions | None = None,
    limits: ReadLimits | None = None,
) -> RawDoc:
    """The file's text; ``limits`` (default: the settings' defaults with ``max_bytes`` and
    ``max_pages``) bounds what reading it may cost (ingest/limits.py)."""
    fmt = by_suffix(path)
    if fmt is None:
        suffix = path.suffix.lower()
        raise ReadError(
            f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}"
        )
    limits = limits or ReadLimits(max_bytes=max_bytes, max_pages=max_pages)
    data = read_capped(path, limits)  # size checked from stat before anything is read
    if not data:
        raise ReadError("empty file")
    doc = fmt.read(data, limits, ocr or OcrOptions())
    check_chars(len(doc.text), limits)
    if not doc.text.strip():
        if fmt.ocr:
            raise ReadError("no text could be found, not even by OCR (blank pages?)")
        raise ReadError("no text could be extracted (empty content)")
    return doc


# ---------------------------------------------------------------- the formats' readers
# ingest/formats.py names these: the file's bytes in, its RawDoc out.
def text_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return _plain_text(data, limits, markdown=False)


def markdown_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return _plain_text(data, limits, markdown=True)


def html_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_html(decode_text(data), limits.max_html_tags)


def pdf_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_pdf(data, limits.max_pages, ocr, limits)


def docx_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_docx(data, limits)


def image_reader(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_image(data, ocr)


def _plain_text(data: bytes, limits: ReadLimits, markdown: bool) -> RawDoc:
    text, hints = front_matter(decode_text(data))
    text = reduce_clipping(text, markdown, limits.max_html_tags)
    return RawDoc(text, "md" if markdown else "txt", hints=hints)


_FRONT = re.compile(r"\A\s*---[ \t]*\n(.{0,4000}?)\n---[ \t]*\n", re.S)
_FRONT_KEY = re.compile(r"^(title|date|author)\s*:\s*(.+?)\s*$", re.M | re.I)


def front_matter(text: str) -> tuple[str, dict]:
    """A saved page's YAML front matter ("---\ntitle: …\ndate: …\n---"): its title, date
    and author as hints, and the text without it (its lines are no sentences of the page)."""
    m = _FRONT.match(text)
    if not m or not _FRONT_KEY.search(m.group(1)):
        return text, {}
    hints = {k.lower(): v.strip("'\"") for k, v in _FRONT_KEY.findall(m.group(1))}
    return text[m.end() :], hints


# ---------------------------------------------------------------- HTML
def read_html(html: str, max_tags: int | None = None) -> RawDoc:
    text, hints = html_to_text(html, max_tags=max_tags)
    return RawDoc(text, "html", hints=hints)


# ---------------------------------------------------------------- images
def read_image(data: bytes, ocr: OcrOptions | None = None) -> RawDoc:
    """A scan or photo (one page, or a multi-page TIFF), read by OCR page by page."""
    from ingest.ocr import image_pages, ocr_pages, page_count

    ocr = ocr or OcrOptions()
    n = page_count(data, ocr)
    doc = RawDoc("", "image")
    parts: list[str] = []
    offset = 0
    for i, page in ocr_pages(enumerate(image_pages(data, ocr), 1), ocr, n):
        doc.pages.append(offset)
        doc.ocr_spans += [(offset + s, offset + e, c) for s, e, c in page.spans]
        if page.confidence is not None:
            doc.ocr_pages[i] = round(page.confidence, 4)
        parts.append(page.text)
        offset += len(page.text) + 2
    doc.text = "\n\n".join(parts)
    return doc
