"""A sentence that states the figure of a sibling of what was asked: "新建省道最低要达到几级公路
的技术标准" is not answered by "县道不得低于二级公路的技术标准", nor "总体应急预案多久演练一次" by
"专项应急预案应当每两年至少进行一次应急演练". The sibling shares the asked word's head (道, 应急
预案) under another modifier (县, 专项), and the asked modifier is nowhere in the sentence or its
context: the document gives the value for the neighbouring category, not the one asked. Nor
does a count whose clause counts something else answer for a thing named after it ("成员一般不少
于十人,并适当增加驻会成员人数" for "驻会成员至少几人"), nor a figure set for someone the
sentence never names ("初中一年级……460个" for "给高中一年级安排了多少个"). Units near the best
that do any of these are set aside; when all are, the refusal says what the document gave
instead."""

from __future__ import annotations

import re

import numpy as np

from kb.answer.candidates import Unit
from kb.answer.cited import PENALTY_ASKED
from kb.answer.each import asked_each, names_thing
from kb.answer.enumerated import enumerated
from kb.answer.evidence import has_type
from kb.answer.refusal import CLAUSE, MISSING, QUANTITIES, count_word
from kb.answer.substitute import spans, substituted
from kb.core.english import plain_words
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.asks import SLOT_FILLER, is_measure
from kb.retrieve.question import Question

# The tags of the words of a noun phrase (总体/n 应急/vn 预案/n, 省/n 道/q, 中级工/nt): nouns,
# distinguishing words, abbreviations, classifiers the segmenter splits off. Not places and
# persons (placed() reads those).
_PHRASE = ("n", "vn", "b", "j", "q")
_NOT_PHRASE = ("ns", "nr")
# Characters that join or govern a noun rather than narrow it (的县道 is no sibling of 省道).
_FUNCTION = frozenset("的之和与及或、等各其该本此有在对为将把被由从按向以于是了并每个")


def asked_pairs(q: Question, tok) -> list[tuple[str, str]]:
    """(modifier, head) pairs of the noun phrases the question names: a word and the one or two
    after it ("总体" + "应急预案"), a short word's first character and the rest ("省道": "省" +
    "道", "中级工": "中" + "级工")."""
    runs, cur = [], []
    for w, f in tok.pos(q.text):
        if _modifier(w, f):
            cur.append(w)
        else:
            runs.append(cur)
            cur = []
    runs.append(cur)
    out = []
    for r in runs:
        for i, w in enumerate(r):
            if len(w) in (2, 3):
                out.append((w[0], w[1:]))
            for j in (i + 2, i + 3):
                # a modifier of one character heads a word of one (省/道), checked on a list
                if j <= len(r) and (len(w) >= 2 or len(r[i + 1]) == 1 == j - i - 1):
                    out.append((w, "".join(r[i + 1 : j])))
    return [
        (m, h) for m, h in sorted(dict.fromkeys(out), key=lambda p: -len(p[1]))
        if not is_measure(h) and h not in SLOT_FILLER and m not in SLOT_FILLER
    ]  # fmt: skip


def sibling_of(pairs: list[tuple[str, str]], u: Unit, q: Question, tok, snap) -> tuple[str, str]:
    """(what was asked, the sibling the unit's sentence names in its place), or ('', '')."""
    # the title and heading over the sentence, not the sentence before: one that names the
    # asked category ("制定总体应急预案。专项应急预案应当……") does not make the next about it
    over = norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}")
    sentence, asked = norm(u.text), norm(q.text)
    tagged, doc = None, ""
    for m, h in pairs:
        m, h = norm(m), norm(h)
        # one character ("中" of 中文版) is in most sentences: the asked word itself counts.
        # In the sentence, the asked modifier may govern the head from afar ("基本表决权总票数"
        # for 基本票数), but not from after it: "铁路投资8000亿元……再开工20项重大水利工程" gives
        # no 水利投资.
        if (m in over and len(m) > 1) or m + h in over + sentence:
            continue
        if len(m) > 1 and 0 <= sentence.find(m) < sentence.rfind(h):
            continue
        at = _find_all(sentence, h)
        if not at:
            continue
        tagged = tagged or spans(tok.pos(sentence))
        before = {x for i in at if (x := _modifier_before(tagged, i)) and x + h not in asked}
        # the text just before the head, as long as the asked modifier: "化粧" is "化妆"
        # written with a variant character, not another category
        spelled = [sentence[max(0, i - len(m)) : i] for i in at]
        if not before or not all(_other(x, m) for x in [*before, *spelled]):
            continue  # no other modifier, or the asked one cut short ("区" of "区级")
        # the document names the asked category elsewhere: the sentence states another's
        # value ("社平工资" nowhere but as "月平均工资": another wording, not a sibling)
        doc = doc or "\n".join(
            snap.normed(c.chunk_id) for c in snap.doc_chunks(u.passage.doc.doc_id)
        )
        # ... unless the sibling's modifier parallels the asked one ("省属" for "县属", "英"
        # for "中" of 中文版): the shape says they are two of one kind of category
        if m not in doc and not any(_parallel(x, m) for x in before):
            continue
        others = before
        if len(h) == 1:
            # one character is a head where the document lists the asked word with its
            # siblings ("国道、省道、县道、乡道和村道")
            item = rf"[^\W\d_]{re.escape(h)}"
            runs = [r.group(0) for r in re.finditer(rf"{item}(?:[、和及与]{item})+", doc)]
            others = {x for x in others if any(m + h in r and x[-1] + h in r for r in runs)}
        if others:
            return m + h, sorted(others)[0] + h
    return "", ""


