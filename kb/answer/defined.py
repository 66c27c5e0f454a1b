"""Definitions: a term is defined by the sentence that opens with it ("消费扶贫是社会各界通过……的一
种扶贫方式" for "消费扶贫是什么意思"); two terms asked at once ("城市管线和城市综合管廊分别指什么")
are answered with the sentence defining each ("本条例所称城市管线，是指……", "本条例所称城市综合
管廊，是指……"), not with the best of the two alone."""

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
_QUOTES = '“”"《》「」'
# What comes before a term in the question: the document that defines it ("……条例所称的").
_BEFORE_TERM = re.compile(r".*(?:所称的?|中的|里的|的)")
# "X是什么意思", "X指的是什么", "什么是X", "X的含义": the words of asking around the term.
_ASKING = re.compile(
    r"^(?:什么是|什么叫)|(?:是什么意思|是指什么|指的是什么|指什么|是什么|的含义|的定义|的意思)?[？?]?$"
)
# How a sentence opening with a term defines it: "X是……", "X，是指……", "X系指……" (read in
# matching form, where "，" is ",").
_DEFINING = r"[,，]?(?:是指|系指|是|指)"
# A numbered item's marker before a defining sentence ("（一）", "1.", "第三条").
_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])\s*"
)


def asked_term(q: Question) -> str:
    """The one term a Chinese definition question asks of ("国办指导意见里说的“消费扶贫”是什么
    意思": 消费扶贫), or ''."""
    if q.asks != "definition" or q.lang != "zh" or terms_each(q):
        return ""
    clauses = [c for c in re.split(r"[，,：:]", _ASKING.sub("", q.text.strip())) if c.strip()]
    clause = clauses[-1] if clauses else ""
    term = _BEFORE_TERM.sub("", clause).strip(_QUOTES)
    ok = 2 <= len(term) <= 20 and not re.search(r"[\s，,。；;、]", term)
    return norm(term) if ok else ""


def defining(q: Question, pool: list[Unit]) -> Unit | None:
    """The best unit of ``pool`` that opens with the term asked and says what it is ("消费扶贫是
    社会各界通过……", "本条例所称消费扶贫，是指……"; opens_defining), or None. A definition seldom
    shares the question's other words, so the evidence model may rate it low."""
    term = asked_term(q)
    return _best_defining(term, pool) if term else None


def definitions(q: Question, pool: list[Unit]) -> list[Unit]:
    """The unit defining the term asked (defining), or one for each of the two terms asked at
    once (terms_each) when both are defined so; [] otherwise."""
    terms = terms_each(q)
    found = [_best_defining(norm(t), pool) for t in terms] if terms else [defining(q, pool)]
    if any(u is None for u in found):
        return []
    return list({id(u): u for u in found}.values())  # one sentence may define both


def _best_defining(term: str, pool: list[Unit]) -> Unit | None:
    return max((u for u in pool if opens_defining(u, term)), key=lambda u: u.score, default=None)


# "“五定”，即定建设规模，……", "“三河三湖”（即：淮河、海河……）": a term, then what it stands for
# after 即 (read in matching form: "（：，" are "(:,").
_THAT_IS = r"[”\"]?,?\(?即:?"


def opens_defining(u: Unit, term: str) -> bool:
    """``u`` defines ``term`` (in matching form): it opens with the term and 是/是指/系指
    ("所称X，是指" too), or says "X，即……"; or it opens with 即 right after the term ends the
    line before ("一律实行“五定”，" / "即定建设规模，……")."""
    text = _MARKER.sub("", norm(u.text))
    t = re.escape(term)
    if re.search(f"(?:^|所称){t}{_DEFINING}|{t}{_THAT_IS}", text):
        return True
    before = norm(u.passage.text[max(0, u.offset - len(term) - 4) : u.offset])
    return text.startswith("即") and re.search(f'{t}[”"]?[,:]?$', before) is not None


def terms_each(q: Question) -> list[str]:
    """The two terms a definition question asks each of, or []."""
    if q.asks != "definition" or q.lang != "zh":
        return []
    m = _EACH.search(q.text)
    if not m:
        return []
    terms = (_BEFORE_TERM.sub("", m.group(1)), m.group(2))
    terms = [t.strip(_QUOTES) for t in terms]  # "“业务主管部门”和“挂靠单位”分别指什么"
    return [t for t in terms if len(t) >= 2]


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
