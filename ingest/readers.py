"""Readers: one file in, extracted text out (.txt/.md, .html, .pdf, .docx).

Each reader returns the document's text as extracted, page starts for PDFs, and metadata
hints the file carries (HTML <title>, Word core properties). Anything unreadable raises
``ReadError`` with a reason a user can act on; the pipeline names the file.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kb.text import is_cjk

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}


class ReadError(Exception):
    """A file that cannot be ingested; the message is the reason."""


@dataclass
class RawDoc:
    text: str
    kind: str  # txt | md | html | pdf | docx
    pages: list[int] = field(default_factory=list)  # offset in text where page i+1 starts
    hints: dict = field(default_factory=dict)  # title, author, date found in the file itself


def read_file(path: Path, max_bytes: int, max_pages: int) -> RawDoc:
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
    if suffix == ".pdf":
        doc = read_pdf(data, max_pages)
    elif suffix == ".docx":
        doc = read_docx(data)
    elif suffix in {".html", ".htm"}:
        doc = read_html(decode_text(data))
    else:
        doc = RawDoc(decode_text(data), "md" if suffix in {".md", ".markdown"} else "txt")
    if not doc.text.strip():
        raise ReadError("no text could be extracted (scanned images or empty content)")
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
_BLOCK_TAGS = {"p", "div", "li", "br", "tr", "section", "article", "blockquote", "pre", "dd", "dt"}
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "nav",
    "footer",
    "header",
    "form",
    "aside",
    "iframe",
    "svg",
    "template",
]


def read_html(html: str) -> RawDoc:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    hints: dict = {}
    if soup.title and soup.title.get_text(strip=True):
        hints["title"] = soup.title.get_text(strip=True)
    for name in ("author", "publishdate", "date", "pubdate"):
        m = soup.find("meta", attrs={"name": name})
        if m and m.get("content"):
            hints["author" if name == "author" else "date"] = m["content"].strip()
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    lines: list[str] = []
    body = soup.body or soup
    _html_walk(body, lines)
    text = "\n".join(line for line in (ln.strip() for ln in "".join(lines).split("\n")))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if "title" not in hints:
        h1 = soup.find("h1")
        if h1:
            hints["title"] = h1.get_text(" ", strip=True)
    return RawDoc(text, "html", hints=hints)


def _html_walk(node, out: list[str], depth: int = 0) -> None:
    from bs4 import NavigableString, Tag

    if depth > 200:  # pathological nesting: keep the text, stop descending structure
        out.append(node.get_text(" ") if isinstance(node, Tag) else str(node))
        return
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "CData", "ProcessingInstruction"):
                continue
            out.append(re.sub(r"\s+", " ", str(child)))
        elif isinstance(child, Tag):
            name = child.name.lower()
            if re.fullmatch(r"h[1-6]", name):
                out.append(
                    "\n\n" + "#" * int(name[1]) + " " + child.get_text(" ", strip=True) + "\n\n"
                )
            elif name == "table":
                out.append("\n\n" + _html_table(child) + "\n\n")
            elif name == "br":
                out.append("\n")
            else:
                block = name in _BLOCK_TAGS
                if block:
                    out.append("\n")
                _html_walk(child, out, depth + 1)
                if block:
                    out.append("\n")


def _html_table(table) -> str:
    rows = []
    for tr in table.find_all("tr"):
        cells = [c.get_text(" ", strip=True).replace("|", "｜") for c in tr.find_all(["th", "td"])]
        if cells:
            rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return ""
    ncol = rows[0].count("|") - 1
    return "\n".join([rows[0], "|" + "---|" * max(ncol, 1), *rows[1:]])


# ---------------------------------------------------------------- PDF
_TERMINAL = tuple("。！？；：!?;:")


def read_pdf(data: bytes, max_pages: int) -> RawDoc:
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
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for i, page in enumerate(reader.pages):
        try:
            raw = page.extract_text() or ""
        except Exception as e:
            raise ReadError(f"corrupt PDF: page {i + 1} cannot be read ({e})") from e
        text = join_wrapped_lines(raw)
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
    return RawDoc("\n\n".join(parts), "pdf", pages=starts, hints=hints)


def join_wrapped_lines(text: str) -> str:
    """PDF text arrives with a line break wherever the layout wrapped, even inside words and
    numbers ("355\\n04件"). Join a line to the next unless it ends a sentence or looks like
    a heading; add a space only between two Latin letters/digits-and-letters."""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    cur = ""
    for ln in lines:
        if not ln:
            if cur:
                out.append(cur)
                cur = ""
            continue
        if not cur:
            cur = ln
            continue
        if (
            cur.endswith(_TERMINAL)
            or _is_heading_line(cur)
            or _is_heading_line(ln)
            or ln.startswith("|")
        ):
            out.append(cur)
            cur = ln
            continue
        sep = (
            " "
            if (cur[-1].isascii() and cur[-1].isalpha() and ln[0].isascii() and ln[0].isalnum())
            else ""
        )
        cur = cur + sep + ln
    if cur:
        out.append(cur)
    return "\n".join(out)


_HEADING_RE = re.compile(
    r"^(#{1,6}\s|第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
)


def _is_heading_line(line: str) -> bool:
    return bool(_HEADING_RE.match(line)) and len(line) <= 40


# ---------------------------------------------------------------- Word
def read_docx(data: bytes) -> RawDoc:
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
    if cp.title:
        hints["title"] = cp.title.strip()
    if cp.author:
        hints["author"] = cp.author.strip()
    if cp.created:
        hints["date"] = cp.created.strftime("%Y-%m-%d")
    lines: list[str] = []
    body = d.element.body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for el in body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(el, d)
            text = p.text.strip()
            if not text:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            m = re.match(r"(?:Heading|标题)\s*(\d)", style)
            if style == "Title":
                lines.append("# " + text)
            elif m:
                lines.append("#" * min(int(m.group(1)) + 1, 6) + " " + text)
            else:
                lines.append(text)
        elif tag == "tbl":
            t = Table(el, d)
            rows = []
            for r in t.rows:
                cells = [c.text.strip().replace("|", "｜").replace("\n", " ") for c in r.cells]
                rows.append("| " + " | ".join(cells) + " |")
            if rows:
                ncol = rows[0].count("|") - 1
                lines.append("\n".join([rows[0], "|" + "---|" * max(ncol, 1), *rows[1:]]))
    return RawDoc("\n\n".join(lines), "docx", hints=hints)
