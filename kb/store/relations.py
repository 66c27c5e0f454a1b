"""Relations between documents as ingest read them (ingest/relations.py): one row per (kind,
named target, sentence), with the sentence's place for citing it. Targets are kept as named;
kb/store/lifecycle.py resolves them against the documents present."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass

# repeals: ends the target's force; replaces: repeals an earlier version of itself (same core
# title, or 原《…》); amends: changes the target's text; amended_by: this text is the target
# decision's result; implements: carries the target out.
KINDS = ("repeals", "replaces", "amends", "amended_by", "implements")


@dataclass
class Relation:
    doc_id: str  # the document that says it
    kind: str  # one of KINDS
    title: str | None  # the target's title as written (no 《》); None: named by number only
    number: str | None  # its 发文字号, normalised (沪府规〔2020〕3号)
    quote: str  # the sentence that says it, verbatim ("" for a title's own statement)
    chunk_id: str  # where the sentence is ("" when it is the document's title)
    start: int  # offsets of the sentence in the chunk text
    end: int
    effective: str | None  # ISO date it takes effect (the sentence's, else the document's)

    @property
    def target(self) -> str:
        return f"《{self.title}》" if self.title else (self.number or "")


def replace_for(con: sqlite3.Connection, doc_id: str, relations: list[Relation]) -> None:
    con.execute("DELETE FROM relations WHERE doc_id = ?", (doc_id,))
    con.executemany(
        "INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, *astuple(r)) for i, r in enumerate(relations)],
    )


def all_relations(con: sqlite3.Connection) -> list[Relation]:
    rows = con.execute(
        'SELECT doc_id, kind, title, number, quote, chunk_id, start, "end", effective '
        "FROM relations ORDER BY doc_id, seq"
    )
    return [Relation(*r) for r in rows]
