"""Readers: one file in, extracted text out (.txt/.md, .html, .pdf, .docx, and scans or photos
as .png/.jpg/.tif/.bmp).

Each reader returns the document's text as extracted, page starts for paged formats, the
spans that OCR recognised (with their confidence), and metadata hints the file carries (HTML
<title>, Word core properties). Anything unreadable raises ``ReadError`` with a reason a user
can act on; the pipeline names the file.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ReadError
from ingest.gongwen import is_part_line
from ingest.ocr import IMAGE_SUFFIXES, OcrOptions
from ingest.webclip import html_to_text, reduce_clipping
from kb.core.text import is_cjk

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", *IMAGE_SUFFIXES}

__all__ = ["SUPPORTED", "RawDoc", "ReadError", "read_file", "decode_text", "join_wrapped_lines"]


@dataclass
class RawDoc:
    text: str
    kind: str  # txt | md | html | pdf | docx | image
    pages: list[int] = field(default_factory=list)  # offset in text where page i+1 starts
    hints: dict = field(default_factory=dict)  # title, author, date found in the file itself
    # Text recognised by OCR: (start, end, mean confidence) per paragraph, offsets in ``text``;
    # and page number -> mean confidence for each page that was OCR'd.
    ocr_spans: list[tuple[int, int, float]] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)


def read_file(path: Path, max_bytes: int, max_pages: int, ocr: OcrOptions | None = None) -> RawDoc:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(
            f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(SUPPORTED))}"
        )
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > max_bytes:
        raise ReadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    data = path.read_bytes()
    ocr = ocr or OcrOptions()
    if suffix == ".pdf":
        doc = read_pdf(data, max_pages, ocr)
    elif suffix == ".docx":
        doc = read_docx(data)
    elif suffix in {".html", ".htm"}:
        doc = read_html(decode_text(data))
    elif suffix in IMAGE_SUFFIXES:
        doc = read_image(data, ocr)
    else:
        markdown = suffix in {".md", ".markdown"}
        doc = RawDoc(reduce_clipping(decode_text(data), markdown), "md" if markdown else "txt")
    if not doc.text.strip():
        if doc.kind in ("pdf", "image"):
            raise ReadError("no text could be found, not even by OCR (blank pages?)")
        raise ReadError("no text could be extracted (empty content)")
    return doc


# ---------------------------------------------------------------- text encodings
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes) -> str:
    """UTF-8 first, then a BOM, then GB18030 (a superset of GBK/GB2312, the usual legacy
    encoding of Chinese government files), then charset-normalizer's best guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _clean_decoded(data.decode(enc, errors="strict"))
    try:
        return _clean_decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ReadError("binary content, not text (NUL bytes and no UTF-16 byte-order mark)")
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return _clean_decoded(text)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise ReadError(
            "text encoding could not be detected (not UTF-8, UTF-16, GB18030 or another known encoding)"
        )
    return _clean_decoded(str(best))


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    if bad / len(text) > 0.01:
        return False
    # Decoding random bytes as GB18030 "succeeds" with rare characters; real Chinese text
    # is mostly common CJK, ASCII and punctuation.
    common = sum(
        1
        for c in text
        if c.isascii()
        or is_cjk(c)
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or c in "“”‘’—…·"
    )
    return common / len(text) > 0.9


