"""The audit trail: who asked what and which documents were cited, who uploaded or changed
access to what, who managed users. Append-only in the catalog (a trigger refuses updates);
entries older than the retention period are pruned, because questions are personal data."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from kb.store.catalog import Catalog

_TS = "%Y-%m-%dT%H:%M:%S"
_NAME_CHARS = 200  # user, action and target are names, never texts: a longer one is cut


@dataclass
class AuditEntry:
    seq: int
    ts: str
    user: str
    action: str
    target: str | None
    detail: dict

    def to_dict(self) -> dict:
        return self.__dict__.copy()


class AuditLog:
    def __init__(self, catalog: Catalog, retention_days: int) -> None:
        self.catalog = catalog
        self.retention_days = retention_days
        self._prunes: bool | None = None  # whether this database role may delete entries

    def append(self, user: str, action: str, target: str | None = None, **detail) -> None:
        now = time.time()
        with self.catalog.connect() as con:
            con.execute(
                'INSERT INTO audit (ts, "user", action, target, detail) VALUES (?, ?, ?, ?, ?)',
                (time.strftime(_TS, time.localtime(now)), _name(user), _name(action),
                 _name(target), _text(json.dumps(detail, ensure_ascii=False))),
            )  # fmt: skip
            if self.retention_days > 0 and self._may_prune(con):
                self._prune(con, now)

    def prune(self) -> int:
        """Delete the entries past retention (the database owner's job where the app's role
        may not delete: `kb audit --prune`); how many."""
        with self.catalog.connect() as con:
            return self._prune(con, time.time()) if self.retention_days > 0 else 0

    def _prune(self, con, now: float) -> int:
        cutoff = time.strftime(_TS, time.localtime(now - self.retention_days * 86400))
        return con.execute("DELETE FROM audit WHERE ts < ?", (cutoff,)).rowcount

    def _may_prune(self, con) -> bool:
        if self._prunes is None:
            self._prunes = self.catalog.db.dialect != "postgresql" or bool(
                con.execute("SELECT has_table_privilege('audit', 'DELETE')").fetchone()[0]
            )
        return self._prunes

    def entries(
        self, user: str | None = None, since: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Newest first; ``since`` is a date or a timestamp (YYYY-MM-DD[THH:MM:SS])."""
        sql, args = "SELECT * FROM audit WHERE 1 = 1", []
        if user:
            sql += ' AND "user" = ?'
            args.append(user)
        if since:
            sql += " AND ts >= ?"
            args.append(since)
        sql += " ORDER BY seq DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.catalog.connect() as con:
            rows = con.execute(sql, args).fetchall()
        return [
            AuditEntry(
                r["seq"], r["ts"], r["user"], r["action"], r["target"], json.loads(r["detail"])
            )
            for r in rows
        ]


def _text(s: str) -> str:
    # a lone surrogate (a form can send one) cannot be stored as UTF-8: it becomes "?"
    return s.encode("utf-8", "replace").decode("utf-8")


def _name(s: str | None) -> str | None:
    if s is None:
        return None
    return _text(s[:_NAME_CHARS]) + ("…" if len(s) > _NAME_CHARS else "")
