"""The dense side in PostgreSQL: pgvector's HNSW index (cosine) in the same database as the
catalog, so every replica reads the vectors every worker wrote.

A ``VectorIndex`` like Chroma's ``VectorStore``. The table is made on the first write, when
the embedding model's dimension is known; the columns filters need are kept beside each
vector, as Chroma keeps them in its metadata."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from kb.core.filters import Filters
from kb.store.db import PgDatabase

_TABLE = "chunk_vectors"
_META = ("doc_id", "doc_type", "year", "position", "page", "section")
_BATCH = 500
# HNSW search width; with filters pgvector 0.8 keeps scanning until it has enough rows
# (iterative scan), where a plain HNSW search would return fewer than asked.
EF_SEARCH = 100


_registered: weakref.WeakSet = weakref.WeakSet()  # connections that know the vector type


def _register(con) -> None:
    if con not in _registered:
        from pgvector.psycopg import register_vector

        register_vector(con)
        _registered.add(con)


class PgVectors:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        with db.connect() as con:
            con.executescript("CREATE EXTENSION IF NOT EXISTS vector")

    def _exists(self, con) -> bool:
        return con.execute("SELECT to_regclass(?)", (_TABLE,)).fetchone()[0] is not None

    def _create(self, con, dim: int) -> None:
        con.execute("SELECT pg_advisory_xact_lock(?)", (0x6B62_0003,))  # two first writers
        con.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS {_TABLE} (
              chunk_id TEXT PRIMARY KEY, doc_id TEXT, doc_type TEXT, year INTEGER,
              position INTEGER, page INTEGER, section TEXT, text TEXT,
              embedding vector({int(dim)}) NOT NULL);
            CREATE INDEX IF NOT EXISTS {_TABLE}_hnsw ON {_TABLE}
              USING hnsw (embedding vector_cosine_ops);
            CREATE INDEX IF NOT EXISTS {_TABLE}_doc ON {_TABLE} (doc_id);
            """
        )

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metas: Sequence[dict]
    ) -> None:
        if not len(ids):
            return
        vecs = np.asarray(vectors, dtype=np.float32)
        cols = ", ".join(("chunk_id", *_META, "text", "embedding"))
        sets = ", ".join(f"{c} = excluded.{c}" for c in (*_META, "text", "embedding"))
        sql = (
            f"INSERT INTO {_TABLE} ({cols}) VALUES ({', '.join(['%s'] * (len(_META) + 3))}) "
            f"ON CONFLICT (chunk_id) DO UPDATE SET {sets}"
        )
        with self.db.connect() as con:
            if not self._exists(con):
                self._create(con, vecs.shape[1])
            _register(con.con)
            with con.con.cursor() as cur:
                for i in range(0, len(ids), _BATCH):
                    cur.executemany(
                        sql,
                        [
                            (ids[j], *(metas[j].get(k) for k in _META), texts[j], vecs[j])
                            for j in range(i, min(i + _BATCH, len(ids)))
                        ],
                    )

    def update_meta(self, ids: Sequence[str], metas: Sequence[dict]) -> None:
        sets = ", ".join(f"{c} = ?" for c in _META)
        with self.db.connect() as con:
            if self._exists(con):
                con.executemany(
                    f"UPDATE {_TABLE} SET {sets} WHERE chunk_id = ?",
                    [(*(m.get(k) for k in _META), i) for i, m in zip(ids, metas, strict=True)],
                )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        with self.db.connect() as con:
            if ids and self._exists(con):
                con.execute(f"DELETE FROM {_TABLE} WHERE chunk_id = ANY(?)", (ids,))

    def ids(self) -> set[str]:
        with self.db.connect() as con:
            if not self._exists(con):
                return set()
            return {r[0] for r in con.execute(f"SELECT chunk_id FROM {_TABLE}")}

    def count(self) -> int:
        with self.db.connect() as con:
            if not self._exists(con):
                return 0
            return con.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()[0]

    def clear(self) -> None:
        with self.db.connect() as con:
            con.executescript(f"DROP TABLE IF EXISTS {_TABLE}")

    def query(
        self, vector: np.ndarray, n: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        where, args = _where(filters)
        q = np.asarray(vector, dtype=np.float32)
        with self.db.connect() as con:
            if not self._exists(con):
                return []
            _register(con.con)
            con.con.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, int(n))}")
            con.con.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            rows = con.con.execute(
                f"SELECT chunk_id, 1 - (embedding <=> %s) FROM {_TABLE}{where} "
                "ORDER BY embedding <=> %s LIMIT %s",
                (q, *args, q, int(n)),
            ).fetchall()
        # relaxed order: nearly sorted; sorted here
        return sorted(((cid, float(s)) for cid, s in rows), key=lambda r: -r[1])


def _where(f: Filters | None) -> tuple[str, list]:
    """The SQL of ``Filters.where()``'s conditions, on the columns kept beside the vectors."""
    if f is None:
        return "", []
    conds, args = [], []
    if f.doc_types:
        conds.append("doc_type = ANY(%s)")
        args.append(list(f.doc_types))
    if f.doc_ids:
        conds.append("doc_id = ANY(%s)")
        args.append(list(f.doc_ids))
    if f.exclude_doc_ids:
        conds.append("NOT (doc_id = ANY(%s))")
        args.append(list(f.exclude_doc_ids))
    if f.year_from is not None:
        conds.append("year >= %s")
        args.append(int(f.year_from))
    if f.year_to is not None:
        conds.append("year <= %s")
        args.append(int(f.year_to))
    return (" WHERE " + " AND ".join(conds) if conds else ""), args
