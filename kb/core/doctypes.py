"""Document types, in one table: the code stored with a document, the label the app shows,
and the authority rank that decides between sources that disagree (then the later one).

The rank follows who is speaking: plans, agreements, regulations and notices are the
governments' own decisions, rules and commitments; an index report is an official measurement; research analyses them; a park
profile is an organisation describing itself; news reports what others said."""

from __future__ import annotations

from typing import NamedTuple


class DocType(NamedTuple):
    code: str
    label: str
    authority: int


TYPES = (
    DocType("plan", "规划", 5),
    DocType("agreement", "协议", 5),
    DocType("regulation", "法规规章", 5),  # 法律, 条例, 办法, 规定, 细则
    DocType("notice", "通知公告", 5),  # 通知, 通告, 公告, 决定, 批复, 函
    DocType("index_report", "指数报告", 4),
    DocType("park_profile", "园区介绍", 2),
    DocType("news", "新闻", 1),
    DocType("research", "研究文章", 3),
)
CODES = tuple(t.code for t in TYPES)
LABELS = {t.code: t.label for t in TYPES} | {"unknown": "其他"}
AUTHORITY = {t.code: t.authority for t in TYPES}
