"""Citable units of a chunk: the sentences of running text, and the rows of a Markdown table
(with its column headers). Ingest embeds each unit once (sentence vectors) and the answerer
scores the same units, so both must cut a chunk the same way: this module is that one rule."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.text import split_sentences

TERMINAL = tuple("。！？；!?;…")
_NUMBERED_LEAD = re.compile(r"^\d{1,2}[.、．][^。]{1,12}。$")  # "1.组织协调机制。"
_CAPTION = re.compile(r"^(图|表|注释?)\s*[\d\s:：]|^(图|表)\s")  # figure/table captions
_HEADING_LIKE = re.compile(
    r"^(#{1,6}\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
)
_SEPARATOR = re.compile(r"\|?[\s:|-]+\|?")
# A sentence shorter than this carries no claim of its own (a label, a fragment).
MIN_UNIT_CHARS = 8


@dataclass(frozen=True)
class UnitSpan:
    start: int  # offsets in the chunk text; text[start:end] is the verbatim quote
    end: int
    shown: str  # what an answer shows (a table row as "列：值；…")
    header: tuple[str, ...] = ()  # a table's column headers
    cells: tuple[str, ...] = ()  # a table row's cells, aligned with header


def table_cells(line: str) -> list[str]:
    """Cells of one Markdown table row."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def table_rows(text: str) -> tuple[list[str], list[tuple[int, int, list[str]]]]:
    """(header cells, [(start, end, cells)] of the body rows) of a Markdown table chunk."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    if not lines:
        return [], []
    header = table_cells(text[lines[0][0] : lines[0][1]])
    body = []
    for s, e in lines[1:]:
        line = text[s:e]
        if not line.strip() or _SEPARATOR.fullmatch(line):
            continue
        body.append((s, e, table_cells(line)))
    return header, body


def _row_shown(header: list[str], cells: list[str]) -> str:
    parts = []
    for i, c in enumerate(cells):
        if not c:
            continue
        h = header[i] if i < len(header) else ""
        parts.append(f"{h}：{c}" if h and h != c else c)
    return "；".join(parts)


def split_units(text: str, kind: str = "text") -> list[UnitSpan]:
    """The units of a chunk, in order. Headings, captions and fragments are not units; a
    numbered lead ("1.组织协调机制。") joins the sentence after it."""
    if kind == "table":
        header, body = table_rows(text)
        return [
            UnitSpan(s, e, _row_shown(header, cells), tuple(header), tuple(cells))
            for s, e, cells in body
            if any(cells)
        ]
    out: list[UnitSpan] = []
    lead: int | None = None
    for s, e in split_sentences(text):
        sent = text[s:e]
        if _NUMBERED_LEAD.match(sent):
            lead = s
            continue
        if (
            len(sent) < MIN_UNIT_CHARS
            # "一、对……给予补贴。" is a 公文's numbered paragraph, not a heading
            or (_HEADING_LIKE.match(sent) and not (sent.endswith(TERMINAL) and len(sent) > 30))
            or _CAPTION.match(sent)
            or (len(sent) <= 30 and not sent.endswith(TERMINAL))
        ):
            lead = None
            continue
        if lead is not None and "\n" not in text[lead:s]:
            s = lead
        lead = None
        out.append(UnitSpan(s, e, text[s:e]))
    return out
