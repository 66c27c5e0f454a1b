"""When and where a speech was delivered: "2023年的政府工作报告是哪天在哪次会议上作的？" is answered
with the speech's dateline, the line under its title that says both ("——2023年3月5日在第十四届
全国人民代表大会第一次会议上"), quoted as written. Sentences of the body name other days and
meetings; the dateline is a line of its own that no sentence holds."""

from __future__ import annotations

import re

from kb.answer.citations import Answer, cite
from kb.answer.gongwen_answer import GongwenAnswer
from kb.answer.gongwen_target import target
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot

_CN = "〇一二三四五六七八九十零"
_DATELINE = re.compile(
    rf"^[ \t]*[—–\-]{{1,2}}[ \t]*(?:(?:19|20)\d{{2}}|[{_CN}]{{4}})年[\d{_CN}]{{1,2}}月[\d{_CN}]{{1,3}}日"
    r"[ \t]*在[^\n]{2,60}?上[ \t]*$",
    re.M,
)
# What the question asks of the speech itself: the day it was given, or the meeting.
_ASKED = re.compile(
    r"(?:哪天|哪一天|什么时候|何时|哪年哪月)[^？?。]{0,16}?(?:作|做|发表|宣读)的?(?=[？?，,。]|$)"
    r"|(?:在|是)(?:哪次|哪个|哪一次|什么)(?:会议|大会|会)"
)
_ASKED_EN = re.compile(
    r"\b(?:when|on what (?:date|day)|at which (?:session|meeting)|at what (?:session|meeting))\b"
    r".{0,80}?\b(?:delivered|presented|given|made|read)\b",
    re.I,
)
# The speech is named as one ("政府工作报告", "讲话"), not as a document it cites.
_SPEECH = re.compile(r"报告|讲话|致辞|演讲|\b(?:report|speech|address)\b", re.I)
# How many chunks from a document's start its dateline may be in (a portal's navigation first).
DATELINE_CHUNKS = 3


def _dateline(snap: Snapshot, doc_id: str):
    """(the chunk, the dateline as written) of a document, or None."""
    for c in snap.doc_chunks(doc_id)[:DATELINE_CHUNKS]:
        m = _DATELINE.search(c.text)
        if m:
            return c, m.group(0).strip()
    return None


def dateline_answer(
    q: Question, snap: Snapshot, passages: list[Passage], doc_ids: set[str] | None = None
) -> GongwenAnswer | None:
    asked = _ASKED if q.lang == "zh" else _ASKED_EN
    if not asked.search(q.text) or not _SPEECH.search(q.text):
        return None
    docs = [
        d
        for d in snap.docs.values()
        if (doc_ids is None or d.doc_id in doc_ids) and (not q.years or d.year in q.years)
    ]
    lines = {d.doc_id: found for d in docs if (found := _dateline(snap, d.doc_id))}
    d = target(q, snap, passages, [d for d in docs if d.doc_id in lines])
    if d is None:
        return None
    chunk, line = lines[d.doc_id]
    span = chunk.text.index(line)
    c = cite(1, Passage(chunk, d, 1.0), chunk.text[span : span + len(line)])
    lead = "From the (Chinese) document: " if q.lang == "en" else ""
    return GongwenAnswer(Answer("answered", f"{lead}《{d.title}》\n{line}[1]", [c]), d)
