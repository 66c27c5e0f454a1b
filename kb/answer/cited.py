"""Penalty clauses read with the rule they enforce. A regulation's 法律责任 chapter names the
rule it punishes by number only ("违反本条例第三十一条第四款规定的，……并可处一千元以上一万元
以下的罚款"), while an official asks in the rule's words ("在近海养殖，把垃圾丢进海里罚多少").
So a clause that cites a rule is matched with that rule's words as its context, and is brought
in beside the rule whenever a sentence of the rule is retrieved. An article that sets one
penalty for the cases it lists ("有下列情形之一的，……并处一千元至五千元罚款：（一）……") is read
the same way: its opening line cites its items."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from weakref import WeakKeyDictionary

import numpy as np

from kb.answer.articles import ARTICLE_START
from kb.answer.candidates import Unit
from kb.answer.lists import doc_units
from kb.answer.markers import item_number, marker
from kb.core.text import norm
from kb.retrieve.retrieve import Passage, Snapshot

_NUM = r"[零〇一二三四五六七八九十百千\d]+"
# "违反本条例第十七条第三项、第四项规定的": the document's own rules, by article, paragraph
# (款) and item (项); a paragraph or item without its article is of the article before.
_CITES = re.compile(
    rf"违反本(?:条例|办法|规定|细则|法|决定|规则)((?:第{_NUM}[条款项][、，,和及或与至]*)+)"
)
_PART = re.compile(rf"第({_NUM})([条款项])")
# A question that asks what befalls a breach (a fine, a sanction, how it is dealt with): the
# only one a penalty clause answers, so the only one it is brought in for. 有限责任 is a kind
# of company (有限责任公司), no liability.
PENALTY_ASKED = re.compile(
    r"罚|处分|处理|追究|(?<!有限)责任|后果|吊销|没收|拘留"
    r"|\b(?:fine[sd]?|penalt(?:y|ies)|punish\w*|sanction\w*|liab\w+)\b",
    re.I,
)

# "有下列情形之一的，由……责令改正，并处一千元至五千元罚款：": an article's opening line (or
# its first clause up to a "；") that states a penalty for the items after it, read as a clause
# citing those items.
_LEAD_IN = re.compile(r"有下列\w{0,4}之一的.*(?:罚|吊销|没收|警告|处分)")

# (article as written, paragraph, item): 0 where the citation gives none.
Place = tuple[str, int, int]


def cites(text: str) -> list[Place]:
    """The rules of its own document ``text`` says are broken, finest first: "第十七条第三项、
    第四项" gives items 3 and 4 of article 17, not the whole article."""
    out: list[Place] = []
    for m in _CITES.finditer(text):
        article, paragraph = "", 0
        for n, kind in _PART.findall(m.group(1)):
            if kind == "条":
                article, paragraph = n, 0
                out.append((article, 0, 0))
            elif kind == "款":
                paragraph = _number(n)
                out.append((article, paragraph, 0))
            else:
                out.append((article, paragraph, _number(n)))
    # an article cited with its paragraphs or items stands for them only
    return [p for p in out if not any(o != p and _within(o, p) for o in out)]


def _number(n: str) -> int:
    return int(n) if n.isdigit() else item_number(n) if len(n) <= 3 else 0


def _within(place: Place, rule: Place) -> bool:
    """Whether ``place`` (a unit's) lies in the cited ``rule``."""
    a, p, i = rule
    return place[0] == a and (not p or place[1] == p) and (not i or place[2] == i)


@dataclass
class _Rules:
    where: dict[str, Place]  # a unit (its quote, normalised) -> its place
    refs: dict[str, list[Place]]  # a unit of a clause (its quote, normalised) -> what it cites
    units: list[tuple[Place, Unit]]  # in reading order
    clauses: list[tuple[Unit, list[Place]]]  # the units that cite rules, and the rest of
    # their paragraph ("……责令限期改正；逾期未改正的，处五万元以上二十万元以下罚款。")


_CACHE: WeakKeyDictionary[Snapshot, dict[str, _Rules | None]] = WeakKeyDictionary()


def _rules(doc_id: str, snap: Snapshot) -> _Rules | None:
    """The document's units by article, paragraph and item; None when none cites a rule."""
    per_snap = _CACHE.setdefault(snap, {})
    if doc_id not in per_snap:
        cited = any("违反本" in c.text or "有下列" in c.text for c in snap.doc_chunks(doc_id))
        per_snap[doc_id] = _read(doc_units(doc_id, snap)) if cited else None
    return per_snap[doc_id]


