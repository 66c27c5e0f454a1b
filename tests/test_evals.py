"""Eval suite: metrics on hand-made cases with known values, dataset validation, the runner on
the real corpus, reports and run comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedders import HASH

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
from kb.core.text import norm
from tests.conftest import CORPUS, ROOT, make_settings, settings_env

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


# ------------------------------------------------------- datasets that bring their own corpus
LAKE = (
    "青松湖示范区概况\n\n2031年，青松湖示范区设立了量子材料联合实验室，总投资18亿元。"
    "该实验室由三省一市共同建设。\n"
)
RIVER = "白鹭河流域治理\n\n白鹭河流域治理工程于2029年完成，共修复湿地4200公顷。\n"
OWN_QUESTIONS = """\
- id: lake
  question: 青松湖示范区设立了什么实验室？
  must: [[量子材料联合实验室]]
  evidence: [青松湖示范区设立了量子材料联合实验室]
- id: river
  question: 白鹭河流域治理工程修复了多少湿地？
  must: [['4200公顷']]
"""


def _own_corpus(folder, files: dict[str, str]):
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.yaml").write_text(
        "documents:\n" + "".join(f"- file: {n}\n  id: own-{n.split('.')[0]}\n" for n in files),
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def own_dataset(tmp_path):
    """A dataset whose corpus (two documents written here, in no other corpus) sits beside it,
    and settings whose own corpus is an empty folder."""
    from tests.conftest import make_settings

    ds_dir = tmp_path / "ds"
    _own_corpus(ds_dir / "docs", {"lake.txt": LAKE, "river.txt": RIVER})
    ds = ds_dir / "own.yaml"
    ds.write_text("corpus: docs\nquestions:\n" + OWN_QUESTIONS, encoding="utf-8")
    (tmp_path / "main").mkdir()
    s = make_settings(
        tmp_path / "kb", corpus_dir=tmp_path / "main", project_root=tmp_path, embed_model=HASH,
        eval_corpus_roots=[Path("ds")],  # registered: datasets may bring corpora from there
    )  # fmt: skip
    return ds, s


def test_dataset_with_corpus_resolves_its_folder_against_the_file(tmp_path, monkeypatch):
    from evals.dataset import read_dataset

    (tmp_path / "sets" / "docs").mkdir(parents=True)
    p = tmp_path / "sets" / "q.yaml"
    p.write_text("corpus: docs\nquestions:\n" + OWN_QUESTIONS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # relative to the dataset file, not to the working directory
    ds = read_dataset(p.relative_to(tmp_path))
    assert ds.corpus == (tmp_path / "sets" / "docs").resolve()
    assert [i.id for i in ds.items] == ["lake", "river"]
    assert [i.id for i in load_dataset(p)] == ["lake", "river"]  # the list API is unchanged
    assert read_dataset(DATASET).corpus is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("corpus: nowhere\nquestions: []\n", r"q.yaml:1: field 'corpus': folder not found"),
        ("corpus: [a, b]\nquestions: []\n", r"q.yaml:1: field 'corpus': not found: .*a, .*b"),
        ("corpus: 3\nquestions: []\n", r"q.yaml:1: field 'corpus': expected a folder path"),
        ("corpus: docs\nquestion: []\n", r"q.yaml:2: field 'question': unknown top-level field"),
        ("corpus: docs\nquestions: {a: 1}\n", r"q.yaml:2: field 'questions': expected a list"),
        (
            "corpus: docs\nquestions:\n- id: a\n  question: 问\n  answer: x\n",
            r"q.yaml:5: item 1 \(a\), field 'answer': unknown field",
        ),
    ],
)
def test_dataset_with_corpus_errors_name_line_and_field(tmp_path, text, message):
    (tmp_path / "docs").mkdir()
    p = tmp_path / "q.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(p)


def test_runner_asks_the_datasets_own_corpus_and_caches_its_ingest(own_dataset, monkeypatch):
    import ingest.pipeline
    from evals.runner import CORPUS_MARKER, evaluate

    ds, s = own_dataset
    res, out = evaluate(ds, s, out_dir=ds.parent / "run1")
    c = res["config"]
    home = s.home / "eval-corpora"
    assert c["corpus_dir"] == "ds/docs"  # relative to the project: no server paths
    assert c["corpus_home"].startswith("eval-corpora/") and c["corpus_ingested"] is True
    assert c["ingest"]["added"] == 2 and res["corpus"]["documents"] == 2
    assert not s.catalog_path.exists()  # the configured knowledge base was not touched
    rows = {r["id"]: r for r in res["questions"]}
    assert rows["lake"]["status"] == "answered" and rows["lake"]["must"] == [True]
    assert rows["lake"]["citations"][0]["doc_id"] == "own-lake"  # the corpus's manifest is used
    assert "语料目录" in (out / "report.md").read_text(encoding="utf-8")

    marker = next(home.glob(f"*/{CORPUS_MARKER}"))
    stamp = marker.stat().st_mtime_ns

    def no_ingest(*a, **kw):
        raise AssertionError("the cached corpus was ingested again")

    monkeypatch.setattr(ingest.pipeline, "ingest", no_ingest)
    res2, _ = evaluate(ds, s, out_dir=ds.parent / "run2")
    assert res2["config"]["corpus_ingested"] is False
    assert res2["config"]["corpus_home"] == c["corpus_home"]
    assert marker.stat().st_mtime_ns == stamp and len(list(home.iterdir())) == 1
    assert res2["metrics"]["must_recall"] == res["metrics"]["must_recall"]

    # changed content is another corpus: a home of its own, ingested afresh
    (ds.parent / "docs" / "river.txt").write_text(RIVER + "补充说明。\n", encoding="utf-8")
    monkeypatch.undo()
    res3, _ = evaluate(ds, s, out_dir=ds.parent / "run3")
    assert res3["config"]["corpus_ingested"] is True and len(list(home.iterdir())) == 2


def test_eval_run_corpus_option_overrides_the_datasets_corpus(own_dataset, monkeypatch):
    ds, s = own_dataset
    # the dataset names a corpus without the answers; --corpus gives the one that has them
    _own_corpus(ds.parent / "other", {"other.txt": "无关文档\n\n这里只谈论天气。\n"})
    ds.write_text("corpus: other\nquestions:\n" + OWN_QUESTIONS, encoding="utf-8")
    settings_env(monkeypatch, s)
    out = ds.parent / "run"
    args = ["eval", "run", str(ds), "--out", str(out), "--corpus", str(ds.parent / "docs")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "本次导入" in r.output and "lead_correct" in r.output
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert res["config"]["corpus_dir"] == "ds/docs"
    assert res["corpus"]["documents"] == 2 and res["metrics"]["must_recall"] == 1.0
    assert not s.catalog_path.exists()
    r = CliRunner().invoke(main, args[:4] + [str(ds.parent / "run2")] + args[5:])
    assert r.exit_code == 0 and "沿用已导入" in r.output, r.output
    r = CliRunner().invoke(main, args[:-1] + [str(ds.parent / "nowhere")])
    assert r.exit_code != 0 and "nowhere" in r.output


# ----------------------------------------------------------- lead, refusals, answer length
@pytest.mark.parametrize(
    "answer, lead",
    [
        ("总投资30亿元。[1]项目于2020年开工。[2]", "总投资30亿元。"),
        (
            "语料中共找到 2 条相关记载：\n1. 甲协议于2018年签署。[1]\n2. 乙协议。[2]",
            "甲协议于2018年签署。",
        ),
        (
            "Found 2 relevant records in the (Chinese) corpus:\n1. 甲协议签署。[1]\n2. 乙。[2]",
            "甲协议签署。",
        ),
        ("From the (Chinese) sources: 总投资30亿元。[1]其他。[2]", "总投资30亿元。"),
        ("2018年，三省一市签署协议。[1]", "2018年，三省一市签署协议。"),
        ("", ""),
    ],
)
def test_lead_sentence(answer, lead):
    from evals.metrics import lead_sentence

    assert lead_sentence(answer) == lead


def test_lead_refusal_and_length_metrics_on_known_rows():
    from evals.metrics import answer_chars, lead_correct
    from evals.runner import METRIC_GROUPS, aggregate

    must = [["30亿元", "三十亿元"], ["2020年"]]
    assert lead_correct("总投资３０亿元。[1]于2020年开工。[2]", "answered", must) == 1.0
    assert lead_correct("项目于2020年开工。[1]总投资30亿元。[2]", "answered", must) == 0.0
    assert lead_correct("语料无法回答这个问题：总投资30亿元", "not_found", must) == 0.0
    assert answer_chars("总投资 30 亿元。[1]") == 8

    def row(answerable, status, **kw):
        return {"answerable": answerable, "status": status, "fully_correct": True,
                "citations_valid": [], "timings_ms": {}, **kw}  # fmt: skip

    rows = [
        row(True, "answered", lead_correct=1.0, answer_chars=10),
        row(True, "answered", lead_correct=0.0, answer_chars=40),
        row(True, "not_found", lead_correct=0.0),
        row(True, "answered", answer_chars=100),  # no must groups: not in lead_correct
        row(False, "not_found"),
        row(False, "answered", answer_chars=20),
    ]
    m = aggregate(rows)
    assert m["lead_correct"] == pytest.approx(1 / 3)
    assert m["false_refusal_rate"] == pytest.approx(1 / 4)
    assert m["answer_chars_p50"] == 20 and m["answer_chars_mean"] == pytest.approx(42.5)
    assert aggregate([row(False, "not_found")])["false_refusal_rate"] is None
    assert aggregate([row(False, "not_found")])["answer_chars_p50"] is None
    names = [n for ns in METRIC_GROUPS.values() for n in ns]
    for n in ("lead_correct", "false_refusal_rate", "answer_chars_p50", "answer_chars_mean"):
        assert n in names and n in m


# ------------------------------------------------------------------------- CMRC builder
def _tiny_cmrc(path):
    """40 passages; answers include a JSON number, added punctuation, a span crossing a
    sentence end, and an annotator answer that is not in the passage."""
    data = []
    for i in range(40):
        name = f"镜湖{i}号"
        text = (
            f"{name}是一座人工湖。它位于青松县，面积{i + 2}平方公里。"
            f"湖边建有{i}座观景亭，每年吸引游客{i * 1000 + 5}人次。"
        )
        data.append(
            {
                "context_id": f"TINY_{i}",
                "title": name,
                "context_text": text,
                "qas": [
                    {"query_id": f"TINY_{i}_QUERY_0", "query_text": f"{name}位于哪里？",
                     "answers": ["青松县", "青松县。", "位于青松县"]},
                    {"query_id": f"TINY_{i}_QUERY_1", "query_text": f"{name}面积多大？",
                     "answers": [float(i + 2), f"{i + 2}平方公里", "不在文中的答案"]},
                    {"query_id": f"TINY_{i}_QUERY_2", "query_text": f"{name}是什么？",
                     "answers": ["人工湖。它位于青松县"]},
                ],
            }
        )  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (path.parent / "LICENCE").write_text("CC BY-SA 4.0 (test copy)\n", encoding="utf-8")
    return data


def _check_cmrc(out, passages: dict[str, str] | None) -> dict[str, dict]:
    """Invariants of a built CMRC folder (with the source passages when given); returns per
    split the pooled and withheld passages and the items."""
    import yaml

    from evals.dataset import read_dataset

    seen: dict[str, str] = {}
    splits = {}
    for split in ("train", "dev", "test"):
        ds = read_dataset(out / f"{split}.yaml")
        assert ds.corpus == (out / "corpus" / split).resolve()
        files = {f.stem: f.read_text(encoding="utf-8") for f in ds.corpus.glob("*.txt")}
        manifest = yaml.safe_load((ds.corpus / "manifest.yaml").read_text(encoding="utf-8"))
        assert sorted(e["file"] for e in manifest["documents"]) == sorted(f"{c}.txt" for c in files)
        withheld = set()
        for it in ds.items:
            cid = it.id.rsplit("_QUERY_", 1)[0]
            if it.answerable:
                assert it.tags == ["cmrc", cid] and len(it.must) == 1 and it.evidence
                text = files[cid]
                assert passages is None or text == passages[cid]  # verbatim
                for alt in it.must[0]:
                    assert norm(alt) in norm(text), (it.id, alt)
                assert norm(it.evidence[0]) in norm(text) and it.reference_answer == it.must[0][0]
            else:
                assert it.tags == ["cmrc", "withheld"] and not it.must and not it.evidence
                withheld.add(cid)
        assert not withheld & set(files)  # a withheld passage is not in the corpus
        for cid in [*files, *withheld]:  # every passage in exactly one split
            assert cid not in seen, (cid, seen.get(cid), split)
            seen[cid] = split
        splits[split] = {"pooled": set(files), "withheld": withheld, "items": ds.items}
    assert passages is None or set(seen) == set(passages)
    return splits


def test_build_cmrc_on_a_tiny_source(tmp_path):
    from evals.build_cmrc import build, is_withheld, split_of

    src = tmp_path / "src" / "cmrc.json"
    src.parent.mkdir()
    data = _tiny_cmrc(src)
    passages = {p["context_id"]: p["context_text"] for p in data}
    stats = build(src, tmp_path / "out")
    splits = _check_cmrc(tmp_path / "out", passages)
    for split, got in splits.items():
        assert got["pooled"] == {c for c in passages if split_of(c) == split and not is_withheld(c)}
        assert got["withheld"] == {c for c in passages if split_of(c) == split and is_withheld(c)}
        assert stats[split].pooled == len(got["pooled"])
        assert stats[split].unanswerable == 3 * len(got["withheld"])
    assert all(s.withheld for s in stats.values()) and all(s.pooled for s in stats.values())
    items = {it.id: it for s in splits.values() for it in s["items"]}
    some = next(iter(splits["train"]["pooled"]))
    q0, q1, q2 = (items[f"{some}_QUERY_{j}"] for j in range(3))
    i = int(some.split("_")[1])
    assert q0.must == [["青松县", "位于青松县"]] and q0.evidence == [
        "它位于青松县，面积" + f"{i + 2}平方公里。"
    ]
    assert q1.must == [[str(i + 2), f"{i + 2}平方公里"]]  # 12.0 -> "12"; the stray answer left out
    assert q2.evidence == ["人工湖。它位于青松县"]  # crosses a sentence end: the span itself
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme or "Attribution-ShareAlike 4.0" in readme
    assert (tmp_path / "out" / "LICENCE").exists()
    # deterministic: a second build writes the same bytes
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    build(src, tmp_path / "out")
    assert before == {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}


def test_committed_cmrc_datasets():
    """The generated files in the tree keep the builder's invariants (against the source
    passages when ../shared holds them) and the README's counts."""
    out = ROOT / "evals" / "datasets" / "cmrc"
    src = ROOT.parent / "shared" / "datasets" / "cmrc2018" / "cmrc2018_dev.json"
    passages = None
    if src.exists():
        data = json.loads(src.read_text(encoding="utf-8"))
        passages = {p["context_id"]: p["context_text"] for p in data}
    splits = _check_cmrc(out, passages)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "ymcui/cmrc2018" in readme and "Cui" in readme and (out / "LICENCE").exists()
    for split, got in splits.items():
        answerable = sum(it.answerable for it in got["items"])
        row = (
            f"| {split} | {len(got['pooled'])} | {len(got['withheld'])} | {answerable} | "
            f"{len(got['items']) - answerable} |"
        )
        assert row in readme


