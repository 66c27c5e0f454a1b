"""Whose figure a sentence states, when it is not the thing asked: a count whose clause counts
something else does not answer for a thing named after it ("成员一般不少于十人,并适当增加驻会
成员人数" for "驻会成员至少几人"), nor a figure set for someone the sentence never names ("初中
一年级……460个" for "给高中一年级安排了多少个"), nor one of another grade ("5级以上地震48次" for
"6级以上地震多少次"), nor a fine for a sum that is none."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.cited import PENALTY_ASKED
from kb.answer.enumerated import enumerated
from kb.answer.evidence import has_type
from kb.answer.refusal import CLAUSE, MISSING, QUANTITIES, count_word
from kb.answer.substitute import in_turn, substituted
from kb.core.diff import article_number
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.asks import is_measure
from kb.retrieve.question import Question

# The tags of the words of a noun phrase (总体/n 应急/vn 预案/n, 省/n 道/q, 中级工/nt): nouns,
# distinguishing words, abbreviations, classifiers the segmenter splits off. Not places and
# persons (placed() reads those).
PHRASE = ("n", "vn", "b", "j", "q")
NOT_PHRASE = ("ns", "nr")


def is_modifier(w: str, f: str) -> bool:
    """Whether word ``w`` tagged ``f`` can narrow a noun phrase: a noun-like word of Chinese
    characters, no place or person."""
    return f.startswith(PHRASE) and not f.startswith(NOT_PHRASE) and all(map(is_cjk, w))


def other_reason(q: Question, u: Unit, tok, title: str) -> str:
    """Why ``u``'s figure is of another thing than asked, a sibling aside, or ''."""
    asked, other = substituted(q, u, tok)
    if other:
        return f"《{title}》给出了“{other}”的规定，但没有给出“{asked}”的。"
    asked, other = graded(q, u)
    if other:
        return f"《{title}》给出了“{other}”的{MISSING[q.asks]}，但没有给出“{asked}”的。"
    if q.asks in QUANTITIES and (listed := enumerated(q, u, tok))[1]:
        return f"《{title}》给出了“{listed[1]}”的{MISSING[q.asks]}，但没有给出“{listed[0]}”的。"
    asked, other = in_turn(q, u, tok)
    if other:
        return f"《{title}》给出了“{other}”的规定，但没有给出“{asked}”的。"
    if q.asks in QUANTITIES and (later := unattached(q, u, tok)):
        return f"《{title}》提到了“{later}”，但没有给出它的{MISSING[q.asks]}。"
    if q.asks in QUANTITIES and (whom := unnamed_for(q, u, tok)):
        used = "用于" + whom in q.text
        return f"《{title}》没有给出{'用于' if used else '为'}“{whom}”{'的' if used else '安排的'}{MISSING[q.asks]}。"
    if q.asks == "amount" and fines_only(u.text, q):
        return f"《{title}》给出的是罚款数额，没有给出问题所问的金额。"
    return ""


def unattached(q: Question, u: Unit, tok) -> str:
    """What a count asks of ("驻会成员至少要有几人": 驻会成员) when the sentence names it only in a
    clause after the one stating the figure, or '': "专门委员会的成员一般不少于十人,并适当增加
    专门委员会驻会成员人数" gives no count of 驻会成员, nor "每年增产钢250万吨以上，有色金属……也要
    有较大增加" one of 有色金属; a sentence names what it gives a figure of first. Counts with a
    measure word only ("几人", "多少万吨"): a bare "多少" may be answered by any figure; and
    shares ("平均收入每年增长百分之几": "工资每年增长百分之四左右，……平均收入的增长率将高于这个数字")."""
    measure = q.count_measure
    if not measure and q.asks != "percent":
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
    if not tagged or not tagged[-1][1].startswith("n") or tagged[-1][1].startswith(NOT_PHRASE):
        return []
    noun = norm(tagged[-1][0])
    if is_measure(noun):  # "联动区面积约多少平方公里": the area is of 辐射溢出联动区
        return _owner(tagged[:-1])
    if len(noun) < 2:
        return []
    if len(tagged) >= 2 and is_modifier(*tagged[-2]):
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
        if not f.startswith(_OWNER) or f.startswith(NOT_PHRASE) or not all(map(is_cjk, w)):
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


def fines_only(text: str, q: Question) -> bool:
    """Whether every sum of money ``text`` states is a fine (its clause says 罚) while the
    question asks about no penalty: "专项资金每年安排多少万元" is not answered by "处五千元以上
    二万元以下罚款". On the policy splits no answerable question that names no penalty has a
    fine for its evidence."""
    if PENALTY_ASKED.search(q.text):
        return False
    sums = [c for c in CLAUSE.split(text) if has_type("amount", c, lambda: [])]
    return bool(sums) and all("罚" in c for c in sums)


# A figure the question qualifies what it asks by ("6级以上地震", "三级公立医院"): the number, the
# measure or classifier after it, and the two characters after that; not a date, a magnitude
# (万, 亿) or a figure's own unit run on (个, 多), nor 一 in a word (统一, 进一步).
_GRADE = re.compile(
    r"(?<![哪几每统唯同单进之\d.])(\d+(?:\.\d+)?|[一二三四五六七八九十两]+)"
    r"([^\W\d_年月日号时点分秒万亿千百余多个])([\u4e00-\u9fff]{2})"
)


def graded(q: Question, u: Unit) -> tuple[str, str]:
    """(the graded thing asked, the other grade the sentence gives in its place), or ('', ''):
    "1995年我国共发生5级以上地震48次" gives no count of 6级以上地震, where the sentence writes
    the measure and the words after it only after other figures."""
    # "最近一次修正", "一项": 一 is a determiner, no grade
    asked = [m for m in _GRADE.finditer(norm(q.text)) if m.group(1) != "一"]
    if not asked:
        return "", ""
    given = list(_GRADE.finditer(norm(u.text)))
    for m in asked:
        value, tail = _value(m.group(1)), m.group(2) + m.group(3)
        found = [g for g in given if g.group(2) + g.group(3) == tail]
        if found and all(_value(g.group(1)) != value for g in found):
            return m.group(0), found[0].group(0)
    return "", ""


def _value(number: str) -> float:
    return float(number) if number[0].isdigit() else float(article_number(number))
