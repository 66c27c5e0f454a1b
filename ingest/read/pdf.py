"""PDF reader: the text layer page by page, with the pages that have none (scans) read by
OCR; wrapped lines of the text layer are joined (ingest/read/pdf_lines.py)."""

from __future__ import annotations

import io
import re

from ingest.errors import ReadError, unreadable
from ingest.limits import ReadLimits, check_chars
from ingest.ocr.engine import OcrOptions
from ingest.read.pdf_budget import check_page_images, pdf_budget
from ingest.read.pdf_lines import join_wrapped_lines
from ingest.read.rawdoc import RawDoc
from kb.core.text import is_cjk

# A page whose text layer shows fewer characters than this is a scan (or a photo with a
# stray page number or stamp in its text layer): it is read by OCR.
OCR_MIN_CHARS = 20


def read(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_pdf(data, limits.max_pages, ocr, limits)


def read_pdf(
    data: bytes, max_pages: int, ocr: OcrOptions | None = None, limits: ReadLimits | None = None
) -> RawDoc:
    ocr = ocr or OcrOptions()
    limits = limits or ReadLimits(max_pages=max_pages)
    with pdf_budget(limits.max_inflated, limits.max_seconds) as budget:
        reader = _open(data, max_pages)
        hints = _hints(reader)
        layers: list[str] = []
        chars = 0
        for i, page in enumerate(reader.pages):
            try:
                budget.draw(page, i + 1)  # inside: decoding it may hit one of pypdf's limits
                layers.append(page.extract_text() or "")
                chars += len(layers[-1])
                check_chars(chars, limits, f"（读到第 {i + 1} 页时）")
            except ReadError:
                raise
            except Exception as e:
                budget.check()  # a decode over the limit, wrapped by pypdf
                if type(e).__name__ == "LimitReachedError":  # one of pypdf's own limits
                    raise unreadable(f"第 {i + 1} 页太大，无法读取", e) from e
                raise unreadable(f"PDF 已损坏：第 {i + 1} 页无法读取", e) from e
            budget.check()
        # Mixed PDFs: only the pages without a usable text layer, and with a picture to read,
        # are OCR'd (a slide with a short title and no picture is not worth seconds of OCR).
        scanned = [
            i for i, t in enumerate(layers) if _needs_ocr(t) and _has_image(reader.pages[i])
        ]  # fmt: skip
        budget.check()
        if len(scanned) > ocr.max_pages:
            raise ReadError(
                f"{len(scanned)} 页没有文字层，超过 OCR 每个文件 {ocr.max_pages} 页的上限"
            )
        for i in scanned:
            check_page_images(reader.pages[i], i + 1, ocr.max_pixels)
    recognised = _ocr_pdf_pages(data, scanned, ocr) if scanned else {}
    doc = RawDoc("", "pdf", hints=hints)
    parts: list[str] = []
    offset = 0
    for i, layer in enumerate(layers):
        page = recognised.get(i + 1)
        text = page.text if page is not None else join_wrapped_lines(layer)
        doc.pages.append(offset)
        if page is not None:
            doc.ocr_spans += [(offset + s, offset + e, c) for s, e, c in page.spans]
            if page.confidence is not None:
                doc.ocr_pages[i + 1] = round(page.confidence, 4)
        parts.append(text)
        offset += len(text) + 2
    doc.text = "\n\n".join(parts)
    return doc


def _open(data: bytes, max_pages: int):
    """The PDF opened (decrypted when it has an empty password), its pages counted."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise ReadError("PDF 已加密（有密码保护）：请去掉密码后重新导入")
        n = len(reader.pages)
    except ReadError:
        raise
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError, OSError) as e:
        raise unreadable("PDF 已损坏或无法读取", e) from e
    if n > max_pages:
        raise ReadError(f"PDF 共 {n} 页，超过 {max_pages} 页的上限（KB_MAX_PDF_PAGES）")
    return reader


def pdf_hints(data: bytes, max_pages: int) -> dict:
    """The PDF's title and author from its document information, no page read."""
    return _hints(_open(data, max_pages))


def _hints(reader) -> dict:
    hints: dict = {}
    try:
        meta = reader.metadata
        if meta and meta.title and meta.title.strip():
            hints["title"] = meta.title.strip()
        if (
            meta
            and meta.author
            and meta.author.strip().lower() not in ("anonymous", "unknown", "administrator")
        ):
            hints["author"] = meta.author.strip()
    except ReadError:
        raise
    except Exception:
        pass
    return hints


def _needs_ocr(layer: str) -> bool:
    """No text layer, almost none, or one that decodes to no readable characters (fonts
    without a Unicode map)."""
    visible = re.sub(r"\s+", "", layer)
    if len(visible) < OCR_MIN_CHARS:
        return True
    readable = sum(1 for c in visible if c.isascii() or is_cjk(c) or "\u3000" <= c <= "\uffef")
    return readable / len(visible) < 0.5


# An inline image: "BI", its settings, then "ID" (two searches: linear in the content).
_BI, _ID = re.compile(rb"(?:^|\s)BI\s"), re.compile(rb"\sID\s")


def _has_image(page, depth: int = 0) -> bool:
    """The page (or a form it draws) places an image, or draws one inline."""
    try:
        res = page.get("/Resources") if depth == 0 else page
        res = res.get_object() if res is not None else None
        xobjects = res.get("/XObject") if res is not None else None
        for ref in xobjects.get_object().values() if xobjects is not None else []:
            x = ref.get_object()
            if x.get("/Subtype") == "/Image":
                return True
            if (
                x.get("/Subtype") == "/Form"
                and depth < 3
                and _has_image(x.get("/Resources"), depth + 1)
            ):
                return True
        if depth == 0:
            data = page.get_contents()
            raw = data.get_data() if data is not None else b""
            bi = _BI.search(raw)
            return bool(bi and _ID.search(raw, bi.end()))
        return False
    except Exception:  # an odd structure: let OCR look rather than lose a scanned page
        return True


def _ocr_pdf_pages(data: bytes, pages: list[int], ocr: OcrOptions) -> dict:
    from ingest.ocr.engine import ocr_pages, pdf_renderer

    with pdf_renderer(data, ocr) as render:
        # pdfium renders in this thread, one page at a time; the pages are read in parallel
        images = ((i + 1, render(i)) for i in pages)
        return dict(ocr_pages(images, ocr, len(pages)))