def _parallel(x: str, m: str) -> bool:
    """Modifiers of one shape: one character each, or the same but for the first ("省属" and
    "县属", "高级" and "中级")."""
    return len(x) == len(m) and (len(m) == 1 or x[1:] == m[1:])


def _other(x: str, m: str) -> bool:
    """Whether modifier ``x`` names another category than ``m``: it shares no character with
    it, or differs in its first only (县属 for 市属, 高级 for 中级); "区" is "区级" cut short,
    "平均" part of "社平" (社会平均) written out."""
    return not set(x) & set(m) or (len(x) == len(m) > 1 and x[1:] == m[1:])


def _modifier_before(spans: list[tuple[int, int, str, str]], i: int) -> str:
    """The modifier that ends at position ``i`` of the sentence: the word before it ("专项" of
    "专项应急预案", "县" of "县道"), or the start of the word ``i`` falls inside ("高" of
    "高级工", "粮食" of "粮食产量"); '' when a verb, a function word or punctuation comes
    before ("给予财政贴息")."""
    for a, b, w, f in spans:
        if a < i <= b:
            x = w if b == i else w[: i - a]
            # inside a word: a noun's, or a fixed phrase's ("粮食产量"/l) ending in the head
            ok = f.startswith(_PHRASE) or f == "zg" if b == i else f.startswith(("n", "b", "l"))
            return x if ok and all(map(is_cjk, x)) and x[-1] not in _FUNCTION else ""
    return ""


def _find_all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


# The kinds of answer a sibling category's value does not give (kb.answer.answer's typed
# kinds and dates).
_KINDS = ("amount", "percent", "number", "duration", "year", "date")


def unattached(q: Question, u: Unit, tok) -> str:
    """What a count asks of ("驻会成员至少要有几人": 驻会成员) when the sentence names it only in a
    clause after the one stating the figure, or '': "专门委员会的成员一般不少于十人,并适当增加
    专门委员会驻会成员人数" gives no count of 驻会成员, nor "每年增产钢250万吨以上，有色金属……也要
    有较大增加" one of 有色金属; a sentence names what it gives a figure of first. Counts with a
    measure word only ("几人", "多少万吨"): a bare "多少" may be answered by any figure."""
    measure = q.count_measure
    if not measure:
        return ""
    counted = _counted(q, tok)
    if not counted:
        return ""
    clauses = [norm(c) for c in CLAUSE.split(u.text) if c.strip()]
    figures = [
        i for i, c in enumerate(clauses) if has_type(q.asks, c, lambda c=c: tok.pos(c), measure)
    ]  # fmt: skip
    title = norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}")
    for t in counted:
        named = [i for i, c in enumerate(clauses) if t in c]
        if figures and named and min(named) > max(figures) and t not in title:
            return t
    return ""


# Words between what a count is of and its question word ("驻会成员*至少要有*几人").
_BETWEEN = ("d", "v", "r", "p", "u", "c", "t", "f", "m")


