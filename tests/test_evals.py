"""Eval suite: metrics on hand-made cases with known values, dataset validation, the runner on
the real corpus, reports and run comparison."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from evals.dataset import DatasetError, load_dataset
from evals.metrics import (
    hit_at,
    must_found,
    ndcg_at,
    percentile,
    reciprocal_rank,
    relevance,
    rouge_l,
    rouge_tokens,
)
from evals.report import compare, compare_text
from kb.cli import main
from kb.text import norm
from tests.conftest import CORPUS, ROOT, settings_env

DATASET = ROOT / "evals" / "datasets" / "yrd.yaml"


def test_bundled_dataset_phrases_exist_in_the_corpus():
    items = load_dataset(DATASET)
    assert len(items) >= 60 and sum(not i.answerable for i in items) >= 6
    assert sum("english" in i.tags for i in items) >= 5
    corpus = "".join(norm(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt"))
    for it in items:
        for e in it.evidence:
            assert norm(e) in corpus, (it.id, e)
        if it.answerable:
            for group in it.must:
                assert any(norm(a) in corpus for a in group), (it.id, group)


def test_retrieval_metrics_known_values():
    rels = relevance(["无关", "指数 262.48 分", "x", "262.48分"], ["262.48分"])
    assert rels == [0, 1, 0, 1]
    assert hit_at(rels, 1) == 0 and hit_at(rels, 2) == 1
    assert reciprocal_rank(rels) == 0.5
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at(rels, 10) == pytest.approx(expected)
    assert ndcg_at([0, 0], 10) == 0.0 and reciprocal_rank([0, 0]) == 0.0


def test_rouge_l_on_chinese():
    ref = "浦东软件园昆山分园总投资30亿元。"
    assert rouge_l(ref, ref) == pytest.approx(1.0)
    assert rouge_l("完全不同的句子", ref) == 0.0
    cand = "昆山分园总投资30亿元[1]"
    assert rouge_tokens(ref) == ["浦东", "软件园", "昆山", "分园", "总", "投资", "30", "亿元"]
    assert rouge_tokens(cand) == ["昆山", "分园", "总", "投资", "30", "亿元"]  # [1] and 。 dropped
    p, r = 6 / 6, 6 / 8  # LCS is the whole candidate
    assert rouge_l(cand, ref) == pytest.approx(2 * p * r / (p + r))


def test_must_matching_ignores_width_spaces_and_separators():
    assert must_found(
        "总投资3,000亿元，达２０００亿[1]", [["3000亿元"], ["2 000亿"], ["不存在"]]
    ) == [True, True, False]
    assert percentile([10, 20, 30, 40], 50) == 20 and percentile([10, 20, 30, 40], 95) == 40


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "- id: a\n  question: 问题\n  answer: 多余\n",
            r"bad.yaml:3: item 1 \(a\), field 'answer': unknown field",
        ),
        (
            "- id: a\n  question: 问\n- id: a\n  question: 答\n",
            r"bad.yaml:3: item 2 \(a\), field 'id': duplicate",
        ),
        ("- id: b\n  question: ''\n", r"bad.yaml:2: item 1 \(b\), field 'question': missing"),
        (
            "- id: c\n  question: 问\n  answerable: maybe\n",
            r"bad.yaml:3: .*'answerable': must be true or false",
        ),
        ("- id: d\n  question: [unclosed\n", r"bad.yaml:\d+: not valid YAML"),
    ],
)
def test_dataset_validation_names_line_and_field(tmp_path, text, message):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(p)


def test_jsonl_dataset_and_its_errors(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text(
        '{"id": "x", "question": "问题", "must": [["a"]]}\n\n{"id": "y", "question": "问"}\n',
        encoding="utf-8",
    )
    assert [i.id for i in load_dataset(p)] == ["x", "y"]
    p.write_text('{"id": "x", "question": "问题"}\nnot json\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="q.jsonl:2: not valid JSON"):
        load_dataset(p)


def _fake_run(passing: dict[str, bool], hit5: float) -> dict:
    qs = [
        {
            "id": i,
            "question": f"问题{i}",
            "fully_correct": ok,
            "reasons": [] if ok else ["answer lacks: x"],
        }
        for i, ok in passing.items()
    ]
    return {
        "metrics": {"hit@5": hit5, "fully_correct": sum(passing.values()) / len(passing)},
        "questions": qs,
    }


def test_compare_reports_deltas_and_flips():
    a = _fake_run({"q1": True, "q2": False, "q3": True}, 0.5)
    b = _fake_run({"q1": False, "q2": True, "q3": True}, 0.75)
    c = compare(a, b)
    assert c["pass_to_fail"] == ["q1"] and c["fail_to_pass"] == ["q2"]
    d = {x["metric"]: x["delta"] for x in c["deltas"]}
    assert d["hit@5"] == pytest.approx(0.25) and d["fully_correct"] == pytest.approx(0.0)
    text = compare_text(c, "A", "B")
    assert "pass → fail (1):\n  q1 问题q1 — answer lacks: x" in text and "+0.250" in text


def test_eval_run_on_the_corpus_and_gates(corpus_settings, monkeypatch, tmp_path):
    settings_env(monkeypatch, corpus_settings)
    out = tmp_path / "run"
    r = CliRunner().invoke(
        main, ["eval", "run", str(DATASET), "--out", str(out), "--fail-under", "hit@5=0.5"]
    )
    assert r.exit_code == 0, r.output
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert res["questions_total"] == len(res["questions"]) >= 60
    m = res["metrics"]
    for name in ("hit@1", "hit@5", "mrr", "ndcg@10", "fully_correct", "must_recall", "rouge_l",
                 "refusal_precision", "refusal_recall", "citation_validity", "citation_support",
                 "latency_total_p95_ms"):  # fmt: skip
        assert m[name] is not None, name
    assert m["citation_validity"] == 1.0
    # a question's row explains itself, and the metrics are consistent with the rows
    rows = res["questions"]
    assert m["fully_correct"] == pytest.approx(sum(r["fully_correct"] for r in rows) / len(rows))
    assert all(r["reasons"] == [] for r in rows if r["fully_correct"] and r.get("supported", True))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "2018年签署了哪些协议" in html and "<script" not in html
    assert "## 检索 retrieval" in (out / "report.md").read_text(encoding="utf-8")

    # an unreachable gate fails the run with exit code 1 and names the metric
    r = CliRunner().invoke(
        main,
        ["eval", "run", str(DATASET), "--out", str(tmp_path / "r2"), "--fail-under", "hit@1=1.01"],
    )
    assert r.exit_code == 1 and "hit@1" in r.output
    r = CliRunner().invoke(
        main,
        ["eval", "run", str(DATASET), "--out", str(tmp_path / "r3"), "--fail-under", "nonsense=1"],
    )
    assert r.exit_code != 0 and "unknown metric 'nonsense'" in r.output

    r = CliRunner().invoke(
        main,
        ["eval", "compare", str(out), str(tmp_path / "r2"), "--html", str(tmp_path / "c.html")],
    )
    assert r.exit_code == 0 and "pass → fail (0)" in r.output
    assert "<table>" in (tmp_path / "c.html").read_text(encoding="utf-8")
