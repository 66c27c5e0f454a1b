"""One question on its way to an answer: what ``KnowledgeBase.ask`` (``kb.knowledge``) hands
each answerer of ``kb.answer.answerers``, and how an answer becomes its ``AskResult``."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field, replace

import numpy as np

from kb.answer.citations import Answer
from kb.answer.result import AskResult
from kb.core.filters import Filters
from kb.core.gongwen import date_text
from kb.retrieve.followup import Understood
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot
from kb.store.access import Principal
from kb.store.lifecycle import on_day


@dataclass
class Asking:
    """One question on its way to an answer: as understood, and what was retrieved for it."""

    question: str  # what is answered and audited (the understood text within a conversation)
    asked: str | None
    understood: Understood | None
    user: Principal | None
    filters: Filters | None
    audit: bool
    q: Question
    passages: list[Passage]
    query_vector: np.ndarray | None  # q's embedding, as retrieved (``Retrieved``)
    snap: Snapshot  # what ``user`` may read
    started: float
    retrieved: float
    missing: str = ""  # a year, title or name the question relies on that the corpus lacks
    k: int | None = None  # passages asked for (None: the settings' default)
    extra: dict = field(default_factory=dict)  # added to the analysis ("parts")
    parts: list[str] = field(default_factory=list)  # the parts of a question asking several

    def result(self, ans: Answer, mode: str, warnings: list[str] | None = None,
               unsupported: list[str] | None = None, *, fallback: str = "") -> AskResult:  # fmt: skip
        now = time.perf_counter()
        timings = {
            "retrieve": (self.retrieved - self.started) * 1000,
            "answer": (now - self.retrieved) * 1000,
            "total": (now - self.started) * 1000,
        }
        notes = list(warnings or [])
        if waiting := self.snap.unembedded:  # the dense side did not cover the whole corpus
            notes.append(f"有 {waiting} 篇文档尚在向量化：本次检索只按关键词覆盖了它们。")
        notes += not_in_force(self.snap, ans)
        scope = self.filters.describe() if self.filters else ""
        if scope and not self.passages and ans.status == "not_found":  # say what narrowed it
            ans = replace(
                ans, text=f"在所选范围（{scope}）内没有检索到相关段落。请放宽或清除筛选条件后再问。"
            )
        return AskResult(
            self.q.text, ans, self.passages, mode, timings, notes, unsupported,
            fallback=fallback, analysis=self.q.analysis() | self.extra,
        )  # fmt: skip


def not_in_force(snap: Snapshot, ans: Answer) -> list[str]:
    """One line per cited document that is no longer (or not yet) in force today, naming what
    replaced it where the collection holds it: "该内容出自已于2024年5月1日废止的《…》，现行
    规定见《…》。"."""
    today = datetime.date.today().isoformat()
    life, out = snap.lifecycle, []
    for doc_id in dict.fromkeys(c.doc_id for c in ans.citations):
        if doc_id not in life.docs:
            continue
        st = life.status(doc_id, today)
        if st.state == "in_force":
            continue
        doc = life.docs[doc_id]
        when = date_text(st.since) if st.since and len(st.since) == 10 else ""
        if st.state == "repealed":
            now = [link.source for link in st.by]
            line = f"该内容出自已{on_day(st.since)}废止的《{doc.title}》"
            line += "，现行规定见" + "、".join(f"《{d.title}》" for d in now) + "。"
        elif st.state == "expired":
            line = f"该内容出自有效期至{when}、已失效的《{doc.title}》。"
        else:
            line = f"该内容出自尚未施行的《{doc.title}》（{when}起施行）。"
        out.append(line)
    return out
