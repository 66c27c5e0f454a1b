"""Answers about a 公文's formal parts from the stored metadata: "这份通知的发文字号是什么？",
"这些措施从什么时候开始实施？有效期到何时？", "《…》的主送机关有哪些？". Each part is cited to
the line or sentence of the document that states it (kept at ingest in
``extra["gongwen_quotes"]``), verbatim. Questions that ask for no part, or name no official
document (by title, 发文字号, or "这份/该/本…" when one is in view), return None and go through
retrieval as before."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.answer.citations import Answer, Citation, cite
from kb.answer.field_answer import ONLINE_ASK, cite_fields, doc_fields
from kb.answer.gongwen_target import target
from kb.core.gongwen import LABELS, part_of
from kb.core.text import find_loose, norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot
from kb.store.catalog import DocumentRecord
from kb.store.records import date_zh

# What each part is asked as.
_ASKS: dict[str, re.Pattern] = {
    "doc_number": re.compile(r"发文字号|文号|字号|文件号|编号|令第?几号|第几号令"),
    "issuer": re.compile(
        r"发文机关|发文单位|印发机关|发布机关|制发机关"
        r"|(?:哪个|哪家|哪些|什么|哪[两三四五几][个家])(?:部门|机关|单位|机构)(?:联合)?"
        # "由哪个机关、以什么文号印发的": another part asked before the verb
        r"(?:[、和及][^，,。？?]{0,12}?)?(?:发布|印发|发的|制定|出台|下发|发文)|(?:谁|由谁)(?:发布|印发|制定|出台|下发|发的)"
    ),
    # a reply (答复) is addressed to whoever made the proposal: "答复哪位代表", "哪位代表提出的"
    "recipients": re.compile(
        r"主送|收文|发给了?(?:谁|哪些|哪个)|(?:下发|印发)了?(?:给|到)(?:谁|哪些)|送达"
        r"|是给(?:谁|哪些|哪个|哪几个)(?:部门|单位|机关|地方)?的|(?:批|复|批复|函复|写|回)给(?:谁|哪)"
        r"|答复(?:的是)?(?:谁|哪几?位|哪个|哪些)|(?:哪几?位|哪名|哪个|哪些)(?:代表|委员)(?:提出|提的)"
    ),
    "signed_date": re.compile(
        r"成文日期|成文时间|落款(?:日期|时间)|(?:什么时候|何时|哪天|哪一天|哪年|哪一年|几月)(?:印发|[发公]布|签发|出台|成文|下发|制定)"
        r"|(?:印发|[发公]布|签发|下发)(?:日期|时间)|(?:印发|[发公]布|签发|出台)(?:于|的)?(?:什么时候|何时)"
        # "……的通知，哪天发的": plain 发 of a document the question names by its kind
        r"|(?:通知|意见|办法|文件|条例|规定|决定|批复|复函|报告|方案)[^？?。]{0,40}?"
        r"(?:什么时候|何时|哪天|哪一天)发(?:的|出)"
    ),
    "effective_date": re.compile(
        r"(?:什么时候|何时|哪天|哪一天|从何时|自何时|从什么时候|几时|哪年|哪一年)(?:开始|起)?(?:实施|施行|生效|执行)"
        r"|(?:施行|实施|生效)(?:日期|时间)|(?:实施|施行|生效)(?:于|的)?(?:什么时候|何时)|起施行|开始实施"
    ),
    "expiry_date": re.compile(
        # "同时废止了哪个文件" asks what it repeals, not when it ends
        r"有效期|失效|到期|截止|废止(?:日期|时间)|(?:什么时候|何时|哪天)(?:结束|停止|截止|废止)"
        r"|有效(?:到|至)"
    ),
    "attachments": re.compile(r"附件"),
}
# The same asked in English ("What is the document number of this notice?").
_ASKS_EN: dict[str, re.Pattern] = {
    "doc_number": re.compile(r"\b(document|reference|file|serial) (number|no\.?)\b", re.I),
    "issuer": re.compile(
        r"\b(issued by|who issued|issuing (authority|body|agency|department))\b", re.I
    ),
    # a recipient of the document, not of a subsidy ("if a recipient resells a device")
    "recipients": re.compile(
        r"\b(addressed|sent to)\b|\brecipients? (?:of|for) (?:the|this|that|these)\b"
        r"|\b(?:main|primary|designated) recipients?\b|\bwho (?:are|were|is|was) the recipients?\b",
        re.I,
    ),
    "signed_date": re.compile(
        r"\bwhen (was|were) (it|this|these|the \w+) (issued|signed|written|dated)\b|\bdate of issue\b|"
        r"\b(?:when|(?:what|which) (?:date|day)) (?:did|was|were)\b.{0,150}?"
        r"\b(?:(?:issue|sign)(?:d|ed)?|written|dated)\b",
        re.I,
    ),
    "effective_date": re.compile(
        r"\b(take|took|takes) effect|effective (date|from)|come into (force|effect)|in force from\b"
        # "from what date do the measures apply?" (not "apply for")
        r"|\b(?:when|(?:from )?(?:what|which) (?:date|day))\b.{0,80}?\b(?:do|does|did|will)\b"
        r".{0,60}?\b(?:apply|start to apply|begin to apply)\b(?! for| to \w+ing)",
        re.I,
    ),
    "expiry_date": re.compile(
        r"\b(expire|expires|expiry|valid until|validity|how long .* valid)\b", re.I
    ),
    "attachments": re.compile(r"\b(attachments?|annex(es)?|appendix|appendices)\b", re.I),
}


@dataclass
class GongwenAnswer:
    answer: Answer
    doc: DocumentRecord

    def passages(self, snap: Snapshot, retrieved: list[Passage]) -> list[Passage]:
        out, seen = [], set()
        for c in self.answer.citations:
            chunk = snap.chunks.get(c.chunk_id)
            if chunk is not None and c.chunk_id not in seen:
                seen.add(c.chunk_id)
                out.append(Passage(chunk, self.doc, 1.0))
        return out + [p for p in retrieved if p.chunk_id not in seen]


def asked_parts(text: str) -> list[str]:
    """The parts a question asks for, in a fixed order. The 文号 of the request a reply answers
    ("是对哪份请示（文号）的批复") is the request's, which the reply's first line cites ("你们……的
    请示（国科发高〔2018〕235号）收悉"), not a part of the reply. A clause asking how a part
    is set ("施行时间和有效期是怎么规定的") asks for the rule's words, which a sentence states
    ("本通知自印发之日起施行，有效期5年"), not for the day worked out from them."""
    text = _HOW_SET.sub("", text)
    parts = [n for n in _ASKS if _ASKS[n].search(text) or _ASKS_EN[n].search(text)]
    other = {"doc_number": _REQUEST.search(text) or _CITED_NUMBER.search(text),
             "signed_date": _CITED_DATE.search(text)}  # fmt: skip
    return [n for n in parts if not other.get(n)]


# A clause asking how something is set, in the rule's own words.
_HOW_SET = re.compile(r"[^，,。？?；;]*(?:怎么|如何|怎样)规定[^，,。？?；;]*")
# A question about the request a reply answers: "对哪份请示的答复", "批复的是哪个来函".
_REQUEST = re.compile(r"(?:哪份|哪个|哪一份|什么)(?:请示|来函|来文|报告)")
# The 文号 of a document this one rests on, repeals or replaces ("它依据的国办指导意见文号是
# 什么", "同时废止了哪几份文件（文号）"): the other document's, which its text cites.
_CITED_NUMBER = re.compile(
    r"(?:依据|根据|按照|废止|替代|代替|引用)[^，,。？?；;]{0,30}?(?:文号|字号|文件号)"
)
# When a document this one mentions ("提到的……意见") was issued: not this one's 成文日期.
_CITED_DATE = re.compile(
    r"(?:提到|提及|所说|说到|引用|援引|依据)的[^。？?；;]{2,40}?(?:什么时候|何时|哪天|哪一天|哪年|哪一年|几月)"
)


# A term of validity as a span ("有效期5年", "有效期限为三年").
_SPAN = re.compile(
    r"有效期(?:限)?(?:为|是)?\s*(?:\d{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:年|个月)"
)


def _citations(n: int, d: DocumentRecord, chunks: list, quote: str) -> list[Citation]:
    """Citations of ``quote`` in the chunks of ``d`` that hold it (verbatim chunk text),
    numbered from ``n``: one, or for a quote of several lines that a chunk boundary cuts (a
    joint document's signatures), one per run of its lines that a chunk holds; [] when a
    line is nowhere."""
    lines = [ln for ln in quote.split("\n") if ln.strip()]
    out: list[Citation] = []
    while lines:
        for end in range(len(lines), 0, -1):  # the longest run of lines one chunk holds
            found = _cite_in(n + len(out), d, chunks, "\n".join(lines[:end]))
            if found:
                out.append(found)
                lines = lines[end:]
                break
        else:
            return []
    return out


def _cite_in(n: int, d: DocumentRecord, chunks: list, quote: str) -> Citation | None:
    for c in chunks:
        span = find_loose(c.text, quote)
        if span:
            return cite(n, Passage(c, d, 1.0), c.text[span[0] : span[1]])
    return None


def _as_written(date: str, quote: str) -> str:
    """``date`` ("1996年6月29日") as ``quote`` writes it, a month or day with a leading zero
    or spaces ("1996年06月29日"); '' when the quote does not state it."""
    pattern = r"\s*".join(
        rf"0?{re.escape(p)}" if p.isdigit() else re.escape(p) for p in re.findall(r"\d+|\D", date)
    )
    m = re.search(rf"(?<!\d){pattern}", quote)
    return m.group(0) if m else ""


def _value(name: str, d: DocumentRecord) -> str:
    v = getattr(d, name)
    if name.endswith("_date"):
        return date_zh(v)
    if name == "attachments":
        return "；".join(f"{i}. {a}" for i, a in enumerate(v, 1))
    return v


def gongwen_answer(
    q: Question, snap: Snapshot, passages: list[Passage], doc_ids: set[str] | None = None
) -> GongwenAnswer | None:
    parts = asked_parts(q.text)
    if not parts:
        return None
    docs = [d for d in snap.docs.values() if d.gongwen and (doc_ids is None or d.doc_id in doc_ids)]
    d = target(q, snap, passages, docs)
    if d is None:
        return None
    # Parts the question names by a label the document prints ("失效日期：…") are read off
    # that line as written; a part asked only through such a label is not asked again.
    fields = doc_fields(q, snap, d)
    by_part = {p: f for f in reversed(fields) if (p := part_of(f.label))}
    blanked = q.text
    for f in fields:
        blanked = blanked.replace(f.label, "Ⓛ")
    if any(part_of(f.label) == "published" for f in fields):
        blanked = ONLINE_ASK.sub("Ⓛ", blanked)  # "网上哪天发布的" asks that line alone
    still = set(asked_parts(blanked))
    parts = [n for n in parts if n in still or n in by_part]
    quotes = d.extra.get("gongwen_quotes") or {}
    chunks = snap.doc_chunks(d.doc_id)
    citations: list[Citation] = []
    said: list[str] = []
    missing: list[str] = []
    by_quote: dict[str, str] = {}  # a quote cited already: its markers
    for name in parts:
        # "有效期多长": the span the text states, not the day it ends (a portal's field's)
        said_as = quotes.get("expiry_span") or quotes.get(name, "") if name == "expiry_date" else ""
        span = _SPAN.search(said_as) if q.asks == "duration" else None
        f = None if span else by_part.get(name)
        if f is not None:
            cited = cite_fields([f], d, snap, len(citations) + 1)
            if cited:
                citations.append(cited[0][1])
                said.append(f"{f.label}：{f.value}[{cited[0][1].n}]")
                continue
        if not getattr(d, name):
            missing.append(LABELS[name])
            continue
        quote = said_as if span else quotes.get(name, "")
        marks = by_quote.get(norm(quote))
        if marks is None:
            cs = _citations(len(citations) + 1, d, chunks, quote)
            if not cs:
                missing.append(LABELS[name])
                continue
            citations.extend(cs)
            marks = by_quote[norm(quote)] = "".join(f"[{c.n}]" for c in cs)
        value = _value(name, d)
        if span:
            said.append(f"{span.group(0)}{marks}")  # as written: "有效期5年"
            continue
        if name.endswith("_date"):
            # the date as the line writes it ("1996年06月29日"); "有效期5年", "自发布之日起":
            # the date is worked out
            value = _as_written(value, quote) or value + "（据原文推算）"
        said.append(f"{LABELS[name]}：{value}{marks}")
    used = [by_part[n] for n in parts if n in by_part]
    rest = [f for f in fields if f not in used]
    for f, c in cite_fields(rest, d, snap, len(citations) + 1):
        citations.append(c)
        said.append(f"{f.label}：{f.value}[{c.n}]")
    if not said:
        return None  # nothing the document is known to state: retrieval may still find it
    head = f"《{d.title}》" + (
        f"（{d.doc_number}）" if d.doc_number and "doc_number" not in parts else ""
    )
    text = head + "\n" + "\n".join(said)
    if missing:
        text += "\n文件中未找到" + "、".join(missing) + "的规定。"
    if q.lang == "en":
        text = "From the (Chinese) document: " + text
    return GongwenAnswer(Answer("answered", text, citations), d)
