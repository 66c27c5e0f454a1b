"""OCR for scans and photos: page images in, text with its reading order, paragraphs and
recognition confidence out.

The engine is RapidOCR (``rapidocr-onnxruntime`` 1.4.x), whose wheel carries the PP-OCRv4
Chinese detection, direction and recognition models, so nothing is downloaded at run time.
Images are checked before they are decoded (dimensions from the header, frame count), so a
decompression bomb or a 20,000 × 20,000 image is refused without allocating it
(ingest/ocr/images.py), and each page has a time limit checked between recognition batches.
Lines become paragraphs in ingest/ocr/layout.py.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ingest.errors import ReadError, unreadable
from ingest.ocr.images import image_pages, page_count, pdf_renderer
from ingest.ocr.layout import OcrLine, layout, mean_confidence

# Importers use ingest.ocr.engine for the image and layout names too.
__all__ = [
    "OcrLine",
    "OcrOptions",
    "OcrPage",
    "engine",
    "image_pages",
    "layout",
    "mean_confidence",
    "ocr_page",
    "ocr_pages",
    "page_count",
    "pdf_renderer",
    "recognize",
    "workers",
]

# Text lines recognised with less confidence than this are noise (specks, stamps, rules):
# RapidOCR's own default cut-off.
MIN_LINE_CONFIDENCE = 0.5
# Crops recognised per call between two looks at the page's deadline.
_REC_BATCH = 12


@dataclass
class OcrOptions:
    """Limits and knobs for one document's OCR (built from Settings by the pipeline)."""

    max_pages: int = 300  # pages that may need OCR in one file
    page_timeout_s: float = 60.0  # one page's detection + recognition
    max_pixels: int = 60_000_000  # per page image (A4 at 600 dpi is 35 MP)
    dpi: int = 150  # PDF pages are rendered at this resolution
    threads: int = 0  # pages read at once (one single-threaded engine each); 0 = one per core
    on_page: Callable[[int, int], None] | None = None  # (page done, pages to OCR)


