"""evals/history.py: finding, summarising and loading past eval runs, and the app's tables."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from evals.history import (
    APP_RUNS,
    RunError,
    bundled_datasets,
    dataset_name,
    delta_rows,
    flip_rows,
    list_runs,
    load_run,
    new_run_dir,
    question_rows,
    run_dirs,
    run_into,
    settings_digest,
)
from evals.report import compare
from kb.cli import main
from tests.conftest import ROOT, make_settings


def _q(qid: str, ok: bool, reasons: tuple[str, ...] = ()) -> dict:
    return {"id": qid, "question": f"问题{qid}", "fully_correct": ok, "reasons": list(reasons),
            "status": "answered", "answerable": True}  # fmt: skip


def _results(created: str, questions: list[dict], k: int = 6, **config) -> dict:
    settings = config.pop("settings", {"home": "/a", "retrieval": {"k": 6}, "embed_model": "e5"})
    return {
        "created": created,
        "config": {"dataset": "evals/datasets/yrd.yaml", "preset": "default", "k": k,
                   "settings": settings, **config},
        "metrics": {"fully_correct": sum(q.get("fully_correct", 0) for q in questions) / len(questions),
                    "hit@5": 0.5, "mrr": None},
        "questions_total": len(questions),
        "questions": questions,
    }  # fmt: skip


def _write(folder, results) -> None:
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False), "utf-8")


def test_list_runs_newest_first_across_folders_and_skips_broken_ones(tmp_path):
    app, cli = tmp_path / "app", tmp_path / "cli"
    _write(app / "old", _results("2025-01-01T09:00:00", [_q("a", True), _q("b", False)]))
    _write(cli / "new", _results("2025-03-01T09:00:00", [_q("a", True)], k=3))
    _write(app / ".running-x", _results("2025-04-01T00:00:00", [_q("a", True)]))  # in progress
    (app / "empty").mkdir()
    (app / "garbled").mkdir()
    (app / "garbled" / "results.json").write_text("{", "utf-8")
    _write(app / "list", [])
    _write(app / "bad-question", _results("2025-02-01T00:00:00", [{"id": "a"}]))
    (app / "stray.txt").write_text("not a run", "utf-8")

    h = list_runs([app, cli, tmp_path / "missing", app])  # a folder twice is listed once
    assert [r.path.name for r in h.runs] == ["new", "old"]
    old = h.runs[1]
    assert (old.dataset, old.preset, old.k, old.questions, old.failed) == (
        "yrd.yaml",
        "default",
        6,
        2,
        1,
    )
    assert old.created == "2025-01-01 09:00:00" and old.metrics["fully_correct"] == 0.5
    assert old.metrics["mrr"] is None and "lead_correct" in old.metrics
    assert "yrd.yaml" in old.label and "k=6" in old.label
    skipped = {s.path.name: s.reason for s in h.skipped}
    assert set(skipped) == {"empty", "garbled", "list", "bad-question"}
    assert "results.json" in skipped["empty"] and "not an eval results file" in skipped["garbled"]
    assert "question 1 lacks" in skipped["bad-question"]


def test_summary_follows_a_rewritten_results_file(tmp_path):
    _write(tmp_path / "r", _results("2025-01-01T09:00:00", [_q("a", False)]))
    assert list_runs([tmp_path]).runs[0].failed == 1
    f = tmp_path / "r" / "results.json"
    f.write_text(json.dumps(_results("2025-01-01T09:00:00", [_q("a", True), _q("b", True)])))
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    (run,) = list_runs([tmp_path]).runs
    assert (run.questions, run.failed) == (2, 0)
    f.write_text("[")  # broken after being listed: now skipped, not served from the cache
    assert not list_runs([tmp_path]).runs and len(list_runs([tmp_path]).skipped) == 1


def test_settings_digest_ignores_locations_but_not_what_answers():
    base = {"k": 6, "settings": {"home": "/a", "corpus_dir": "/c", "retrieval": {"k": 6}}}
    moved = {"k": 6, "settings": {"home": "/b", "corpus_dir": "/d", "retrieval": {"k": 6}}}
    assert settings_digest(base) == settings_digest(moved) and len(settings_digest(base)) == 8
    assert settings_digest(base) != settings_digest(base | {"k": 3})
    other = {"k": 6, "settings": {"home": "/a", "retrieval": {"k": 6, "fusion": "rrf"}}}
    assert settings_digest(base) != settings_digest(other)


def test_load_run_reads_a_folder_or_a_file_and_names_what_is_wrong(tmp_path):
    r = _results("2025-01-01T09:00:00", [_q("a", True)])
    _write(tmp_path / "r", r)
    assert load_run(tmp_path / "r") == r == load_run(tmp_path / "r" / "results.json")
    with pytest.raises(RunError, match="missing"):
        load_run(tmp_path / "nowhere")
    (tmp_path / "x.json").write_text(json.dumps({"config": {}, "metrics": {}}))
    with pytest.raises(RunError, match=r"x.json: not an eval results file \(no 'questions'\)"):
        load_run(tmp_path / "x.json")
    # `kb eval compare` says the same, as one clean error
    out = CliRunner().invoke(
        main, ["eval", "compare", str(tmp_path / "r"), str(tmp_path / "x.json")]
    )
    assert out.exit_code == 1 and "no 'questions'" in out.output and "Traceback" not in out.output


def test_new_run_dir_never_reuses_a_folder(tmp_path):
    a = new_run_dir(tmp_path / "runs", tmp_path / "tiny.yaml", "default")
    b = new_run_dir(tmp_path / "runs", tmp_path / "tiny.yaml", "default")
    assert a != b and a.is_dir() and b.is_dir() and a.name.startswith("tiny-default-")


def test_run_into_publishes_complete_runs_only(tmp_path):
    root = tmp_path / "runs"

    def ok(folder):
        (folder / "results.json").write_text("{}")
        return {"done": True}

    results, out = run_into(root, tmp_path / "tiny.yaml", "default", ok)
    assert results == {"done": True} and (out / "results.json").is_file()
    assert [p.name for p in root.iterdir()] == [out.name]

    def boom(folder):
        (folder / "report.md").write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        run_into(root, tmp_path / "tiny.yaml", "default", boom)
    assert [p.name for p in root.iterdir()] == [out.name]  # nothing left behind


def test_run_dirs_and_bundled_datasets(tmp_path):
    s = make_settings(tmp_path / "kb", project_root=tmp_path)
    assert run_dirs(s) == [tmp_path / "kb" / APP_RUNS, tmp_path / "evals" / "runs"]
    names = [dataset_name(str(p)) for p in bundled_datasets()]
    assert names[0] == "yrd.yaml" and {"cmrc/dev.yaml", "cmrc/test.yaml", "cmrc/train.yaml"} <= set(
        names
    )
    assert not any("manifest" in n or n.startswith("cmrc/corpus") for n in names)
    assert dataset_name("/elsewhere/checkout/evals/datasets/cmrc/dev.yaml") == "cmrc/dev.yaml"
    assert dataset_name(str(ROOT / "evals" / "datasets" / "yrd.yaml")) == "yrd.yaml"
    assert dataset_name("/tmp/eval-upload-x/mine.jsonl") == "mine.jsonl"


def test_question_rows_put_failures_first():
    res = _results("t", [_q("ok", True), _q("warn", True, ("no citation carries the evidence",)),
                         _q("bad", False, ("answer lacks: x",)), _q("bad2", False)])  # fmt: skip
    rows = question_rows(res)
    assert [r["id"] for r in rows] == ["bad", "bad2", "warn", "ok"]
    assert [r["结果"] for r in rows] == ["未通过", "未通过", "通过", "通过"]
    assert rows[0]["原因"] == "回答缺少要点：x"


def test_delta_and_flip_rows_from_compare():
    a = _results("t1", [_q("q1", True), _q("q2", False, ("answer lacks: y",)), _q("q3", True)])
    b = _results("t2", [_q("q1", False, ("answer lacks: z",)), _q("q2", True), _q("q3", True)])
    b["metrics"]["hit@5"] = 0.75
    c = compare(a, b)
    deltas = {r["指标"]: r for r in delta_rows(c)}
    assert deltas["前5命中率"]["Δ (B−A)"] == pytest.approx(0.25)
    assert "平均倒数排名" not in deltas  # neither run has it
    flips = flip_rows(c)
    assert [r["id"] for r in flips["通过 → 未通过"]] == ["q1"]
    assert flips["通过 → 未通过"][0]["原因（B）"] == "回答缺少要点：z"
    assert [r["id"] for r in flips["未通过 → 通过"]] == ["q2"]
    assert flips["未通过 → 通过"][0]["原因（A）"] == "回答缺少要点：y"
