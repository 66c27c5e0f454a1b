"""A figure asked as a change ("能耗要比上年降低多少", "比上一年增加了多少公里"): what changes,
whether the question asks it with a verb that moves the figure, and whether a sentence states
a change at all. The verbs are kb/data/change_verbs.txt (kb.retrieve.asks reads it)."""

from __future__ import annotations

import re

from kb.retrieve.asks import (
    CHANGE_QUALIFIERS,
    CHANGE_VERBS,
    MOVE_VERBS,
    NOUN_TAGS,
    QWORD_ZH,
    SLOT_FILLER,
    is_measure,
)

# A phrase tagged as a set phrase ("粮食产量": l) names a figure as well as a noun does.
_CHANGED_TAGS = (*NOUN_TAGS, "l")


def _before_asking(text: str, tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The tagged words before the question word, up to the last that is no filler, adverb,
    particle or general name of a figure ("增长的预期*目标*是多少"); [] without a question word."""
    m = QWORD_ZH.search(text)
    if not m:
        return []
    at, before = 0, []
    for w, flag in tagged:
        if at + len(w) > m.start():
            break
        before.append((w, flag))
        at += len(w)
    while before and (
        before[-1][0] in SLOT_FILLER
        or is_measure(before[-1][0])
        or before[-1][0] in CHANGE_QUALIFIERS
        or before[-1][1].startswith(("d", "u"))
    ):
        before.pop()
    return before


def moves(text: str, tagged: list[tuple[str, str]]) -> bool:
    """Whether a figure is asked with a verb that moves it ("比上一年增加了多少公里", "提高多少"),
    whatever it is of: then only a sentence stating a change answers."""
    before = _before_asking(text, tagged)
    return bool(before) and before[-1][0] in MOVE_VERBS


def changed(text: str, tagged: list[tuple[str, str]]) -> list[str]:
    """What changes when a figure is asked with a verb of change ("单位国内生产总值能耗要比上年
    *降低*多少"): the noun right before the verb, a comparison ("比上年", "较2020年") and
    qualifiers ("实际", "同比") aside (能耗). [] when the word before the question word is no
    such verb or no noun precedes it. ``tagged``: the tagger's reading of ``text``."""
    before = _before_asking(text, tagged)
    if not before or before[-1][0] not in CHANGE_VERBS:
        return []
    depth, clause = 0, []
    for w, flag in before[:-1]:  # a remark in brackets ("（包括村办工业）") aside
        if w in ("(", "（"):
            depth += 1
        elif w in (")", "）"):
            depth -= 1
        elif depth <= 0:
            clause.append((w, flag))
    stops = [-1] + [i for i, (_, f) in enumerate(clause) if f == "x"]
    if len(stops) > 1 and [w for w, _ in clause[stops[-1] + 1 :][:1]] in (["比"], ["较"]):
        # "铁路建设投资计划，比上一年增加了多少": the clause before the comparison's
        clause = clause[stops[-2] + 1 : stops[-1]]
    else:
        clause = clause[stops[-1] + 1 :]  # the clause after punctuation
    cut = [i for i, (w, _) in enumerate(clause) if w in ("比", "较")]
    clause = clause[: cut[-1]] if cut else clause  # "比上年": the compared, not the changed
    while clause and clause[-1][0] in CHANGE_QUALIFIERS:
        clause.pop()
    if clause and is_measure(clause[-1][0]):
        # the figure's general name ("粮食产量的*计划指标*比上年增长多少"), what it is of before
        # it, past the words that qualify the name (的, 预算, 增长)
        clause.pop()
        while clause and clause[-1][1].startswith(("u", "v")):
            clause.pop()
    if not clause:
        return []
    w, flag = clause[-1]  # the noun right before the verb, or nothing is asked of one
    return [w] if flag.startswith(_CHANGED_TAGS) and len(w) >= 2 else []


# A comparison a sentence makes: "比去年多100万人", "较2020年下降".
_COMPARED = re.compile(r"[比较](?:上|去|前|同期|\d|[〇零一二三四五六七八九]{2,4}年)")


def states_change(text: str) -> bool:
    """Whether a sentence states a change (a verb of change, or a comparison), as a figure
    asked with one ("比上年增长多少") must be: a level alone ("完成投资8000亿元") is not one."""
    return any(v in text for v in CHANGE_VERBS) or bool(_COMPARED.search(text))
