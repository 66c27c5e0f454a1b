"""Several things asked a figure each ("农业总产值和工业总产值各比上年增长多少"): the answer holds,
for each, a sentence that names it and states a figure of the kind asked. A document often
gives them in sentences of their own, and the best sentence names one alone."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.evidence import has_type
from kb.answer.lists import doc_units
from kb.core.text import norm
from kb.retrieve.question import Question

# "A和B各…多少", "A、B分别是多少": the things, then 各/分别 and the question word in one clause.
_EACH = re.compile(r"([^，,。？?；;：:]{4,60}?)(?:各|分别)[^，,。？?；;]{0,12}?(?:多少|几)")
_JOIN = re.compile(r"和|与|及|、|以及")
# What comes before the first thing: what the question asks of ("……计划草案定的"), a year;
# and after the last: the general word for a figure ("失业率目标").
_BEFORE = re.compile(r"^(?:.*的)?(?:\d{4}年|[那这]一?年|当年|今年|明年|全年)?")
_AFTER = re.compile(r"(?:目标|指标|标准)$")
_QUANTITIES = ("number", "amount", "percent", "duration")
# How many sentences on either side of the first chosen one another thing's may be.
NEAR_UNITS = 3


def asked_each(q: Question) -> list[str]:
    """The things a Chinese question asks a figure of each, or [] (fewer than two)."""
    if q.lang != "zh" or q.asks not in _QUANTITIES:
        return []
    m = _EACH.search(q.text)
    if not m:
        return []
    things = [_AFTER.sub("", _BEFORE.sub("", t)).strip() for t in _JOIN.split(m.group(1))]
    return things if len(things) >= 2 and all(len(t) >= 2 for t in things) else []


def with_each_stated(q: Question, chosen: list[Unit], pool: list[Unit], snap) -> list[Unit]:
    """``chosen`` with, for each thing asked (asked_each) but the first chosen one's, the
    nearest sentence to that one in its document (within NEAR_UNITS, after it first) that names
    the thing and states a figure of the kind asked, in place of a chosen one naming it further
    off: a document gives such figures side by side (a review's figure for the same thing is
    elsewhere), and retrieval may miss the next paragraph; with none near, the best such unit of
    ``pool`` when no chosen one names the thing."""
    out = list(chosen)
    things = asked_each(q)
    if not things or not out:
        return out
    doc = doc_units(out[0].passage.doc.doc_id, snap)
    at = next((i for i, u in enumerate(doc) if norm(u.quote) == norm(out[0].quote)), None)
    near = []
    if at is not None:  # nearest first, a sentence after the first chosen before one as near
        span = range(max(0, at - NEAR_UNITS), min(len(doc), at + NEAR_UNITS + 1))
        near = [doc[i] for i in sorted(span, key=lambda i: (abs(i - at), i < at))]
    for thing in things:
        t = norm(thing)
        naming = [u for u in out if t in norm(u.text)]
        beside = next((u for u in near if _states(q, t, u)), None)
        if naming and (naming[0] is out[0] or beside is None or beside in naming):
            continue
        if beside is None:
            stating = [u for u in pool if _states(q, t, u)]
            beside = max(stating, key=lambda u: u.score) if stating else None
        if beside is not None:  # in place of one naming it further off
            out = [u for u in out if u not in naming] + [beside]
    return out


def _states(q: Question, thing: str, u: Unit) -> bool:
    return thing in norm(u.text) and has_type(q.asks, u.text, lambda: [])
