"""Run an eval dataset through the same code path as `kb ask` and score it.

Presets: ``default`` (the configured knowledge base) and ``naive`` (what llama-index defaults
give without an LLM: SentenceSplitter 1024 tokens, dense-only top-2, no jieba BM25; the
"answer" is the retrieved text, which is what such a user reads).

A dataset may bring its own corpus (README "Contracts"), or `kb eval run --corpus DIR` gives one: it is
ingested into a KB_HOME of its own, ``<KB_HOME>/eval-corpora/<content hash>``, once; a later
run with the same files, embedding model, pipeline version and chunk settings reuses it.

The backends live in ``evals.backends`` and the scoring in ``evals.scoring``; their names are
importable from here too, as the CLI and the app do."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from evals.backends import Backend, KBBackend, make_backend
from evals.dataset import DatasetError, EvalItem
from evals.history import CLI_RUNS, STAGED, dataset_name, new_run_dir
from evals.run_access import MAIN, access_record
from evals.scoring import (
    METRIC_GROUPS,
    aggregate,
    by_kind,
    check_gates,
    parse_gates,
    score_question,
)
from kb.core.settings import Settings

__all__ = [
    "CORPUS_MARKER", "EVAL_CORPORA", "check_own_corpus", "shown_path", "METRIC_GROUPS", "Backend", "CorpusError", "KBBackend", "aggregate",
    "check_gates", "corpus_key", "evaluate", "make_backend", "parse_gates", "prepare_corpus",
    "run_eval", "score_question", "write_outputs",
]  # fmt: skip


def run_eval(
    items: list[EvalItem],
    backend: Backend,
    *,
    config: dict,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    rows = []
    t0 = time.perf_counter()
    for i, item in enumerate(
        tqdm(items, desc="评测", unit="题", disable=not progress, file=sys.stderr), 1
    ):
        result = backend.ask(item.question)
        rows.append(score_question(item, result, backend.document_text))
        if on_progress:
            on_progress(i, len(items))
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "config": config,
        "corpus": backend.snapshot_info(),
        "questions_total": len(items),
        "seconds": round(time.perf_counter() - t0, 2),
        "metrics": aggregate(rows),
        "by_kind": by_kind(rows),
        "questions": rows,
    }


EVAL_CORPORA = "eval-corpora"  # under settings.home: one KB_HOME per corpus content hash
CORPUS_MARKER = "eval-corpus.json"  # written into that home after a complete ingest


class CorpusError(DatasetError):
    """A dataset's corpus folder is missing, empty, or did not ingest completely."""


def _corpus_files(corpus: Path) -> list[tuple[str, Path]]:
    """(relative posix path, file), sorted; hidden files and folders skipped as ingest does."""
    out = []
    for f in corpus.rglob("*"):
        rel = f.relative_to(corpus)
        if f.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append((rel.as_posix(), f))
    return sorted(out)


def corpus_key(corpus: Path, settings: Settings) -> str:
    """16 hex digits of sha256 over the corpus files (relative paths and bytes, manifest
    included) and what shapes the index: embedding model, pipeline version, chunk settings
    (and the Chroma server, whose collection lives outside the home)."""
    from ingest.pipeline import PIPELINE_VERSION

    files = _corpus_files(corpus)
    if not files:
        raise CorpusError(f"corpus folder has no files: {corpus}")
    h = hashlib.sha256()
    for rel, f in files:
        data = f.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    for part in (
        settings.embed_model,
        PIPELINE_VERSION,
        settings.chunk.model_dump_json(),
        settings.chroma_url or "",
    ):
        h.update(b"\0" + part.encode())
    return h.hexdigest()[:16]


def shown_path(path: Path, settings: Settings) -> str:
    """A path as results and messages show it: relative to the project or to KB_HOME, else
    its name alone (a run is read by users, who need not learn the server's layout)."""
    path = Path(path).resolve()
    for base, prefix in ((settings.project_root, ""), (settings.home, "KB_HOME/")):
        try:
            return prefix + path.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def _shown_settings(settings: Settings) -> dict:
    out = settings.public_dump()
    for name in ("home", "corpus_dir", "project_root"):
        out[name] = shown_path(getattr(settings, name), settings)
    return out


