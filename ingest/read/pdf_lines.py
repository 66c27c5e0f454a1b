"""Joining the lines of a PDF's text layer back into paragraphs."""

from __future__ import annotations

import re

from ingest.gongwen.parse import is_part_line

_TERMINAL = tuple("。！？；：!?;:")


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