def test_a_dataset_lists_its_documents_where_they_lie(tmp_path):
    """``corpus: [files and folders]`` (documents read from ../shared, never copied into the
    project): the runner stages copies into one folder under KB_HOME, keyed by their bytes."""
    from evals.dataset import read_dataset
    from evals.runner import stage_corpus

    shared = tmp_path / "shared"
    (shared / "docs").mkdir(parents=True)
    (shared / "docs" / "a.txt").write_text("甲文件。", encoding="utf-8")
    (shared / "docs" / "b.txt").write_text("乙文件，不在列表里。", encoding="utf-8")
    base = tmp_path / "base"
    base.mkdir()
    (base / "manifest.yaml").write_text("documents: []\n", encoding="utf-8")
    (base / "c.md").write_text("# 丙\n", encoding="utf-8")
    ds_file = tmp_path / "evals" / "set.yaml"
    ds_file.parent.mkdir()
    ds_file.write_text(
        "corpus:\n  - ../base\n  - ../shared/docs/a.txt\nquestions:\n- id: q\n  question: 甲？\n",
        encoding="utf-8",
    )
    ds = read_dataset(ds_file)
    assert ds.corpus is None and [p.name for p in ds.corpus_parts] == ["base", "a.txt"]
    settings = make_settings(tmp_path / "kb")
    staged = stage_corpus(ds.corpus_parts, settings)
    files = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
    assert files == [".complete", "base/c.md", "base/manifest.yaml", "docs/a.txt"]
    assert stage_corpus(ds.corpus_parts, settings) == staged  # unchanged: the same stage
    (shared / "docs" / "a.txt").write_text("甲文件，改过。", encoding="utf-8")
    assert stage_corpus(ds.corpus_parts, settings) != staged
