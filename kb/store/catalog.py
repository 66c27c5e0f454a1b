"""SQLite catalog: documents, chunks, content hashes and store-wide facts (embedding model,
tokenizer, schema version). It is the source of truth: Chroma and BM25 hold what it lists."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from kb.core.errors import StoreError
from kb.store import relations as relation_rows
from kb.store import units
from kb.store.db import Database
from kb.store.documents import GONGWEN_FIELDS, PENDING, ChunkRecord, DocumentRecord
from kb.store.records import Mention
from kb.store.relations import Relation
from kb.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION, script

# Importers read the rows here too (kb.store.documents defines them).
__all__ = ["GONGWEN_FIELDS", "PENDING", "Catalog", "ChunkRecord", "DocumentRecord", "StoreError"]


_DOC_COLS = [f for f in DocumentRecord.__dataclass_fields__ if f != "access"]
_CHUNK_COLS = [f for f in ChunkRecord.__dataclass_fields__]


class Catalog:
    def __init__(self, db: Database | Path) -> None:
        self.db = db if isinstance(db, Database) else Database(db)
        self.path = getattr(self.db, "path", None)  # the SQLite file; None on PostgreSQL
        path = self.db.where
        if self._current():
            return  # no DDL: the app's database role may not be allowed any (README)
        with self.db.schema_lock(), self.connect() as con:
            self.db.lock_schema(con)
            script(con, SCHEMA)
            version = int(self._get(con, "schema_version") or 0)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path}: store schema version {version} is newer than this program "
                    f"understands ({SCHEMA_VERSION}); upgrade the program"
                )
            for n in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[n](con)  # in the same transaction as the version bump
            if version < SCHEMA_VERSION:
                _set(con, "schema_version", str(SCHEMA_VERSION))

    def connect(self):
        """A connection in one transaction (``kb.store.db``)."""
        return self.db.connect()

    def _current(self) -> bool:
        """The schema exists at this program's version."""
        with self.connect() as con:
            return self.db.has_table(con, "meta") and self._get(con, "schema_version") == str(
                SCHEMA_VERSION
            )

    @staticmethod
    def _get(con, key: str) -> str | None:
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get_meta(self, key: str) -> str | None:
        with self.connect() as con:
            return self._get(con, key)

    def set_meta(self, **values: str) -> None:
        with self.connect() as con:
            for k, v in values.items():
                _set(con, k, str(v))

    # ---- documents
    _DOC_SELECT = (
        f"SELECT {', '.join('d.' + c for c in _DOC_COLS)}, a.groups AS access "
        "FROM documents d LEFT JOIN doc_access a ON a.source = d.source"
    )

    def documents(self) -> list[DocumentRecord]:
        with self.connect() as con:
            rows = con.execute(f"{self._DOC_SELECT} ORDER BY d.source").fetchall()
        return [self._doc(r) for r in rows]

    def document(self, doc_id: str) -> DocumentRecord | None:
        with self.connect() as con:
            r = con.execute(f"{self._DOC_SELECT} WHERE d.doc_id = ?", (doc_id,)).fetchone()
        return self._doc(r) if r else None

    @staticmethod
    def _doc(r) -> DocumentRecord:
        d = dict(r)
        d["extra"] = json.loads(d["extra"] or "{}")
        d["access"] = json.loads(d["access"]) if d["access"] is not None else None
        d["attachments"] = json.loads(d["attachments"] or "[]")
        return DocumentRecord(**d)

    # ---- document access (by source: set before a file is ingested, kept across re-ingest)
    def access_of(self, source: str) -> tuple[list[str], str] | None:
        """(groups, origin) of a source, or None when every user may read it."""
        with self.connect() as con:
            r = con.execute(
                "SELECT groups, origin FROM doc_access WHERE source = ?", (source,)
            ).fetchone()
        return (json.loads(r["groups"]), r["origin"]) if r else None

    def access_all(self) -> dict[str, tuple[list[str], str]]:
        """source -> (groups, origin) for every restricted source."""
        with self.connect() as con:
            rows = con.execute("SELECT source, groups, origin FROM doc_access").fetchall()
        return {r["source"]: (json.loads(r["groups"]), r["origin"]) for r in rows}

    def set_access(self, source: str, groups: list[str] | None, origin: str) -> bool:
        """Restrict a source to groups (None: open to every user); True when it changed.
        Readers reload (generation bump), nothing is re-embedded."""
        value = json.dumps(sorted(set(groups)), ensure_ascii=False) if groups is not None else None
        with self.connect() as con:
            r = con.execute(
                "SELECT groups, origin FROM doc_access WHERE source = ?", (source,)
            ).fetchone()
            if (r["groups"] if r else None) == value and (value is None or r["origin"] == origin):
                return False
            if value is None:
                con.execute("DELETE FROM doc_access WHERE source = ?", (source,))
            else:
                con.execute(
                    "INSERT INTO doc_access VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE "
                    "SET groups = excluded.groups, origin = excluded.origin",
                    (source, value, origin),
                )
            self._bump(con, ingest=False)
        return True

    def clear_content(self) -> None:
        """Drop every document, chunk and store fact, keeping users, access and the audit
        trail (``kb ingest --rebuild``)."""
        with self.connect() as con:
            con.execute("DELETE FROM documents")
            con.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', 'generation')")
            self._bump(con)

    def hashes(self) -> dict[str, tuple[str, str]]:
        """source -> (doc_id, sha256) for incremental ingest."""
        with self.connect() as con:
            return {
                r["source"]: (r["doc_id"], r["sha256"])
                for r in con.execute("SELECT source, doc_id, sha256 FROM documents")
            }

    def replace_document(
        self,
        doc: DocumentRecord,
        chunks: list[ChunkRecord],
        mentions: Iterable[Mention] = (),
        unit_vecs: dict[str, np.ndarray] | None = None,
        relations: list[Relation] | None = None,
    ) -> list[str]:
        """Atomically replace a document, its chunks, its record mentions, what it says of
        other documents and its unit vectors; returns the chunk ids it dropped."""
        doc.n_chunks = len(chunks)
        doc.ingested_at = doc.ingested_at or time.strftime("%Y-%m-%dT%H:%M:%S")
        with self.connect() as con:
            old = [
                r[0]
                for r in con.execute(
                    "SELECT chunk_id FROM chunks WHERE doc_id = ? OR doc_id IN "
                    "(SELECT doc_id FROM documents WHERE source = ?)",
                    (doc.doc_id, doc.source),
                )
            ]
            con.execute(
                "DELETE FROM documents WHERE doc_id = ? OR source = ?", (doc.doc_id, doc.source)
            )
            values = asdict(doc)
            values["extra"] = json.dumps(doc.extra, ensure_ascii=False)
            values["attachments"] = json.dumps(doc.attachments, ensure_ascii=False)
            con.execute(
                f"INSERT INTO documents ({', '.join(_DOC_COLS)}) VALUES "
                f"({', '.join('?' * len(_DOC_COLS))})",
                [values[c] for c in _DOC_COLS],
            )
            con.executemany(
                f"INSERT INTO chunks ({', '.join(_CHUNK_COLS)}) VALUES "
                f"({', '.join('?' * len(_CHUNK_COLS))})",
                [self._chunk_row(c) for c in chunks],
            )
            self._insert_mentions(con, doc.doc_id, mentions)
            relation_rows.replace_for(con, doc.doc_id, relations or [])
            units.insert(con, unit_vecs or {})
            self._bump(con)
        new = {c.chunk_id for c in chunks}
        return [c for c in old if c not in new]

    def finish_document(self, doc_id: str, sha256: str, unit_vecs: dict[str, np.ndarray]) -> None:
        """A document written before its vectors (``state`` "read") gets its unit vectors and
        its file hash: it is embedded."""
        with self.connect() as con:
            units.insert(con, unit_vecs)
            con.execute("UPDATE documents SET sha256 = ? WHERE doc_id = ?", (sha256, doc_id))
            self._bump(con)

    def describe_document(self, doc_id: str, fields: dict, extra: dict) -> None:
        """New descriptive columns (title, type, date, …) and ``extra`` for a document whose
        text is unchanged."""
        cols = [c for c in fields if c in _DOC_COLS and c not in ("doc_id", "text", "extra")]
        values = [
            json.dumps(fields[c], ensure_ascii=False) if c == "attachments" else fields[c]
            for c in cols
        ]
        sets = "".join(f"{c} = ?, " for c in cols)
        with self.connect() as con:
            con.execute(
                f"UPDATE documents SET {sets}extra = ? WHERE doc_id = ?",
                [*values, json.dumps(extra, ensure_ascii=False), doc_id],
            )
            if cols:
                self._bump(con)

    def remove_documents(self, doc_ids: Iterable[str]) -> list[str]:
        ids = list(doc_ids)
        if not ids:
            return []
        with self.connect() as con:
            marks = ", ".join("?" * len(ids))
            gone = [
                r[0]
                for r in con.execute(f"SELECT chunk_id FROM chunks WHERE doc_id IN ({marks})", ids)
            ]
            con.execute(f"DELETE FROM documents WHERE doc_id IN ({marks})", ids)
            self._bump(con)
        return gone

    @staticmethod
    def _bump(con, ingest: bool = True) -> None:
        # Readers reload their in-memory snapshot when the generation changes.
        con.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (key) DO UPDATE "
            "SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)"
        )
        if ingest:
            _set(con, "last_ingest", time.strftime("%Y-%m-%dT%H:%M:%S"))

    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    # ---- chunks
    @staticmethod
    def _chunk_row(c: ChunkRecord) -> list:
        d = asdict(c)
        d["tokens"] = " ".join(c.tokens)
        return [d[k] for k in _CHUNK_COLS]

    def chunks(self, doc_id: str | None = None) -> list[ChunkRecord]:
        sql = f"SELECT {', '.join(_CHUNK_COLS)} FROM chunks"
        args: tuple = ()
        if doc_id:
            sql += " WHERE doc_id = ?"
            args = (doc_id,)
        sql += " ORDER BY doc_id, position"
        with self.connect() as con:
            rows = con.execute(sql, args).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["tokens"] = d["tokens"].split(" ") if d["tokens"] else []
            out.append(ChunkRecord(**d))
        return out

    def unit_vectors(self, chunk_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """chunk_id -> (units, dim) float32 matrix, for the chunks that have one."""
        with self.connect() as con:
            return units.by_chunk(con, chunk_ids)

    def vectors_of_units(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """unit key -> its stored vector: a sentence embedded for another document (or an
        earlier version of this one) is not embedded again."""
        with self.connect() as con:
            return units.by_key(con, keys)

    def document_unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        """unit key -> vector for one document's units (read before a new version replaces
        it, so its unchanged sentences keep their vectors)."""
        with self.connect() as con:
            return units.of_document(con, doc_id)

    def chunk_ids(self) -> set[str]:
        with self.connect() as con:
            return {r[0] for r in con.execute("SELECT chunk_id FROM chunks")}

    def counts(self) -> dict[str, int]:
        with self.connect() as con:
            return {
                "documents": con.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
                "chunks": con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0],
            }

    # ---- record mentions
    _MENTION_COLS = [
        "kind", "title", "name", "date", "date_source", "action", "parties", "chunk_id",
        "start", "end", "quote",
    ]  # fmt: skip

    def _insert_mentions(self, con, doc_id: str, mentions: Iterable[Mention]) -> None:
        con.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        cols = ", ".join(f'"{c}"' for c in self._MENTION_COLS)
        con.executemany(
            f"INSERT INTO mentions (doc_id, seq, {cols}) VALUES "
            f"(?, ?, {', '.join('?' * len(self._MENTION_COLS))})",
            [
                (doc_id, i, *[
                    json.dumps(m.parties, ensure_ascii=False) if c == "parties" else getattr(m, c)
                    for c in self._MENTION_COLS
                ])
                for i, m in enumerate(mentions)
            ],
        )  # fmt: skip

    def set_mentions(
        self,
        mentions_by_doc: dict[str, list[Mention]],
        relations_by_doc: dict[str, list[Relation]] | None = None,
        **meta: str,
    ) -> None:
        """Replace the record mentions (and relations) of some documents, and set meta keys,
        in one transaction."""
        with self.connect() as con:
            for doc_id, ms in mentions_by_doc.items():
                self._insert_mentions(con, doc_id, ms)
            for doc_id, rs in (relations_by_doc or {}).items():
                relation_rows.replace_for(con, doc_id, rs)
            for k, v in meta.items():
                _set(con, k, str(v))
            if mentions_by_doc:
                self._bump(con)  # readers reload their records

    def note_failures(self, failed: dict[str, str], ok: Iterable[str]) -> None:
        """Files that failed (source -> reason) are remembered until they are ingested."""
        at = time.strftime("%Y-%m-%dT%H:%M:%S")
        with self.connect() as con:
            con.executemany("DELETE FROM failures WHERE source = ?", [(x,) for x in ok])
            con.executemany(
                "INSERT INTO failures VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE "
                "SET reason = excluded.reason, at = excluded.at",
                [(src, reason, at) for src, reason in failed.items()],
            )

    def failures(self) -> list[tuple[str, str, str]]:
        """(source, reason, when) of the files the store could not take, newest first."""
        with self.connect() as con:
            return [tuple(r) for r in con.execute("SELECT * FROM failures ORDER BY at DESC")]

    def relations(self) -> list[Relation]:
        with self.connect() as con:
            return relation_rows.all_relations(con)

    def mentions(self) -> list[Mention]:
        cols = ", ".join(f'"{c}"' for c in self._MENTION_COLS)
        with self.connect() as con:
            rows = con.execute(
                f"SELECT doc_id, {cols} FROM mentions ORDER BY doc_id, seq"
            ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["parties"] = json.loads(d["parties"] or "[]")
            out.append(Mention(**d))
        return out


def _set(con, key: str, value: str) -> None:
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
