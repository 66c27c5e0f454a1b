"""A fine asked for an act the document punishes otherwise: "擅自砍伐公路用地上的树木，最多可以罚
款多少" where the regulation's article on that act reads "擅自砍伐公路树木的，由交通主管部门责令赔
偿损失" and sets no fine. The fine another article sets for another act ("车辆在公路上擅自超限
行驶的，……可以处一千元以下罚款") does not answer it: the refusal says the document deals with
the act but gives no fine, and shows that article."""

from __future__ import annotations

import re

from kb.answer.articles import ARTICLE_START
from kb.answer.candidates import Unit
from kb.core.text import norm
from kb.retrieve.question import Question

# A question asking how much a fine is ("最多可以罚款多少", "罚多少钱").
_FINE_ASKED = re.compile(r"罚")
# A clause that deals with a breach: "……的，由……部门责令……", "……的，处……", "……的，依照……处罚".
_PUNISHES = re.compile(r"的[，,]\s*(?:由|处|责令|并处|予以|依照|依法|没收|吊销)")
# A fine stated: "处五千元以下罚款", "罚款" with its sum, "罚金".
_FINE_SET = re.compile(r"罚款|罚金")
# Where the next article starts, within a passage.
_NEXT_ARTICLE = re.compile(r"\n\s*第[零〇一二三四五六七八九十百千\d]+条")
# The question's words for the act must name this many more than the lead's before the
# other article counts as the one on the act: one shared word ("擅自", "公路") is chance.
MORE_NAMED = 2


def fine_elsewhere(q: Question, lead: Unit, units: list[Unit]) -> Unit | None:
    """The clause of the lead's document that deals with the act a fine is asked for, and sets
    no fine, when it names at least MORE_NAMED more of the question's words for the act than
    the lead does (its context, the rule it enforces included); else None."""
    if q.lang != "zh" or q.asks != "amount" or not _FINE_ASKED.search(q.text):
        return None
    title = norm(lead.passage.doc.title)
    act = [
        t for t in q.terms
        if t not in q.slot and len(t) > 1 and not _FINE_ASKED.search(t)
        and not q.named_in(t, title)
    ]  # fmt: skip
    if len(act) < MORE_NAMED:
        return None
    named = _named(q, act, lead)
    best, most = None, set()
    for u in units:
        if u.passage.doc.doc_id != lead.passage.doc.doc_id or not _PUNISHES.search(u.text):
            continue
        more = _named(q, act, u) - named
        if len(more) >= MORE_NAMED and len(more) > len(most) and not _sets_fine(u):
            best, most = u, more
    return best


def _named(q: Question, act: list[str], u: Unit) -> set[str]:
    """The act's words the unit names, in its context too (the rule it enforces), but not in
    the sentence before when the unit opens an article: that is another article's."""
    context = u.context.replace(u.prev, "") if ARTICLE_START.match(u.text) and u.prev else u.context
    text = norm(f"{u.text}\n{context}")
    return {t for t in act if q.named_in(t, text)}


def _sets_fine(u: Unit) -> bool:
    """Whether the unit's article, from the unit on, states a fine (its next clause may:
    "……责令限期改正；逾期不改正的，处二千元以上一万元以下罚款")."""
    rest = u.passage.text[u.offset :]
    end = _NEXT_ARTICLE.search(rest, len(u.quote))
    return bool(_FINE_SET.search(rest[: end.start() if end else len(rest)]))


def fine_reason(act: Unit) -> str:
    """ "《广东省公路条例》对这一行为的处理是“由县级以上人民政府交通主管部门责令赔偿损失”，没有
    给出罚款数额。": what the article does about the act, in its words."""
    m = _PUNISHES.search(act.text)
    handling = act.text[m.start() + 2 :].strip().rstrip("。；;") if m else ""
    how = f"的处理是“{handling}”" if handling else "另有规定"
    return f"《{act.passage.doc.title}》对这一行为{how}，没有给出罚款数额。"
