"""Citation-backed briefs of a conversation: Markdown, Word (.docx) and PDF.

A brief lists each question with its answer; the answers' [n] markers are renumbered into one
sequence of notes for the whole brief, and every note resolves to document title, issuer,
date, locator and the quoted excerpt (which is text of the document). A brief is read by
officials: it names no file path (``Note.source`` is kept for programs, never written), dates
read "2026年1月1日", and questions the documents do not answer are left out unless asked for."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.core import zh
from kb.core.errors import InputError
from kb.core.input_text import scrub

_MARK = re.compile(r"\[(\d+)\]")
# Characters that make Markdown of a line of text: a title or question stays one line of text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _one_line(text: str) -> str:
    """A title or question as given by a user, fit for every format: one line, and without
    characters Word's XML cannot hold."""
    return " ".join(scrub(text).split())


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass
class Note:
    n: int
    title: str
    author: str | None
    date: str | None
    locator: str
    quote: str
    source: str  # the file, for programs: never written into a brief
    doc_number: str | None = None  # 发文字号 of an official document
    ocr: bool = False  # the quote is text recognised by OCR

    def label(self) -> str:
        parts = [f"《{self.title}》"]
        date = _zh_date(self.date) if self.date else None
        parts += [p for p in (self.author, self.doc_number, date) if p]
        parts.append(self.locator + ("（OCR识别文字）" if self.ocr else ""))
        return "，".join(parts)


@dataclass
class BriefItem:
    question: str
    status: str
    answer: str  # with [g] markers renumbered for the brief
    notes: list[Note] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)  # rows of RECORD_HEADER


AUTHOR = "长三角政策知识库"  # the author a brief's file names (Word, PDF)
FONT = "宋体"  # Word: the font of Chinese text (SimSun)
RECORD_HEADER = ["日期", "类型", "事项", "参与方", "出处"]
GONGWEN_HEADER = ["文件", "发文字号", "发文机关", "成文日期", "施行日期", "有效期至"]
_GONGWEN_KEYS = ["doc_number", "issuer", "signed_date", "effective_date", "expiry_date"]


@dataclass
class Brief:
    title: str
    created: str
    snapshot: dict
    items: list[BriefItem]

    documents: list[list[str]] = field(default_factory=list)  # rows of GONGWEN_HEADER
    omitted: int = 0  # questions left out: the documents do not answer them

    @property
    def notes(self) -> list[Note]:
        return [n for it in self.items for n in it.notes]


def build_brief(
    entries: list[dict],
    snapshot: dict,
    title: str = "长三角政策问答简报",
    *,
    include_refused: bool = False,
) -> Brief:
    """entries: AskResult.to_dict() dicts, in conversation order. A refused answer
    (``not_found``) is left out, and counted, unless ``include_refused``."""
    kept = [e for e in entries if include_refused or e.get("status") != "not_found"]
    items: list[BriefItem] = []
    documents: dict[str, list[str]] = {}  # the official documents cited, with their parts
    counter = 0
    seen: dict[tuple, int] = {}  # a passage quoted again, by any answer, keeps its note
    for e in kept:
        mapping: dict[int, int] = {}
        notes: list[Note] = []
        for c in e.get("citations", []):
            key = (c.get("doc_id") or c["title"], c["locator"], c["quote"])
            if key in seen:
                mapping[int(c["n"])] = seen[key]
                continue
            counter += 1
            mapping[int(c["n"])] = seen[key] = counter
            notes.append(
                Note(
                    counter,
                    c["title"],
                    c.get("author"),
                    c.get("date"),
                    c["locator"],
                    c["quote"],
                    c["source"],
                    (c.get("gongwen") or {}).get("doc_number"),
                    bool(c.get("ocr")),
                )
            )
            gw = c.get("gongwen") or {}
            if gw and c["title"] not in documents:
                documents[c["title"]] = [c["title"], *[_zh_date(gw.get(k)) for k in _GONGWEN_KEYS]]
        answer = _MARK.sub(
            lambda m, mp=mapping: f"[{mp.get(int(m.group(1)), m.group(1))}]", e["answer"]
        )
        if e["status"] == "not_found" and mapping:
            # nearest evidence is listed, and marked as such, so every note has its reference
            near = dict.fromkeys(mapping.values())
            answer += "\n相关但不足以回答：" + "".join(f"[{n}]" for n in near)
        records = [
            [
                r.get("date_zh") or r.get("date") or "日期未载明",
                r.get("kind_label", r.get("kind", "")),
                r.get("statement") or r.get("title") or r.get("name", ""),
                "、".join(r.get("parties", [])),
                "".join(f"[{mapping.get(int(n), n)}]" for n in r.get("citations", [])),
            ]
            for r in e.get("records", [])
        ]
        items.append(
            BriefItem(
                _one_line(e.get("understood_as") or e["question"]),
                e["status"],
                answer,
                notes,
                list(e.get("warnings", [])),
                records,
            )
        )
    when = time.strftime("%Y-%m-%d %H:%M")
    omitted = len(entries) - len(kept)
    return Brief(_one_line(title), when, snapshot, items, list(documents.values()), omitted)


