"""Which official document a question asks about: the one whose 发文字号 or 《title》 it gives,
whose title it spells out or describes in short, whose issuer and kind it names, or the one of
a kind the reader has in view ("这份通知"); an English question names it in translation."""

from __future__ import annotations

import re

from kb.core.instruments import DOC_NUMBER, norm_number, normalise_number
from kb.core.text import ABBREVIATION_GAP, bigram_cover, in_order, letters, norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot
from kb.store.catalog import DocumentRecord

_DEICTIC_EN = re.compile(
    r"\b(this|that|these|the above) (notice|document|measures?|policy|policies|regulations?|"
    r"rules?|plan|opinions?|circular|reply)\b",
    re.I,
)
# "这份通知", "该文件", "本办法", "上述措施": a document the reader has in view.
_KIND_WORDS = (
    "通知", "文件", "公文", "意见", "办法", "措施", "方案", "规划", "纲要", "决定", "批复", "函",
    "规定", "细则", "政策", "通告", "公告", "计划", "条例", "指引", "指南", "要点",
)  # fmt: skip
# "这份/那份/该…": one document in view (_DESCRIBED describes it at more length)
_THIS = "这份|这个|这项|那份|那个|那项|该|此"
_DEICTIC = re.compile(
    rf"(?:{_THIS}|这些|这一|那些|本|上述|以上)(?:份|个|项)?(?P<noun>{'|'.join(_KIND_WORDS)})"
)
# Share of a title's character bigrams a question must contain to name it.
NAMES_DOC = 0.6
_WRAPPER = re.compile(r"^.*?关于(?:印发|转发|公布|发布)?|的(?:通知|通告|公告|函|批复)$")


def _names(d: DocumentRecord) -> list[str]:
    """What a question may call the document: its title, the title inside "关于印发《…》的通知"
    wrappers, and the names of its attachments."""
    inner = _WRAPPER.sub("", d.title)
    return [n for n in dict.fromkeys([d.title, inner, *d.attachments]) if len(n) >= 4]


def target(q: Question, snap: Snapshot, passages: list[Passage], docs: list[DocumentRecord]):
    """The official document the question is about, or None: the one whose 发文字号 or 《title》
    it gives, or most of whose title (or attachment's title) it spells out, or its issuer
    together with its kind ("科学技术厅的实施意见"), or the one body or person it is addressed
    to ("王超斌委员"); else, for "这份通知/这些措施", the one document of that kind in view (the
    first retrieval ranks when there are several)."""
    if not docs:
        return None
    qn = norm(q.text)
    named = {normalise_number(m) for m in DOC_NUMBER.finditer(q.text)}
    for d in docs:
        if d.doc_number and (norm(d.doc_number) in qn or norm_number(d.doc_number) in named):
            return d
    if named:  # "原来的沪科规〔2020〕3号哪天到期": another document, which retrieval may find
        return None
    if q.titles:
        wanted = [norm(t) for t in q.titles]
        for d in docs:
            if any(w in norm(n) or norm(n) in w for w in wanted for n in _names(d)):
                return d
    scored = [(max(bigram_cover(norm(n), qn) for n in _names(d)), d) for d in docs]
    best = max(s for s, _ in scored)
    if best >= NAMES_DOC:
        return next(d for s, d in scored if s == best)
    described = _described(q.text, docs)
    if described is not None:
        return described
    kinds = [k for k in _KIND_WORDS if k in q.text]
    by_issuer = [
        d for d in docs
        if d.issuer and norm(d.issuer) in qn and (not kinds or any(_is_kind(d, k) for k in kinds))
    ]  # fmt: skip
    if len(by_issuer) == 1:
        return by_issuer[0]
    # "对王超斌委员提案的答复": a document addressed to one named body or person
    by_recipient = [
        d for d in docs
        if d.recipients and not d.recipients.startswith("各") and len(d.recipients) <= 20
        and norm(d.recipients) in qn
    ]  # fmt: skip
    if len(by_recipient) == 1:
        return by_recipient[0]
    m = _DEICTIC.search(q.text)
    if m or _DEICTIC_EN.search(q.text):
        noun = m.group("noun") if m else "文件"
        same = [d for d in docs if _is_kind(d, noun)] or docs
        if len(same) == 1:
            return same[0]
        ids = {d.doc_id: d for d in same}
        for p in passages:  # the official document retrieval ranks first
            if p.doc.doc_id in ids:
                return ids[p.doc.doc_id]
        return None
    return _named_in_english(q, passages, docs) if q.lang == "en" else None


