"""OCR text lines to a page's text: lines grouped into rows in reading order, rows joined
into paragraphs, and each paragraph's confidence kept for the chunks that quote it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class OcrLine:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    conf: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into visual rows (boxes whose vertical centres are within half a line
    height), top to bottom, each row left to right."""
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda b: b.cy):
        if rows:
            row = rows[-1]
            cy = sum(b.cy for b in row) / len(row)
            h = max(b.height for b in row)
            if abs(ln.cy - cy) < 0.5 * min(h, ln.height):
                row.append(ln)
                continue
        rows.append([ln])
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def _row_text(row: list[OcrLine]) -> tuple[str, list[tuple[int, int, float]]]:
    parts: list[str] = []
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for i, b in enumerate(row):
        if i:
            gap = b.x0 - row[i - 1].x1
            # Boxes far apart on one row are separate fields ("签发人：张三    2025年…").
            sep = " " if gap > 0.8 * b.height or _latin_pair(parts[-1], b.text) else ""
            parts.append(sep)
            pos += len(sep)
        parts.append(b.text)
        spans.append((pos, pos + len(b.text), b.conf))
        pos += len(b.text)
    return "".join(parts), spans


def _latin_pair(a: str, b: str) -> bool:
    """Two Latin words meet (digits of one number split over two boxes do not)."""
    return bool(
        a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()
    )


def layout(lines: list[OcrLine]) -> tuple[str, list[tuple[int, int, float]]]:
    """Rows joined into paragraphs the way a reader sees them: a row that stops short of the
    right margin, a next row that is indented or set off by a wider gap, or a row ending in
    a colon ends a paragraph; other rows are wrapped lines and are joined without a space
    (with one between two Latin words). Returns the text and per paragraph (start, end,
    mean confidence weighted by characters)."""
    rows = [r for r in _rows(lines) if r]
    if not rows:
        return "", []
    h = float(np.median([b.height for r in rows for b in r]))
    left = float(np.percentile([r[0].x0 for r in rows], 10))
    right = float(np.percentile([r[-1].x1 for r in rows], 90))
    tops = [min(b.y0 for b in r) for r in rows]
    bottoms = [max(b.y1 for b in r) for r in rows]
    gaps = [tops[i + 1] - bottoms[i] for i in range(len(rows) - 1)]
    gap_med = float(np.median(gaps)) if gaps else 0.0
    paras: list[tuple[str, list[tuple[int, int, float]]]] = []
    cur, cur_spans = "", []
    for i, row in enumerate(rows):
        text, spans = _row_text(row)
        if cur:
            prev = rows[i - 1]
            short = prev[-1].x1 < right - 1.5 * h
            indented = row[0].x0 > left + 1.2 * h
            wide_gap = gaps[i - 1] > max(1.5 * gap_med, gap_med + 0.5 * h)
            if short or indented or wide_gap or cur.endswith(("：", ":")):
                paras.append((cur, cur_spans))
                cur, cur_spans = "", []
            else:
                sep = " " if _latin_pair(cur, text) else ""
                off = len(cur) + len(sep)
                cur += sep
                spans = [(s + off, e + off, c) for s, e, c in spans]
        cur += text
        cur_spans += spans
    paras.append((cur, cur_spans))
    out: list[str] = []
    spans_out: list[tuple[int, int, float]] = []
    pos = 0
    for text, spans in paras:
        n = sum(e - s for s, e, _ in spans)
        conf = sum((e - s) * c for s, e, c in spans) / n if n else 0.0
        spans_out.append((pos, pos + len(text), round(conf, 4)))
        out.append(text)
        pos += len(text) + 1
    return "\n".join(out), spans_out


def mean_confidence(spans: list[tuple[int, int, float]], start: int, end: int) -> float | None:
    """Mean confidence of the OCR text between two offsets (weighted by characters), or None
    when none of it was recognised."""
    total = weight = 0.0
    for s, e, c in spans:
        overlap = min(e, end) - max(s, start)
        if overlap > 0:
            total += overlap * c
            weight += overlap
    return round(total / weight, 4) if weight else None
