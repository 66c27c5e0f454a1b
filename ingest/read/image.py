"""Scans and photos (.png, .jpg, .tif, .bmp): every page (each frame of a TIFF) read by OCR,
with the recognised spans and each page's confidence kept for the chunks that quote them."""

from __future__ import annotations

from ingest.limits import ReadLimits
from ingest.ocr.engine import OcrOptions
from ingest.read.rawdoc import RawDoc


def read(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_image(data, ocr)


def read_image(data: bytes, ocr: OcrOptions | None = None) -> RawDoc:
    """A scan or photo (one page, or a multi-page TIFF), read by OCR page by page."""
    from ingest.ocr.engine import image_pages, ocr_pages, page_count

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
