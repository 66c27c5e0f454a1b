"""Policy records: agreements, plans, measures and dated events that ingest extracted from the
documents (see ingest/records/extract.py). The catalog stores one *mention* per sentence; the same
instrument mentioned in several places merges into one ``Record`` with several citations.

Records answer "which / when" questions completely, where top-k retrieval would only find
some of the items.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

from kb.core.record_words import INTRANSITIVE, KINDS, names_party
from kb.core.text import norm


@dataclass
class Mention:
    """One sentence (or timeline-table cell) that mentions a record."""

    kind: str  # agreement | plan | measure | event
    title: str  # 《》 title without the brackets; "" when untitled
    name: str  # the title, or a short description of an untitled item
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_source: str  # explicit | relative (今年) | context (当年, paragraph) | table | ""
    action: str  # 签署, 发布, 成立 ...; "" when the sentence only refers to it
    parties: list[str]
    doc_id: str
    chunk_id: str
    start: int  # offsets of the quote in the chunk text
    end: int
    quote: str  # the sentence, verbatim

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Record:
    record_id: str
    kind: str
    title: str
    name: str
    date: str | None
    action: str
    parties: list[str]
    mentions: list[Mention] = field(default_factory=list)
    _hay: str | None = field(default=None, repr=False, compare=False)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def label(self) -> str:
        return f"《{self.title}》" if self.title else self.name

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(m.doc_id for m in self.mentions))

    def text(self) -> str:
        """Everything a text filter may match: title, name, parties and the quotes."""
        return " ".join([self.title, self.name, *self.parties, *(m.quote for m in self.mentions)])

    def matches(self, word: str) -> bool:
        """``word`` (already normalised) occurs in ``text()`` (normalised once, then cached)."""
        if self._hay is None:
            self._hay = norm(self.text())
        return word in self._hay

    def to_dict(self) -> dict:
        return {
            "record_id": self.record_id,
            "kind": self.kind,
            "kind_label": KINDS.get(self.kind, self.kind),
            "title": self.title,
            "name": self.name,
            "date": self.date,
            "year": self.year,
            "action": self.action,
            "parties": self.parties,
            "date_zh": date_zh(self.date),
            "statement": statement(self),
            "mentions": [m.to_dict() for m in self.mentions],
        }


def date_zh(date: str | None) -> str:
    """'2018-05' -> '2018年5月'; None -> '日期未载明'."""
    if not date:
        return "日期未载明"
    parts = [int(p) for p in date.split("-")]
    return "".join(f"{v}{u}" for v, u in zip(parts, ("年", "月", "日"), strict=False))


def statement(r: Record) -> str:
    """The record as a short Chinese clause: "三省一市签署《…》", "某某园区揭牌"."""
    label = r.label
    who = "、".join(p for p in r.parties if p not in label)
    act = r.action if r.action and r.action not in label else ""
    if r.kind == "event" and act in INTRANSITIVE and not who:
        return label + act
    if who or (act and r.kind == "event"):
        return f"{who}{act}{label}"
    return f"{label}（{act}）" if act else label


def _key(m: Mention) -> str:
    if m.title:
        return "t:" + norm(m.title)
    return f"u:{m.kind}:{(m.date or '')[:4]}:{norm(m.name)}"


# How sure a mention's date is, by where it came from (an order, not a weight): written out
# or in a timeline's time column, then resolved from 今年/去年, then carried from the paragraph.
_SOURCE_RANK = {"explicit": 3, "table": 3, "relative": 2, "context": 1, "": 0}
# Record ids: this many hex digits of the key's SHA-1 (48 bits; a collision among a million
# records has a chance of about 1 in 560).
_ID_HEX = 12


def _best_date(mentions: list[Mention]) -> str | None:
    """The date of the act: an explicit date beats a resolved one, a signing/issuing mention
    beats a reference, a more precise date beats a vaguer one of the same year."""
    dated = [m for m in mentions if m.date]
    if not dated:
        return None
    best = max(
        dated,
        key=lambda m: (bool(m.action), _SOURCE_RANK.get(m.date_source, 0), len(m.date or "")),
    )
    same_year = [m.date for m in dated if m.date and m.date[:4] == best.date[:4]]
    return max(same_year, key=len)


def merge(mentions: list[Mention]) -> list[Record]:
    """One record per instrument (same title) or per described item (same kind, year and
    description), each with all its mentions; ordered by date, undated last."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(_key(m), []).append(m)
    # An undated mention of a described item joins the dated record of the same description
    # when there is exactly one ("自……成立以来" -> the dated founding).
    for key in [k for k in groups if k.startswith("u:") and k.split(":")[2] == ""]:
        kind, name = key.split(":")[1], key.split(":", 3)[3]
        dated = [
            k for k in groups if k != key and k.startswith(f"u:{kind}:") and k.endswith(":" + name)
        ]
        if len(dated) == 1:
            groups[dated[0]] += groups.pop(key)
    records = []
    for key, ms in groups.items():
        first = ms[0]
        kinds = [m.kind for m in ms]
        action = next((m.action for m in ms if m.action and m.date), "") or next(
            (m.action for m in ms if m.action), ""
        )
        parties = list(dict.fromkeys(p for m in ms for p in m.parties))
        records.append(
            Record(
                record_id=hashlib.sha1(key.encode()).hexdigest()[:_ID_HEX],
                kind=max(set(kinds), key=kinds.count),
                title=first.title,
                name=first.name,
                date=_best_date(ms),
                action=action,
                parties=parties,
                mentions=ms,
            )
        )
    records.sort(key=lambda r: (r.date is None, r.date or "", r.label))
    return records


