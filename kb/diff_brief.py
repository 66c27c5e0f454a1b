"""A comparison of two versions as a brief an official files: Markdown, or Word with deleted
words struck through in red and inserted ones in green, the summary first."""

from __future__ import annotations

import io

from kb.core.diff import Diff

FORMATS = ("md", "docx")


def to_markdown(result: Diff, old, new) -> str:
    out = [f"# 版本对比：《{old.title}》 → 《{new.title}》", "", result.summary(), ""]
    for c in result.changes:
        head, runs = c.heading(), c.runs()
        marked = "".join(
            t if op == "equal" else f"~~{t}~~" if op == "delete" else f"**{t}**" for op, t in runs
        )
        out.append(f"- {head}：{marked}")
    return "\n".join(out) + "\n"


def to_docx(result: Diff, old, new) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    d = docx.Document()
    title = f"版本对比：《{old.title}》 → 《{new.title}》"
    d.core_properties.title, d.core_properties.author = title, "长三角政策知识库"
    normal = d.styles["Normal"]
    normal.font.name = "宋体"  # makes the run properties; East Asian text needs its own slot
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading(title, level=1)
    d.add_paragraph(result.summary()).runs[0].bold = True
    for c in result.changes:
        head, runs = c.heading(), c.runs()
        p = d.add_paragraph()
        p.add_run(head + "：").bold = True
        for op, t in runs:
            r = p.add_run(t)
            if op == "delete":
                r.font.strike, r.font.color.rgb = True, RGBColor(0xC0, 0x00, 0x00)
            elif op == "insert":
                r.font.bold, r.font.color.rgb = True, RGBColor(0x00, 0x80, 0x00)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render(result: Diff, old, new, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(result, old, new)
    return to_markdown(result, old, new).encode("utf-8")