# An English question names its document in translation: the title must hold the Chinese of
# at least this many of its key words (国务院, 办公厅, 湖北, 复函 of "the State Council General
# Office's reply letter on … Hubei"), one of them a name in no more than EN_RARE_TITLES titles.
EN_TITLE_TERMS = 3
EN_RARE_TITLES = 2


def _named_in_english(q: Question, passages: list[Passage], docs: list[DocumentRecord]):
    """The retrieved official document whose title holds the most of an English question's
    key words (their dictionary Chinese), at least EN_TITLE_TERMS, one of them a name rare in
    titles; retrieval rank breaks ties."""
    ids = {d.doc_id: d for d in docs}
    ranked = [ids[i] for i in dict.fromkeys(p.doc.doc_id for p in passages) if i in ids]
    titles = {d.doc_id: norm(d.title) for d in docs}
    holds = {t: {i for i, title in titles.items() if q.named_in(t, title)} for t in q.terms}
    # the rare word must be a name the question gives (湖北), not a dictionary guess ("issue"
    # as 问题) nor a kind of document (复函: rare among a few documents, yet no topic)
    sure = set(q.names) | {
        t for t in q.terms if not any(k in a for a in q.alternatives(t) for k in _KIND_WORDS)
    }
    best, found = EN_TITLE_TERMS - 1, None
    for d in ranked:
        named = [t for t, ids_ in holds.items() if d.doc_id in ids_]
        if len(named) > best and any(len(holds[t]) <= EN_RARE_TITLES for t in sure & set(named)):
            best, found = len(named), d
    return found


# "那份贯彻“十四五”农机化发展规划的实施意见", "第7240号建议": a document described in short
# (its title's characters in order, a few left out: 农机化 of 农业机械化) or by a "第N号" only
# its title holds.
_DESCRIBED = re.compile(
    rf"(?:{_THIS})(?P<phrase>[^，,。？?；;]{{2,40}}?(?:{'|'.join(_KIND_WORDS)}))"
)
_OPENS_WITH = re.compile(
    rf"(?:^|(?<=[，,。？?；;]))(?P<phrase>[^，,。？?；;《》]{{2,40}}?(?:{'|'.join(_KIND_WORDS)}))"
)
_SERIAL = re.compile(r"(?<=第)\d{3,}(?=号)")
DESCRIBED_CHARS = 12  # a description this long names a document by most of its bigrams


def _described(text: str, docs: list[DocumentRecord]) -> DocumentRecord | None:
    """The one document the question describes (_DESCRIBED), or None."""
    tests = [lambda t, n=n: re.search(rf"第{n}号", t) for n in _SERIAL.findall(text)]
    m = _DESCRIBED.search(text)
    if m and len(phrase := letters(m.group("phrase"))) >= 4:
        tests.append(in_order(phrase, ABBREVIATION_GAP).search)
    # without a pointing word, a clause that opens with the document's description
    # ("广州2025年第一批户籍家庭公租房常态分配的通告是哪个单位发的")
    for m in _OPENS_WITH.finditer(text):
        if len(phrase := letters(m.group("phrase"))) >= 4:
            tests.append(in_order(phrase, ABBREVIATION_GAP).search)
        if len(phrase) >= DESCRIBED_CHARS:  # a long one, words left out anywhere ("先行区……条例")
            tests.append(lambda t, p=phrase: bigram_cover(p, t) >= NAMES_DOC)
    for test in tests:
        hits = [d for d in docs if any(test(letters(n)) for n in _names(d))]
        if len(hits) == 1:
            return hits[0]
    return None


def _is_kind(d: DocumentRecord, noun: str) -> bool:
    """The document is (or issues) a ``noun``: 通知 for "……的通知", 措施 for one whose title or
    attachment names 措施; 文件/公文/政策 fit every official document."""
    if noun in ("文件", "公文", "政策"):
        return True
    return any(noun in n for n in [d.title, *d.attachments])
