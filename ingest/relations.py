"""What a document says about other documents: that it repeals (废止, 停止执行, 不再执行),
replaces (repeals an earlier version of itself, or 原《…》), amends (关于修改《…》的决定,
对《…》作如下修改) or is amended by (根据《…》修正), or implements (为贯彻落实《…》) them;
each with the sentence that says so and the date it takes effect.

The other document is named as the text names it: its 《》 title and, where given, its
发文字号; kb/store/lifecycle.py resolves it against the collection when asked, so a document
ingested later is found too. Rules are sentence patterns of Chinese official writing (GB/T
9704 公文, 地方性法规 final articles), not of any one document.
"""

from __future__ import annotations

import re

from ingest.gongwen.lines import DOC_NUMBER, first_date
from kb.core.instruments import core_title, norm_number
from kb.core.text import TITLE_RE, find_loose, split_sentences
from kb.store.catalog import ChunkRecord, DocumentRecord
from kb.store.relations import Relation

# A repeal: the verbs that end an instrument's force, after the titles they govern.
_REPEAL = re.compile(r"(?:同时|予以|即行|一并|相应)?(?:废止|停止执行|不再执行|停止施行|同时失效)")
_AMENDED_BY = re.compile(r"根据.{0,60}?《([^《》\n]{2,80})》.{0,30}?(?:修正|修订|修改)")
_AMENDS_TITLE = re.compile(r"关于修改[〈《<]([^〈〉《》<>]{2,80})[〉》>]")
_AMENDS_TEXT = re.compile(r"对《([^《》\n]{2,80})》(?:作|做)(?:如下|以下)?(?:修改|修订)")
_IMPLEMENTS = re.compile(r"为(?:深入|全面|认真|进一步)?(?:贯彻落实|贯彻|落实)《([^《》\n]{2,80})》")
_FORMER = re.compile(r"原《")
# "自2024年5月1日起施行" in the sentence dates what it states
_IN_FORCE_FROM = re.compile(r"自\s*(?P<d>[^，。；,]{6,20}?)\s*起(?:施行|执行|实施|生效)")
# a number in brackets right after a title: 《…》（沪府规〔2020〕3号）
_NUMBER_AFTER = re.compile(r"^\s*[（(]([^（）()]{4,30})[)）]")


def extract_relations(doc: DocumentRecord, chunks: list[ChunkRecord]) -> list[Relation]:
    """Every relation a document states, once per (kind, target, date), in text order.
    Sentences are read from the document's whole text (a long 废止 sentence may be longer
    than a chunk) and cited in the chunk that holds their end, where the verb is."""
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    m = _AMENDS_TITLE.search(doc.title or "")
    if m:  # 《关于修改〈X〉的决定》 amends X by its title
        out.append(Relation(doc.doc_id, "amends", m.group(1), None, doc.title, "", 0, 0, None))
    text = doc.text or "\n\n".join(c.text for c in chunks)
    ordered = sorted((c for c in chunks if c.kind != "table"), key=lambda c: c.position)
    for s, e in _sentences(text):
        sentence = text[s:e]
        for kind, title, number, when in _in_sentence(sentence, doc):
            key = (kind, title or number or "", when or "")  # once per target (and date)
            if key in seen:
                continue
            seen.add(key)
            chunk_id, cs, ce = _cited(ordered, text, s, e)
            out.append(
                Relation(
                    doc.doc_id, kind, title, number, sentence, chunk_id, cs, ce,
                    when or _effective(sentence, doc),
                )
            )  # fmt: skip
    return out


def _cited(chunks: list[ChunkRecord], text: str, s: int, e: int) -> tuple[str, int, int]:
    """(chunk id, start, end) of the sentence ``text[s:e]`` in the chunk that holds its end:
    the whole sentence where the chunk holds it all, else the part it holds."""
    holder = next((c for c in chunks if c.char_start < e <= c.char_end), None)
    holder = holder or next((c for c in chunks if c.char_start <= s < c.char_end), None)
    if holder is None:
        return (chunks[0].chunk_id if chunks else ""), 0, 0
    for piece in (text[s:e], text[max(s, holder.char_start) : e]):
        span = find_loose(holder.text, piece.strip())
        if span:
            return holder.chunk_id, span[0], span[1]
    return holder.chunk_id, 0, 0


_ENDS = tuple("。；！？!?;：:")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, with a sentence that a line break cut (web pages break lines inside
    sentences) joined again when the part after the break states a relation: "《…》（…）、\n
    《…》（…）同时废止。" is one statement."""
    spans = split_sentences(text)
    out = []
    for i, (s, e) in enumerate(spans):
        k = i
        if _REPEAL.search(text[s:e]) and not TITLE_RE.search(text[s:e]):
            while (
                k > 0 and i - k < 5 and not text[spans[k - 1][0] : spans[k - 1][1]].endswith(_ENDS)
            ):
                k -= 1
        out.append((spans[k][0], e))
    return out


def _in_sentence(sentence: str, doc: DocumentRecord) -> list[tuple]:
    """(kind, target title, target number, date when the sentence dates it) stated by one
    sentence."""
    found: list[tuple] = []
    repeal = _REPEAL.search(sentence)
    if repeal and "修改" not in sentence[: repeal.start()][-6:]:
        head = sentence[: repeal.start()]
        targets = _targets(head)
        own = core_title(doc.title or "")
        for title, number in targets:
            replaced = bool(_FORMER.search(head)) or (own and core_title(title or "") == own)
            found.append(("replaces" if replaced else "repeals", title, number, None))
    for m in _AMENDED_BY.finditer(sentence):  # 根据2012年12月28日……《…决定》修正: dated there
        found.append(("amended_by", m.group(1), None, first_date(m.group(0))))
    for m in _AMENDS_TEXT.finditer(sentence):
        found.append(("amends", m.group(1), None, None))
    for m in _IMPLEMENTS.finditer(sentence):
        found.append(("implements", m.group(1), None, None))
    return found


def _targets(head: str) -> list[tuple[str | None, str | None]]:
    """The instruments named before a repeal verb: each 《》 title with the 发文字号 in brackets
    after it, and numbers standing alone (穗府办〔2018〕30号同时废止)."""
    out: list[tuple[str | None, str | None]] = []
    taken: list[tuple[int, int]] = []
    for m in TITLE_RE.finditer(head):
        after = _NUMBER_AFTER.match(head[m.end() :])
        number = None
        if after and DOC_NUMBER.search(after.group(1)):
            number = norm_number(after.group(1))
            taken.append((m.end(), m.end() + after.end()))
        out.append((m.group(1), number))
    for m in DOC_NUMBER.finditer(head):
        inside = any(a <= m.start() < b for a, b in taken) or _in_title(head, m.start())
        if not inside:
            out.append((None, norm_number(m.group(0))))
    return out


def _in_title(text: str, at: int) -> bool:
    return text.rfind("《", 0, at) > text.rfind("》", 0, at)


def _effective(sentence: str, doc: DocumentRecord) -> str | None:
    """When what the sentence states takes effect: the date it gives (自……起施行), else
    the document's own 施行日期, else its date."""
    m = _IN_FORCE_FROM.search(sentence)
    when = first_date(m.group("d")) if m else None
    if when and len(when) == 10:
        return when
    return doc.effective_date or doc.signed_date or doc.date
