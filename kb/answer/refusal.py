"""What a refusal says: once, in plain Chinese (with an English lead for an English question),
what the documents lack, and the closest passages for reference. When they discuss the
subject but never give what was asked ("《纲要》提到了南通新机场，但没有给出建成通航的年份。"),
it says so and cites where the subject is discussed. No internal score is shown."""

from __future__ import annotations

import re

import numpy as np

from kb.answer.candidates import Unit, units_of
from kb.answer.citations import FALLBACK_QUOTE_CHARS, Answer, cite
from kb.answer.evidence import UNIT_FEATURES
from kb.core.english import is_place
from kb.core.text import has_cjk, norm
from kb.retrieve.asks import QWORD_ZH
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage

# A refusal lists the nearest passages for reference: a few, so the reader sees where the
# search looked without taking them for an answer (83fc609; a display choice).
NEAREST_SHOWN = 3
# A unit "discusses the subject" when its sentence and context hold at least this share of the
# subject's key words (IDF-weighted; kb.answer.candidates): most of them, not one in passing.
SUBJECT_SHARE = 0.6
# What is missing, by the kind of answer asked (kb.retrieve.asks).
MISSING = {
    "year": "年份", "date": "时间", "amount": "金额", "number": "具体数字", "percent": "比例",
    "duration": "期限", "org": "负责的机构", "person": "人选", "place": "地点",
    "definition": "定义", "phone": "电话号码",
}  # fmt: skip
_F = {name: i for i, name in enumerate(UNIT_FEATURES)}

NO_EVIDENCE = "语料中没有找到能回答这个问题的内容。"
# The kinds of place a question may ask for by name ("哪个城市").
_PLACE_KINDS = frozenset("城市 省 地区 区县 市 县 区".split())

# Kinds of answer that are quantities of something the question names ("任期是几年": a span of
# 任期; added on policy dev2, where one more near miss is refused and no answer is lost).
QUANTITIES = ("number", "amount", "percent", "duration")


def with_suffix(name: str, text: str) -> str:
    """The place as the question writes it, with its 市/省/区/县 ("江南" of "江南市")."""
    i = text.find(name)
    j = i + len(name)
    return name + text[j] if i >= 0 and j < len(text) and text[j] in "市省区县镇" else name


CLAUSE = re.compile(r"[，；。：,;:！？!?]")


def count_word(text: str) -> re.Match | None:
    """The question word of a count ("多少", "几人") in ``text``, or None."""
    return next((m for m in QWORD_ZH.finditer(text) if re.search("多少|几", m.group(0))), None)


def placed(q: Question, units: list[Unit], snap, pos) -> tuple[set[str] | None, str]:
    """The documents of ``units`` that mention every place the question names (in the title
    or any chunk, with or without 市/省/区/县): a 广州 regulation does not answer "深圳市个人
    创业担保贷款的最高额度", however alike the rules. Returns their ids (None: the question
    names no place) and, when none is left, the place no retrieved document mentions (places:
    places_of's)."""
    places = places_of(q, pos)
    if not places:
        return None, ""
    there = {u.passage.doc.doc_id for u in units}
    for place in places:
        forms = {norm(place)}
        if len(place) > 2 and place[-1] in "市省区县":
            forms.add(norm(place[:-1]))
        there = {d for d in there if _mentions(snap, d, forms)}
        if not there:
            return there, place
    return there, ""


# The tags a place gets: "ns", and "nr" as often ("落户嘉兴的" tags 嘉兴 a person); not "nt"/"nz",
# organisations and other names (人社局, 新浪, 拉丁文) the dictionary may also know.
_PLACE_TAGS = ("ns", "nr")


def places_of(q: Question, pos) -> list[str]:
    """The places among the names the question gives: one tagged as a place or person with its
    省/市/区/县/州/镇/乡 or one the dictionary knows as a place; an English question's are the
    names it gave in Chinese. ``pos`` tags words."""
    if q.lang == "en":
        return [n for n in q.names if has_cjk(n)]
    return [
        w for w, flag in pos(q.text)
        if flag in _PLACE_TAGS and w.lower() in q.names and (_admin(w) or is_place(w))
    ]  # fmt: skip


def _admin(w: str) -> bool:
    """A name with its administrative unit ("深圳市", "涞滩镇"); "城市", "本市" are no names."""
    return len(w) >= 3 and w[-1] in "省市区县州镇乡"


def _mentions(snap, doc_id: str, forms: set[str]) -> bool:
    title = norm(snap.docs[doc_id].title)
    return any(f in title for f in forms) or any(
        f in snap.normed(c.chunk_id) for c in snap.doc_chunks(doc_id) for f in forms
    )