def party_matches(record: Record, party: str) -> bool:
    """The record names the party, a group it belongs to or a place in it (names_party)."""
    return names_party(record.parties, party)


def select(
    records: list[Record],
    *,
    kind: str | list[str] | None = None,
    year: int | None = None,
    party: str | None = None,
    text: str | None = None,
    dated: bool = False,
) -> list[Record]:
    """Records matching every given filter. ``text`` matches title, description, parties and
    quotes (whitespace/width-insensitive); several words separated by spaces must all match."""
    kinds = [kind] if isinstance(kind, str) else kind
    out = []
    words = [norm(w) for w in re.split(r"\s+", text or "") if w.strip()]
    for r in records:
        if kinds and r.kind not in kinds:
            continue
        if year is not None and r.year != year:
            continue
        if dated and not r.date:
            continue
        if party and not party_matches(r, party):
            continue
        if words and not all(r.matches(w) for w in words):
            continue
        out.append(r)
    return out


def table_rows(records: list[Record], docs: dict, chunks: dict) -> list[dict]:
    """One row per record for tables and timelines: its statement, and where it is said
    (document, paragraph, quote) — the first dated mention, else the first."""
    rows = []
    for r in records:
        m = next((m for m in r.mentions if m.date), r.mentions[0])
        doc, chunk = docs.get(m.doc_id), chunks.get(m.chunk_id)
        rows.append(
            {
                "record_id": r.record_id,
                "date": r.date,
                "year": r.year,
                "date_zh": date_zh(r.date),
                "kind": r.kind,
                "kind_label": KINDS.get(r.kind, r.kind),
                "statement": statement(r),
                "parties": "、".join(r.parties),
                "doc_id": m.doc_id,
                "doc_title": doc.title if doc else m.doc_id,
                "paragraph": chunk.para_start if chunk else 0,
                "quote": m.quote,
                "sources": len({(x.doc_id, x.quote) for x in r.mentions}),
            }
        )
    return rows


def with_sources(records: list[Record], docs: dict) -> list[dict]:
    """Records as JSON-ready dicts, each mention with its document's source and title
    (``docs``: doc_id -> DocumentRecord, the documents the caller may read)."""
    out = []
    for r in records:
        d = r.to_dict()
        for m in d["mentions"]:
            doc = docs.get(m["doc_id"])
            m["source"], m["doc_title"] = (doc.source, doc.title) if doc else (None, None)
        out.append(d)
    return out
