"""OCR for scans and photos: page images in, text with its reading order, paragraphs and
recognition confidence out.

The engine is RapidOCR (``rapidocr-onnxruntime`` 1.4.x), whose wheel carries the PP-OCRv4
Chinese detection, direction and recognition models, so nothing is downloaded at run time.
Images are checked before they are decoded (dimensions from the header, frame count), so a
decompression bomb or a 20,000 × 20,000 image is refused without allocating it, and each page
has a time limit checked between recognition batches.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ingest.errors import ReadError

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
class OcrLine:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    conf: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


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
        raise ReadError(f"OCR is not available ({e}); install rapidocr-onnxruntime") from e
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
            f"page {page_no}: OCR took longer than the {opts.page_timeout_s:g} s page limit"
        ) from e
    text, spans = layout(lines)
    return OcrPage(text, spans, time.perf_counter() - t)


def ocr_pages(images: Iterable[tuple[int, np.ndarray]], opts: OcrOptions, total: int):
    """(page number, OcrPage) for each (page number, image), in order, reading up to
    ``workers(opts)`` pages at once; images are produced (rendered, decoded) in this thread,
    a few ahead of the readers. Progress is reported as pages finish."""
    n = workers(opts)
    done = 0

    def report() -> None:
        nonlocal done
        done += 1
        if opts.on_page:
            opts.on_page(done, total)

    if n == 1:
        for page_no, image in images:
            page = ocr_page(image, page_no, opts)
            report()
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
                    report()
                    yield no, page
            while pending:
                no, fut = pending.popleft()
                page = fut.result()
                report()
                yield no, page
        finally:
            for _, fut in pending:
                fut.cancel()


# ---------------------------------------------------------------- images
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}


def _open_image(data: bytes, opts: OcrOptions):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # sizes are checked against our own limit, with a message that names it
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError as e:
        m = re.search(r"\((\d+) pixels\)", str(e))
        size = f"{int(m.group(1)) / 1e6:.0f} megapixels" if m else "too large"
        raise ReadError(
            f"image is {size}, over the {opts.max_pixels / 1e6:.0f}-megapixel limit "
            "(a decompression bomb or an oversized scan)"
        ) from e
    except UnidentifiedImageError as e:
        raise ReadError(
            "not a readable image (the content is not a PNG, JPEG, TIFF or BMP picture, or it "
            "is damaged)"
        ) from e
    except (OSError, ValueError, SyntaxError) as e:
        raise ReadError(f"not a readable image ({e})") from e


def page_count(data: bytes, opts: OcrOptions) -> int:
    """Pages of an image file (frames of a TIFF), checked against the OCR page limit."""
    n = getattr(_open_image(data, opts), "n_frames", 1)
    if n > opts.max_pages:
        raise ReadError(f"image has {n} pages, over the {opts.max_pages}-page OCR limit")
    return n


def image_pages(data: bytes, opts: OcrOptions) -> Iterator[np.ndarray]:
    """The pages of an image file (one, or every frame of a multi-page TIFF) as RGB arrays.
    Each frame's size is checked from its header before it is decoded."""
    from PIL import Image, ImageOps, ImageSequence

    im = _open_image(data, opts)
    page_count(data, opts)
    try:
        for i, frame in enumerate(ImageSequence.Iterator(im), 1):
            w, h = frame.size
            if w * h > opts.max_pixels:
                raise ReadError(
                    f"page {i}: image is {w} × {h} pixels, over the "
                    f"{opts.max_pixels / 1e6:.0f}-megapixel limit (a decompression bomb or an "
                    "oversized scan; scan at 150–300 dpi)"
                )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    # decodes (a truncated or corrupt file fails here); a phone photo is
                    # turned upright as its EXIF orientation says
                    rgb = ImageOps.exif_transpose(frame.convert("RGB"))
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
                raise ReadError(f"page {i}: image is truncated or corrupt ({e})") from e
            yield np.asarray(rgb)
    except (OSError, EOFError, ValueError, SyntaxError) as e:  # a broken frame table
        raise ReadError(f"image is truncated or corrupt ({e})") from e


