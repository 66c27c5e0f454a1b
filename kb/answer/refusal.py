"""What a refusal says: once, in plain Chinese (with an English lead for an English question),
what the documents lack, and the closest passages for reference. When they discuss the
subject but never give what was asked ("《纲要》提到了南通新机场，但没有给出建成通航的年份。"),
it says so and cites where the subject is discussed. No internal score is shown."""

from __future__ import annotations

import re

import numpy as np

from kb.answer.candidates import Unit, units_of
from kb.answer.citations import FALLBACK_QUOTE_CHARS, Answer, cite
from kb.answer.evidence import UNIT_FEATURES, has_type
from kb.answer.years import years_ok_of
from kb.core.english import is_place
from kb.core.text import has_cjk, in_order, is_cjk, norm
from kb.retrieve.asks import CHANGE_VERBS, QWORD_ZH, SLOT_FILLER, is_measure, nouns_of
from kb.retrieve.change import states_change
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


def _with_suffix(name: str, text: str) -> str:
    """The place as the question writes it, with its 市/省/区/县 ("江南" of "江南市")."""
    i = text.find(name)
    j = i + len(name)
    return name + text[j] if i >= 0 and j < len(text) and text[j] in "市省区县镇" else name


def absent_quantity(q: Question, units: list[Unit], tok) -> tuple[list[str], Unit | None]:
    """(the nouns naming the asked quantity, a sentence that names them without a figure):
    the nouns ("GDP" in "上海2022年的GDP是多少？") when no retrieved sentence, with its heading
    and context, names every one of them (a synonym of the glossary counts) and a place the
    question names, in a year it names (year_ok), and states a figure of the kind asked: the
    passages state other figures, or the figure of another place or year, or name the thing
    without saying how many. Chinese questions only: an English one's words are a dictionary's
    or the glossary's, and texts name the thing in others ("funeral subsidy": 丧葬补助金,
    "exemption certificates": 免办证明; tried with the glossary's words, it refused three
    answers of policy dev, train and yrd.yaml for one near miss). ``tok``: the Tokenizer."""
    if q.asks == "phone":  # no number to call about the subject, in a question of any language
        if q.lang != "zh" and units:  # see _phone_of: the number is in the top document
            top = min(units, key=lambda u: u.rank).passage.doc.doc_id
            units = [u for u in units if u.passage.doc.doc_id == top]
        return ([] if any(_phone_of(q, u) for u in units) else ["电话号码"]), None
    # A list ("哪几类文件") asks for its items, which need not name the kind they are of
    # (法律、行政法规…): policy dev3 +1, no answer or refusal changed on the other sets.
    if q.lang != "zh" or q.asks not in QUANTITIES or not q.slot or not units or q.is_list:
        return [], None
    pos = tok.pos
    nouns = nouns_of(q.text, pos)
    asked = [
        t for t in q.slot
        if t in nouns and not is_measure(t) and not _acts(q.text, t, pos)
        and not re.search(f"[把将]{re.escape(t)}", q.text)  # "把案子裁完": what is acted on
    ]  # fmt: skip
    # a change asked of a word the tagger calls a verb ("投资计划，比上一年增加了多少")
    asked = asked or [t for t in q.change if t in q.slot]
    if not asked:
        return [], None
    groups = [[_spelled(norm(a), tok) for a in q.alternatives(t)] for t in asked]
    # The places the question names: the quantity must be stated of one of them.
    places = [_with_suffix(norm(n), norm(q.text)) for n in places_of(q, pos) if n not in asked]
    if q.years:  # stated of the year asked: last year's figure is not this year's
        units = [u for u, ok in zip(units, years_ok_of(q, units), strict=True) if ok]
    # The sentence naming them states a figure of the kind asked ("700万套" for "多少套"): one
    # that names 公租房 without a number does not say how many (policy dev2: 4 near misses
    # refused, no answer lost).
    measure = q.count_measure
    named = None
    for u in units:
        text = norm(u.context + u.text)
        if _names_all(groups, text, tok) and (
            not places or any(p in text + norm(u.passage.doc.title) for p in places)
        ):
            if _stated_of(u, groups, q.asks, measure, tok) and (
                not q.change or _change_stated(norm(u.text), groups, tok)
            ):
                return [], None
            named = named or u
    return asked, named


# Words of asking for a number to call ("可以拨打哪个热线"), not of what it is for.
_CALLING = frozenset("拨打 致电 电话 热线 号码 打电话".split())


def _phone_of(q: Question, u: Unit) -> bool:
    """A number to call in a unit whose sentence and context name most of the question's
    subject, and whose sentence names the kind of line asked ("哪个*心理援助*热线"): a hotline
    of another service does not answer (policy dev4, dev5, dev6). Chinese questions only: an
    English one's words are a dictionary's guesses ("call" read as 号召), so any number to
    call in the top-ranked document may answer it (absent_quantity), as the evidence model
    ranks them."""
    if not _figure("phone", u.text, ""):
        return False
    if q.lang != "zh":
        return True
    text = norm(u.context + u.text)
    # Words of its document's title name the document, which every unit of it shares, not
    # what the number is for ("《汕头经济特区预防与化解纠纷促进条例》……心理援助热线").
    title = norm(u.passage.doc.title)
    subject = [
        t for t in q.subject
        if t not in SLOT_FILLER and t not in _CALLING and not q.named_in(t, title)
    ]  # fmt: skip
    named = [t for t in subject if q.named_in(t, text)]
    sentence = norm(u.text)
    kind = [t for t in q.slot if t not in _CALLING]
    return len(named) >= SUBJECT_SHARE * len(subject) and all(q.named_in(t, sentence) for t in kind)


