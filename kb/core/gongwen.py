"""A 公文's formal parts (发文字号, 发文机关, 主送机关, 成文日期, 施行日期, 有效期, 附件), as the
catalog stores them (ingest/gongwen/parse.py finds them): labels, the in-force test, and answers to
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
# The labels a portal's metadata grid gives each part ("文 号：", "失效日期："), by part; "title"
# and "published" (a repost's 发布日期) are read but not stored as parts.
FIELD_LABELS = {
    "title": "标题|文件名称|题名",
    "doc_number": "发文字号|文号|发文号",
    "issuer": "发文机关|发布机构|发文单位|发布单位|制发机关|发文机构|发布机关|制发单位",
    "signed_date": "成文日期|发文日期|印发日期|签发日期|成文时间",
    "published": "发布日期|公布日期|发布时间|公开日期|发文时间",
    "effective_date": "施行日期|实施日期|生效日期|生效时间|实施时间|施行时间",
    "expiry_date": "失效日期|有效期至|废止日期|有效期|截止日期|失效时间",
}


def part_of(label: str) -> str | None:
    """The part a grid label names (文号 -> doc_number), or None."""
    return next((k for k, v in FIELD_LABELS.items() if label in v.split("|")), None)


def in_force(effective: str | None, expiry: str | None, on: str) -> bool:
    """Whether a document that takes effect on ``effective`` and lapses after ``expiry`` (both
    ISO dates) is in force on the ISO date ``on``; without an effective date it is not known
    to be."""
    if not effective or effective > on:
        return False
    return expiry is None or on <= expiry


def date_text(iso: str) -> str:
    """'2026-01-01' -> '2026年1月1日'."""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def describe(d) -> list[tuple[str, str]]:
    """(label, value) rows of a document's 公文 parts and OCR, for the library, the CLI and
    briefs; empty for a document that has neither."""
    rows = []
    for name, label in LABELS.items():
        v = getattr(d, name, None)
        if not v:
            continue
        if name == "attachments":
            v = "；".join(f"{i}. {a}" for i, a in enumerate(v, 1))
        elif name.endswith("_date"):
            v = date_text(v)
        rows.append((label, v))
    ocr = d.ocr
    if ocr:
        pages = ocr.get("pages", {})
        rows.append(
            (
                "OCR",
                f"{len(pages)} 页为扫描/图片，经 OCR 识别，平均置信度 {ocr.get('confidence', 0):.2f}",
            )
        )
    return rows