def _read(units: list[Unit]) -> _Rules | None:
    rules = _Rules({}, {}, [], [])
    article, paragraph, item = "", 0, 0
    refs: list[Place] = []  # what the paragraph read so far cites
    for u in units:
        m = ARTICLE_START.match(u.text)
        before = u.passage.text[: u.offset]
        new_line = not before.strip() or before.rstrip(" \t").endswith("\n")
        if m:
            article, paragraph, item = m.group(1), 1, 0
        elif article and new_line:
            found = marker(u.text)  # an item, or the article's next paragraph
            if found is not None and found[0] in ("paren_cn", "paren_ar"):
                item = found[1]
            else:
                paragraph, item = paragraph + 1, 0
        if not article:
            continue
        place = (article, paragraph, item)
        rules.where[norm(u.quote)] = place
        rules.units.append((place, u))
        refs = cites(u.text) or ([] if m or new_line else refs)
        if not refs and _LEAD_IN.search(u.text):
            refs = [(article, paragraph, 0)]  # the items of its paragraph, after it
        if refs:
            rules.refs[norm(u.quote)] = refs
            rules.clauses.append((u, refs))
    return rules if rules.clauses else None


def _rule_text(rules: _Rules, refs: list[Place]) -> str:
    return "".join(u.text for place, u in rules.units if any(_within(place, r) for r in refs))


def with_cited(units: list[Unit], snap: Snapshot, penalty: bool) -> list[Unit]:
    """``units`` with each clause that cites a rule of its document matched by that rule's
    words too (its context); and, for a question asking a ``penalty`` (PENALTY_ASKED), the
    clauses citing a rule one of ``units`` is part of added after them, ranked as that unit's
    passage."""
    out = list(units)
    have = {(u.passage.chunk_id, u.offset) for u in units}
    for u in units:
        rules = _rules(u.passage.doc.doc_id, snap)
        quote = norm(u.quote)
        place = rules.where.get(quote) if rules else None
        if rules is None or place is None:
            continue
        refs = rules.refs.get(quote)
        if refs:
            u.context += "\n" + _rule_text(rules, refs)
        for clause, refs in rules.clauses if penalty else ():
            key = (clause.passage.chunk_id, clause.offset)
            if key in have or not any(_within(place, r) for r in refs):
                continue
            have.add(key)
            passage = Passage(clause.passage.chunk, u.passage.doc, u.passage.score)
            context = clause.context + "\n" + _rule_text(rules, refs)
            out.append(replace(clause, passage=passage, rank=u.rank, context=context))
    return out


def case_of(lead: Unit, pool: list[Unit], snap: Snapshot) -> Unit | None:
    """The case a penalty answered by an article's opening line is for ("有下列情形之一的，……罚
    款：" leads; "（二）擅自改变体育经营活动内容、场所的" is what the question describes): the
    best-scoring of its items in ``pool``, None when the lead is no such line or none is there."""
    if not _LEAD_IN.search(lead.text):
        return None
    rules = _rules(lead.passage.doc.doc_id, snap)
    refs = rules.refs.get(norm(lead.quote)) if rules else None
    if not refs:
        return None
    items = [
        u for u in pool
        if (place := rules.where.get(norm(u.quote))) and place[2]
        and any(_within(place, r) for r in refs)
    ]  # fmt: skip
    return max(items, key=lambda u: u.score, default=None)


def lifted(pool: list[Unit], scores: np.ndarray, snap: Snapshot) -> np.ndarray:
    """``scores`` with each clause of ``pool`` that cites others of it (a penalty clause the
    rule it enforces, an article's opening line its items) scored at least as the best of
    them: for a question asking a penalty, "（一）向未成年人提供高危险性体育项目服务的" is
    what the official describes and its article's "……并处五百元以上二千元以下罚款：" what
    answers, whatever chunk each fell in."""
    out = scores.copy()
    for i, u in enumerate(pool):
        rules = _rules(u.passage.doc.doc_id, snap)
        refs = rules.refs.get(norm(u.quote)) if rules else None
        for j, v in enumerate(pool if refs else ()):
            place = rules.where.get(norm(v.quote))
            if v.passage.doc.doc_id == u.passage.doc.doc_id and place:
                if any(_within(place, r) for r in refs):
                    out[i] = max(out[i], scores[j])
    return out