def _zh_date(v) -> str:
    """ISO dates as 2026年1月1日 (2026-01 as 2026年1月, 2026 as 2026年); other values as they
    are; missing as "—"."""
    if not v:
        return "—"
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(v))
    if not m:
        return str(v)
    return f"{m[1]}年" + (f"{int(m[2])}月" if m[2] else "") + (f"{int(m[3])}日" if m[3] else "")


def _snapshot_line(b: Brief) -> str:
    s = b.snapshot
    return (
        f"生成时间：{zh.when(b.created)}　语料快照：{s.get('documents', '?')} 篇文档、"
        f"{s.get('chunks', '?')} 个段落块，最近导入 {zh.when(s.get('last_ingest')) or '—'}"
    )


def _omitted_line(b: Brief) -> str:
    return f"另有 {b.omitted} 个问题在文档中未找到答案，未列入本简报。" if b.omitted else ""


def _status_note(it: BriefItem) -> str:
    return "（语料未覆盖该问题，以下仅为最接近的材料。）" if it.status == "not_found" else ""


def to_markdown(b: Brief) -> str:
    out = [f"# {_md_text(b.title)}", "", _snapshot_line(b), ""]
    out += [_omitted_line(b), ""] if b.omitted else []
    for i, it in enumerate(b.items, 1):
        out += [f"## {i}. {_md_text(it.question)}", ""]
        if _status_note(it):
            out += [f"> {_status_note(it)}", ""]
        out += [_MARK.sub(r"[^\1]", it.answer), ""]
        out += [f"> 注意：{w}" for w in it.warnings]
        if it.records:
            cell = lambda v: _MARK.sub(r"[^\1]", v.replace("|", "\\|"))  # noqa: E731
            out += ["", "**政策记录**", "", "| " + " | ".join(RECORD_HEADER) + " |"]
            out += ["|" + "---|" * len(RECORD_HEADER)]
            out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in it.records]
            out.append("")
    if b.documents:
        out += ["## 所引公文", "", "| " + " | ".join(GONGWEN_HEADER) + " |"]
        out += ["|" + "---|" * len(GONGWEN_HEADER)]
        out += ["| " + " | ".join(v.replace("|", "\\|") for v in row) + " |" for row in b.documents]
        out.append("")
    if b.notes:
        out += ["---", "", "## 注释", ""]
        for n in b.notes:
            out.append(f"[^{n.n}]: {n.label()}：“{n.quote}”")
    return "\n".join(out).rstrip() + "\n"


def to_docx(b: Brief) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    props = d.core_properties  # the template's say "python-docx"
    props.title, props.author, props.last_modified_by = b.title, AUTHOR, AUTHOR
    props.comments, props.language = "长三角政策问答简报", "zh-CN"
    _chinese_fonts(d)
    d.add_heading(b.title, level=0)
    d.add_paragraph(_snapshot_line(b)).runs[0].font.size = Pt(9)
    if b.omitted:
        d.add_paragraph(_omitted_line(b)).runs[0].font.size = Pt(9)
    for i, it in enumerate(b.items, 1):
        d.add_heading(f"{i}. {it.question}", level=2)
        if _status_note(it):
            d.add_paragraph(_status_note(it)).runs[0].italic = True
        for line in it.answer.split("\n"):
            p = d.add_paragraph()
            pos = 0
            for m in _MARK.finditer(line):
                p.add_run(line[pos : m.start()])
                r = p.add_run(f"[{m.group(1)}]")
                r.font.superscript = True
                pos = m.end()
            p.add_run(line[pos:])
        for w in it.warnings:
            d.add_paragraph(f"注意：{w}").runs[0].italic = True
        if it.records:
            d.add_paragraph("政策记录").runs[0].bold = True
            t = d.add_table(rows=1, cols=len(RECORD_HEADER))
            t.style = "Table Grid"
            for cell, h in zip(t.rows[0].cells, RECORD_HEADER, strict=True):
                cell.text = h
            for row in it.records:
                for cell, v in zip(t.add_row().cells, row, strict=True):
                    cell.text = v
    if b.documents:
        d.add_heading("所引公文", level=2)
        t = d.add_table(rows=1, cols=len(GONGWEN_HEADER))
        t.style = "Table Grid"
        for cell, h in zip(t.rows[0].cells, GONGWEN_HEADER, strict=True):
            cell.text = h
        for row in b.documents:
            for cell, v in zip(t.add_row().cells, row, strict=True):
                cell.text = v
    if b.notes:
        d.add_heading("注释", level=2)
        for n in b.notes:
            p = d.add_paragraph(style="List Number")
            p.add_run(f"[{n.n}] {n.label()}：")
            p.add_run(f"“{n.quote}”").italic = True
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _chinese_fonts(d) -> None:
    """Chinese text in 宋体 in every style a brief uses: East Asian text has a font slot of
    its own, which the template's styles fill from the theme (a Latin font)."""
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 2", "List Number"):
        style = d.styles[name]
        style.font.name = FONT  # makes the run properties
        fonts = style.element.rPr.rFonts
        fonts.set(qn("w:eastAsia"), FONT)
        for theme in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme"):
            fonts.attrib.pop(qn(theme), None)


