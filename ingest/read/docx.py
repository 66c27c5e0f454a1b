"""Word (.docx) reader: body paragraphs and tables in reading order, with headings, list
numbers and footnotes; headers and footers are left out."""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from ingest.errors import ReadError, unreadable
from ingest.limits import ReadLimits, check_package
from ingest.read.docx_numbering import Numbering, W
from ingest.read.rawdoc import RawDoc

if TYPE_CHECKING:
    from ingest.ocr.engine import OcrOptions

_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
# Core properties a template or a tool writes, not the document's author or title.
_TEMPLATE_VALUES = {
    "python-docx", "administrator", "admin", "user", "users", "microsoft office user",
    "microsoft", "windows user", "windows 用户", "微软用户", "作者", "unknown", "author", "owner",
    "无标题", "untitled", "文档", "document",
}  # fmt: skip


def read(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return read_docx(data, limits)


def read_docx(data: bytes, limits: ReadLimits | None = None) -> RawDoc:
    """Body paragraphs and tables in order: headings as ``#`` lines, list items with their
    numbers ("1.", "（一）", "•"), tables as Markdown with their header row, footnote marks
    as "[注n]" with the notes at the end; headers and footers are not body text."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError("不是有效的 .docx 文件（不是 zip 压缩包）；旧的 .doc 文件请先另存为 .docx")
    # Every part unpacked and counted before python-docx unpacks and parses them (a zip
    # bomb's header may declare any size; Word's XML takes 20-35x its size as a tree).
    check_package(data, limits or ReadLimits())
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise unreadable("不是有效的 .docx 文件（内容已损坏）", e) from e
    hints: dict = {}
    cp = d.core_properties
    # Template and tool values are not the document's; a file's creation date is the file's,
    # not the document's (dates come from the text).
    if cp.title and cp.title.strip().lower() not in _TEMPLATE_VALUES:
        hints["title"] = cp.title.strip()
    if cp.author and cp.author.strip().lower() not in _TEMPLATE_VALUES:
        hints["author"] = cp.author.strip()
    numbering = Numbering(d)
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
            content = el.find(f"{W}sdtContent")
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
            n = el.get(f"{W}id")
            if n in notes:
                if n not in used:
                    used.append(n)
                out.append(f"[注{n}]")
    return "".join(out)


def _style_name(d, p) -> str:
    ppr = p.find(f"{W}pPr")
    sid = ppr.find(f"{W}pStyle") if ppr is not None else None
    if sid is None:
        return ""
    try:
        return d.styles.get_by_id(sid.get(f"{W}val"), 1).name or ""  # 1 = paragraph style
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
            for fn in root.iter(f"{W}footnote"):
                if fn.get(f"{W}type") in ("separator", "continuationSeparator"):
                    continue
                text = "".join(t.text or "" for t in fn.iter(f"{W}t")).strip()
                if text:
                    out[fn.get(f"{W}id")] = text
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
