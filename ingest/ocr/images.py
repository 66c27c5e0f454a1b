"""Page images for OCR: image files (every frame of a TIFF) and PDF pages rendered, each
checked against the pixel and page limits before it is decoded."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from ingest.errors import ReadError, unreadable

if TYPE_CHECKING:
    from ingest.ocr.engine import OcrOptions


def _open_image(data: bytes, opts: OcrOptions):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # sizes are checked against our own limit, with a message that names it
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError as e:
        m = re.search(r"\((\d+) pixels\)", str(e))
        size = f"为 {int(m.group(1)) / 1e6:.0f} 百万像素" if m else "过大"
        raise ReadError(
            f"图片{size}，超过 {opts.max_pixels / 1e6:.0f} 百万像素的上限"
            "（疑似压缩炸弹或扫描分辨率过高）"
        ) from e
    except UnidentifiedImageError as e:
        raise ReadError("不是可读取的图片（内容不是 PNG、JPEG、TIFF 或 BMP 图片，或已损坏）") from e
    except (OSError, ValueError, SyntaxError) as e:
        raise unreadable("不是可读取的图片（内容已损坏）", e) from e


def page_count(data: bytes, opts: OcrOptions) -> int:
    """Pages of an image file (frames of a TIFF), checked against the OCR page limit."""
    n = getattr(_open_image(data, opts), "n_frames", 1)
    if n > opts.max_pages:
        raise ReadError(f"图片共 {n} 页，超过 OCR 每个文件 {opts.max_pages} 页的上限")
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
                    f"第 {i} 页：图片为 {w} × {h} 像素，超过 {opts.max_pixels / 1e6:.0f} "
                    "百万像素的上限（疑似压缩炸弹或扫描分辨率过高；请以 150–300 dpi 扫描）"
                )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    # decodes (a truncated or corrupt file fails here); a phone photo is
                    # turned upright as its EXIF orientation says
                    rgb = ImageOps.exif_transpose(frame.convert("RGB"))
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
                raise unreadable(f"第 {i} 页：图片不完整或已损坏", e) from e
            yield np.asarray(rgb)
    except (OSError, EOFError, ValueError, SyntaxError) as e:  # a broken frame table
        raise unreadable("图片不完整或已损坏", e) from e


@contextmanager
def pdf_renderer(data: bytes, opts: OcrOptions) -> Iterator[Callable[[int], np.ndarray]]:
    """A function rendering page ``index`` (0-based) of a PDF at ``opts.dpi`` (scaled down to
    stay within the pixel limit), for the pages that need OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise unreadable("PDF 页面无法渲染，无法进行 OCR", e) from e

    def render(index: int) -> np.ndarray:
        try:
            page = pdf[index]
            w_pt, h_pt = page.get_size()
            scale = opts.dpi / 72
            if w_pt * h_pt * scale * scale > opts.max_pixels:
                scale = (opts.max_pixels / max(w_pt * h_pt, 1.0)) ** 0.5
            return np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
        except pdfium.PdfiumError as e:
            raise unreadable(f"第 {index + 1} 页无法渲染，无法进行 OCR", e) from e

    try:
        yield render
    finally:
        pdf.close()
