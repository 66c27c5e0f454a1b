"""A document's date as its text or file states it: a 公文's 成文日期, a publication line, a
dateline near the top, the file's own hint (HTML meta, a front matter), a leading year."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

from ingest.gongwen.parse import Gongwen
from kb.core.text import YEAR_RE, arabic_years

_DATE_PATTERNS = [
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"^((?:19|20)\d{2})\s*\n\s*(\d{2})-(\d{2})\s*$", re.M),  # "2023\n02-16" page headers
]
# A publication line ("发布时间：2025-11-21", "来源：…  日期：…") dates a web page.
_PUBLISHED = re.compile(r"(?:发布|发表|公布|更新|刊发|印发)?(?:时间|日期)\s*[:：]\s*(.{6,24})")


def infer_date(text: str, hint: str | None = None, gongwen: Gongwen | None = None) -> str | None:
    """The document's date: a 公文's 成文日期 (or a repost's 发布日期), a publication line, a
    dateline near the top, then the file's own hint (HTML meta), then a leading year."""
    if gongwen is not None and (gongwen.signed_date or gongwen.published_date):
        return gongwen.signed_date or gongwen.published_date
    head = text[:600]
    for m in _PUBLISHED.finditer(head):
        d = _date_in(m.group(1))
        if d:
            return d
    d = _date_in(head)
    if d:
        return d
    if hint:
        m = re.match(r"((?:19|20)\d{2})(?:-(\d{2}))?(?:-(\d{2}))?", hint)
        if m:
            return "-".join(g for g in m.groups() if g)
        d = _mail_date(hint)
        if d:
            return d
    m = re.search(r"^\s*((?:19|20)\d{2})\s", head)  # "2023 营商环境评价报告"
    return m.group(1) if m else None


# A year a file name gives ("gov-work-report-1960.txt"), not inside a longer number.
NAME_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def file_name_year(stem: str) -> str | None:
    """The year a file's name gives when it gives exactly one."""
    years = set(NAME_YEAR.findall(stem))
    return years.pop() if len(years) == 1 else None


def file_year(text: str, stem: str, speech: bool) -> str | None:
    """The year a file's name (``stem``) gives, for a text that states no date of its own: a
    speech's (``speech``: it opens with a salutation), whose text names only the years it
    looks back on or plans for ("关于一九五六年到一九六七年全国农业发展纲要的执行情况……的报告"),
    or any text's that names that year itself ("一九六四年，全国……" in gov-work-report-1964.txt,
    a summary of the report). A year the text never names may be an id ("DEV_2001.txt")."""
    year = file_name_year(stem)
    if year is None or speech:
        return year
    named = {m.group(1) for m in YEAR_RE.finditer(arabic_years(text))}
    return year if year in named else None


def _mail_date(hint: str) -> str | None:
    """A front matter's date as blogs and feeds write it ("Fri, 12 Nov 2021 00:23:54 GMT")."""
    try:
        return parsedate_to_datetime(hint).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _date_in(text: str) -> str | None:
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None
