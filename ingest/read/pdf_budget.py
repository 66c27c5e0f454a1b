"""What reading one PDF may cost (KB_MAX_INFLATED_MB, and KB_OCR_MAX_MEGAPIXELS for the
images of scanned pages), counted while pypdf reads it.

pypdf bounds each stream it decodes by itself (75 MB), not their sum: a small file can give
every page, font and object stream its own. Every stream it decodes is counted here, through
its one decoding function (``pypdf.filters.decode_stream_data``, wrapped once; it counts only
inside ``pdf_budget``). A stream decoded once and drawn by every page is parsed once per page,
so the drawing instructions each page hands to text extraction are counted too. pdfium decodes
a page's images at the size they declare, before any scaling, so a page to be read by OCR is
refused when one declares more pixels than the OCR limit.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ingest.errors import ReadError
from ingest.limits import mb


class _Budget:
    def __init__(self, limit: int, seconds: float = float("inf")) -> None:
        self.limit = limit
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.decoded = 0  # bytes of every stream decoded
        self.drawn = 0  # bytes of page contents handed to text extraction
        self.page = 0  # the page being read (0: the document's structure)

    def add_decoded(self, n: int) -> None:
        self.decoded += n
        if self.decoded > self.limit:
            raise self.error()

    def error(self) -> ReadError:
        where = f"读到第 {self.page} 页时" if self.page else "在文件结构中"
        return ReadError(
            f"PDF 的数据流解码后超过 {mb(self.limit)} 的上限（KB_MAX_INFLATED_MB），"
            f"{where}超出（疑似压缩炸弹）"
        )

    def check(self) -> None:
        """Raise if a decode went over while pypdf caught the error and went on."""
        if self.decoded > self.limit:
            raise self.error()

    def draw(self, page, number: int) -> None:
        """Count the page's drawing instructions before its text is extracted."""
        self.page = number
        if time.monotonic() > self.deadline:
            raise ReadError(
                f"读取 PDF 文字超过 {self.seconds:g} 秒的上限（KB_MAX_READ_SECONDS），"
                f"读到第 {number} 页时超时"
            )
        content = page.get_contents()
        size = len(content.get_data()) if content is not None else 0
        self.drawn += size
        self.check()
        # Text extraction parses drawing instructions at well under 1 MB/s: one page may
        # have at most a tenth of the file's budget, so no single page runs for minutes.
        if size > self.limit / 10:
            raise ReadError(
                f"第 {number} 页的绘制指令有 {size / 1e6:.1f} MB，超过每页 "
                f"{mb(self.limit // 10)} 的上限（KB_MAX_INFLATED_MB 的十分之一）"
            )
        if self.drawn > self.limit:
            raise ReadError(
                f"PDF 各页的绘制指令合计超过 {mb(self.limit)} 的上限（KB_MAX_INFLATED_MB），"
                f"读到第 {number} 页时超出（疑似多页重复同一幅巨大的图形）"
            )


_BUDGET: ContextVar[_Budget | None] = ContextVar("kb_pdf_budget", default=None)


def _counting(decode):
    @functools.wraps(decode)
    def counted(stream):
        data = decode(stream)
        budget = _BUDGET.get()
        if budget is not None:
            budget.add_decoded(len(data))
        return data

    counted.kb_counting = True
    return counted


def _install() -> None:
    import pypdf.filters

    if not getattr(pypdf.filters.decode_stream_data, "kb_counting", False):
        pypdf.filters.decode_stream_data = _counting(pypdf.filters.decode_stream_data)


@contextmanager
def pdf_budget(limit: int, seconds: float = float("inf")) -> Iterator[_Budget]:
    """Count what pypdf decodes in this block (this thread or task only) against ``limit``;
    pages are read until ``seconds`` have passed."""
    _install()
    budget = _Budget(limit, seconds)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def check_page_images(page, number: int, max_pixels: int) -> None:
    """Refuse a page whose images (placed, in forms, or inline) declare more pixels than
    OCR accepts: pdfium would decode them whole."""
    for w, h in _image_sizes(page, page.get("/Resources"), 0):
        if w * h > max_pixels:
            raise ReadError(
                f"第 {number} 页：图片为 {w} × {h} 像素，超过 {max_pixels / 1e6:g} "
                "百万像素的上限（KB_OCR_MAX_MEGAPIXELS；疑似压缩炸弹或扫描分辨率过高）"
            )


def _image_sizes(page, resources, depth: int) -> Iterator[tuple[int, int]]:
    res = resources.get_object() if resources is not None else None
    xobjects = res.get("/XObject") if res is not None else None
    for ref in xobjects.get_object().values() if xobjects is not None else []:
        x = ref.get_object()
        if x.get("/Subtype") == "/Image":
            yield _int(x.get("/Width")), _int(x.get("/Height"))
        elif x.get("/Subtype") == "/Form" and depth < 3:
            yield from _image_sizes(None, x.get("/Resources"), depth + 1)
    if page is not None and (content := page.get_contents()) is not None:
        for operands, operator in content.operations:
            if operator == b"INLINE IMAGE":
                s = operands.get("settings", {})
                yield _int(s.get("/W", s.get("/Width"))), _int(s.get("/H", s.get("/Height")))


def _int(v) -> int:
    try:
        return max(int(v), 0)
    except (TypeError, ValueError):
        return 0