@dataclass
class OcrPage:
    """A page's recognised text: paragraphs joined by newlines, and per paragraph its span in
    ``text`` with the mean confidence of its characters."""

    text: str
    spans: list[tuple[int, int, float]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def confidence(self) -> float | None:
        n = sum(e - s for s, e, _ in self.spans)
        return sum((e - s) * c for s, e, c in self.spans) / n if n else None


# ---------------------------------------------------------------- the engine
# Pages are read in parallel, one single-threaded engine per worker: measured on these 2
# cores, a page costs 4.8 CPU-seconds on one onnxruntime thread and 5.5–7 on two (its
# threads spin while they wait), so two pages side by side do more than one page on two
# threads.
_pool: list = []  # idle engines
_made = 0
_pool_lock = threading.Condition()


def _new_engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # pragma: no cover - a broken install
        raise unreadable("OCR 不可用：请安装 rapidocr-onnxruntime", e) from e
    eng = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    _detect_at_most(eng, DET_MAX_SIDE)
    return eng


@contextmanager
def engine(limit: int = 1) -> Iterator:
    """A RapidOCR engine for the caller's exclusive use (0.5 s to load the first time; the
    models ship in the wheel); at most ``limit`` are made while others are busy."""
    global _made
    with _pool_lock:
        while not _pool and _made >= max(limit, 1):
            _pool_lock.wait()
        eng = _pool.pop() if _pool else None
        if eng is None:
            _made += 1
    if eng is None:
        try:
            eng = _new_engine()
        except BaseException:
            with _pool_lock:
                _made -= 1
                _pool_lock.notify()
            raise
    try:
        yield eng
    finally:
        with _pool_lock:
            _pool.append(eng)
            _pool_lock.notify()


def workers(opts: OcrOptions) -> int:
    """Pages read at once: ``opts.threads``, or one per core (at most 4)."""
    return opts.threads if opts.threads > 0 else max(1, min(os.cpu_count() or 1, 4))


# Text is detected on the page scaled so that its longer side is at most this (PaddleOCR's
# own default, det_limit_side_len=960 with limit_type=max): an A4 page at 150 dpi is
# detected at 0.55 scale, which costs a quarter less CPU and recognised our test pages as
# well or better, while recognition still reads crops of the full-resolution page.
# (RapidOCR 1.4 ignores its own det_limit settings for pages over 1,500 px: hence the hook.)
DET_MAX_SIDE = 960


def _detect_at_most(eng, side: int) -> None:
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    det = eng.text_det
    det.get_preprocess = lambda max_wh: DetPreProcess(side, "max", det.mean, det.std)


def recognize(image: np.ndarray, timeout_s: float, limit: int = 1) -> list[OcrLine]:
    """Text lines of one page image (RGB array), in the engine's detection order.

    The steps of ``RapidOCR.__call__`` done one by one, so that recognition runs in batches
    and the page's deadline is checked between them."""
    deadline = time.perf_counter() + timeout_s
    with engine(limit) as eng:
        raw_h, raw_w = image.shape[:2]
        img = image[:, :, ::-1].copy()  # RapidOCR works in BGR, as OpenCV reads files
        img, ratio_h, ratio_w = eng.preprocess(img)
        img, record = eng.maybe_add_letterbox(
            img, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        )
        boxes, _ = eng.auto_text_det(img)
        if boxes is None or not len(boxes):
            return []
        crops = eng.get_crop_img_list(img, boxes)
        results: list[tuple[str, float]] = []
        for i in range(0, len(crops), _REC_BATCH):
            if time.perf_counter() > deadline:
                raise TimeoutError
            part, _, _ = eng.text_cls(crops[i : i + _REC_BATCH])
            rec, _ = eng.text_rec(part, False)
            results += [(r[0], float(r[1])) for r in rec]
        boxes = eng._get_origin_points(boxes, record, raw_h, raw_w)
    out = []
    for box, (text, conf) in zip(boxes, results, strict=True):
        text = text.strip()
        if not text or conf < MIN_LINE_CONFIDENCE:
            continue
        xs, ys = box[:, 0], box[:, 1]
        out.append(
            OcrLine(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), text, conf)
        )
    return out


def ocr_page(image: np.ndarray, page_no: int, opts: OcrOptions) -> OcrPage:
    t = time.perf_counter()
    try:
        lines = recognize(image, opts.page_timeout_s, workers(opts))
    except TimeoutError as e:
        raise ReadError(
            f"第 {page_no} 页：OCR 识别超过每页 {opts.page_timeout_s:g} 秒的时限"
        ) from e
    text, spans = layout(lines)
    return OcrPage(text, spans, time.perf_counter() - t)


def ocr_pages(images: Iterable[tuple[int, np.ndarray]], opts: OcrOptions, total: int):
    """(page number, OcrPage) for each (page number, image), in order, reading up to
    ``workers(opts)`` pages at once; images are produced (rendered, decoded) in this thread,
    a few ahead of the readers. Progress is reported as pages finish."""
    n = workers(opts)
    done = 0
    if n == 1:
        for page_no, image in images:
            page = ocr_page(image, page_no, opts)
            done = _report(opts, done, total)
            yield page_no, page
        return
    with ThreadPoolExecutor(n, thread_name_prefix="ocr") as ex:
        pending: deque = deque()
        try:
            for page_no, image in images:
                pending.append((page_no, ex.submit(ocr_page, image, page_no, opts)))
                while len(pending) > n:  # bound the rendered pages held in memory
                    no, fut = pending.popleft()
                    page = fut.result()
                    done = _report(opts, done, total)
                    yield no, page
            while pending:
                no, fut = pending.popleft()
                page = fut.result()
                done = _report(opts, done, total)
                yield no, page
        finally:
            for _, fut in pending:
                fut.cancel()


def _report(opts: OcrOptions, done: int, total: int) -> int:
    """Report one more page finished; returns the new count."""
    done += 1
    if opts.on_page:
        opts.on_page(done, total)
    return done