def corpus_roots(settings: Settings) -> list[Path]:
    return [(settings.project_root / r).resolve() for r in settings.eval_corpus_roots]


def check_own_corpus(parts: list[Path], settings: Settings, uploaded: bool) -> None:
    """A dataset names its corpus by path, so the path decides what is read: an uploaded
    dataset may name none, a bundled one only folders under the registered roots."""
    if uploaded:
        raise CorpusError(
            "上传的问题集不能自带语料（corpus 字段）：请删去 corpus，问题将在当前知识库中提问；"
            "需要专用语料时，请管理员把语料放到 KB_EVAL_CORPUS_ROOTS 所列的目录下"
        )
    roots = corpus_roots(settings)
    for part in parts:
        real = Path(part).resolve()
        if not any(real == r or real.is_relative_to(r) for r in roots):
            raise CorpusError(
                f"问题集的语料 {shown_path(real, settings)} 不在管理员登记的语料目录中"
                "（KB_EVAL_CORPUS_ROOTS）"
            )


def stage_corpus(parts: list[Path], settings: Settings) -> Path:
    """One folder holding copies of ``parts`` (a folder keeps its name and its manifest; files
    go into ``docs/``), keyed by their names and bytes so a changed file makes a new stage."""
    h = hashlib.sha256()
    plan: list[tuple[str, Path]] = []
    for part in parts:
        if part.is_dir():
            plan += [(f"{part.name}/{rel}", f) for rel, f in _corpus_files(part)]
        else:
            plan.append((f"docs/{part.name}", part))
    for rel, f in sorted(plan):
        h.update(f"{rel}\0{f.stat().st_size}\0".encode())
        h.update(f.read_bytes())
    folder = settings.home / STAGED / h.hexdigest()[:16]
    if not (folder / ".complete").exists():
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        for rel, f in plan:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, tmp / rel)
        (tmp / ".complete").touch()
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    return folder


def _described(marker: Path) -> bool:
    """A complete ingest is there, its documents described by today's rules: after a change of
    them (METADATA_VERSION) the ingest runs again, re-describing them without re-embedding."""
    from ingest.metadata import METADATA_VERSION

    try:
        summary = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return summary.get("metadata_version") == METADATA_VERSION


def prepare_corpus(
    corpus: Path, settings: Settings, *, ingest: bool = True
) -> tuple[Settings, dict]:
    """Settings for a knowledge base holding only ``corpus``, ingested into
    ``settings.home / "eval-corpora" / <corpus_key>`` unless a complete ingest is already there,
    and what the results record about it (corpus_dir, corpus_home, corpus_ingested)."""
    corpus = Path(corpus).resolve()
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus}")
    key = corpus_key(corpus, settings)
    home = settings.home / EVAL_CORPORA / key
    # An eval corpus is this run's scratch store: on the local disk, never in the shared database.
    update: dict = {"home": home, "corpus_dir": corpus, "database_url": None}
    if settings.chroma_url:  # a shared server: keep the eval vectors out of the main collection
        update["collection"] = f"{settings.collection}-eval-{key}"
    run_settings = settings.model_copy(update=update)
    info: dict = {
        "corpus_dir": shown_path(corpus, settings),
        "corpus_home": f"{EVAL_CORPORA}/{key}",  # under KB_HOME
        "corpus_key": key,
        "corpus_ingested": False,
    }
    marker = home / CORPUS_MARKER
    if not ingest or _described(marker):
        return run_settings, info

    from ingest.metadata import METADATA_VERSION
    from ingest.pipeline import ingest as run_ingest

    if settings.progress:
        print(f"导入评测语料 {shown_path(corpus, settings)}", file=sys.stderr)
    report = run_ingest([corpus], run_settings)
    if report.failed and not report.documents:
        shown = "; ".join(f"{f.source}: {f.reason}" for f in report.failed[:5])
        raise CorpusError(f"语料 {shown_path(corpus, settings)} 中没有一个文件能导入：{shown}")
    for f in report.failed:
        # A file the ingest cannot read (a scan with no text) is what a user's folder holds
        # too: the questions are asked of the rest, and the run records which file failed.
        print(f"评测语料中的文件未能导入：{f.source}：{f.reason}", file=sys.stderr)
    summary = {
        "corpus_dir": str(corpus),
        "key": key,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "documents": report.documents,
        "chunks": report.chunks,
        "failed": [{"source": f.source, "reason": f.reason} for f in report.failed],
        "seconds": round(report.timings_s.get("total", 0.0), 2),
        "metadata_version": METADATA_VERSION,
    }
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(marker)
    info.update(corpus_ingested=True, ingest=report.to_dict() | {"files": len(report.files)})
    return run_settings, info


