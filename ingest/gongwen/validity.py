"""施行日期 and 有效期 of an official document (ingest/gongwen/parse.py): from the sentence that
states them ("自印发之日起施行，有效期5年"), or from a portal's labelled fields ("实施日期：",
"失效日期："), which win over a day counted from an event: the portal knows the day, and
whether the term was extended or cut short."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ingest.gongwen.lines import DATE, cn_int, first_date
from kb.core.text import split_sentences

if TYPE_CHECKING:
    from ingest.gongwen.parse import Gongwen

_EFFECTIVE = re.compile(
    rf"自\s*(?:(?P<date>{DATE.pattern})|(?P<event>印发|发布|公布|颁布|签发|下发|批准|通过)之日)\s*起?"
    r"\s*(?:开始|正式)?(?:施行|实施|执行|生效)"
)
# A regulation's history under its title: "1989年9月1日 施行" on a line of its own.
_HISTORY = re.compile(
    rf"^[ \t]*(?P<date>{DATE.pattern})[ \t]*起?[ \t]*(?:施行|实施|生效)[ \t]*$", re.M
)
EXPIRES = re.compile(
    rf"有效期(?:限)?(?:为|至|到|截至|截止到?)?\s*(?:(?P<date>{DATE.pattern})|(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})\s*年)"
)
_VALID_RANGE = re.compile(
    rf"有效期(?:限)?(?:为|是)?\s*[:：]?\s*(?:自|从)?\s*(?P<a>{DATE.pattern.replace('?P<', '?P<a_')})\s*(?:起)?\s*"
    rf"(?:至|到|—|–|-|~|～)\s*(?P<b>{DATE.pattern.replace('?P<', '?P<b_')})"
)
_CN_COUNT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}  # fmt: skip


def _plus_years(start: str, years: int) -> str:
    """The last day of a period of ``years`` years beginning on ``start``."""
    d = date.fromisoformat(start)
    try:
        end = d.replace(year=d.year + years)
    except ValueError:  # 29 February
        end = d.replace(year=d.year + years, day=28)
    return (end - timedelta(days=1)).isoformat()


def _quote_sentence(text: str, pos: int) -> str:
    """The sentence of ``text`` around offset ``pos``."""
    for s, e in split_sentences(text):
        if s <= pos < e:
            return text[s:e]
    return ""


def effective_date(g: Gongwen, text: str, labelled: dict[str, tuple[str, str]]) -> None:
    """施行日期: the sentence that says from when, else a labelled field; the field first when
    the sentence counts from an event ("自印发之日起施行")."""
    m = _EFFECTIVE.search(text) or _HISTORY.search(text)
    if m and not m.group("date") and _field(g, "effective_date", labelled):
        return  # "自印发之日起施行": the portal's 实施日期 says which day that was
    if m:
        if m.group("date"):
            g.effective_date = first_date(m.group("date"))
        elif m.group("event") in ("发布", "公布", "颁布"):
            g.effective_date = g.published_date or g.signed_date
        else:  # 印发, 签发, 下发, 批准, 通过: the day it was signed
            g.effective_date = g.signed_date or g.published_date
        if g.effective_date:
            g.quotes["effective_date"] = _quote_sentence(text, m.start())
    else:
        _field(g, "effective_date", labelled)


def expiry_date(g: Gongwen, text: str, labelled: dict[str, tuple[str, str]]) -> None:
    """有效期: a range (which may also give the 施行日期), an end date, or a number of years
    from the 施行日期 (a labelled field's end date first); else a labelled field."""
    r = _VALID_RANGE.search(text)
    m = _own_term(text)
    if r:
        g.expiry_date = first_date(r.group("b"))
        if not g.effective_date:
            g.effective_date = first_date(r.group("a"))
            g.quotes["effective_date"] = _quote_sentence(text, r.start())
        g.quotes["expiry_date"] = _quote_sentence(text, r.start())
    elif m:
        if m.group("date"):
            g.expiry_date = first_date(m.group("date"))
        elif _field(g, "expiry_date", labelled):
            # "有效期5年" counted by the portal, which also knows of a term extended or cut
            # short ("有效（延续实施）", "失效（提前废止）"); the sentence still says how long
            g.quotes["expiry_span"] = _quote_sentence(text, m.start())
            return
        elif g.effective_date:
            n = m.group("n")
            years = int(n) if n.isdigit() else _CN_COUNT.get(n, 0) or cn_int(n)
            g.expiry_date = _plus_years(g.effective_date, years)
        if g.expiry_date:
            g.quotes["expiry_date"] = _quote_sentence(text, m.start())
    else:
        _field(g, "expiry_date", labelled)


# The document speaking of itself ("本办法自印发之日起施行，有效期5年"), not of a certificate or
# a rating it deals with ("星级评定，结果有效期三年").
_ITSELF = re.compile(
    r"本(?:办法|规定|细则|通知|通告|公告|意见|方案|决定|措施|政策|规则|条例|指引|计划)"
)


def _own_term(text: str) -> re.Match | None:
    """The document's own term of validity: the first EXPIRES match in a sentence where the
    document speaks of itself or says when it takes effect; else the first."""
    found = list(EXPIRES.finditer(text))
    if len(found) < 2:
        return found[0] if found else None
    spans = split_sentences(text)  # once, not once per match
    for m in found:
        sentence = next((text[s:e] for s, e in spans if s <= m.start() < e), "")
        if _ITSELF.search(sentence) or _EFFECTIVE.search(sentence):
            return m
    return found[0]


def _field(g: Gongwen, name: str, labelled: dict[str, tuple[str, str]]) -> bool:
    """Set part ``name`` from a labelled field ("失效日期：2029年12月06日") that gives a date;
    whether one did."""
    value = first_date(labelled[name][0]) if name in labelled else None
    if value:
        setattr(g, name, value)
        g.quotes[name] = labelled[name][1]
    return bool(value)
