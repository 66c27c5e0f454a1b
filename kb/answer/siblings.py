"""A sentence that states the figure of a sibling of what was asked: "新建省道最低要达到几级公路
的技术标准" is not answered by "县道不得低于二级公路的技术标准", nor "总体应急预案多久演练一次" by
"专项应急预案应当每两年至少进行一次应急演练". The sibling shares the asked word's head (道, 应急
预案) under another modifier (县, 专项), and the asked modifier is nowhere in the sentence or its
context: the document gives the value for the neighbouring category, not the one asked. Units
near the best that state a sibling's value, or another thing's (kb.answer.figure_owner), are
set aside; when all are, the refusal says what the document gave instead."""

from __future__ import annotations

import re

import numpy as np

from kb.answer.candidates import Unit
from kb.answer.each import asked_each, names_thing
from kb.answer.evidence import has_type
from kb.answer.figure_owner import PHRASE, is_modifier, other_reason
from kb.answer.substitute import spans
from kb.core.english import plain_words
from kb.core.glossary import EN_ZH
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.asks import SLOT_FILLER, is_measure
from kb.retrieve.question import Question

# Characters that join or govern a noun rather than narrow it (的县道 is no sibling of 省道).
_FUNCTION = frozenset("的之和与及或、等各其该本此有在对为将把被由从按向以于是了并每个")


def asked_pairs(q: Question, tok) -> list[tuple[str, str]]:
    """(modifier, head) pairs of the noun phrases the question names: a word and the one or two
    after it ("总体" + "应急预案"), a short word's first character and the rest ("省道": "省" +
    "道", "中级工": "中" + "级工")."""
    tagged = _retagged(tok.pos(q.text), tok.freq)
    runs, cur = [], []
    for w, f in tagged:
        if is_modifier(w, f):
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
    # a noun before an act done to a noun ("苜蓿 收获/v 机械化"): the act and what follows
    # name the kind of figure asked, the noun whose it is
    for (w, f), (v, g), (n, e) in zip(tagged, tagged[1:], tagged[2:], strict=False):
        if len(w) >= 2 and is_modifier(w, f) and g == "v" and is_modifier(n, e):
            out.append((w, v + n))
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
        # the asked modifier abbreviates the words before the head ("公租房项目": 公共租赁住房项目)
        written = in_order(m, ABBREVIATION_GAP) if len(m) > 1 else None
        if not at or (written and any(written.search(sentence[max(0, i - 12) : i]) for i in at)):
            continue
        tagged = tagged or spans(_retagged(tok.pos(sentence), tok.freq))
        before = {x for i in at if (x := _modifier_before(tagged, i)) and x + h not in asked}
        # the text just before the head, as long as the asked modifier: "化粧" is "化妆"
        # written with a variant character, not another category
        spelled = [sentence[max(0, i - len(m)) : i] for i in at]
        if not before or not all(_other(x, m, tok.freq) for x in [*before, *spelled]):
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


def _retagged(tagged: list[tuple[str, str]], freq) -> list[tuple[str, str]]:
    """The tagged words with a suffix (型/k, 类/k) joined to the word before it, tagged a
    distinguishing word: "支出型" and "急难型" name kinds of 临时救助. A word of two characters
    the dictionary itself tags a person is a noun: of its 4,541 such words, the most frequent
    are mostly common words (明白, 文明, 养老, 玉米, 卫星); a name it lacks stays a person."""
    out: list[tuple[str, str]] = []
    for w, f in tagged:
        if f == "k" and out and all(map(is_cjk, out[-1][0] + w)):
            out[-1] = (out[-1][0] + w, "b")
        else:
            out.append((w, "n" if f == "nr" and len(w) == 2 and freq(w) > 0 else f))
    return out


def _parallel(x: str, m: str) -> bool:
    """Modifiers of one shape: one character each, or the same but for the first ("省属" and
    "县属", "高级" and "中级")."""
    return len(x) == len(m) and (len(m) == 1 or x[1:] == m[1:])


# Chinese words the glossary gives for one English word ("urban": 城镇, 城市): one category
# written two ways, never siblings.
_RENDERED_ALIKE = frozenset(
    frozenset((a, b)) for zh in EN_ZH.values() for a in zh for b in zh if a != b
)


