"""Markdown tables as ingest/chunk.py writes them into table chunks: a header row, the
``|---|`` separator, then body rows ("| 2003年 | 沪苏浙……签署…… | 2014年 | …… |").

The one parser for every reader of those chunks, so that they see the same rows and cells at
the same offsets: the answerer's citable rows (kb.core.units) and the records extracted at ingest
(ingest/records/extract.py). It also holds the two rules that label a cell: the time cell that dates
it (records) and the row label an answer shows it under (kb.answer.answer)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# The line under the header: pipes, dashes, colons (alignment) and spaces only.
SEPARATOR = re.compile(r"\|?[\s:|-]+\|?")
# A cell without a value: empty, or dashes standing for "none".
_NO_VALUE = re.compile(r"[-:\s]*")
_YEAR = re.compile(r"(?:19|20)\d{2}")
# A timeline's time cell: "2003年", "2018年5月", "2018-2020年", "2018年11月28日" (11
# characters, the longest date); a longer cell with a year in it is an event that mentions
# one. Set with the records extraction (b96f397), reading the timeline table of the
# corpus's innovation feature; not fitted by an eval run.
TIME_CELL_MAX_CHARS = 12


@dataclass(frozen=True)
class Cell:
    start: int  # offsets in the table text; text[start:end] == value
    end: int
    value: str  # stripped


@dataclass(frozen=True)
class Row:
    start: int  # offsets of the whole line in the table text
    end: int
    cells: tuple[Cell, ...]  # every cell, empty ones too: aligned with the header

    @property
    def values(self) -> list[str]:
        return [c.value for c in self.cells]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]  # the body rows, without the separator and blank lines


def is_separator(line: str) -> bool:
    return bool(SEPARATOR.fullmatch(line))


def has_value(value: str) -> bool:
    return not _NO_VALUE.fullmatch(value)


def is_time_cell(value: str) -> bool:
    """A timeline's time cell ("2003年"): short, with a year."""
    return len(value) <= TIME_CELL_MAX_CHARS and bool(_YEAR.search(value))


def cells(line: str, offset: int = 0) -> tuple[Cell, ...]:
    """The cells of one row (``offset``: where the line starts in the table text). Outer
    pipes and whitespace are not cells: "| a | b |" has two."""
    s, e = 0, len(line)
    while s < e and line[s].isspace():
        s += 1
    while e > s and line[e - 1].isspace():
        e -= 1
    while s < e and line[s] == "|":
        s += 1
    while e > s and line[e - 1] == "|":
        e -= 1
    out = []
    start = s
    for piece in line[s:e].split("|"):
        a = start + len(piece) - len(piece.lstrip())
        b = start + len(piece.rstrip())
        out.append(Cell(offset + a, offset + max(a, b), piece.strip()))
        start += len(piece) + 1
    return tuple(out)


def parse(text: str) -> Table:
    """The header and body rows of a table chunk. The first line is the header; separator
    and blank lines are skipped wherever they are."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    if not text:
        return Table([], [])
    header = [c.value for c in cells(lines[0][1])]
    rows = [
        Row(start, start + len(line), cells(line, start))
        for start, line in lines[1:]
        if line.strip() and not is_separator(line)
    ]
    return Table(header, rows)


def time_labels(values: Sequence[str]) -> list[str | None]:
    """For each cell of a row, the time cell that dates it: the nearest one at or before it
    ("| 2003年 | 事件 | 2014年 | 事件 |" dates each event by its own year; "| 园区 | 1992年 |
    揭牌 |" dates 揭牌); None before the first."""
    out: list[str | None] = []
    label = None
    for v in values:
        if has_value(v) and is_time_cell(v):
            label = v
        out.append(label)
    return out


def row_label(values: Sequence[str], i: int) -> str:
    """What cell ``i`` is shown under in "label · column：value": the row's first cell with a
    value (its name), except in a timeline row (one that opens with a time cell), where
    time|event pairs may stand side by side and each event goes under its own time."""
    first = next((v for v in values if has_value(v)), "")
    if is_time_cell(first):
        return time_labels(values)[i] or first
    return first