def _clean_decoded(text: str) -> str:
    if "\x00" in text:
        raise ReadError("binary content, not text (NUL characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- HTML
def read_html(html: str) -> RawDoc:
    text, hints = html_to_text(html)
    return RawDoc(text, "html", hints=hints)


# ---------------------------------------------------------------- PDF
_TERMINAL = tuple("。！？；：!?;:")
# A page whose text layer shows fewer characters than this is a scan (or a photo with a
# stray page number or stamp in its text layer): it is read by OCR.
OCR_MIN_CHARS = 20


def read_pdf(data: bytes, max_pages: int, ocr: OcrOptions | None = None) -> RawDoc:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    ocr = ocr or OcrOptions()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise ReadError("encrypted PDF (password protected); remove the password and retry")
        n = len(reader.pages)
    except ReadError:
        raise
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError, OSError) as e:
        raise ReadError(f"corrupt or unreadable PDF: {e}") from e
    if n > max_pages:
        raise ReadError(f"PDF has {n} pages, over the {max_pages}-page limit")
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
    except Exception:
        pass
    layers: list[str] = []
    for i, page in enumerate(reader.pages):
        try:
            layers.append(page.extract_text() or "")
        except Exception as e:
            raise ReadError(f"corrupt PDF: page {i + 1} cannot be read ({e})") from e
    # Mixed PDFs: only the pages without a usable text layer, and with a picture to read,
    # are OCR'd (a slide with a short title and no picture is not worth seconds of OCR).
    scanned = [
        i for i, t in enumerate(layers) if _needs_ocr(t) and _has_image(reader.pages[i])
    ]  # fmt: skip
    if len(scanned) > ocr.max_pages:
        raise ReadError(
            f"{len(scanned)} pages have no text layer, over the {ocr.max_pages}-page OCR limit"
        )
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


def _needs_ocr(layer: str) -> bool:
    """No text layer, almost none, or one that decodes to no readable characters (fonts
    without a Unicode map)."""
    visible = re.sub(r"\s+", "", layer)
    if len(visible) < OCR_MIN_CHARS:
        return True
    readable = sum(1 for c in visible if c.isascii() or is_cjk(c) or "\u3000" <= c <= "\uffef")
    return readable / len(visible) < 0.5


_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s.*?\sID\s", re.S)


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
            return data is not None and bool(_INLINE_IMAGE.search(data.get_data()))
        return False
    except Exception:  # an odd structure: let OCR look rather than lose a scanned page
        return True


def _ocr_pdf_pages(data: bytes, pages: list[int], ocr: OcrOptions) -> dict:
    from ingest.ocr import ocr_pages, pdf_renderer

    with pdf_renderer(data, ocr) as render:
        # pdfium renders in this thread, one page at a time; the pages are read in parallel
        images = ((i + 1, render(i)) for i in pages)
        return dict(ocr_pages(images, ocr, len(pages)))


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


def join_wrapped_lines(text: str) -> str:
    """PDF text arrives with a line break wherever the layout wrapped, even inside words and
    numbers ("355\\n04件"). Join a line to the next unless it ends a sentence, looks like
    a heading or a part of a 公文's layout (版头, 发文字号, title, date), or the line stops
    well short of the page's longest lines (the last line of a paragraph); add a space only
    between two Latin letters/digits-and-letters."""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    widths = sorted((_width(ln) for ln in lines if ln), reverse=True)
    # the measure of a full line: the widest lines but one (a stray long line is no measure)
    full = widths[min(1, len(widths) - 1)] if len(widths) >= 3 else 0.0
    out: list[str] = []
    cur = ""
    cur_short = False
    for ln in lines:
        if not ln:
            if cur:
                out.append(cur)
                cur = ""
            continue
        if not cur:
            cur, cur_short = ln, _short(ln, full)
            continue
        if (
            cur.endswith(_TERMINAL)
            or cur_short
            or _is_heading_line(cur)
            or _is_heading_line(ln)
            or ln.startswith("|")
            or is_part_line(cur)
            or is_part_line(ln)
        ):
            out.append(cur)
            cur, cur_short = ln, _short(ln, full)
            continue
        sep = (
            " "
            if (cur[-1].isascii() and cur[-1].isalpha() and ln[0].isascii() and ln[0].isalnum())
            else ""
        )
        cur = cur + sep + ln
        cur_short = _short(ln, full)
    if cur:
        out.append(cur)
    return "\n".join(out)