def _counted(q: Question, tok) -> list[str]:
    """The noun right before a count's question word, in its clause (成员), with the word
    before it when that narrows it (驻会成员): the longer first; [] when none."""
    m = count_word(q.text)
    if not m:
        return []
    tagged, at = [], 0
    for w, f in tok.pos(q.text):
        if at >= m.start():
            break
        tagged.append((w, f))
        at += len(w)
    while tagged and tagged[-1][1].startswith(_BETWEEN) and not tagged[-1][1].startswith("vn"):
        tagged.pop()
    if not tagged or not tagged[-1][1].startswith("n") or tagged[-1][1].startswith(_NOT_PHRASE):
        return []
    noun = norm(tagged[-1][0])
    if is_measure(noun):  # "联动区面积约多少平方公里": the area is of 辐射溢出联动区
        return _owner(tagged[:-1])
    if len(noun) < 2:
        return []
    if len(tagged) >= 2 and _modifier(*tagged[-2]):
        return [norm(tagged[-2][0]) + noun, noun]
    return [noun]


# The words of a name a measure noun is of ("辐射/v 溢出/v 联动/v 区/n 面积"): nouns, verbs and
# distinguishing words, back to a 的, a place or a word of another kind.
_OWNER = ("n", "v", "b", "j", "l")


def _owner(tagged: list[tuple[str, str]]) -> list[str]:
    """What the measure noun after ``tagged`` is of ("核心区的面积": 核心区), the run of words
    first, then its last word; [] when none of two characters or more."""
    if tagged and tagged[-1][0] == "的":
        tagged = tagged[:-1]
    words = []
    for w, f in reversed(tagged):
        if not f.startswith(_OWNER) or f.startswith(_NOT_PHRASE) or not all(map(is_cjk, w)):
            break
        words.append(norm(w))
    run = "".join(reversed(words))
    return [w for w in dict.fromkeys([run, words[0] if words else ""]) if len(w) >= 2]


# "给高中一年级安排了多少个计划", "为示范区安排了多少亿元投资": whom a sum or count is set for;
# "用于教育的支出拟安排多少": what it is spent on.
_FOR_WHOM = re.compile(
    r"(?:为|给)(?P<whom>[\u4e00-\u9fff]{2,16}?)(?:安排|拨付|拨出|下达|投入|划拨|预留|分配)"
    r"|用于(?P<use>[\u4e00-\u9fff]{2,12}?)(?:的|方面)"
)


def unnamed_for(q: Question, u: Unit, tok) -> str:
    """Whom the question asks a figure was set for ("给高中一年级安排了多少个": 高中一年级) when
    the sentence, its context and its document's title do not name it: neither written out
    (its characters in order, a few apart) nor by its first word and its last; else ''.
    "初中一年级……设置积分入学计划460个" gives no figure for 高中一年级, nor "今年中央预算内投资
    安排5776亿元" one for a 示范区."""
    m = _FOR_WHOM.search(q.text)
    if not m:
        return ""
    whom = m.group("whom") or m.group("use")
    words = [norm(w) for w, _ in tok.pos(whom)]
    around = norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}\n{u.prev}\n{u.text}")
    if in_order(norm(whom), ABBREVIATION_GAP).search(around):
        return ""
    if len(words) > 1 and words[0] in around and words[-1] in around:
        return ""
    return whom


def _modifier(w: str, f: str) -> bool:
    return f.startswith(_PHRASE) and not f.startswith(_NOT_PHRASE) and all(map(is_cjk, w))


def drop_siblings(
    q: Question, pool: list[Unit], probs: np.ndarray, tok, snap, ratio: float
) -> tuple[np.ndarray, str]:
    """(``probs`` with the units near the best (``ratio`` of its score) that state a sibling's
    value at 0, the refusal when all of them do, else '')."""
    if q.is_list or q.asks not in _KINDS or not probs.any():
        return probs, ""
    pairs = asked_pairs(q, tok) if q.lang == "zh" else english_pairs(q, tok)
    near = [i for i in np.argsort(-probs) if probs[i] >= ratio * probs.max()]
    out, found = probs.copy(), ""
    each = asked_each(q)
    for i in near:
        if each and all(names_thing(forms, pool[i]) for forms in each):
            continue  # it names every thing asked a figure each ("其中A和B各占多大比重")
        why = _why_not(q, pairs, pool[i], tok, snap)
        if why:
            out[i] = 0.0
            pool[i].score = 0.0
            found = found or why
    if not found or any(out[i] > 0 for i in near):
        return out, ""
    return out, found


