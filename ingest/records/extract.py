"""Rule-based record extraction: agreements, plans, measures and dated events, found in a
document's chunks (sentences and timeline-table rows) with their dates, parties and the exact
sentence that says so.

Works offline on Chinese text: regular expressions over sentences, and jieba POS to tell a
party (place, organisation) from the rest of a clause. Dates are resolved against the
document's own context: "今年3月" in a 2019 article is 2019-03, "当年/同年" is the year the
paragraph last named, a table row's time cell dates the event cells after it. Years inside
《》 titles and ranges such as "2018-2020年" are never taken as the date of an act.

This module walks a document's sentences and keeps one mention per (sentence, record);
ingest/records/find.py says what a sentence states, ingest/records/dates.py when.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ingest.records.dates import DATE, DateContext, When, dates_in, mask_non_dates
from ingest.records.find import (
    CARRY,
    LASTING,
    SHORT_TITLE_MAX,
    WEAK_EVENT,
    find,
    parties,
    title_kind,
)
from ingest.relations import extract_relations
from kb.core import tables
from kb.core.text import TITLE_RE, find_loose, split_sentences
from kb.store.catalog import ChunkRecord, DocumentRecord
from kb.store.records import Mention

if TYPE_CHECKING:
    from kb.store.store import Store

# Bump when extraction changes: stored documents are then re-extracted from the catalog.
# 2: a 公文's 印发, 施行 and 失效 dates; 3: parties from the place table (kb/data/places.yaml);
# 4: relations between documents (ingest/relations.py)
RECORDS_VERSION = "4"


def _doc_titles(chunks: list[ChunkRecord]) -> dict[str, str]:
    """Short titles (《纲要》) -> the full title they abbreviate, from the document itself."""
    full: list[str] = []
    for c in chunks:
        full += [t for t in TITLE_RE.findall(c.text) if len(t) > SHORT_TITLE_MAX]
    out: dict[str, str] = {}
    for short in {t for c in chunks for t in TITLE_RE.findall(c.text) if len(t) <= SHORT_TITLE_MAX}:
        match = [t for t in full if t.endswith(short)]
        if match:
            out[short] = match[0]
    return out


def _units(c: ChunkRecord) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, table time cell, new paragraph) of each sentence or table cell in a chunk."""
    text = c.text
    out: list[tuple[int, int, str | None, bool]] = []
    if c.kind == "table":
        for row in tables.parse(text).rows:
            # a time cell dates the cells after it; it is no record itself
            for cell, label in zip(row.cells, tables.time_labels(row.values), strict=True):
                if not tables.has_value(cell.value) or tables.is_time_cell(cell.value):
                    continue
                for ss, se in split_sentences(cell.value):
                    out.append((cell.start + ss, cell.start + se, label, True))
        return out
    for block in re.finditer(
        r"[^\n]+(?:\n(?!\n)[^\n]+)*", text
    ):  # paragraphs: blank-line separated
        for i, (s, e) in enumerate(split_sentences(block.group(0))):
            out.append((block.start() + s, block.start() + e, None, i == 0))
    return out


# A 公文's own dates, as the timeline shows them: issued (成文日期), in force (施行日期),
# lapses (有效期至).
_GONGWEN_ACTS = (("signed_date", "印发"), ("effective_date", "施行"), ("expiry_date", "失效"))


def gongwen_mentions(doc: DocumentRecord, chunks: list[ChunkRecord]) -> list[Mention]:
    """Records of an official document's own dates, each citing the line or sentence of the
    document that states it."""
    quotes = doc.extra.get("gongwen_quotes") or {}
    kind = title_kind(doc.title) or "measure"
    out = []
    for name, action in _GONGWEN_ACTS:
        when, quote = getattr(doc, name, None), quotes.get(name)
        if not when or not quote:
            continue
        for c in sorted(chunks, key=lambda c: c.position):
            span = find_loose(c.text, quote)
            if span is None:
                continue
            issued = action == "印发"
            out.append(
                Mention(
                    kind=kind,
                    # the issuing is the instrument's own record; taking effect and lapsing
                    # are records of their own, so the timeline shows all three
                    title=doc.title if issued else "",
                    name=doc.title if issued else f"《{doc.title}》{action}",
                    date=when,
                    date_source="explicit",
                    action=action,
                    parties=[doc.issuer] if issued and doc.issuer else [],
                    doc_id=doc.doc_id,
                    chunk_id=c.chunk_id,
                    start=span[0],
                    end=span[1],
                    quote=c.text[span[0] : span[1]],
                )
            )
            break
    return out


