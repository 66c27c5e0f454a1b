"""The file formats an ingest reads: one table. Each row names a format's suffixes, its
reader, whether its text may come from OCR, and how an upload's content is checked against
its name. ingest/read/file.py, ingest/uploads.py, ingest/stages.py and the 上传 page all ask
this table; a new format is one reader module in ingest/read/ and one row here.

A reader is named "module:function" (imported when first used, so this table stays cheap
to import and ingest/read/file.py can use it) and is called as ``reader(data, limits, ocr)``,
the file's bytes in, its ``RawDoc`` out.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ingest.errors import ReadError
from ingest.read.decode import decode_text

if TYPE_CHECKING:
    from ingest.limits import ReadLimits
    from ingest.ocr.engine import OcrOptions
    from ingest.read.rawdoc import RawDoc


# ---------------------------------------------------------------- upload content checks
# Each takes the upload's bytes and its (lower-case) suffix and says why the content is not
# what the name says, or '' when it is.
def _text(data: bytes, suffix: str) -> str:
    try:
        decode_text(data)
    except ReadError as e:
        return str(e)
    return ""


def _html(data: bytes, suffix: str) -> str:
    try:
        text = decode_text(data)
    except ReadError as e:
        return str(e)
    return "" if "<" in text[:2000] else "不是 HTML 文件（找不到任何 HTML 标记）"


def _pdf(data: bytes, suffix: str) -> str:
    if data[:1024].lstrip().startswith(b"%PDF"):
        return ""
    return "不是 PDF 文件（内容不以 %PDF 开头）"


def _docx(data: bytes, suffix: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return (
                ""
                if "word/document.xml" in z.namelist()
                else "不是 Word .docx 文件（压缩包中没有 word/document.xml）"
            )
    except zipfile.BadZipFile:
        return "不是 Word .docx 文件（不是 zip 压缩包）"


def _starts(*magic: bytes) -> Callable[[bytes, str], str]:
    """The check of an image format: its content starts with one of these bytes."""

    def check(data: bytes, suffix: str) -> str:
        if data.startswith(magic):
            return ""
        return f"不是 {suffix[1:].upper()} 图片（内容与文件名不符）"

    return check


# ---------------------------------------------------------------- the table
class Format(NamedTuple):
    name: str
    suffixes: tuple[str, ...]  # lower case, with the dot
    reader: str  # "module:function", called as reader(data, limits, ocr) -> RawDoc
    ocr: bool  # its text may come from OCR (no text at all: "not even by OCR")
    check: Callable[[bytes, str], str]  # upload: why the content is not this format, or ''

    def read(self, data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
        module, _, function = self.reader.partition(":")
        return getattr(importlib.import_module(module), function)(data, limits, ocr)


FORMATS: tuple[Format, ...] = (
    Format("text", (".txt",), "ingest.read.text:read_text", False, _text),
    Format("markdown", (".md", ".markdown"), "ingest.read.text:read_markdown", False, _text),
    Format("html", (".html", ".htm"), "ingest.read.html:read", False, _html),
    Format("pdf", (".pdf",), "ingest.read.pdf:read", True, _pdf),
    Format("docx", (".docx",), "ingest.read.docx:read", False, _docx),
    Format("png", (".png",), "ingest.read.image:read", True, _starts(b"\x89PNG\r\n\x1a\n")),
    Format("jpeg", (".jpg", ".jpeg"), "ingest.read.image:read", True, _starts(b"\xff\xd8\xff")),
    Format("tiff", (".tif", ".tiff"), "ingest.read.image:read", True, _starts(b"II*\x00", b"MM\x00*")),
    Format("bmp", (".bmp",), "ingest.read.image:read", True, _starts(b"BM")),
)  # fmt: skip

_BY_SUFFIX = {s: f for f in FORMATS for s in f.suffixes}
SUPPORTED = frozenset(_BY_SUFFIX)  # every suffix read, lower case with the dot


def by_suffix(path: str | Path) -> Format | None:
    """The format a file name's suffix (any case) says, or None when none is read."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())