def to_pdf(b: Brief) -> bytes:
    """PDF with reportlab's built-in Chinese CID font (no font file needed)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    base = dict(fontName="STSong-Light", wordWrap="CJK")
    h1 = ParagraphStyle("h1", fontSize=18, leading=24, spaceAfter=8, **base)
    h2 = ParagraphStyle("h2", fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, **base)
    body = ParagraphStyle("body", fontSize=10.5, leading=16, **base)
    small = ParagraphStyle("small", fontSize=8.5, leading=12, **base)
    flow = [
        Paragraph(escape(b.title), h1),
        Paragraph(escape(_snapshot_line(b)), small),
        *([Paragraph(escape(_omitted_line(b)), small)] if b.omitted else []),
        Spacer(1, 8),
    ]
    for i, it in enumerate(b.items, 1):
        flow.append(Paragraph(escape(f"{i}. {it.question}"), h2))
        if _status_note(it):
            flow.append(Paragraph(escape(_status_note(it)), small))
        for line in it.answer.split("\n"):
            flow.append(Paragraph(_MARK.sub(r"<super>[\1]</super>", escape(line)), body))
        for w in it.warnings:
            flow.append(Paragraph(escape(f"注意：{w}"), small))
        if it.records:
            rows = [RECORD_HEADER, *it.records]
            table = Table(
                [[Paragraph(escape(v), small) for v in row] for row in rows],
                colWidths=[62, 52, 220, 90, 50],
                repeatRows=1,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            flow += [Spacer(1, 4), table, Spacer(1, 4)]
    if b.documents:
        flow.append(Paragraph("所引公文", h2))
        table = Table(
            [[Paragraph(escape(v), small) for v in row] for row in [GONGWEN_HEADER, *b.documents]],
            colWidths=[150, 80, 80, 55, 55, 55],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        flow += [table, Spacer(1, 4)]
    if b.notes:
        flow.append(Paragraph("注释", h2))
        for n in b.notes:
            flow.append(Paragraph(escape(f"[{n.n}] {n.label()}：“{n.quote}”"), small))
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf, pagesize=A4, title=b.title, author=AUTHOR, creator=AUTHOR, producer=AUTHOR,
        lang="zh-CN", leftMargin=50, rightMargin=50,
    ).build(flow)  # fmt: skip
    return buf.getvalue()


@dataclass(frozen=True)
class Format:
    """A format a brief is written in: what writes it, what it is called, how it is served."""

    write: Callable[[Brief], str | bytes]
    label: str
    media_type: str
    suffix: str


# The one list of brief formats, the default first: the API, the command and the app read it.
FORMATS = {
    "docx": Format(
        to_docx,
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "md": Format(to_markdown, "Markdown", "text/markdown; charset=utf-8", ".md"),
    "pdf": Format(to_pdf, "PDF", "application/pdf", ".pdf"),
}


def render(b: Brief, fmt: str) -> bytes:
    if fmt not in FORMATS:
        *others, last = FORMATS
        raise InputError(f"unknown brief format {fmt!r}; use {', '.join(others)} or {last}")
    out = FORMATS[fmt].write(b)
    return out.encode("utf-8") if isinstance(out, str) else out