@contextmanager
def pdf_renderer(data: bytes, opts: OcrOptions) -> Iterator[Callable[[int], np.ndarray]]:
    """A function rendering page ``index`` (0-based) of a PDF at ``opts.dpi`` (scaled down to
    stay within the pixel limit), for the pages that need OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ReadError(f"PDF pages cannot be rendered for OCR ({e})") from e

    def render(index: int) -> np.ndarray:
        try:
            page = pdf[index]
            w_pt, h_pt = page.get_size()
            scale = opts.dpi / 72
            if w_pt * h_pt * scale * scale > opts.max_pixels:
                scale = (opts.max_pixels / max(w_pt * h_pt, 1.0)) ** 0.5
            return np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
        except pdfium.PdfiumError as e:
            raise ReadError(f"page {index + 1} cannot be rendered for OCR ({e})") from e

    try:
        yield render
    finally:
        pdf.close()


# ---------------------------------------------------------------- reading order and paragraphs
def _rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into visual rows (boxes whose vertical centres are within half a line
    height), top to bottom, each row left to right."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda b: b.cy):
        if rows:
            row = rows[-1]
            cy = sum(b.cy for b in row) / len(row)
            h = max(b.height for b in row)
            if abs(ln.cy - cy) < 0.5 * min(h, ln.height):
                row.append(ln)
                continue
        rows.append([ln])
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def _row_text(row: list[OcrLine]) -> tuple[str, list[tuple[int, int, float]]]:
    parts: list[str] = []
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for i, b in enumerate(row):
        if i:
            gap = b.x0 - row[i - 1].x1
            # Boxes far apart on one row are separate fields ("签发人：张三    2025年…").
            sep = " " if gap > 0.8 * b.height or _latin_pair(parts[-1], b.text) else ""
            parts.append(sep)
            pos += len(sep)
        parts.append(b.text)
        spans.append((pos, pos + len(b.text), b.conf))
        pos += len(b.text)
    return "".join(parts), spans


def _latin_pair(a: str, b: str) -> bool:
    """Two Latin words meet (digits of one number split over two boxes do not)."""
    return bool(
        a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()
    )


def layout(lines: list[OcrLine]) -> tuple[str, list[tuple[int, int, float]]]:
    """Rows joined into paragraphs the way a reader sees them: a row that stops short of the
    right margin, a next row that is indented or set off by a wider gap, or a row ending in
    a colon ends a paragraph; other rows are wrapped lines and are joined without a space
    (with one between two Latin words). Returns the text and per paragraph (start, end,
    mean confidence weighted by characters)."""
    rows = [r for r in _rows(lines) if r]
    if not rows:
        return "", []
    h = float(np.median([b.height for r in rows for b in r]))
    left = float(np.percentile([r[0].x0 for r in rows], 10))
    right = float(np.percentile([r[-1].x1 for r in rows], 90))
    tops = [min(b.y0 for b in r) for r in rows]
    bottoms = [max(b.y1 for b in r) for r in rows]
    gaps = [tops[i + 1] - bottoms[i] for i in range(len(rows) - 1)]
    gap_med = float(np.median(gaps)) if gaps else 0.0
    paras: list[tuple[str, list[tuple[int, int, float]]]] = []
    cur, cur_spans = "", []
    for i, row in enumerate(rows):
        text, spans = _row_text(row)
        if cur:
            prev = rows[i - 1]
            short = prev[-1].x1 < right - 1.5 * h
            indented = row[0].x0 > left + 1.2 * h
            wide_gap = gaps[i - 1] > max(1.5 * gap_med, gap_med + 0.5 * h)
            if short or indented or wide_gap or cur.endswith(("：", ":")):
                paras.append((cur, cur_spans))
                cur, cur_spans = "", []
            else:
                sep = " " if _latin_pair(cur, text) else ""
                off = len(cur) + len(sep)
                cur += sep
                spans = [(s + off, e + off, c) for s, e, c in spans]
        cur += text
        cur_spans += spans
    paras.append((cur, cur_spans))
    out: list[str] = []
    spans_out: list[tuple[int, int, float]] = []
    pos = 0
    for text, spans in paras:
        n = sum(e - s for s, e, _ in spans)
        conf = sum((e - s) * c for s, e, c in spans) / n if n else 0.0
        spans_out.append((pos, pos + len(text), round(conf, 4)))
        out.append(text)
        pos += len(text) + 1
    return "\n".join(out), spans_out


def mean_confidence(spans: list[tuple[int, int, float]], start: int, end: int) -> float | None:
    """Mean confidence of the OCR text between two offsets (weighted by characters), or None
    when none of it was recognised."""
    total = weight = 0.0
    for s, e, c in spans:
        overlap = min(e, end) - max(s, start)
        if overlap > 0:
            total += overlap * c
            weight += overlap
    return round(total / weight, 4) if weight else None


def visible_chars(text: str) -> int:
    """Characters a reader would see (a text layer of a scan often holds only whitespace or a
    page number)."""
    return len(re.sub(r"\s+", "", text))
