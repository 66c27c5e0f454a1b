"""Word list numbering: the label ("1.", "（一）", "a)", "•") Word shows before a list item,
from the document's numbering definitions."""

from __future__ import annotations

import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Numbering:
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
        for a in root.iter(f"{W}abstractNum"):
            lv = {}
            for lvl in a.iter(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                lv[int(lvl.get(f"{W}ilvl", 0))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "%1.",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            abstract[a.get(f"{W}abstractNumId")] = lv
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{W}numId")] = abstract.get(ref.get(f"{W}val"), {})

    def _num_pr(self, p, d):
        ppr = p.find(f"{W}pPr")
        npr = ppr.find(f"{W}numPr") if ppr is not None else None
        if npr is None:  # numbering inherited from the paragraph style ("List Number")
            style = (
                d.styles.element.get_by_id(ppr.find(f"{W}pStyle").get(f"{W}val"))
                if (ppr is not None and ppr.find(f"{W}pStyle") is not None)
                else None
            )
            while style is not None and npr is None:
                sppr = style.find(f"{W}pPr")
                npr = sppr.find(f"{W}numPr") if sppr is not None else None
                based = style.find(f"{W}basedOn")
                style = (
                    d.styles.element.get_by_id(based.get(f"{W}val")) if based is not None else None
                )
        if npr is None:
            return None
        num = npr.find(f"{W}numId")
        ilvl = npr.find(f"{W}ilvl")
        if num is None or num.get(f"{W}val") in (None, "0"):
            return None
        return num.get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0

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