CLAUSE = re.compile(r"[，；。：,;:！？!?]")


def count_word(text: str) -> re.Match | None:
    """The question word of a count ("多少", "几人") in ``text``, or None."""
    return next((m for m in QWORD_ZH.finditer(text) if re.search("多少|几", m.group(0))), None)


def _acts(text: str, noun: str, pos) -> bool:
    """Whether ``noun`` does what the question asks the figure of: the word before the question
    word, fillers and adverbs aside, is a verb other than a copula ("工商部门最多能罚多少": how
    much the bureau may fine, not a figure of the bureau; "总产量要达到多少": 达到 only links
    the output to its figure; "增长目标是多少": 目标 is the figure's name)."""
    m = count_word(text)
    at = text.rfind(noun, 0, m.start()) if m else -1
    if at < 0:
        return False
    between = [
        (w, f) for w, f in pos(text[at + len(noun) : m.start()])
        if w not in SLOT_FILLER and not f.startswith(("d", "u", "p"))
    ]  # fmt: skip
    if not between:
        return False
    w, f = between[-1]
    return f.startswith("v") and w[0] not in "是为有" and w not in CHANGE_VERBS


def _stated_of(u: Unit, groups, kind: str, measure: str, tok) -> bool:
    """Whether ``u`` states a figure of what ``groups`` name. A count ("多少个示范县") is
    stated in the clause that names what it counts, or in a clause that names nothing else: a
    count in a clause about another thing ("新增全国综合减灾示范社区3000个以上") is not its. Named
    only by the heading or context, the sentence's figure is taken as its."""
    if not _figure(kind, u.text, measure):
        return False
    if kind != "number" or not measure:
        return True
    if not _names_all(groups, norm(u.text), tok):
        return True
    for c in CLAUSE.split(u.text):
        if not _figure(kind, c, measure):
            continue
        if _names_all(groups, norm(c), tok):
            return True
        if not any(f.startswith("n") and len(w) >= 2 and not is_measure(w) for w, f in tok.pos(c)):
            return True
    return False


def _change_stated(text: str, groups, tok) -> bool:
    """Whether ``text`` states a change of what ``groups`` name, from the clause naming it on
    ("城镇新增就业1.2万人" after "生产总值增长8%，" states none); named only by the context, the
    whole sentence."""
    clauses = CLAUSE.split(text)
    at = next((i for i, c in enumerate(clauses) if _names_all(groups, c, tok)), 0)
    return states_change("".join(clauses[at:]))


def _names_all(groups, text: str, tok) -> bool:
    """Whether ``text`` names one alternative of every group (``_spelled`` patterns) as a word,
    the end of one ("产值" in "总产值") or across two ("房租" in "住房租金"), not as the start of
    a longer word: "委员" is not named by "仲裁委员会", a committee. The text is segmented once,
    when a match needs it."""
    ends: set[int] | None = None
    starts: set[int] = set()

    def named(noun: re.Pattern) -> bool:
        nonlocal ends
        for m in noun.finditer(text):
            j = m.end()
            if j == len(text) or not (is_cjk(text[j - 1]) and is_cjk(text[j])) or text[j] == "额":
                return True  # "救助金额": the sum (额) of the 救助金
            if ends is None:
                ends, at = set(), 0
                for w in tok.cut(text):
                    starts.add(at)
                    at += len(w)
                    ends.add(at)
            # a word's end, or across two words ("房租" in 住房|租金): not a longer word's start
            if j in ends or m.start() not in starts:
                return True
        return False

    return all(any(named(a) for a in g) for g in groups)


def _figure(kind: str, text: str, measure: str) -> bool:
    """Whether ``text`` states a figure for a ``kind`` question: "多少" without a measure word
    is answered by any quantity, a sum of money or a share too ("处以一千元以上三万元以下的罚款"
    for "最多能罚多少")."""
    kinds = (kind,) if measure or kind != "number" else ("number", "amount", "percent", "duration")
    return any(has_type(k, text, lambda: [], measure) for k in kinds)


# A compound noun is named with a word put between its parts: 工业产值 in "工业总产值",
# 财政收入 in "财政总收入". At most this many characters between them.
_COMPOUND_GAP = 2


def _spelled(noun: str, tok) -> re.Pattern:
    """How a text may write ``noun``: as it is, or, when it is two words (jieba's search mode
    finds both inside it: 工业 + 产值), those words in order a few characters apart."""
    parts = set(tok.tokens(noun))
    for i in range(2, len(noun) - 1):
        if noun[:i] in parts and noun[i:] in parts:
            return in_order([noun[:i], noun[i:]], _COMPOUND_GAP)
    return in_order([noun], 0)


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
        shown.append(f"“{_prefixed(text, i, pos) + text[i : i + len(t)] if i >= 0 else t}”")
    places = dict.fromkeys(_with_suffix(n, text) for n in places_of(q, pos) if n not in lacking)
    # the years of a 《》 title's period ("（2026—2030年）") are not the year asked
    outside = re.sub(r"《[^》]*》", " ", text)
    years = [y for y in q.years if str(y) in outside] or q.years
    of = "、".join(places) + "、".join(f"{y}年" for y in years)
    of += "的" if of else ""
    if named:
        return f"检索到的段落提到了{of}{'、'.join(shown)}，但没有给出{MISSING[q.asks]}。"
    return f"检索到的段落都没有给出{of}{'、'.join(shown)}。"


def _prefixed(text: str, i: int, pos) -> str:
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
