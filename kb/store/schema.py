"""The catalog's SQLite schema and its numbered migrations: a store written by an older
version is upgraded in place when opened, one version at a time."""

from __future__ import annotations

import sqlite3

from kb.core.units import chunk_unit_keys

SCHEMA_VERSION = 9

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, source TEXT NOT NULL UNIQUE, title TEXT NOT NULL, doc_type TEXT,
  date TEXT, year INTEGER, author TEXT, publication TEXT, region TEXT, sha256 TEXT NOT NULL,
  n_chars INTEGER, n_chunks INTEGER, ingested_at TEXT, text TEXT, extra TEXT);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
  position INTEGER NOT NULL, text TEXT NOT NULL, section TEXT, page INTEGER, para_start INTEGER,
  para_end INTEGER, char_start INTEGER, char_end INTEGER, n_tokens INTEGER, kind TEXT,
  tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, position);
"""


def _v2_mentions(con: sqlite3.Connection) -> None:
    """Schema 2: record mentions (agreements, plans, events) extracted at ingest."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS mentions (
          doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
          seq INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT, name TEXT NOT NULL, date TEXT,
          date_source TEXT, action TEXT, parties TEXT, chunk_id TEXT NOT NULL,
          start INTEGER, "end" INTEGER, quote TEXT NOT NULL, PRIMARY KEY (doc_id, seq));
        """
    )


def _v3_unit_vectors(con: sqlite3.Connection) -> None:
    """Schema 3: a vector per citable unit (sentence, table row) of each chunk, float16, in
    the order of ``kb.core.units.split_units``; the answerer compares them with the question."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS unit_vectors (
          chunk_id TEXT PRIMARY KEY REFERENCES chunks(chunk_id) ON DELETE CASCADE,
          n INTEGER NOT NULL, dim INTEGER NOT NULL, vecs BLOB NOT NULL);
        """
    )


def _v4_access(con: sqlite3.Connection) -> None:
    """Schema 4: users, document access groups, sign-in failures and the audit trail. The
    audit table refuses updates (append-only); only retention pruning deletes from it."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS doc_access (
          source TEXT PRIMARY KEY, groups TEXT NOT NULL, origin TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS users (
          name TEXT PRIMARY KEY, password TEXT NOT NULL, groups TEXT NOT NULL DEFAULT '[]',
          admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, ts REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, ts);
        CREATE TABLE IF NOT EXISTS audit (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, user TEXT NOT NULL,
          action TEXT NOT NULL, target TEXT, detail TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts);
        CREATE TRIGGER IF NOT EXISTS audit_append_only BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        """
    )


def _add_columns(con: sqlite3.Connection, table: str, columns: list[str]) -> None:
    have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
    for col in columns:
        if col.split()[0] not in have:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {col}")


def _v5_gongwen_ocr(con: sqlite3.Connection) -> None:
    """Schema 5: a 公文's parts as typed document columns (filters need issuer and dates),
    and each chunk's mean OCR confidence (NULL for text that was not recognised)."""
    _add_columns(
        con,
        "documents",
        [
            "doc_number TEXT", "issuer TEXT", "recipients TEXT", "signed_date TEXT",
            "effective_date TEXT", "expiry_date TEXT", "attachments TEXT",
        ],
    )  # fmt: skip
    _add_columns(con, "chunks", ["ocr_conf REAL"])


def _v6_tokens(con: sqlite3.Connection) -> None:
    """Schema 6: API bearer tokens. Only a SHA-256 of each token is kept (tokens are 256-bit
    random strings, so a fast hash cannot be brute-forced); a user's removal removes them."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS api_tokens (
          token_hash TEXT PRIMARY KEY,
          user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE ON UPDATE CASCADE,
          created_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens(user);
        """
    )


def _v7_unit_keys(con: sqlite3.Connection) -> None:
    """Schema 7: each unit vector is found by its text's key (``kb.core.units.unit_key``), so
    a sentence met again (a reposted notice, an edited version) is not embedded again. The
    keys of the vectors already stored are filled in from their chunks' text."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS unit_keys (
          key TEXT NOT NULL,
          chunk_id TEXT NOT NULL REFERENCES unit_vectors(chunk_id) ON DELETE CASCADE,
          row INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS unit_keys_key ON unit_keys(key);
        CREATE INDEX IF NOT EXISTS unit_keys_chunk ON unit_keys(chunk_id);
        """
    )
    rows = con.execute(
        "SELECT c.chunk_id, c.text, c.kind, u.n FROM chunks c "
        "JOIN unit_vectors u ON u.chunk_id = c.chunk_id"
    )
    insert_unit_keys(con, ((cid, text, kind, n) for cid, text, kind, n in rows))


def insert_unit_keys(con: sqlite3.Connection, chunks) -> None:
    """Keys for (chunk_id, text, kind, number of stored unit vectors); a chunk whose units no
    longer match its vectors (rules changed since) gets none rather than wrong ones."""
    out = []
    for cid, text, kind, n in chunks:
        keys = chunk_unit_keys(text, kind)
        if len(keys) == n:
            out.extend((k, cid, i) for i, k in enumerate(keys))
    con.executemany("INSERT INTO unit_keys VALUES (?, ?, ?)", out)


def _v8_relations(con: sqlite3.Connection) -> None:
    """Schema 8: what documents say about others (repeal, replace, amend, implement), with
    the sentence; filled by ingest, and for stored documents when records are re-extracted."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS relations (
          seq INTEGER NOT NULL,
          doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
          kind TEXT NOT NULL, title TEXT, number TEXT, quote TEXT NOT NULL, chunk_id TEXT NOT NULL,
          start INTEGER NOT NULL, "end" INTEGER NOT NULL, effective TEXT,
          PRIMARY KEY (doc_id, seq));
        """
    )


def _v9_failures(con: sqlite3.Connection) -> None:
    """Schema 9: the files the last ingest of each could not read or store, with the reason,
    until one succeeds (the 文档库, `kb docs list` and the API show them to admins)."""
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS failures (
          source TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);
        """
    )


# Numbered migrations: MIGRATIONS[n] upgrades a store from version n-1 to n.
MIGRATIONS = {
    2: _v2_mentions,
    3: _v3_unit_vectors,
    4: _v4_access,
    5: _v5_gongwen_ocr,
    6: _v6_tokens,
    7: _v7_unit_keys,
    8: _v8_relations,
    9: _v9_failures,
}