def not_found(
    q: Question, passages: list[Passage], reason: str, first: Unit | None = None
) -> Answer:
    """A refusal: ``reason`` once, then the nearest passages (``first``'s sentence first)."""
    lead = reason
    if q.lang == "en":
        lead = "The documents do not answer this question. " + reason
    cites = []
    shown = [first.passage] if first is not None else []
    shown += [p for p in passages if first is None or p.chunk_id != first.passage.chunk_id]
    for i, p in enumerate(shown[:NEAREST_SHOWN], 1):
        if first is not None and i == 1:
            cites.append(cite(i, first))
            continue
        units = units_of(p, i)
        cites.append(cite(i, p, quote=(units[0].quote if units else p.text[:FALLBACK_QUOTE_CHARS])))
    if cites:
        lead += "\n以下是最接近的段落，仅供参考。"
    return Answer("not_found", lead, cites, reason)


def quantity_reason(q: Question, lacking: list[str], pos, named: bool = False) -> str:
    """ "检索到的段落都没有给出江南市2023年的“GDP”。": the quantity as the question spells
    it, of the place and year it names; ``named``: the passages name it without a figure
    ("检索到的段落提到了2014年的“公租房”，但没有给出具体数字。")."""
    text = q.text
    shown = []
    for t in lacking:
        i = text.lower().find(t.lower())
        shown.append(f"“{prefixed(text, i, pos) + text[i : i + len(t)] if i >= 0 else t}”")
    places = dict.fromkeys(with_suffix(n, text) for n in places_of(q, pos) if n not in lacking)
    # the years of a 《》 title's period ("（2026—2030年）") are not the year asked
    outside = re.sub(r"《[^》]*》", " ", text)
    years = [y for y in q.years if str(y) in outside] or q.years
    of = "、".join(places) + "、".join(f"{y}年" for y in years)
    of += "的" if of else ""
    if named:
        return f"检索到的段落提到了{of}{'、'.join(shown)}，但没有给出{MISSING[q.asks]}。"
    return f"检索到的段落都没有给出{of}{'、'.join(shown)}。"


def prefixed(text: str, i: int, pos) -> str:
    """The one-character nouns the segmenter split off before position ``i`` ("公" of
    "公租房": jieba reads 公 + 租房), so the reason names the thing as the question does."""
    ends, at = {}, 0
    for w, flag in pos(text):
        ends[at + len(w)] = (w, flag)
        at += len(w)
    out = ""
    while i in ends and len(ends[i][0]) == 1 and ends[i][1].startswith("n"):
        out = ends[i][0] + out
        i -= 1
    return out


def slot_missing(q: Question, pool: list[Unit], x: np.ndarray, pos=None) -> tuple[str, Unit | None]:
    """(why the evidence does not answer, the unit that discusses the subject): the documents
    discuss the subject without giving what was asked, when a unit does; else the plain
    reason and None. ``pos``: the tagger (Tokenizer.pos), to leave function words out of
    what the reason names."""
    if not len(pool) or not q.subject or q.asks not in MISSING or q.is_list:
        return NO_EVIDENCE, None
    subj = x[:, _F["subj_ctx"]]
    best = int(np.argmax(subj))
    if subj[best] < SUBJECT_SHARE:
        return NO_EVIDENCE, None
    u = pool[best]
    text = norm(u.context + u.text)
    tags = _tags(q.text, pos)
    title = norm(u.passage.doc.title)
    # what the title names is not what the sentence discusses ("关于", "全面" of 《关于全面……》),
    # nor is a preposition or an adverb ("按照", "至少")
    said = [
        t for t in q.subject
        if q.named_in(t, text) and norm(t) not in title and not _function(tags.get(t))
    ]  # fmt: skip
    what = "".join(
        q.alternatives(t)[0] for t in q.slot if q.lang == "zh" and not _function(tags.get(t))
    )
    kind = MISSING[q.asks]
    missing = f"{what}的{kind}" if what and not what.endswith(kind) else kind
    if q.asks == "place" and what in _PLACE_KINDS:  # "设在哪个城市": 所在的城市, not 城市的地点
        missing = f"所在的{what}"
    if not said:
        return f"《{u.passage.doc.title}》没有给出{missing}。", u
    topic = "、".join(f"“{q.alternatives(t)[0]}”" for t in said[:4])
    return f"《{u.passage.doc.title}》提到了{topic}，但没有给出{missing}。", u


# Tags of words that name nothing a reason could speak of: adverbs (至少), numerals (百分之,
# 一次), pronouns (每人), prepositions (按照), conjunctions, particles, direction and time
# words (之前, 月底), measure words, set phrases (百分之).
_FUNCTION_TAGS = ("d", "m", "r", "p", "c", "u", "f", "t", "q", "i")


def _function(flag: str | None) -> bool:
    return flag is not None and flag.startswith(_FUNCTION_TAGS)


def _tags(text: str, pos) -> dict[str, str]:
    """Each word of ``text`` (lower case) with the tag the tagger gives it first; {} without a
    tagger."""
    if pos is None:
        return {}
    out: dict[str, str] = {}
    for w, flag in pos(text):
        out.setdefault(w.lower(), flag)
    return out