def _width(line: str) -> float:
    """Display width in CJK character cells (a Latin letter or digit is half a cell)."""
    return sum(0.5 if c.isascii() else 1.0 for c in line)


def _short(line: str, full: float) -> bool:
    # A line under 3/4 of a full line's width ends its paragraph (measured only on pages
    # with lines long enough to tell).
    return full >= 20 and _width(line) < 0.75 * full


_HEADING_RE = re.compile(
    r"^(#{1,6}\s|第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
)


def _is_heading_line(line: str) -> bool:
    return bool(_HEADING_RE.match(line)) and len(line) <= 40


# ---------------------------------------------------------------- Word
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
# Core properties a template or a tool writes, not the document's author or title.
_TEMPLATE_VALUES = {
    "python-docx", "administrator", "admin", "user", "users", "microsoft office user",
    "microsoft", "windows user", "windows 用户", "微软用户", "作者", "unknown", "author", "owner",
    "无标题", "untitled", "文档", "document",
}  # fmt: skip


def read_docx(data: bytes) -> RawDoc:
    """Body paragraphs and tables in order: headings as ``#`` lines, list items with their
    numbers ("1.", "（一）", "•"), tables as Markdown with their header row, footnote marks
    as "[注n]" with the notes at the end; headers and footers are not body text."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        # A zip bomb declares a huge uncompressed size; refuse before python-docx inflates it.
        total = sum(i.file_size for i in zf.infolist())
        if total > 200 * 1024 * 1024:
            raise ReadError(f"Word file expands to {total / 1e6:.0f} MB (zip bomb?)")
    except zipfile.BadZipFile as e:
        raise ReadError(
            "not a valid .docx (not a zip package); old .doc files must be saved as .docx"
        ) from e
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise ReadError(f"not a valid .docx: {e}") from e
    hints: dict = {}
    cp = d.core_properties
    # Template and tool values are not the document's; a file's creation date is the file's,
    # not the document's (dates come from the text).
    if cp.title and cp.title.strip().lower() not in _TEMPLATE_VALUES:
        hints["title"] = cp.title.strip()
    if cp.author and cp.author.strip().lower() not in _TEMPLATE_VALUES:
        hints["author"] = cp.author.strip()
    numbering = _Numbering(d)
    notes = _footnotes(d)
    used_notes: list[str] = []
    lines: list[str] = []
    for el in _body_blocks(d.element.body):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = _para_text(el, notes, used_notes).strip()
            if not text:
                continue
            style = _style_name(d, el)
            m = re.match(r"(?:Heading|标题)\s*(\d)", style)
            if style == "Title":
                lines.append("# " + text)
            elif m:
                lines.append("#" * min(int(m.group(1)) + 1, 6) + " " + text)
            else:
                label = numbering.label(el, d)
                lines.append(f"{label} {text}" if label else text)
        elif tag == "tbl":
            table = _docx_table(el, d)
            if table:
                lines.append(table)
    if used_notes:
        lines.append("## 注释")
        lines += [f"[注{n}] {notes[n]}" for n in used_notes if notes.get(n)]
    return RawDoc("\n\n".join(lines), "docx", hints=hints)


def _body_blocks(body):
    """Paragraphs and tables of the body in order, including those inside content controls."""
    for el in body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            yield el
        elif tag == "sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_blocks(content)


def _para_text(p, notes: dict[str, str], used: list[str]) -> str:
    """A paragraph's visible text, with "[注n]" where a footnote is referenced (deleted
    revisions and field codes are not text)."""
    out: list[str] = []
    for el in p.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "footnoteReference":
            n = el.get(f"{_W}id")
            if n in notes:
                if n not in used:
                    used.append(n)
                out.append(f"[注{n}]")
    return "".join(out)


def _style_name(d, p) -> str:
    ppr = p.find(f"{_W}pPr")
    sid = ppr.find(f"{_W}pStyle") if ppr is not None else None
    if sid is None:
        return ""
    try:
        return d.styles.get_by_id(sid.get(f"{_W}val"), 1).name or ""  # 1 = paragraph style
    except Exception:
        return ""


def _footnotes(d) -> dict[str, str]:
    """Footnote id -> text, from the package's footnotes part (python-docx has no API)."""
    from lxml import etree

    for rel in d.part.rels.values():
        if rel.reltype == _FOOTNOTES_REL and not rel.is_external:
            try:
                root = etree.fromstring(rel.target_part.blob)
            except etree.XMLSyntaxError:
                return {}
            out = {}
            for fn in root.iter(f"{_W}footnote"):
                if fn.get(f"{_W}type") in ("separator", "continuationSeparator"):
                    continue
                text = "".join(t.text or "" for t in fn.iter(f"{_W}t")).strip()
                if text:
                    out[fn.get(f"{_W}id")] = text
            return out
    return {}


