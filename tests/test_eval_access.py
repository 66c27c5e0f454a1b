"""Eval runs are as restricted as the documents they hold: who may list, open, compare and
delete a run, in the library, the command line and the 评测 page; datasets that bring a corpus
read only folders an admin registered, never a path in an uploaded file; results carry no
server paths or credentials.

The store is tests/test_access.py's (two public documents, one for group finance; alice is in
office, bob in finance), with the fast hash embedder: what is judged is who sees what."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from evals.history import APP_RUNS, delete_run, list_runs, run_dirs
from evals.run_access import visible
from evals.runner import CorpusError, evaluate
from kb.cli import main
from kb.knowledge import KnowledgeBase
from tests.conftest import ROOT, settings_env
from tests.test_access import QUESTIONS, build, secret_id

PAGE = str(ROOT / "app" / "views" / "2_评测.py")
SECRET_FACT = "3.7亿元"


def _dataset(path: Path, questions: list[str], corpus: str | None = None) -> Path:
    rows = [{"id": f"q{i}", "question": q} for i, q in enumerate(questions)]
    data = {"corpus": corpus, "questions": rows} if corpus else rows
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = build(tmp_path / "store")
    settings_env(monkeypatch, s)
    for name, groups in (("alice", "office"), ("bob", "finance")):
        r = cli("users", "add", name, "--groups", groups, "--password-stdin", input="pw-12345678\n")
        assert r.exit_code == 0, r.output
    return s


def _names(runs) -> set[str]:
    return {r.path.name for r in runs}


def test_a_run_that_holds_restricted_text_is_shown_only_to_who_may_read_it(store, tmp_path):
    kb = KnowledgeBase.open(store)
    alice, bob = kb.users.principal("alice"), kb.users.principal("bob")
    ds = _dataset(tmp_path / "q.yaml", QUESTIONS)
    runs = store.home / APP_RUNS
    # the operator's run cites the finance document; alice's cites only what she may read
    res_op, op = evaluate(ds, store, out_dir=runs / "by-operator")
    assert SECRET_FACT in (op / "results.json").read_text(encoding="utf-8")
    assert res_op["access"]["made_by"] == "operator"
    assert res_op["access"]["documents"][secret_id(store)] == ["finance"]
    r = cli("eval", "run", str(ds), "--user", "alice", "--out", str(runs / "by-alice"))
    assert r.exit_code == 0, r.output
    mine = json.loads((runs / "by-alice" / "results.json").read_text(encoding="utf-8"))
    assert mine["access"]["made_by"] == "alice" and SECRET_FACT not in json.dumps(mine)

    found = list_runs(run_dirs(store)).runs
    assert _names(visible(found, alice, store)) == {"by-alice"}
    assert _names(visible(found, bob, store)) == {"by-operator", "by-alice"}
    assert _names(visible(found, None, store)) == {"by-operator", "by-alice"}  # the operator

    # the command line applies the same rule to a user
    listed = cli("eval", "list", "--user", "alice")
    assert "by-alice" in listed.output and "by-operator" not in listed.output
    r = cli("eval", "compare", str(op), str(runs / "by-alice"), "--user", "alice")
    assert r.exit_code != 0 and "无权打开这次运行" in r.output and SECRET_FACT not in r.output
    r = cli("eval", "compare", str(op), str(runs / "by-alice"), "--user", "bob")
    assert r.exit_code == 0, r.output

    # access narrowed after the run: the run follows the document
    public = next(d for d in kb.documents() if d.doc_id != secret_id(store))
    assert cli("docs", "access", public.doc_id, "--groups", "finance").exit_code == 0
    assert _names(visible(list_runs(run_dirs(store)).runs, alice, store)) == set()


def test_a_run_that_recorded_no_access_is_for_admins_only(store, tmp_path):
    kb = KnowledgeBase.open(store)
    res, out = evaluate(_dataset(tmp_path / "q.yaml", QUESTIONS[3:]), store)
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    del data["access"]  # as runs made before runs recorded it
    (out / "results.json").write_text(json.dumps(data), encoding="utf-8")
    found = [r for r in list_runs(run_dirs(store)).runs if r.path == out]
    assert visible(found, kb.users.principal("alice"), store) == []
    assert visible(found, None, store) == found


def test_the_eval_page_lists_only_the_runs_a_user_may_open(store, tmp_path):
    kb = KnowledgeBase.open(store)
    evaluate(_dataset(tmp_path / "q.yaml", QUESTIONS), store, out_dir=store.home / APP_RUNS / "op")
    for who, shown in (("alice", False), ("bob", True)):
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.session_state["principal"] = kb.users.principal(who)
        at.run()
        assert not at.exception, at.exception
        frames = [d.value for d in at.dataframe if "设置摘要" in d.value.columns]
        listed = list(frames[0]["目录"]) if frames else []
        assert ("op" in listed) is shown, who
        if not shown:
            assert any("还没有评测记录" in i.value for i in at.info)
            assert SECRET_FACT not in json.dumps([e.label for e in at.expander], ensure_ascii=False)


def test_datasets_bring_corpora_only_from_registered_folders(store, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.txt").write_text("外部目录中的文件。\n", encoding="utf-8")
    ds = _dataset(tmp_path / "q.yaml", ["外部目录中有什么？"], corpus=str(outside))
    with pytest.raises(CorpusError, match="不在管理员登记的语料目录中"):
        evaluate(ds, store)
    s = store.model_copy(update={"eval_corpus_roots": [outside]})
    with pytest.raises(CorpusError, match="上传的问题集不能自带语料"):
        evaluate(ds, s, uploaded=True)  # even a registered folder, when the file was uploaded
    assert not (store.home / "eval-corpora").exists()  # nothing was ingested

    # the page: a signed-in user uploads a dataset naming a server folder
    kb = KnowledgeBase.open(store)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["principal"] = kb.users.principal("alice")
    at.run()
    at.selectbox(key="eval_dataset").set_value("上传文件……").run()
    at.file_uploader[0].set_value(("q.yaml", ds.read_bytes(), "application/x-yaml"))
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("上传的问题集不能自带语料" in e.value for e in at.error)
    assert not (store.home / "eval-corpora").exists() and not list_runs(run_dirs(store)).runs


def test_deleting_the_last_run_of_an_eval_store_deletes_the_store(store, tmp_path):
    docs = tmp_path / "sets" / "docs"
    docs.mkdir(parents=True)
    (docs / "lake.txt").write_text("# 湖泊\n\n明镜湖面积为12平方公里。\n", encoding="utf-8")
    ds = _dataset(tmp_path / "sets" / "q.yaml", ["明镜湖面积是多少？"], corpus="docs")
    s = store.model_copy(update={"eval_corpus_roots": [tmp_path / "sets"]})
    _, one = evaluate(ds, s, out_dir=s.home / APP_RUNS / "one")
    _, two = evaluate(ds, s, out_dir=s.home / APP_RUNS / "two")
    eval_store = next((s.home / "eval-corpora").iterdir())
    by_name = {r.path.name: r for r in list_runs(run_dirs(s)).runs}
    assert delete_run(by_name["one"], s) == [one]  # "two" still asks that store
    assert eval_store.is_dir() and not one.exists()
    assert delete_run(by_name["two"], s) == [two, eval_store]
    assert not eval_store.exists()


def test_results_hold_no_server_paths_or_credentials(store, tmp_path):
    s = store.model_copy(
        update={"llm_base_url": "https://ops:hunter2@llm.internal:8443/v1?api_key=k-123"}
    )
    _, out = evaluate(_dataset(tmp_path / "q.yaml", QUESTIONS[3:]), s)
    for name in ("results.json", "report.html", "report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "hunter2" not in text and "k-123" not in text, name
        assert str(tmp_path) not in text and str(ROOT) not in text, name
