"""Sources that disagree: other documents that say the lead sentence with other numbers or
dates, shown side by side ("来源说法不一") unless the question names the lead's document."""

from __future__ import annotations

import re

from kb.answer.candidates import NAMES_DOC_SHARE, Unit
from kb.core.doctypes import AUTHORITY  # which kind of document outranks which
from kb.core.text import bigram_cover, char_grams, norm, shorter_share
from kb.retrieve.question import Question

_NUM = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_SPACED = re.compile(r"(?<=\d)\s+(?=\d)")
# Near-duplicate statements: this share of the shorter one's character bigrams (numbers
# masked) in common. Reposted templates and copied briefs share nearly all of them. 0.6 to
# 0.9 give the same yrd.yaml answers; at 0.7 two CMRC answers become "来源说法不一".
SAME_STATEMENT = 0.8


def pair_share(a: str, b: str) -> float:
    """Share of the shorter string's character bigrams the other holds."""
    return shorter_share(char_grams(a, 2), char_grams(b, 2))


def disagreeing(q: Question, lead: Unit, units: list[Unit]) -> list[Unit]:
    """Units of other documents that say the lead's sentence with other numbers or dates
    (whatever their year: which document fits the question's year decides the order), best
    fitting document first; empty when the sources agree. A question that names the lead's
    document ("2010年政府工作报告……", "黄天竺鲷有多少枚背鳍硬棘") asks that document: the same
    sentence in a document it names less well (another year's report, another fish) is no
    rival, however alike the wording (an adoption line, a template)."""
    masked = _NUM.sub("#", norm(lead.quote))
    nums = set(_NUM.findall(norm(lead.quote)))
    if not nums:
        return []
    named = _names(q)
    fit = _naming(q, lead, named)
    # the lead states a year asked ("自2025年起"): the same sentence of another year
    # ("自2022年起", a brief's copy) is that year's rule, no rival
    asked = {str(y) for y in q.years}
    dated = asked & _years(lead.quote)
    rivals = [lead]
    for u in units:
        other = norm(u.quote)
        if any(u.passage.doc.doc_id == r.passage.doc.doc_id for r in rivals):
            continue
        if dated and (years := _years(u.quote)) and not years & asked:
            continue
        if _other_figures(other, masked, nums) and (
            fit is None or _naming(q, u, named, full=True) >= fit
        ):
            rivals.append(u)
    if len(rivals) < 2:
        return []
    return sorted(rivals, key=lambda u: _doc_fit(q, u), reverse=True)


def _years(text: str) -> set[str]:
    """The years a sentence states, its digits spaced or not ("1 9 9 7 年")."""
    return set(_YEAR.findall(_SPACED.sub("", norm(text))))


def _names(q: Question) -> str:
    """The question in matching form with its words' alternatives (an English question's
    Chinese terms), for finding a document title it spells out."""
    alts = [a for t in q.terms for a in q.alternatives(t)]
    return "|".join([norm(q.text), *(norm(a) for a in alts)])


def _naming(q: Question, u: Unit, named: str, full: bool = False) -> tuple | None:
    """How well the question names the unit's document: (fits the question's year, share of
    the title's bigrams it spells out). None when it does not name it (under NAMES_DOC_SHARE
    of the title with its digits left out: "2021年白鹭湾科技城……" does not name 《白鹭湾科技城
    2021年发展简报》, "2010年政府工作报告" names 《政府工作报告（2010年）》); ``full`` gives the
    pair whether or not."""
    d = u.passage.doc
    title = norm(d.title)
    if not full and bigram_cover(_NUM.sub("", title), named) < NAMES_DOC_SHARE:
        return None
    return (_years_fit(q, d) > 0, bigram_cover(title, named))


def _doc_fit(q: Question, u: Unit) -> tuple:
    d = u.passage.doc
    title = norm(d.title)
    words = sum(q.named_in(t, title) for t in q.terms)
    return (_years_fit(q, d), words, AUTHORITY.get(d.doc_type, 0), d.date or "", u.score)


def _years_fit(q: Question, d) -> int:
    """How many of the question's years are the document's (its date's or its title's)."""
    return sum(d.year == y or str(y) in d.title for y in q.years)


def from_lead_source(chosen: list[Unit], units: list[Unit]) -> list[Unit]:
    """``chosen`` with each later unit that another document words as a unit of the lead's
    document does, with other numbers or dates, replaced by the lead document's own: a brief
    that copies a plan with its figures changed does not complete an answer the plan leads
    ("总规划面积约60.61平方公里" from the plan, then "产业创新承载区……面积约45平方公里" from
    the brief, where the plan says 30)."""
    if len(chosen) < 2:
        return chosen
    doc = chosen[0].passage.doc.doc_id
    own = [u for u in units if u.passage.doc.doc_id == doc]
    out = chosen[:1]
    for u in chosen[1:]:
        if u.passage.doc.doc_id != doc and (twin := _twin(u, own)) is not None:
            u = twin
        if all(u.quote != v.quote for v in out):
            out.append(u)
    return out


def _twin(u: Unit, own: list[Unit]) -> Unit | None:
    """The unit of ``own`` that says ``u``'s sentence with other numbers, or None."""
    text = norm(u.quote)
    nums, masked = set(_NUM.findall(text)), _NUM.sub("#", text)
    if not nums:
        return None
    return next((v for v in own if _other_figures(norm(v.quote), masked, nums)), None)


def _other_figures(other: str, masked: str, nums: set[str]) -> bool:
    """Whether ``other`` (matching form) says the sentence ``masked`` (its numbers as "#")
    with numbers other than ``nums``."""
    return (
        set(_NUM.findall(other)) != nums
        and pair_share(_NUM.sub("#", other), masked) >= SAME_STATEMENT
    )
