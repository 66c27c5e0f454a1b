"""HTML pages (.html, .htm): decoded, then the page's text and <title> through
ingest/read/webclip.py, which also reads layout tables as text and caps the tag count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.limits import ReadLimits
from ingest.read.decode import decode_text
from ingest.read.rawdoc import RawDoc
from ingest.read.webclip import html_to_text

if TYPE_CHECKING:
    from ingest.ocr.engine import OcrOptions


def read(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_html(decode_text(data), limits.max_html_tags)


def read_html(html: str, max_tags: int | None = None) -> RawDoc:
    text, hints = html_to_text(html, max_tags=max_tags)
    return RawDoc(text, "html", hints=hints)
