"""Past eval runs: find them, summarise them, load one, and the tables the app shows.

A run is a folder holding the ``results.json`` that ``evaluate()`` writes (last, atomically).
Runs are looked for in the folders of ``run_dirs``: the app's (under KB_HOME, so they survive
restarts) and the CLI's default ``evals/runs``. A folder that does not hold a readable run is
reported as skipped, never raised: one broken folder must not hide the others."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kb.core import zh_eval as zh
from kb.core.errors import KBError
from kb.core.settings import Settings

DATASETS_DIR = Path(__file__).parent / "datasets"
APP_RUNS = "eval-runs"  # under settings.home: where the app saves its runs
STAGED = "eval-staged"  # under settings.home: corpora assembled from a dataset's list of paths
CLI_RUNS = Path("evals") / "runs"  # `kb eval run` without --out, relative to the project root
HEADLINE = ("fully_correct", "hit@5", "mrr", "lead_correct", "refusal_recall", "citation_validity")
# Settings that say where things live or how they are shown, not how questions are answered:
# left out of the digest so the same configuration on another machine or corpus compares equal.
_NOT_ANSWERING = frozenset(
    {"home", "corpus_dir", "project_root", "progress", "chroma_url", "collection", "api",
     "audit_retention_days", "eval_corpus_roots", "lock_timeout", "auth"}
)  # fmt: skip


class RunError(KBError, ValueError):
    """A folder or file that is not a complete eval run."""


@dataclass(frozen=True)
class RunSummary:
    path: Path  # the run folder
    dataset: str  # as shown: relative to evals/datasets when bundled, else the file name
    preset: str
    k: int | None
    digest: str  # settings_digest of the run
    created: str  # "YYYY-MM-DD HH:MM:SS"
    questions: int
    failed: int  # questions not fully correct
    corpus: str = ""  # the dataset's own corpus folder, when it brought one
    metrics: dict[str, float | None] = field(default_factory=dict)  # HEADLINE only
    access: dict | None = None  # who made it and its documents' access (evals.run_access)

    @property
    def label(self) -> str:
        return f"{self.created} · {self.dataset} · {self.preset} · k={self.k} · {self.path.name}"


class Skipped(NamedTuple):
    path: Path
    reason: str


class History(NamedTuple):
    runs: list[RunSummary]  # newest first
    skipped: list[Skipped]


def run_dirs(settings: Settings) -> list[Path]:
    """Where runs are looked for: the app's folder first, then the CLI default."""
    return [settings.home / APP_RUNS, settings.project_root / CLI_RUNS]


