"""A 公文's formal parts (发文字号, 发文机关, 主送机关, 成文日期, 施行日期, 有效期, 附件), as the
catalog stores them (ingest/gongwen.py finds them): labels, the in-force test, and answers to
questions about them ("这份通知的发文字号是什么？", "这些措施从什么时候开始实施？有效期到何时？"),
each citing the line or sentence of the document that states the part."""

from __future__ import annotations

LABELS = {
    "doc_number": "发文字号",
    "issuer": "发文机关",
    "recipients": "主送机关",
    "signed_date": "成文日期",
    "effective_date": "施行日期",
    "expiry_date": "有效期至",
    "attachments": "附件",
}


def in_force(effective: str | None, expiry: str | None, on: str) -> bool:
    """Whether a document that takes effect on ``effective`` and lapses after ``expiry`` (both
    ISO dates) is in force on the ISO date ``on``; without an effective date it is not known
    to be."""
    if not effective or effective > on:
        return False
    return expiry is None or on <= expiry