def _why_not(q: Question, pairs: list, u: Unit, tok, snap) -> str:
    """Why ``u`` states a value of something else than asked (``pairs``: the question's
    asked_pairs, or an English one's english_pairs), or ''."""
    title = u.passage.doc.title
    english = q.lang != "zh"
    asked, sibling = (_english_sibling if english else sibling_of)(pairs, u, q, tok, snap)
    if sibling:
        return f"《{title}》给出了“{sibling}”的规定，但没有给出“{asked}”的。"
    if english:  # the checks below read Chinese words of the question
        return ""
    asked, other = substituted(q, u, tok)
    if other:
        return f"《{title}》给出了“{other}”的规定，但没有给出“{asked}”的。"
    if q.asks in QUANTITIES and (listed := enumerated(q, u, tok))[1]:
        return f"《{title}》给出了“{listed[1]}”的{MISSING[q.asks]}，但没有给出“{listed[0]}”的。"
    if q.asks in QUANTITIES and (later := unattached(q, u, tok)):
        return f"《{title}》提到了“{later}”，但没有给出它的{MISSING[q.asks]}。"
    if q.asks in QUANTITIES and (whom := unnamed_for(q, u, tok)):
        used = "用于" + whom in q.text
        return f"《{title}》没有给出{'用于' if used else '为'}“{whom}”{'的' if used else '安排的'}{MISSING[q.asks]}。"
    if q.asks == "amount" and fines_only(u.text, q):
        return f"《{title}》给出的是罚款数额，没有给出问题所问的金额。"
    return ""


def english_pairs(q: Question, tok) -> list[tuple[list[str], list[str]]]:
    """(a modifier's Chinese alternatives, its head's) for the glossary phrases an English
    question writes side by side in lower case, the modifier first ("urban" + "public
    hospitals": 城镇/城市 + 公立医院), a word the glossary lacks between them passed over
    ("physical (card) residence permit"). Capitals write names ("Shanghai Regulations", "State
    Council General Office"), not kinds of a thing; nor do a dictionary's guess at a word and
    a verb (施行, 申请)."""
    plain = f" {plain_words(q.text)} "
    cased = f" {plain_words(q.text, keep_case=True)} "
    spans = sorted(
        (at, at + len(phrase) + 1, term)
        for term, phrase in q.phrases.items()
        if (at := plain.find(f" {phrase} ")) >= 0
    )
    pairs = []
    for k, (start, end, m) in enumerate(spans):
        if m in q.guessed or cased[start:end] != plain[start:end] or not _noun(q, m, tok, "vn"):
            continue
        for at, next_end, h in spans[k + 1 : k + 3]:
            if at != end:
                break
            if h not in q.guessed:
                if cased[at:next_end] == plain[at:next_end] and _noun(q, h, tok):
                    pairs.append((q.alternatives(m), q.alternatives(h)))
                break
            end = next_end  # one guessed word between
    return pairs


def _noun(q: Question, term: str, tok, but: str = "") -> bool:
    """Whether one of the term's alternatives is tagged a noun of any kind (``but`` that one:
    "vn" for a modifier, as 启动 of "started construction" is an act, not a kind)."""
    tags = [f for a in q.alternatives(term) for _, f in tok.pos(a)[-1:]]
    return any(f.startswith(("n", "vn", "j", "b")) and f != but for f in tags)


def _english_sibling(pairs: list, u: Unit, q: Question, tok, snap) -> tuple[str, str]:
    """sibling_of for english_pairs: a sibling of the head under another modifier, where no
    alternative of the asked modifier governs the head in the sentence or its heading (next
    to it, or from before it: "城镇调查失业率" is an urban rate)."""
    over = norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}\n{u.text}")
    sentence = norm(u.text)
    verbs = {w for w, f in tok.pos(sentence) if f.startswith(("v", "a")) and f not in ("vn", "an")}
    for modifiers, heads in pairs:
        for h in map(norm, heads):
            ms = [norm(m) for m in modifiers]
            if any(m + h in over or 0 <= sentence.find(m) < sentence.rfind(h) for m in ms):
                break  # the asked category is the sentence's
            if h in verbs:
                continue  # "将处理意见答复投诉人", "五年内有效": an act or a quality, no kind
            for m in ms:
                asked, sibling = sibling_of([(m, h)], u, q, tok, snap)
                if sibling:
                    return asked, sibling
    return "", ""


def fines_only(text: str, q: Question) -> bool:
    """Whether every sum of money ``text`` states is a fine (its clause says 罚) while the
    question asks about no penalty: "专项资金每年安排多少万元" is not answered by "处五千元以上
    二万元以下罚款". On the policy splits no answerable question that names no penalty has a
    fine for its evidence."""
    if PENALTY_ASKED.search(q.text):
        return False
    sums = [c for c in CLAUSE.split(text) if has_type("amount", c, lambda: [])]
    return bool(sums) and all("罚" in c for c in sums)
