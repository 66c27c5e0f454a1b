"""`kb worker`: take ingest jobs from the shared store and process them, one document each.

Reading (OCR included) and embedding, the slow part, run outside any lock, so workers on
several machines embed side by side; the writes of a document (catalog rows marked "read",
its vectors, then its unit vectors and file hash) are made under the store's ingest lock, in
the order a local ingest makes them, so a worker killed at any point leaves what a killed
local ingest leaves: the job's lease runs out, another worker takes it and writes it again.
While it works, a thread renews the lease."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ingest import stages
from ingest.metadata import ManifestEntry
from ingest.plan import start
from ingest.report import FileResult, summary_line, unexpected
from kb.core.faults import checkpoint
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.retrieve.embeddings import make_embedder
from kb.store.db import ingest_lock
from kb.store.jobs import DONE, FAILED, MAX_ATTEMPTS, Job, Jobs
from kb.store.store import Store
from kb.store.writer import rebuild_bm25

LEASE_S = 120.0  # renewed every LEASE_S / 4 while the worker lives


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _Lease:
    """Renews a job's lease in the background until stopped."""

    def __init__(self, jobs: Jobs, job: Job, worker: str, lease_s: float) -> None:
        self._stop = threading.Event()
        self.lost = False

        def renew() -> None:
            while not self._stop.wait(lease_s / 4):
                if not jobs.renew(job.id, worker, lease_s):
                    self.lost = True
                    return

        self._thread = threading.Thread(target=renew, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def process(job: Job, store: Store, embedder: Embedder) -> FileResult:
    """Read, embed and write one queued file; its result as a local ingest reports it."""
    settings = store.settings
    with tempfile.TemporaryDirectory(prefix="kb-job-") as tmp:
        path = Path(tmp) / PurePosixPath(job.source).name
        path.write_bytes(job.content)
        run = start([], store, embedder, None, None)
        run.files = [path]
        run.source_names = {path: job.source}
        run.doc_ids = {job.source: job.doc_id}
        if job.entry:
            run.manifests[str(path.resolve())] = ManifestEntry(**job.entry)
        stages.read_files(run)
        if not run.prepared:  # unchanged, or it could not be read
            return run.report.files[-1]
        stages.add_terms(run)
        x = stages.to_store(run, run.prepared[0])
        store.check_model(embedder.model_name, writing=True)
        embedded = stages._embed_one(run, x)
        # One transaction on PostgreSQL: readers see the whole document or nothing of it.
        with ingest_lock(settings), store.catalog.db.transaction():
            # Terms another worker added meanwhile retokenise this document's chunks too.
            now_terms = set(store.terms())
            if now_terms - run.old_terms:
                run.tok = Tokenizer(sorted(now_terms | run.new_terms))
                x = stages.to_store(run, run.prepared[0])
                embedded.records = x.records
            if not stages.write_read(run, x):
                return run.report.files[-1]
            run.pending = [embedded]
            stages.write_batch(run)
            if run.report.files and run.report.files[-1].status == "failed":
                return run.report.files[-1]
            rebuild_bm25(store, run.tok, run.new_terms, now_terms, {job.doc_id})
            checkpoint("job")
    return run.report.files[-1]


def work(
    settings: Settings,
    *,
    once: bool = False,
    idle_exit_s: float | None = None,
    lease_s: float = LEASE_S,
    embedder: Embedder | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> int:
    """Claim and process jobs until stopped (``once``: until the queue is empty;
    ``idle_exit_s``: after that long with nothing to do). Returns how many it processed."""
    store = Store(settings)
    jobs = Jobs(store.catalog)
    name = worker_name()
    embedder = embedder or make_embedder(settings)
    done, idle_since = 0, time.monotonic()
    while True:
        job = jobs.claim(name, lease_s)
        if job is None:
            if once or (idle_exit_s is not None and time.monotonic() - idle_since > idle_exit_s):
                return done
            time.sleep(0.5)
            continue
        if job.attempts > MAX_ATTEMPTS:
            reason = f"处理 {MAX_ATTEMPTS} 次均未完成（进程中断），已放弃"
            jobs.finish(job.id, FAILED, "failed", reason=reason)
            store.catalog.note_failures({job.source: reason}, [])
            continue
        lease = _Lease(jobs, job, name, lease_s)
        try:
            r = process(job, store, embedder)
        except Exception as e:  # a reader or store bug fails this file, not the worker
            r = FileResult(job.source, "failed", job.doc_id, reason=unexpected(e))
        finally:
            lease.stop()
        ok = r.status != "failed"
        jobs.finish(job.id, DONE if ok else FAILED, r.status, r.chunks or 0, r.reason)
        store.catalog.note_failures(
            {} if ok else {r.source: r.reason or ""}, [r.source] if ok else []
        )
        done += 1
        idle_since = time.monotonic()
        if on_result:
            on_result(r)
        else:  # a worker's log: one line a document, with its machine and process
            print(
                f"{time.strftime('%H:%M:%S')} {name} {summary_line(r)}", file=sys.stderr, flush=True
            )
