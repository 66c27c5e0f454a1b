"""Dates of acts in a document's sentences, resolved against the document's own context:
"今年3月" in a 2019 article is 2019-03, "当年/同年" is the year the paragraph last named. Titles,
year ranges and target years ("到2025年") are masked first, so they date nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.core.text import TITLE_RE

_RANGE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年\s*)?[-–—~～至到]\s*(?:(?:19|20)\d{2}|\d{2})\s*年?(?:度)?"
)
_NOT_A_DATE = re.compile(
    r"(?:到|至|截至|截止|力争到|预计到|计划到|目标到)\s*(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|末)?"
    r"|自\s*(?:19|20)\d{2}\s*年(?:起)?"
    r"|(?:19|20)\d{2}\s*年(?:以来|起|前后|之前|以前|底前|之后|以后)"
)
DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
    r"|(?P<rel>今年|去年|前年|明年)(?:\s*(?P<rm>\d{1,2})\s*月(?:\s*(?P<rd>\d{1,2})\s*[日号])?)?"
    r"|(?P<ctx>当年|同年|次年|翌年)"
    r"|(?<![\d年])(?P<bm>\d{1,2})\s*月\s*(?P<bd>\d{1,2})\s*[日号]"
)
_REL_OFFSET = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


@dataclass
class When:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    source: str = ""  # explicit | relative | context | table

    def text(self) -> str | None:
        if not self.year:
            return None
        out = f"{self.year:04d}"
        if self.month and 1 <= self.month <= 12:
            out += f"-{self.month:02d}"
            if self.day and 1 <= self.day <= 31:
                out += f"-{self.day:02d}"
        return out


@dataclass
class DateContext:
    """Date context of the paragraph being read (reset at each new paragraph)."""

    doc_year: int | None
    last: When = field(default_factory=When)


def mask_non_dates(text: str) -> str:
    """Same-length copy of ``text`` with titles, year ranges and non-dates blanked, so that
    date patterns only see dates of acts."""
    out = list(text)
    for rx in (TITLE_RE, _RANGE, _NOT_A_DATE):
        for m in rx.finditer("".join(out)):
            for i in range(m.start(), m.end()):
                out[i] = "＿"
    return "".join(out)


def dates_in(masked: str, ctx: DateContext) -> list[tuple[int, When]]:
    """(position, date) for each date expression, resolved left to right; updates ctx."""
    found: list[tuple[int, When]] = []
    for m in DATE.finditer(masked):
        if m.group("y"):
            w = When(
                int(m.group("y")),
                int(m.group("m")) if m.group("m") else None,
                int(m.group("d")) if m.group("d") else None,
                "explicit",
            )
        elif m.group("rel"):
            if not ctx.doc_year:
                continue  # "今年" in an undated document says nothing
            w = When(
                ctx.doc_year + _REL_OFFSET[m.group("rel")],
                int(m.group("rm")) if m.group("rm") else None,
                int(m.group("rd")) if m.group("rd") else None,
                "relative",
            )
        elif m.group("ctx"):
            if not ctx.last.year:
                continue
            step = 1 if m.group("ctx") in ("次年", "翌年") else 0
            w = When(ctx.last.year + step, source="context")
        else:
            year = ctx.last.year or ctx.doc_year
            if not year:
                continue
            w = When(year, int(m.group("bm")), int(m.group("bd")), "context")
        found.append((m.start(), w))
        ctx.last = w
    return found


def strip_date(text: str) -> str:
    t = DATE.sub("", _NOT_A_DATE.sub("", text))
    return t.strip(" ,，、:：")
