"""A sentence that gives figures for named items respectively ("今年小麦、稻谷最低收购价平均每50
公斤分别提高7.4元和16元") answers for those items only: "玉米最低收购价每50公斤提高多少" asks of a
thing it does not list, in the place the list stands (before 最低收购价), and the figures are
the listed items'. The thing asked is left out of the sentence, its context and its title, and
written by no item in part ("早稻" of 早籼稻)."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.question import Question

# Figures given item by item.
_RESPECTIVELY = re.compile(r"分别|各(?:为|是|达到|提高|增长|增加|下降|减少)")
# What joins the items of a list ("小麦、稻谷", "城镇和农村").
_JOINS = frozenset("、 和 及 与".split())
# The tags of a listed item (nouns, names the tagger calls persons: 玉米/nr) and of what the
# question asks of.
_ITEM = ("n", "j")
# How many words after the thing asked the question may write the word that follows the list
# ("玉米的最低收购价每斤" against "早籼稻、中晚籼稻、粳稻每斤").
AFTER_WORDS = 3


def enumerated(q: Question, u: Unit, tok) -> tuple[str, str]:
    """(the thing asked, the items the sentence lists in its place), or ('', '')."""
    sentence = norm(u.text)
    if (conditioned := _unlisted_condition(q, sentence, u))[1]:
        return conditioned
    if not _RESPECTIVELY.search(sentence):
        return "", ""
    lists = _lists(tok.pos(sentence))
    if not lists:
        return "", ""
    around = _around(u)
    tagged = tok.pos(norm(q.text))
    for k, (w, f) in enumerate(tagged):
        if not _item(w, f) or w in around:
            continue
        after = [x for x, _ in tagged[k + 1 :] if x != "的"][:AFTER_WORDS]
        written = in_order(w, ABBREVIATION_GAP)
        for items, follows in lists:
            if follows in after and not any(written.search(i) for i in items):
                return w, "、".join(items)
    return "", ""


def _item(w: str, f: str) -> bool:
    return len(w) >= 2 and f.startswith(_ITEM) and all(map(is_cjk, w))


def _lists(tagged: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(items, the word right after the last) of each list of two or more nouns in ``tagged``."""
    out, i = [], 0
    while i < len(tagged):
        items, j = [tagged[i][0]], i + 1
        if not _item(*tagged[i]):
            i += 1
            continue
        while j + 1 < len(tagged) and tagged[j][0] in _JOINS and _item(*tagged[j + 1]):
            items.append(tagged[j + 1][0])
            j += 2
        if len(items) >= 2 and j < len(tagged):
            out.append((items, tagged[j][0]))
        i = max(j, i + 1)
    return out


# Who a rule is for, as a condition: "见习者属于就业困难人员、低保对象或残疾人的，……按每月500元
# 给予生活费补贴"; a question puts its own the same way ("见习人员是退役军人的").
_CONDITION = re.compile(r"(?:属于|是)([^，。；：,;:]{2,80}?)的")
_OR = re.compile(r"[、和及与或]")
# What the question asks is no condition ("是由哪个部门发放的").
_ASKING = re.compile(r"多少|几|哪|什么|谁|怎|如何")


def _around(u: Unit) -> str:
    """The sentence with its title, heading and the sentence before, in matching form."""
    return norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}\n{u.prev}\n{u.text}")


def _unlisted_condition(q: Question, sentence: str, u: Unit) -> tuple[str, str]:
    """(whom the question's condition names, whom the sentence's lists instead), or ('', ''):
    a figure set for the categories a sentence lists is not set for another."""
    asked = [
        m.group(1) for m in _CONDITION.finditer(norm(q.text))
        if len(m.group(1)) <= 12 and not _ASKING.search(m.group(1))
    ]  # fmt: skip
    if not asked:
        return "", ""
    around = ""
    for m in _CONDITION.finditer(sentence):
        items = [i for i in _OR.split(m.group(1)) if i]
        if len(items) < 2:
            continue
        around = around or _around(u)
        for who in asked:
            written = in_order(who, ABBREVIATION_GAP)
            if who not in around and not any(written.search(i) for i in items):
                return who, "、".join(items)
    return "", ""
