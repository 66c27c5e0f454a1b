"""The catalog's unit vectors (one per citable sentence or table row of a chunk, float16, in
the order of ``kb.core.units.split_units``) and the keys of their texts, by which ingest finds
a sentence it has embedded before."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import numpy as np

from kb.store.schema import insert_unit_keys

_PART = 500  # SQLite's bound-parameter limit, with room


def _parts(ids: list[str]):
    for i in range(0, len(ids), _PART):
        part = ids[i : i + _PART]
        yield part, ", ".join("?" * len(part))


def insert(con: sqlite3.Connection, unit_vecs: dict[str, np.ndarray]) -> None:
    """Store (or replace) chunks' unit vectors and their texts' keys; the chunks are in the
    catalog already (their text gives the keys)."""
    rows = [
        (cid, int(v.shape[0]), int(v.shape[1]), v.astype(np.float16).tobytes())
        for cid, v in unit_vecs.items()
        if v.ndim == 2 and v.shape[0]
    ]
    n = {r[0]: r[1] for r in rows}
    for part, marks in _parts(list(n)):
        con.execute(f"DELETE FROM unit_keys WHERE chunk_id IN ({marks})", part)
    con.executemany(
        "INSERT INTO unit_vectors VALUES (?, ?, ?, ?) ON CONFLICT (chunk_id) DO UPDATE "
        "SET n = excluded.n, dim = excluded.dim, vecs = excluded.vecs",
        rows,
    )
    for part, marks in _parts(list(n)):
        found = con.execute(
            f"SELECT chunk_id, text, kind FROM chunks WHERE chunk_id IN ({marks})", part
        ).fetchall()
        insert_unit_keys(con, [(cid, text, kind, n[cid]) for cid, text, kind in found])


def by_chunk(con: sqlite3.Connection, chunk_ids: Iterable[str]) -> dict[str, np.ndarray]:
    """chunk_id -> (units, dim) float32 matrix, for the chunks that have one."""
    out: dict[str, np.ndarray] = {}
    for part, marks in _parts(list(dict.fromkeys(chunk_ids))):
        for cid, n, dim, vecs in con.execute(
            f"SELECT chunk_id, n, dim, vecs FROM unit_vectors WHERE chunk_id IN ({marks})", part
        ):
            out[cid] = np.frombuffer(vecs, dtype=np.float16).reshape(n, dim).astype(np.float32)
    return out


def by_key(con: sqlite3.Connection, keys: Iterable[str]) -> dict[str, np.ndarray]:
    """unit key -> a stored vector of that text, for the keys the catalog holds."""
    where: dict[str, tuple[str, int]] = {}
    for part, marks in _parts(list(dict.fromkeys(keys))):
        for k, cid, row in con.execute(
            f"SELECT key, chunk_id, row FROM unit_keys WHERE key IN ({marks})", part
        ):
            where.setdefault(k, (cid, row))
    mats = by_chunk(con, {cid for cid, _ in where.values()})
    return {k: mats[cid][row] for k, (cid, row) in where.items() if cid in mats}


def of_document(con: sqlite3.Connection, doc_id: str) -> dict[str, np.ndarray]:
    """unit key -> vector for one document's units."""
    keys = [
        r[0]
        for r in con.execute(
            "SELECT k.key FROM unit_keys k JOIN chunks c ON c.chunk_id = k.chunk_id "
            "WHERE c.doc_id = ?",
            (doc_id,),
        )
    ]
    return by_key(con, keys)
