"""The ingest queue in the catalog: `kb ingest` adds a job per new or changed file (with its
bytes), `kb worker` processes claim them. A claim is a lease: the worker renews it while it
works, and a job whose lease ran out (its worker died) is claimed again, up to MAX_ATTEMPTS.

On PostgreSQL the claim skips rows another worker has locked (``FOR UPDATE SKIP LOCKED``), so
workers on several machines never wait on or take the same job; SQLite serialises writers,
so the same statement is atomic there without it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from kb.store.catalog import Catalog

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MAX_ATTEMPTS = 3  # a file that kills its worker every time fails, with the reason


@dataclass
class Job:
    id: int
    source: str
    doc_id: str
    sha256: str
    entry: dict | None  # the manifest entry that applies to the file
    content: bytes
    attempts: int


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


class Jobs:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.pg = catalog.db.dialect == "postgresql"

    def add(
        self, source: str, doc_id: str, sha256: str, entry: dict | None, content: bytes
    ) -> bool:
        """Queue a file; False when the same content of it is queued or running already."""
        with self.catalog.connect() as con:
            if con.execute(
                "SELECT 1 FROM jobs WHERE source = ? AND sha256 = ? AND state IN (?, ?)",
                (source, sha256, QUEUED, RUNNING),
            ).fetchone():
                return False
            con.execute(
                "INSERT INTO jobs (source, doc_id, sha256, entry, content, state, queued_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (source, doc_id, sha256, json.dumps(entry, ensure_ascii=False) if entry else None,
                 content, QUEUED, _now()),
            )  # fmt: skip
        return True

    def pending_doc_ids(self) -> set[str]:
        """Doc ids promised to queued or running jobs (a new file must not take one)."""
        with self.catalog.connect() as con:
            rows = con.execute("SELECT doc_id FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING))
            return {r[0] for r in rows}

    def claim(self, worker: str, lease_s: float) -> Job | None:
        """The oldest job nobody holds (queued, or running with its lease run out)."""
        now = time.time()
        lock = " FOR UPDATE SKIP LOCKED" if self.pg else ""
        with self.catalog.connect() as con:
            row = con.execute(
                "UPDATE jobs SET state = ?, worker = ?, lease_until = ?, attempts = attempts + 1 "
                "WHERE id = (SELECT id FROM jobs WHERE state = ? OR (state = ? AND lease_until < ?) "
                f"ORDER BY id LIMIT 1{lock}) "
                "RETURNING id, source, doc_id, sha256, entry, content, attempts",
                (RUNNING, worker, now + lease_s, QUEUED, RUNNING, now),
            ).fetchone()
        if row is None:
            return None
        entry = json.loads(row[4]) if row[4] else None
        return Job(row[0], row[1], row[2], row[3], entry, bytes(row[5] or b""), row[6])

    def renew(self, job_id: int, worker: str, lease_s: float) -> bool:
        """Extend the lease; False when the job is no longer this worker's."""
        with self.catalog.connect() as con:
            return bool(
                con.execute(
                    "UPDATE jobs SET lease_until = ? WHERE id = ? AND worker = ? AND state = ?",
                    (time.time() + lease_s, job_id, worker, RUNNING),
                ).rowcount
            )

    def finish(
        self, job_id: int, state: str, status: str, chunks: int = 0, reason: str | None = None
    ) -> None:
        """Done (``status`` as a file result: added, updated, unchanged) or failed; the bytes
        are dropped, the outcome kept for `kb ingest --status`."""
        with self.catalog.connect() as con:
            con.execute(
                "UPDATE jobs SET state = ?, status = ?, chunks = ?, reason = ?, content = NULL, "
                "finished_at = ?, lease_until = NULL WHERE id = ?",
                (state, status, chunks, reason, _now(), job_id),
            )

    def counts(self) -> dict[str, int]:
        with self.catalog.connect() as con:
            rows = con.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
        return {QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0} | {r[0]: r[1] for r in rows}

    def recent(self, limit: int = 50) -> list[dict]:
        """The latest jobs, newest first, without their bytes."""
        with self.catalog.connect() as con:
            rows = con.execute(
                "SELECT id, source, doc_id, state, worker, attempts, status, chunks, reason, "
                f"queued_at, finished_at FROM jobs ORDER BY id DESC LIMIT {int(limit)}"
            ).fetchall()
        return [dict(zip(r.keys(), tuple(r), strict=True)) for r in rows]

    def expired_running(self) -> int:
        """Running jobs whose lease ran out: their worker stopped; another will take them."""
        with self.catalog.connect() as con:
            return con.execute(
                "SELECT COUNT(*) FROM jobs WHERE state = ? AND lease_until < ?",
                (RUNNING, time.time()),
            ).fetchone()[0]