def new_run_dir(root: Path, dataset: Path, preset: str) -> Path:
    """A fresh folder ``<root>/<dataset>-<preset>-<time>``; a suffix keeps two runs started in
    the same second apart (mkdir without exist_ok is the lock)."""
    root.mkdir(parents=True, exist_ok=True)
    base = f"{Path(dataset).stem}-{preset}-{time.strftime('%Y%m%d-%H%M%S')}"
    for n in range(1, 1000):
        path = root / (base if n == 1 else f"{base}-{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RunError(f"{root}: no free run folder for {base}")


def run_into(
    root: Path, dataset: Path, preset: str, run: Callable[[Path], dict]
) -> tuple[dict, Path]:
    """``run(folder)`` writes a run into a hidden staging folder under ``root``, which then
    becomes a fresh new_run_dir: a run shows in the history complete or not at all, and a
    failed one leaves nothing behind."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".running-", dir=root))
    try:
        results = run(staging)
        final = new_run_dir(root, dataset, preset)
        os.replace(staging, final)  # onto the empty folder new_run_dir reserved
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return results, final


def bundled_datasets(root: Path | None = None) -> list[Path]:
    """Datasets in evals/datasets and its subfolders (cmrc/dev.yaml…), top level first; corpus
    folders (and their manifest.yaml) are not datasets."""
    root = root or DATASETS_DIR
    out = []
    for pattern in ("*", "*/*"):
        found = [p for p in root.glob(pattern) if p.suffix in (".yaml", ".yml", ".jsonl")]
        out += sorted(p for p in found if p.is_file() and p.name != "manifest.yaml")
    return out


def dataset_name(dataset: str) -> str:
    """'cmrc/dev.yaml' for a bundled dataset (also one run in another checkout), else the file
    name."""
    try:
        return Path(dataset).resolve().relative_to(DATASETS_DIR.resolve()).as_posix()
    except ValueError:
        pass
    posix = Path(dataset).as_posix()
    marker = "evals/datasets/"
    return posix.split(marker, 1)[1] if marker in posix else Path(dataset).name


def settings_digest(config: dict) -> str:
    """8 hex digits over k and the settings that shape answers (see _NOT_ANSWERING)."""
    s = {k: v for k, v in (config.get("settings") or {}).items() if k not in _NOT_ANSWERING}
    blob = json.dumps({"k": config.get("k"), "settings": s}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:8]


def _check(results, where: Path) -> dict:
    if not isinstance(results, dict):
        raise RunError(f"{where}: not an eval results file (top level is not an object)")
    for key, kind in (("config", dict), ("metrics", dict), ("questions", list)):
        if not isinstance(results.get(key), kind):
            raise RunError(f"{where}: not an eval results file (no '{key}')")
    for i, q in enumerate(results["questions"], 1):
        if not isinstance(q, dict) or not {"id", "question", "fully_correct", "reasons"} <= set(q):
            raise RunError(f"{where}: question {i} lacks id, question, fully_correct or reasons")
    return results


def load_run(path: Path) -> dict:
    """The results of a run folder (or of a results.json file), checked; RunError otherwise."""
    path = Path(path)
    f = path / "results.json" if path.is_dir() else path
    if not f.is_file():
        raise RunError(f"{f}: missing (the run did not finish, or this is not a run folder)")
    try:
        results = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunError(f"{f}: not an eval results file ({e})") from e
    return _check(results, f)


@lru_cache(maxsize=512)
def _summary(path: Path, stamp: tuple[int, int]) -> RunSummary:
    # Cached by (mtime, size) of results.json: pages re-list on every interaction, and a large
    # run (CMRC test: 1,300 questions) takes a noticeable time to parse.
    r = load_run(path)
    c, m = r["config"], r["metrics"]
    created = str(r.get("created") or "").replace("T", " ")
    return RunSummary(
        path=path,
        dataset=dataset_name(str(c.get("dataset", "?"))),
        preset=str(c.get("preset", "default")),
        k=c.get("k"),
        digest=settings_digest(c),
        created=created,
        questions=len(r["questions"]),
        failed=sum(not q["fully_correct"] for q in r["questions"]),
        corpus=Path(c["corpus_dir"]).name if c.get("corpus_dir") else "",
        metrics={n: m.get(n) for n in HEADLINE},
        access=r.get("access") if isinstance(r.get("access"), dict) else None,
    )


def list_runs(dirs: list[Path]) -> History:
    """Every run folder directly inside ``dirs`` (missing dirs are fine), newest first; folders
    that are not complete runs come back in ``skipped`` with the reason."""
    runs, skipped, seen = [], [], set()
    for d in dirs:
        if not Path(d).is_dir() or Path(d).resolve() in seen:
            continue
        seen.add(Path(d).resolve())
        for p in sorted(Path(d).iterdir()):
            if not p.is_dir() or p.name.startswith("."):  # .running-*: a run in progress
                continue
            f = p / "results.json"
            try:
                st = f.stat()
                runs.append(_summary(p, (st.st_mtime_ns, st.st_size)))
            except FileNotFoundError:
                skipped.append(Skipped(p, "没有 results.json（运行未完成或不是评测结果）"))
            except (OSError, RunError) as e:
                skipped.append(Skipped(p, str(e)))
    runs.sort(key=lambda r: (r.created, r.path.name), reverse=True)
    return History(runs, skipped)


def delete_run(run: RunSummary, settings: Settings) -> list[Path]:
    """Remove a run folder, and the eval store it asked when no other run uses it (its
    ingested copy of a dataset's corpus, and the staged files): a run's documents leave
    with it. The folders removed."""
    from evals.run_access import MAIN, store_home

    removed = [run.path]
    shutil.rmtree(run.path)
    runs = list_runs([*run_dirs(settings), run.path.parent]).runs
    store = (run.access or {}).get("store", MAIN)
    others = {(r.access or {}).get("store") for r in runs if r.path != run.path}
    home = store_home(settings, store) if store != MAIN and store not in others else None
    if home is not None and home.is_dir():
        shutil.rmtree(home)
        removed.append(home)
    staged = str((run.access or {}).get("staged") or "")
    used = {(r.access or {}).get("staged") for r in runs if r.path != run.path}
    if re.fullmatch(r"[0-9a-f]{16}", staged) and staged not in used:
        folder = settings.home / STAGED / staged
        if folder.is_dir():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def history_rows(runs: list[RunSummary]) -> list[dict]:
    """One row per run for the history table (metrics under their Chinese names)."""
    return [
        {"时间": r.created, "问题集": r.dataset, "预设": zh.preset(r.preset), "k": r.k,
         "设置摘要": r.digest, "题数": r.questions, "未完全正确": r.failed,
         **{zh.metric(n): r.metrics.get(n) for n in HEADLINE}, "自带语料": r.corpus,
         "运行者": (r.access or {}).get("made_by", "—"), "目录": r.path.name}
        for r in runs
    ]  # fmt: skip


def question_rows(results: dict) -> list[dict]:
    """Per-question table, failures first: not fully correct, then passed with a complaint
    (e.g. evidence not retrieved), then clean passes; dataset order within each. Statuses,
    reasons and score names in Chinese (kb.core.zh_eval)."""
    order = sorted(
        enumerate(results["questions"]),
        key=lambda iq: (bool(iq[1]["fully_correct"]), not iq[1]["reasons"], iq[0]),
    )
    return [
        {"id": q["id"], "问题": q["question"],
         "结果": "通过" if q["fully_correct"] else "未通过",
         "状态": zh.status(q.get("status", "")), "应回答": q.get("answerable", True),
         "原因": _reasons(q), **{zh.score(k): q.get(k) for k in zh.QUESTION_SCORES}}
        for _, q in order
    ]  # fmt: skip


def delta_rows(comparison: dict) -> list[dict]:
    """The metric deltas of evals.report.compare() as table rows, each metric by its Chinese
    name and what it measures (metrics neither run has are left out)."""
    return [
        {
            "指标": zh.metric(d["metric"]),
            "A": d["a"],
            "B": d["b"],
            "Δ (B−A)": d["delta"],
            "说明": zh.metric_help(d["metric"]),
        }
        for d in comparison["deltas"]
        if d["a"] is not None or d["b"] is not None
    ]


def flip_rows(comparison: dict) -> dict[str, list[dict]]:
    """Questions that flipped between the runs, with the reasons each run gave."""
    qa = {q["id"]: q for q in comparison["a"]["questions"]}
    qb = {q["id"]: q for q in comparison["b"]["questions"]}

    def rows(ids):
        return [
            {"id": i, "问题": qb[i]["question"], "原因（A）": _reasons(qa[i]),
             "原因（B）": _reasons(qb[i])}
            for i in ids
        ]  # fmt: skip

    return {
        "通过 → 未通过": rows(comparison["pass_to_fail"]),
        "未通过 → 通过": rows(comparison["fail_to_pass"]),
    }


def _reasons(q: dict) -> str:
    return "；".join(zh.reason(r) for r in q["reasons"])
