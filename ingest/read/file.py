"""Read one file: the format its name says (ingest/formats.py) picks the reader, one module
per format in this package (text, html, pdf, docx, image), each called as
``read(data, limits, ocr)`` with the file's bytes and returning its ``RawDoc``: the text as
extracted, page starts for paged formats, the spans OCR recognised (with their confidence),
and the metadata hints the file carries (HTML <title>, Word core properties). Anything
unreadable raises ``ReadError`` with a reason a user can act on; the pipeline names the file.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import ReadError
from ingest.formats import SUPPORTED, by_suffix
from ingest.limits import ReadLimits, check_chars, read_capped
from ingest.ocr.engine import OcrOptions
from ingest.read.rawdoc import RawDoc


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
            f"不支持的文件类型 {suffix or '（无扩展名）'}；支持：{'、'.join(sorted(SUPPORTED))}"
        )
    limits = limits or ReadLimits(max_bytes=max_bytes, max_pages=max_pages)
    data = read_capped(path, limits)  # size checked from stat before anything is read
    if not data:
        raise ReadError("空文件")
    doc = fmt.read(data, limits, ocr or OcrOptions())
    check_chars(len(doc.text), limits)
    if not doc.text.strip():
        if fmt.ocr:
            raise ReadError("找不到任何文字，OCR 也未识别出文字（是空白页吗？）")
        raise ReadError("未能提取到任何文字（内容为空）")
    return doc


def file_hints(path: Path, limits: ReadLimits) -> dict:
    """The metadata hints the file carries (title, author, date), without OCR: a PDF's from
    its document information only, so a scanned one costs no recognition."""
    fmt = by_suffix(path)
    if fmt is None:
        return {}
    data = read_capped(path, limits)
    if path.suffix.lower() == ".pdf":
        from ingest.read.pdf import pdf_hints

        return pdf_hints(data, limits.max_pages)
    if fmt.ocr:  # an image: nothing but pixels
        return {}
    return fmt.read(data, limits, OcrOptions()).hints
