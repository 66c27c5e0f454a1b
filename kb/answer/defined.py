"""Definitions of two terms asked at once: "城市管线和城市综合管廊分别指什么" is answered with the
sentence defining each ("本条例所称城市管线，是指……", "本条例所称城市综合管廊，是指……"), not
with the best of the two alone."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.evidence import has_type
from kb.core.text import norm
from kb.retrieve.question import Question

# "A和B分别指什么", "A与B各是什么意思": two terms joined, then the words of asking each.
_EACH = re.compile(
    r"([^\s，,。？?；;、和与及]{2,40})(?:和|与|及|、)([^\s，,。？?；;、和与及]{2,20})"
    r"(?:分别|各)(?:是|指)"
)
# What comes before a term in the question: the document that defines it ("……条例所称的").
_BEFORE_TERM = re.compile(r".*(?:所称的?|中的|里的|的)")


def terms_each(q: Question) -> list[str]:
    """The two terms a definition question asks each of, or []."""
    if q.asks != "definition" or q.lang != "zh":
        return []
    m = _EACH.search(q.text)
    if not m:
        return []
    first = _BEFORE_TERM.sub("", m.group(1))
    return [t for t in (first, m.group(2)) if len(t) >= 2]


def with_each_defined(q: Question, chosen: list[Unit], pool: list[Unit]) -> list[Unit]:
    """``chosen`` with, for each term asked (terms_each) that none of them defines, the best
    unit of ``pool`` that does, after them."""
    out = list(chosen)
    for term in terms_each(q):
        t = norm(term)
        if any(_defines(u, t) for u in out):
            continue
        best = max((u for u in pool if _defines(u, t)), key=lambda u: u.score, default=None)
        if best is not None:
            out.append(best)
    return out


def _defines(u: Unit, term: str) -> bool:
    return term in norm(u.text) and has_type("definition", u.text, lambda: [])