def evaluate(
    dataset: Path,
    settings: Settings,
    backend: Backend | Callable[[Settings], Backend] | None = None,
    *,
    preset: str = "default",
    k: int | None = None,
    corpus: Path | None = None,
    out_dir: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    uploaded: bool = False,
) -> tuple[dict, Path]:
    """Load a dataset, run it, write the three outputs; shared by `kb eval run` and the app.

    A dataset's own corpus is ingested only from under ``settings.eval_corpus_roots``, and
    never for an ``uploaded`` dataset (see check_own_corpus); ``corpus`` is the operator's.
    The results record who ran it and the access of every document they hold
    (evals.run_access decides who may open them).

    ``backend`` is a Backend, a function building one from settings, or None (make_backend of
    ``preset``). When the dataset brings a corpus, or ``corpus`` overrides it, the questions are
    asked of a knowledge base holding only that corpus (see prepare_corpus): a function or None
    is given its settings; a ready Backend, which reads the configured knowledge base, is
    replaced by make_backend(preset, ...) on them."""
    from evals.dataset import read_dataset

    ds = read_dataset(dataset)
    if corpus is None and (ds.corpus or ds.corpus_parts):
        check_own_corpus(ds.corpus_parts or [ds.corpus], settings, uploaded)
    corpus_dir, staged = corpus or ds.corpus, None
    if corpus_dir is None and ds.corpus_parts:
        corpus_dir = staged = stage_corpus(ds.corpus_parts, settings)
    run_settings, corpus_info = settings, {}
    if corpus_dir is not None:
        run_settings, corpus_info = prepare_corpus(corpus_dir, settings, ingest=preset != "naive")
        if isinstance(backend, Backend):
            backend = None
    if backend is None:
        backend = make_backend(preset, run_settings, k)
    elif not isinstance(backend, Backend):
        backend = backend(run_settings)
    config = {
        "dataset": dataset_name(str(dataset)),
        "preset": preset,
        "k": k or settings.retrieval.k,
        **corpus_info,
        "settings": _shown_settings(run_settings),
    }
    results = run_eval(
        ds.items,
        backend,
        config=config,
        progress=settings.progress and on_progress is None,
        on_progress=on_progress,
    )
    if "home" in results["corpus"]:
        results["corpus"]["home"] = shown_path(results["corpus"]["home"], settings)
    store = corpus_info.get("corpus_key", MAIN)
    results["access"] = access_record(results, backend.user, store, backend.document_access())
    if staged:
        results["access"]["staged"] = staged.name  # removed with the last run that used it
    out_dir = out_dir or new_run_dir(settings.project_root / CLI_RUNS, dataset, preset)
    write_outputs(results, out_dir)
    return results, out_dir


def write_outputs(results: dict, out: Path) -> None:
    from evals.report import render_html, render_markdown

    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(render_markdown(results), encoding="utf-8")
    (out / "report.html").write_text(render_html(results), encoding="utf-8")
    # Last and atomic: a folder with results.json is a complete run (evals.history lists it).
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(out / "results.json")
