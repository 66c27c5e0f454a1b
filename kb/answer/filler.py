"""Sentences that announce what follows ("主要做法如下：", "并符合下列条件：") rather than say
it, and portal metadata lines: no answer by themselves, unless the clauses before the
announcing one state what a question asks."""

from __future__ import annotations

import re

from kb.answer.evidence import has_type
from kb.core.gongwen import FIELD_LABELS

_FILLER = re.compile(r"[：:]$|^(?:下面|以下|如下|具体如下|主要(?:包括|有)(?:以下|如下))")


def is_filler(text: str, q=None) -> bool:
    """Announces what follows rather than saying something; for ``q`` (a Question asking a
    figure, a date or a list), not when the clauses before the announcing one state it: "个人
    ……限养一只，并符合下列条件：" says the limit, "……发挥A中心、B中心和C中心的作用，并承担以
    下工作：" enumerates its roles, then each lists something else."""
    t = text.strip()
    if _GRID_LINE.match(t):
        return True
    if not _FILLER.search(t):
        return False
    listed = q is not None and q.is_list
    if q is None or (q.asks not in _STATED_BEFORE and not listed) or not t.endswith(("：", ":")):
        return True
    head = _ARTICLE_LABEL.sub("", t[: max(t.rfind("，"), t.rfind(","), 0)])
    announcing = _ANNOUNCING.search(head)
    if announcing:
        # "有下列情形之一的，由……并处一千元至五千元罚款，……：" states the figure for the cases
        # it announces, in the clauses after the announcing one
        after = re.split(r"[，,]", head[announcing.end() :], maxsplit=1)[1:]
        return listed or not after or not has_type(q.asks, after[0], list, q.unit)
    if listed:  # items in a row, of what the question lists (its slot: 中心 of "哪几个中心")
        named = [w for w in [*q.slot, q.list_noun] if w]
        return _ENUMERATION.search(head) is None or not any(w in head for w in named)
    return not has_type(q.asks, head, list, q.unit)


# A portal's metadata line that restates the title or files the page ("标题：……的批复",
# "索引号：…"): no answer to what a question asks of the document's subject.
_GRID_LINE = re.compile(rf"^(?:{FIELD_LABELS['title']}|索引号|主题分类)\s*[:：]")
# Kinds a clause can be seen to state without the tagger.
_STATED_BEFORE = ("amount", "percent", "number", "duration", "date", "year")
_ARTICLE_LABEL = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条\s*")
_ANNOUNCING = re.compile(r"下列|以下|如下|下面")
# Items in a row: two or more, each of two characters at least, parted by 、 ("A中心、B中心").
_ENUMERATION = re.compile(r"[^、，,；;：:]{2}、[^、，,；;：:]{2}")