def _other(x: str, m: str, freq) -> bool:
    """Whether modifier ``x`` names another category than ``m``: it shares no character with
    it, differs in its first only (县属 for 市属, 高级 for 中级), shares only a suffix
    (急难型 for 支出型), or differs in its last where both are words of the dictionary (棉花
    for 棉布); "区" is "区级" cut short, "平均" part of "社平" (社会平均) written out, "化粧" no
    word but "化妆" in a variant character; 城市 and 城镇, one English word's renderings, are
    one category."""
    if frozenset((x, m)) in _RENDERED_ALIKE:
        return False
    if not set(x) & set(m) or (len(x) == len(m) > 1 and x[1:] == m[1:]):
        return True
    if min(len(x), len(m)) > 2 and x[-1] == m[-1] and not set(x[:-1]) & set(m[:-1]):
        return True
    return len(x) == len(m) > 1 and x[:-1] == m[:-1] and freq(x) > 0 and freq(m) > 0


def _modifier_before(spans: list[tuple[int, int, str, str]], i: int) -> str:
    """The modifier that ends at position ``i`` of the sentence: the word before it ("专项" of
    "专项应急预案", "县" of "县道"), or the start of the word ``i`` falls inside ("高" of
    "高级工", "粮食" of "粮食产量"); '' when a verb, a function word or punctuation comes
    before ("给予财政贴息")."""
    for a, b, w, f in spans:
        if a < i <= b:
            x = w if b == i else w[: i - a]
            # inside a word: a noun's, or a fixed phrase's ("粮食产量"/l) ending in the head
            ok = f.startswith(PHRASE) or f == "zg" if b == i else f.startswith(("n", "b", "l"))
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


def drop_siblings(
    q: Question, pool: list[Unit], probs: np.ndarray, tok, snap, ratio: float
) -> tuple[np.ndarray, str]:
    """(``probs`` with the units near the best (``ratio`` of its score) that state a sibling's
    value at 0, the refusal when all of them do, else '')."""
    if q.is_list or q.asks not in _KINDS or not probs.any():
        return probs, ""
    pairs = asked_pairs(q, tok) if q.lang == "zh" else english_pairs(q, tok)
    near = [i for i in np.argsort(-probs) if probs[i] >= ratio * probs.max()]
    out, found, named = probs.copy(), "", set()
    each = asked_each(q)
    for i in near:
        if each and all(names_thing(forms, pool[i]) for forms in each):
            continue  # it names every thing asked a figure each ("其中A和B各占多大比重")
        asked, why = _why_not(q, pairs, pool[i], tok, snap)
        if why:
            out[i] = 0.0
            pool[i].score = 0.0
            found = found or why
            named.add(asked)
    if not found or any(out[i] > 0 for i in near):
        return out, ""
    if any(_states_asked(q, named, u, tok) for u, p in zip(pool, out, strict=True) if p > 0):
        return out, ""  # a lower passage is headed by the asked category itself
    return out, found


def _states_asked(q: Question, named: set[str], u: Unit, tok) -> bool:
    """Whether ``u`` names a category the sibling rule found asked, in its sentence or the
    heading over it ("2.个人缴费费率：" over "（3）满45周岁至退休前参保人员……为0.08%"), and
    states a value of the kind asked: the sentences near the best stated the sibling's
    (单位缴费费率), not the answer's absence."""
    over = norm(f"{u.passage.chunk.section}\n{u.text}")
    return any(a and norm(a) in over for a in named) and has_type(
        q.asks, u.text, lambda: tok.pos(u.text), q.count_measure
    )


def _why_not(q: Question, pairs: list, u: Unit, tok, snap) -> tuple[str, str]:
    """(the category asked, why ``u`` states a value of something else than asked) (``pairs``:
    the question's asked_pairs, or an English one's english_pairs), or ('', ''); the
    category only where a sibling's value is stated."""
    title = u.passage.doc.title
    english = q.lang != "zh"
    asked, sibling = (_english_sibling if english else sibling_of)(pairs, u, q, tok, snap)
    if sibling:
        return asked, f"《{title}》给出了“{sibling}”的规定，但没有给出“{asked}”的。"
    if english:  # the checks below read Chinese words of the question
        return "", ""
    return "", other_reason(q, u, tok, title)


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
