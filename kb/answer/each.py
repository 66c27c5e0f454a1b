"""Several things asked a figure each ("农业总产值和工业总产值各比上年增长多少"): the answer holds,
for each, a sentence that names it and states a figure of the kind asked. A document often
gives them in sentences of their own, and the best sentence names one alone."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.evidence import has_type
from kb.answer.lists import doc_units
from kb.answer.refusal import QUANTITIES
from kb.core.english import STOPWORDS
from kb.core.text import norm
from kb.retrieve.question import Question

# "A和B各…多少", "A、B分别是多少": the things, then 各/分别 and the question word in one clause.
_EACH = re.compile(
    r"([^，,。？?；;：:]{4,60}?)(?:各|分别)[^，,。？?；;]{0,12}?(?:多少|几|多[大高长久])"
)
_JOIN = re.compile(r"和|与|及|、|以及")
# What comes before the first thing: what the question asks of ("……计划草案定的", "……其中"), a year;
# and after the last: the general word for a figure ("失业率目标").
_BEFORE = re.compile(r"^(?:.*(?:的|其中))?(?:\d{4}年|[那这]一?年|当年|今年|明年|全年)?")
_AFTER = re.compile(r"(?:目标|指标|标准)$")
# How many sentences on either side of the first chosen one another thing's may be.
NEAR_UNITS = 3


def asked_each(q: Question) -> list[list[str]]:
    """The things a question asks a figure of each, each as the forms a sentence may name it
    by (matching form), or [] (fewer than two)."""
    if q.asks not in QUANTITIES:
        return []
    if q.lang == "en":
        return _asked_each_en(q)
    m = _EACH.search(q.text)
    if not m:
        return []
    things = [_AFTER.sub("", _BEFORE.sub("", t)).strip() for t in _JOIN.split(m.group(1))]
    ok = len(things) >= 2 and all(len(t) >= 2 for t in things)
    return [[norm(t)] for t in things] if ok else []


# English things joined ("energy consumption and carbon dioxide emissions", "grain, raw coal
# and steel"): the words next to an "and", and short items listed before it with commas, each
# up to a function word.
_EN_AND = re.compile(r",? and (?:for |of |the )?")
_BREAK = frozenset("per of for in on to by from with at as than or".split())
# A comma's item this many words at most; a longer stretch is a clause of its own.
ITEM_WORDS = 4


def _asked_each_en(q: Question) -> list[list[str]]:
    """The things an English question joins with "and" (and commas before it), each as the
    Chinese forms of its words' terms (Question.phrases), when at least two are found and each
    has forms of its own."""
    text = re.sub(r"[^a-z0-9,\- ]+", " ", q.text.lower())
    for m in _EN_AND.finditer(text):
        *before, last = text[: m.start()].split(",")
        runs = [_edge(last, True), _edge(text[m.end() :].split(",")[0], False)]
        for item in reversed(before):  # "grain, cotton, raw coal and steel"
            words = item.split()
            if not words or len(words) > ITEM_WORDS or _stop(words[0]):
                break
            runs.insert(0, " ".join(words))
        things = [_forms_of(q, r) for r in runs]
        if all(things) and len({tuple(t) for t in things}) == len(things):
            return things
    return []


def _stop(word: str) -> bool:
    return word in _BREAK or word in STOPWORDS or word.isdigit()


def _edge(run: str, first: bool) -> str:
    """The words of a conjunct that are the thing: the first's last words, another's first."""
    words = run.split()
    out: list[str] = []
    for w in reversed(words) if first else words:
        if _stop(w) and (out or first):  # "and what surveyed unemployment rate": from "surveyed"
            break
        if not _stop(w):
            out.append(w)
    return " ".join(reversed(out) if first else out)


def _forms_of(q: Question, run: str) -> list[str]:
    """The Chinese forms of the term that names the thing ``run`` says: of the question's terms
    whose English words are in it, the one of most words ("carbon dioxide emissions": 碳排放),
    else the first ("cotton output": 棉花, not the 产值 every output has); [] when none is."""
    said = f" {run} "
    found = [(len(h.split()), -said.index(f" {h} "), t) for t, h in q.phrases.items()
             if f" {h} " in said]  # fmt: skip
    if not found:
        return []
    term = max(found)[2]
    return list(dict.fromkeys(f for a in q.alternatives(term) if len(f := norm(a)) >= 2))


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
    for forms in things:
        naming = [u for u in out if names_thing(forms, u)]
        beside = next((u for u in near if _states(q, forms, u)), None)
        if naming and (naming[0] is out[0] or beside is None or beside in naming):
            continue
        if beside is None:
            stating = [u for u in pool if _states(q, forms, u)]
            beside = max(stating, key=lambda u: u.score) if stating else None
        if beside is not None:  # in place of one naming it further off
            out = [u for u in out if u not in naming] + [beside]
    return out


def names_thing(forms: list[str], u: Unit) -> bool:
    """Whether ``u`` names a thing asked_each gives (any of its ``forms``)."""
    text = norm(u.text)
    return any(f in text for f in forms)


def _states(q: Question, forms: list[str], u: Unit) -> bool:
    return names_thing(forms, u) and has_type(q.asks, u.text, lambda: [])
