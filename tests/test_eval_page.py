"""The 评测 page driven headless with AppTest: runs saved to the history, one run opened,
two compared, broken run folders skipped, and a dataset that brings its own corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import evals.history
from app.evalview import UPLOAD
from evals.history import APP_RUNS
from tests.conftest import ROOT, settings_env
from tests.evalruns import private_home, tiny_dataset
from tests.test_evals import LAKE, OWN_QUESTIONS, RIVER, _own_corpus

PAGE = str(ROOT / "app" / "views" / "2_评测.py")


@pytest.fixture
def eval_settings(corpus_settings, monkeypatch, tmp_path):
    s = private_home(corpus_settings, tmp_path / "kb")
    settings_env(monkeypatch, s)
    return s


def _frame(at, column: str, nth: int = 0):
    """The nth dataframe on the page that has ``column``."""
    return [d.value for d in at.dataframe if column in d.value.columns][nth]


def _help(at, column: str) -> dict[str, str]:
    """Column -> its hover text, in the dataframe that has ``column``."""
    frame = next(d for d in at.dataframe if column in d.value.columns)
    return {c: v.get("help", "") for c, v in json.loads(frame.proto.columns or "{}").items()}


def _run_upload(at, name: str, data: bytes, k: int) -> str:
    at.selectbox(key="eval_dataset").set_value(UPLOAD).run()
    at.file_uploader[0].set_value((name, data, "application/x-yaml"))
    at.number_input(key="eval_k").set_value(k)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("评测完成" in s.value for s in at.success), [e.value for e in at.error]
    return at.session_state["eval_open"]


def test_history_open_and_compare_two_runs(eval_settings, tmp_path):
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert not at.exception
    labels = at.selectbox(key="eval_dataset").options
    assert labels[0] == "yrd.yaml"
    assert {"cmrc/dev.yaml", "cmrc/test.yaml", "cmrc/train.yaml"} <= set(labels)

    ds = tiny_dataset(tmp_path / "tiny.yaml")
    run1 = _run_upload(at, "tiny.yaml", ds.read_bytes(), k=6)
    ds = tiny_dataset(tmp_path / "tiny.yaml", flipped=True)  # edited between the runs
    run2 = _run_upload(at, "tiny.yaml", ds.read_bytes(), k=3)
    runs_root = eval_settings.home / APP_RUNS
    assert {p.name for p in runs_root.iterdir()} == {Path(run1).name, Path(run2).name}

    hist = _frame(at, "设置摘要")
    mine = hist[hist["目录"].isin({Path(run1).name, Path(run2).name})]
    assert list(mine["目录"]) == [Path(run2).name, Path(run1).name]  # newest first
    assert str(tmp_path) not in " ".join(s.value for s in at.success)  # no server paths
    assert set(mine["问题集"]) == {"tiny.yaml"} and list(mine["题数"]) == [3, 3]
    assert list(mine["k"]) == [3, 6] and mine["设置摘要"].nunique() == 2
    a = json.loads((runs_root / run1 / "results.json").read_text(encoding="utf-8"))
    assert mine["完全正确率"].iloc[1] == pytest.approx(a["metrics"]["fully_correct"])

    # metrics by their Chinese names, each explained on hover; statuses in Chinese
    english = {"fully_correct", "hit@5", "mrr", "lead_correct", "RR", "ROUGE-L", "must 召回"}
    assert not english & set(hist.columns) and _help(at, "设置摘要")["前5命中率"]
    headline = {m.label: m.proto.help for m in at.metric}
    assert set(headline) >= {"完全正确率", "前5命中率", "平均倒数排名", "拒答召回率"}
    assert all(headline.values()) and "前 5 个检索段落" in headline["前5命中率"]
    metrics = _frame(at, "组")
    assert "完全正确率" in set(metrics["指标"]) and not {"hit@5", "mrr"} & set(metrics["指标"])
    assert set(metrics["组"]) == {"检索", "回答", "引用", "回答长度（字）", "耗时（毫秒）"}
    per_question = _frame(at, "首句正确")
    assert not english & set(per_question.columns) and _help(at, "首句正确")["前5命中"]
    assert set(per_question["状态"]) <= {"已回答", "已拒答"} and _help(at, "首句正确")["状态"]
    assert set(mine["预设"]) == {"默认（抽取式）"}

    # the run just made is open, failures first: gov failed in the edited dataset
    questions = _frame(at, "首句正确")
    assert questions["id"].iloc[0] == "gov" and questions["结果"].iloc[0] == "未通过"
    assert list(questions["结果"])[-1] == "通过"
    at.selectbox(key="eval_open").set_value(run1).run()
    questions = _frame(at, "首句正确")
    assert list(questions["id"])[0] == "gov2"  # last in the dataset, first as the failure
    assert questions["原因"].iloc[0].startswith("回答缺少要点：火星基地")
    assert any(e.label.startswith("gov2") for e in at.expander)

    # compare: A is the older run, B the newer
    assert at.selectbox(key="eval_a").value == run1 and at.selectbox(key="eval_b").value == run2
    b = json.loads((runs_root / run2 / "results.json").read_text(encoding="utf-8"))
    deltas = _frame(at, "Δ (B−A)").set_index("指标")
    for key, name in (("fully_correct", "完全正确率"), ("must_recall", "要点召回率"),
                      ("latency_total_p50_ms", "总耗时中位数")):  # fmt: skip
        assert deltas.loc[name, "A"] == pytest.approx(a["metrics"][key])
        assert deltas.loc[name, "B"] == pytest.approx(b["metrics"][key])
        assert deltas.loc[name, "Δ (B−A)"] == pytest.approx(b["metrics"][key] - a["metrics"][key])
        assert deltas.loc[name, "说明"]  # what it measures, in a sentence
    broke, fixed = _frame(at, "原因（B）", 0), _frame(at, "原因（B）", 1)
    assert "gov" in list(broke["id"]) and "gov2" not in list(broke["id"])
    assert "gov2" in list(fixed["id"]) and "gov" not in list(fixed["id"])
    heads = [s.value for s in at.subheader]
    assert f"通过 → 未通过（{len(broke)}）" in heads and f"未通过 → 通过（{len(fixed)}）" in heads


def test_broken_run_folders_are_skipped(eval_settings, tmp_path):
    at = AppTest.from_file(PAGE, default_timeout=300)
    ds = tiny_dataset(tmp_path / "tiny.yaml")
    at.run()
    good = _run_upload(at, "tiny.yaml", ds.read_bytes(), k=6)
    root = eval_settings.home / APP_RUNS
    (root / "half-written").mkdir()  # a run that never got its results.json
    (root / "garbled").mkdir()
    (root / "garbled" / "results.json").write_text('{"config": {', encoding="utf-8")
    (root / "not-a-run").mkdir()
    (root / "not-a-run" / "results.json").write_text('{"questions": []}', encoding="utf-8")
    at.run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    for name in ("half-written", "garbled", "not-a-run"):
        assert f"已跳过 {name}" in warnings
    hist = _frame(at, "设置摘要")
    assert Path(good).name in list(hist["目录"]) and not any(
        n in list(hist["目录"]) for n in ("half-written", "garbled", "not-a-run")
    )
    assert _frame(at, "首句正确")["id"].iloc[0] == "gov2"  # the good run still opens


def test_dataset_that_brings_its_own_corpus(eval_settings, tmp_path, monkeypatch):
    sets = tmp_path / "datasets"
    _own_corpus(sets / "own" / "docs", {"lake.txt": LAKE, "river.txt": RIVER})
    (sets / "own" / "lake.yaml").write_text(
        "corpus: docs\nquestions:\n" + OWN_QUESTIONS, encoding="utf-8"
    )
    monkeypatch.setattr(evals.history, "DATASETS_DIR", sets)  # the page lists these instead
    monkeypatch.setenv("KB_EVAL_CORPUS_ROOTS", json.dumps([str(sets)]))  # registered by admin
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    assert at.selectbox(key="eval_dataset").options == ["own/lake.yaml", UPLOAD]
    assert any("2 题；自带语料" in c.value for c in at.caption)
    at.button[0].click().run()
    assert not at.exception, at.exception
    run = at.session_state["eval_open"]
    res = json.loads((eval_settings.home / APP_RUNS / run / "results.json").read_text("utf-8"))
    assert res["config"]["corpus_dir"] == "docs"  # outside the project: its name alone
    assert res["config"]["corpus_home"].startswith("eval-corpora/")
    lake = next(q for q in res["questions"] if q["id"] == "lake")
    assert lake["fully_correct"] and lake["citations"][0]["doc_id"] == "own-lake"
    hist = _frame(at, "设置摘要")
    assert list(hist[hist["目录"] == Path(run).name]["自带语料"]) == ["docs"]
