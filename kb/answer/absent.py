"""Whether the passages state the quantity asked at all: "上海2022年的GDP是多少" is refused when
no retrieved sentence names 上海's GDP with a figure, however well others match; a number to
call is a hotline's of the service asked."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.evidence import has_type
from kb.answer.refusal import (
    CLAUSE,
    QUANTITIES,
    SUBJECT_SHARE,
    count_word,
    places_of,
    prefixed,
    with_suffix,
)
from kb.answer.years import years_ok_of
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.asks import CHANGE_VERBS, SLOT_FILLER, is_measure, nouns_of
from kb.retrieve.change import states_change
from kb.retrieve.question import Question


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
    for t, g in zip(asked, groups, strict=True):
        # an abbreviation the segmenter cut ("公租房": 公 + 租房) names what it abbreviates,
        # its characters in order ("公共租赁住房")
        i = q.text.find(t)
        short = norm(prefixed(q.text, i, pos) + t) if i >= 0 else ""
        if len(short) > len(t) >= 2:
            g.append(in_order(short, ABBREVIATION_GAP))
    # The places the question names: the quantity must be stated of one of them.
    places = [with_suffix(norm(n), norm(q.text)) for n in places_of(q, pos) if n not in asked]
    if q.years:  # stated of the year asked: last year's figure is not this year's
        units = [u for u, ok in zip(units, years_ok_of(q, units), strict=True) if ok]
    # The sentence naming them states a figure of the kind asked ("700万套" for "多少套"): one
    # that names 公租房 without a number does not say how many (policy dev2: 4 near misses
    # refused, no answer lost).
    measure = q.figure_measure
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
