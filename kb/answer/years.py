"""Which year a sentence is about: the first it names, its document's title, its heading, the
sentence before; "去年" and "今年" read against its document's year; a question's years (the
document's and the figure's) decide which sentences may answer it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.core.text import NOT_A_YEAR_AFTER, YEAR_RE, arabic_years
from kb.retrieve.split import EN_DOC_WORDS

if TYPE_CHECKING:
    from kb.answer.candidates import Unit
    from kb.retrieve.question import Question
    from kb.retrieve.retrieve import Snapshot


_RANGE = r"(?:\s*[-–—~～至到]\s*(?:19|20)\d{2})"


def year_in(text: str, year: int) -> bool:
    """The year as a date, not as the start or end of a range like 2018-2020 or a number
    ("1988万吨")."""
    y = str(year)
    pat = rf"(?<![\d\-–—~～]){y}(?!\d)(?!{_RANGE})(?!{NOT_A_YEAR_AFTER})"
    return bool(re.search(pat, arabic_years(text)))


def has_year(text: str) -> bool:
    """A year 19xx/20xx, in digits or Chinese numerals ("一九五八年")."""
    return bool(YEAR_RE.search(arabic_years(text)))


def _dated(text: str) -> bool:
    """A year that dates the text, not only the ends of a period ("（2026—2030年）" in a plan's
    title dates none of its sentences; "到2027年" does)."""
    t = arabic_years(text)
    periods = [m.span() for m in _PERIOD.finditer(t)]
    return any(not any(a <= m.start() < b for a, b in periods) for m in YEAR_RE.finditer(t))


_PERIOD = re.compile(rf"(?:19|20)\d{{2}}年?{_RANGE}")
# "去年" dates a sentence to the year before its document's ("于去年12月开工"); not a
# comparison ("比去年增长", "高于去年"), nor a span that runs to this year ("去年以来").
_LAST_YEAR = re.compile(r"(?<![比较同与])(?<![高低多少大小]于)去年(?!同期|以来|底以来|年底以来)")


# "今年" in a document of year Y is Y (not "今年以来" in a review of the years before).
_THIS_YEAR = re.compile(r"今年(?!以来)")


def this_year_first(text: str) -> bool:
    """ "今年" before any year the text names: the document's own year is the first it speaks
    of ("到2035年……。今年9月24日……" speaks of 2035 first)."""
    t = arabic_years(text)
    m, y = _THIS_YEAR.search(t), YEAR_RE.search(t)
    return m is not None and (y is None or m.start() < y.start())


def _own_year(doc) -> int | None:
    """A document's own year: its date's, else the one year its title names."""
    return doc.year or _title_year(doc.title)


def _title_year(title: str) -> int | None:
    """The one year a title names outside a period ("政府工作报告（1999年）"), if one."""
    t = arabic_years(title)
    found = {int(m.group(0)[:4]) for m in YEAR_RE.finditer(t)} if not _PERIOD.search(t) else set()
    return found.pop() if len(found) == 1 else None


def years_ok_of(q: Question, units: list[Unit]) -> list[bool]:
    """year_ok of each unit; the targets are the years the question names twice, its
    document's and its figure's."""
    targets = [y for y in q.years if q.text.count(str(y)) >= 2]
    for m in _AGAIN.finditer(q.text):  # "当年" names again the last year named before it
        before = [(q.text.rfind(str(y), 0, m.start()), y) for y in q.years]
        at, y = max(before, default=(-1, 0))
        if at >= 0 and y not in targets:
            targets.append(y)
    # a year put before a document word dates the document, in English too ("the 2018 guiding
    # opinions", "China's 2005 National Grain Emergency Plan")
    issued = [
        y for y in q.years
        if re.search(rf"{y}年?[^，,。？?]*?{_DOC_WORD}", q.text)
        or re.search(rf"\b{y}\s+(?:[\w'’-]+\s+){{0,4}}?{EN_DOC_WORDS}\b", q.text, re.I)
    ]  # fmt: skip
    # the years the question names besides its document's are the figure's ("the 1982 report
    # ... grain output for 1985"): like targets, a title naming them does not make every
    # sentence of it theirs ("关于1980年和1981年国民经济计划……": "1979年……肉类产量" is 1979's)
    figure = [y for y in q.years if y not in issued] if issued else []
    ok = [year_ok(u, q.years, [*targets, *figure], issued) for u in units]
    # a sentence that states the document's year and none of the figure's ("一九八二年预计达到
    # ……", "今年……") gives another year's figure
    if not figure:
        return ok
    return [o and not _of_issued_only(u, issued, figure) for o, u in zip(ok, units, strict=True)]


def _of_issued_only(u: Unit, issued: list[int], figure: list[int]) -> bool:
    t = u.text
    if any(year_in(t, y) for y in figure):
        return False
    return any(year_in(t, y) for y in issued) or (
        this_year_first(t) and _own_year(u.passage.doc) in issued
    )


# A word that names again the year named before it ("1985年政府工作报告定的*当年*……").
_AGAIN = re.compile(r"当年|同年|这一年|该年|本年|今年")
# A year the question puts before one of these words dates the document ("国务院2019年推行……
# 的意见", "2019年政府工作报告"), not what is asked of it.
_DOC_WORD = "(?:意见|通知|报告|规划|纲要|办法|条例|决定|方案|答复|批复|复函|通报|公报|规定)"


def year_ok(u: Unit, years: list[int], targets: list[int] = (), issued: list[int] = ()) -> bool:
    """The unit is about one of the years: the first of its sentence, its document's title,
    its section, the sentence before it and the nearest sentence of its paragraph
    (_paragraph_before) that names a year decides; with none, the document's own year
    ("今年3月" in a 2019 article; any sentence of the 2023 report).
    ``targets`` are years the question names twice, for its document and for the figure
    ("……行动方案（2026—2030年）》提出到2030年要获批多少种"): a sentence of that document
    that states another year ("到2027年……获批3—5种"), or stands under a heading that does
    ("一、2008年工作回顾"), or follows a sentence that does ("１９８４年，……增长１４．２％。
    国民收入……增长１２％。"), is not about them. ``issued``: years the question gives its
    document, which select a document of that year as its title's year does, and set aside
    one dated another year ("2010年以来……" in a 2012 bulletin for "2010年政府工作报告说")."""
    d = u.passage.doc
    if issued and d.year and d.year not in issued and not any(str(y) in d.title for y in issued):
        return False  # "the 2003 government work report": not an article of 2019 naming 2003
    if any(year_in(u.text, y) for y in years):
        return True
    own = _own_year(d)
    if own and _LAST_YEAR.search(u.text) and not has_year(u.text) and "今年" not in u.text:
        return own - 1 in years  # "去年财政增发1000亿元国债" in the 1999 report: 1998's
    if this_year_first(u.text) and own in years:
        return True  # "今年……降到千分之十左右，一九八五年要降到……" in the 1979 report: 1979's
    reviewed = _reviewed(u.passage.chunk.section, own) if own else None
    if any(str(y) in d.title or (y in issued and d.year == y) for y in years) and not (
        targets
        and (any(map(has_year, (u.text, u.passage.chunk.section, u.prev))) or reviewed is not None)
    ):
        return True  # "2023年的指数报告中……" selects the document titled 2023
    for text in (u.text, _section(u), u.prev, _paragraph_before(u), u.passage.chunk.section):
        if _dated(text):
            return any(year_in(text, y) for y in years)
    if reviewed is not None:  # "一、去年工作回顾" in the 2006 report: 2005
        return any(y in reviewed for y in years)
    return any(d.year == y for y in years)


# A heading that reviews the year before its document's ("一、去年工作回顾") or the years
# before it ("过去五年的回顾", "五年来……"): its sentences that name no year are of those years.
_REVIEWS_YEAR = re.compile(r"去年|过去一年|上一年")
_REVIEWS_YEARS = re.compile(r"过去(五|几|十)年|(五|十)年来")


def _reviewed(section: str, own: int) -> range | None:
    """The years a heading reviews, counted back from its document's year ``own``."""
    if _REVIEWS_YEAR.search(section):
        return range(own - 1, own)
    m = _REVIEWS_YEARS.search(section)
    if m:
        n = 10 if "十" in m.group(0) else 5
        return range(own - n, own)
    return None


def _paragraph_before(u: Unit) -> str:
    """The nearest sentence of the unit's paragraph before it that names a year: a plan's
    paragraph opens with its year and lists what is due by then ("2027年前，实现……。推动5款
    以上……。引育……10家以上产业链骨干企业。"), in its chunk and (``Unit.opening``) the chunks
    before. "" when none names a year."""
    text = u.passage.text
    cut = text.rfind("\n", 0, u.offset)
    before = text[cut + 1 : u.offset] if cut >= 0 else u.opening + text[: u.offset]
    dated = [s for s in re.split(r"(?<=[。；;！!])", before) if _dated(s)]
    return dated[-1] if dated else ""


def _section(u: Unit) -> str:
    """The unit's heading path, unless the years it names are only its document title's (a
    plain-text report's title line heads every chunk): the sentence before dates it first."""
    section, title = arabic_years(u.passage.chunk.section), arabic_years(u.passage.doc.title)
    named = {m.group(0) for m in YEAR_RE.finditer(section)}
    return "" if named and all(y in title for y in named) else u.passage.chunk.section


def paragraph_openings(units: list[Unit], snap: Snapshot, most: int = 3) -> None:
    """Sets each unit's ``opening``: when its chunk starts inside a paragraph, that paragraph's
    text in the chunks before it (up to ``most``). A long paragraph is cut across chunks, and
    its opening may hold the year all of it is about."""
    openings: dict[str, str] = {}
    for chunk in {u.passage.chunk_id: u.passage.chunk for u in units}.values():
        if chunk.kind != "text" or chunk.position == 0:
            continue
        chunks, opening, cur = snap.doc_chunks(chunk.doc_id), "", chunk
        for prev in reversed(chunks[max(0, chunk.position - most) : chunk.position]):
            if prev.kind != "text" or prev.position != cur.position - 1:
                break
            head = prev.text[: max(0, min(len(prev.text), cur.char_start - prev.char_start))]
            cut = head.rfind("\n")
            opening = head[cut + 1 :] + opening
            if cut >= 0:
                break
            cur = prev
        openings[chunk.chunk_id] = opening
    for u in units:
        u.opening = openings.get(u.passage.chunk_id, "")