def _docx_table(tbl, d) -> str:
    """A Word table as Markdown, first row as the header; a merged cell's text appears once
    per grid column it spans, so rows line up with the header."""
    from docx.table import Table

    t = Table(tbl, d)
    rows = []
    for r in t.rows:
        cells = [c.text.strip().replace("|", "｜").replace("\n", " ") for c in r.cells]
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return ""
    ncol = rows[0].count("|") - 1
    return "\n".join([rows[0], "|" + "---|" * max(ncol, 1), *rows[1:]])


class _Numbering:
    """List numbers as Word shows them: each (list, level) counts its paragraphs, a level
    restarts when a higher one advances, and the level's text pattern ("%1.", "（%1）",
    "第%1条") is filled in its number format (decimal, 一二三, letters, roman, bullets)."""

    def __init__(self, d) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> fmt
        self.counts: dict[str, list[int]] = {}
        try:
            root = d.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for a in root.iter(f"{_W}abstractNum"):
            lv = {}
            for lvl in a.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[int(lvl.get(f"{_W}ilvl", 0))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[a.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def _num_pr(self, p, d):
        ppr = p.find(f"{_W}pPr")
        npr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if npr is None:  # numbering inherited from the paragraph style ("List Number")
            style = (
                d.styles.element.get_by_id(ppr.find(f"{_W}pStyle").get(f"{_W}val"))
                if (ppr is not None and ppr.find(f"{_W}pStyle") is not None)
                else None
            )
            while style is not None and npr is None:
                sppr = style.find(f"{_W}pPr")
                npr = sppr.find(f"{_W}numPr") if sppr is not None else None
                based = style.find(f"{_W}basedOn")
                style = (
                    d.styles.element.get_by_id(based.get(f"{_W}val")) if based is not None else None
                )
        if npr is None:
            return None
        num = npr.find(f"{_W}numId")
        ilvl = npr.find(f"{_W}ilvl")
        if num is None or num.get(f"{_W}val") in (None, "0"):
            return None
        return num.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0

    def label(self, p, d) -> str:
        found = self._num_pr(p, d)
        if not found:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id, {})
        counts = self.counts.setdefault(num_id, [0] * 9)
        ilvl = min(max(ilvl, 0), 8)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt, pattern, _ = levels.get(ilvl, ("decimal", "%1.", 1))
        if fmt == "bullet":
            return "•"
        if fmt == "none":
            return ""

        def fill(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            f, _, start = levels.get(k, ("decimal", "", 1))
            return _format_number(counts[k] + start - 1, f)

        return re.sub(r"%(\d)", fill, pattern)


_CN_DIGITS = "〇一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
               "japaneseCounting", "taiwaneseCounting", "chineseLegalSimplified"):  # fmt: skip
        if n < 10:
            return _CN_DIGITS[n]
        if n < 100:
            tens, ones = divmod(n, 10)
            return (
                ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
            )
        return str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip
        out, k = "", n
        for v, sym in vals:
            while k >= v:
                out, k = out + sym, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)