_RELATION_ACTS = {"repeals": "废止", "replaces": "废止", "amended_by": "修正"}


def relation_mentions(doc: DocumentRecord, chunks: list[ChunkRecord]) -> list[Mention]:
    """Timeline records of what a document states about instruments: 《X》废止 on the day its
    repeal takes effect, and 《this》修正 on each amendment's date, citing the sentence."""
    texts = {c.chunk_id: c.text for c in chunks}
    out = []
    for r in extract_relations(doc, chunks):
        action = _RELATION_ACTS.get(r.kind)
        if action is None or not r.effective or r.chunk_id not in texts or r.end <= r.start:
            continue
        target = r.target if r.kind != "amended_by" else f"《{doc.title}》"
        out.append(
            Mention(
                kind=title_kind(target.strip("《》")) or "measure",
                title="", name=f"{target}{action}", date=r.effective, date_source="explicit",
                action=action, parties=[doc.issuer] if doc.issuer else [], doc_id=doc.doc_id,
                chunk_id=r.chunk_id, start=r.start, end=r.end,
                quote=texts[r.chunk_id][r.start : r.end],
            )
        )  # fmt: skip
    return out


def reextract(store: Store, tok=None, skip: set[str] = frozenset()) -> None:
    """Re-run extraction on stored documents (their text and chunks are in the catalog, so
    no file is read and nothing is embedded) and record this extraction version."""
    by_doc, relations = {}, {}
    for d in store.catalog.documents():
        if d.doc_id not in skip:
            chunks = store.catalog.chunks(d.doc_id)
            by_doc[d.doc_id] = extract(d, chunks, tok)
            relations[d.doc_id] = extract_relations(d, chunks)
    store.catalog.set_mentions(by_doc, relations, records_version=RECORDS_VERSION)


def extract(doc: DocumentRecord, chunks: list[ChunkRecord], tok=None) -> list[Mention]:
    """Every record mention in a document, in document order, one per (sentence, record);
    then a 公文's own 印发, 施行 and 失效 dates, and the repeals and amendments it states."""
    doc_titles = _doc_titles(chunks)
    seen: set[tuple[str, str]] = set()
    out: list[Mention] = []
    ctx = DateContext(doc.year)
    prev: ChunkRecord | None = None
    for c in sorted(chunks, key=lambda c: c.position):
        continues = prev is not None and c.para_start == prev.para_end and c.kind == prev.kind
        for i, (s, e, label, new_para) in enumerate(_units(c)):
            sentence = c.text[s:e]
            if new_para and not (i == 0 and continues):
                ctx.last = When()
            table_when = None
            if label is not None:
                m = DATE.search(label)
                table_when = When(int(m.group("y")), source="table") if m and m.group("y") else None
                ctx.last = table_when or When()
            masked = mask_non_dates(sentence)
            carried = ctx.last if (table_when or CARRY.match(sentence)) else When()
            dates = dates_in(masked, ctx)
            for f in find(sentence, doc_titles, tok):
                when = next((w for pos, w in reversed(dates) if pos < f.at), None)
                if when is None:
                    when = dates[0][1] if dates else carried
                if f.kind != "event" and not f.action and not table_when:
                    when = When()  # a reference to an instrument, not its act
                if (
                    f.kind == "event"
                    and f.action in WEAK_EVENT
                    and not when.year
                    and not LASTING.search(f.name)
                ):
                    continue  # undated "举办/启动……" is description, not an event
                key = (f.kind + f.title + f.name, sentence)
                if key in seen:
                    continue  # the overlap between chunks repeats sentences
                seen.add(key)
                out.append(
                    Mention(
                        kind=f.kind,
                        title=f.title,
                        name=f.name,
                        date=when.text(),
                        date_source=when.source if when.year else "",
                        action=f.action,
                        parties=[p for p in parties(f.subject, tok) if p != f.name],
                        doc_id=doc.doc_id,
                        chunk_id=c.chunk_id,
                        start=s,
                        end=e,
                        quote=sentence,
                    )
                )
        prev = c
    return out + gongwen_mentions(doc, chunks) + relation_mentions(doc, chunks)
