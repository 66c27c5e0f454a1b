"""`kb ingest` on a shared store: files become jobs that `kb worker` processes anywhere.

What is cheap and touches the whole store stays here, under the ingest lock: finding new and
changed files (by the same hash as a local ingest), applying manifest access, describing
unchanged documents again, removing documents whose file vanished. Each new or changed file
is queued with its bytes, its manifest entry and the document id it will take, so a worker
on another machine needs no shared disk and two workers never pick one id."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tqdm import tqdm

from ingest import stages
from ingest.discover import source_of
from ingest.errors import ReadError
from ingest.plan import start
from ingest.refresh import refresh_descriptions
from ingest.report import FileResult, IngestReport, unexpected
from kb.core.settings import Settings
from kb.store.db import ingest_lock
from kb.store.jobs import DONE, FAILED, QUEUED, RUNNING, Jobs
from kb.store.store import Store, wipe


def enqueue(
    paths: Iterable[Path | str] | None,
    settings: Settings,
    *,
    rebuild: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Queue every new or changed file; report the others as a local ingest does, and the
    queued ones as ``queued``."""
    from ingest.pipeline import default_paths

    with ingest_lock(settings):
        paths = [Path(p) for p in (paths or default_paths(settings))]
        if rebuild:
            wipe(settings)
        store = Store(settings)
        run = start(paths, store, None, on_file, None)
        stages.records_current_if_empty(run)
        jobs = Jobs(store.catalog)
        run.taken |= jobs.pending_doc_ids()
        for path in tqdm(
            run.files,
            desc="排队",
            unit="file",
            disable=not settings.progress,
            file=sys.stderr,
            leave=False,
        ):
            source = source_of(path, settings)
            run.seen_sources.add(source)
            try:
                c = stages.check_file(run, path, source)
                if c is None:
                    continue
                entry = c.entry.model_dump(mode="json") if c.entry else None
                jobs.add(source, c.doc_id, c.sha, entry, path.read_bytes())
                run.done(FileResult(source, "queued", c.doc_id))
            except ReadError as e:
                run.done(FileResult(source, "failed", reason=str(e)))
            except OSError as e:
                run.done(FileResult(source, "failed", reason=unexpected(e)))
        refresh_descriptions(run)
        stages.remove_vanished(run)
        stages.refresh_records(run)
        report = stages.finish(run)
        # The store is built as far as this process goes: replicas starting now must not
        # ingest their own corpus folder (`ensure_ingested`); the workers do the rest.
        store.catalog.set_meta(first_ingest_complete=time.strftime("%Y-%m-%dT%H:%M:%S"))
        return report


def wait(
    settings: Settings, queued: int, poll_s: float = 1.0, timeout_s: float | None = None
) -> dict[str, int]:
    """Show the queue draining until nothing is queued or running (or ``timeout_s``)."""
    jobs = Jobs(Store(settings).catalog)
    start_counts = jobs.counts()
    base = start_counts[DONE] + start_counts[FAILED] - queued
    bar = tqdm(total=queued, desc="等待 kb worker 处理", unit="file", file=sys.stderr,
               disable=not settings.progress)  # fmt: skip
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        counts = jobs.counts()
        bar.n = min(queued, counts[DONE] + counts[FAILED] - base)
        bar.refresh()
        if not counts[QUEUED] and not counts[RUNNING]:
            break
        if deadline is not None and time.monotonic() > deadline:
            break
        time.sleep(poll_s)
    bar.close()
    return counts


def outcomes(settings: Settings, report: IngestReport) -> None:
    """Replace the report's ``queued`` files by what the workers made of them."""
    jobs = Jobs(Store(settings).catalog)
    latest: dict[str, dict] = {}
    for j in reversed(jobs.recent(limit=max(100, 4 * len(report.files)))):
        latest[j["source"]] = j  # the newest job of each source wins
    for i, f in enumerate(report.files):
        j = latest.get(f.source)
        if f.status == "queued" and j and j["state"] in (DONE, FAILED):
            report.files[i] = FileResult(
                f.source, j["status"] or FAILED, j["doc_id"], j["chunks"] or 0, j["reason"] or ""
            )
    counts = Store(settings).catalog.counts()
    report.documents, report.chunks = counts["documents"], counts["chunks"]
