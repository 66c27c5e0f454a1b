"""Which rule is in force (issue 23), on documents written for the test: a 2020 办法 and the
2024 version that repeals it (by 发文字号, articles renumbered, inserted, deleted, modified),
a notice that implements the new one by title, a repeal of a document not in the collection,
two documents repealing each other, and two claiming to replace the same one."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from embedders import HASH

from ingest.pipeline import ingest
from kb.cli import main
from kb.knowledge import KnowledgeBase
from tests.conftest import make_settings, settings_env

V1 = """上海市示范区促进办法

沪示规〔2020〕3号

第一条 为了促进示范区建设，制定本办法。
第二条 本办法适用于本市行政区域内的示范区。
第三条 市发展改革部门负责示范区的统筹协调。
第四条 示范区管理机构每年向市人民政府报告工作，报告应当在每年三月底前提交。
第五条 示范区内企业可以申请专项资金补贴，补贴标准由市财政部门另行制定。
第六条 本办法自2020年5月1日起施行。
"""

V2 = """上海市示范区促进办法

沪示规〔2024〕7号

第一条 为了促进示范区建设，制定本办法。
第二条 本办法适用于本市行政区域内的示范区。
第三条 示范区实行数据共享，各部门应当依法向示范区管理机构提供所需数据。
第四条 市发展改革部门负责示范区的统筹协调。
第五条 示范区管理机构每年向市人民政府报告工作，报告应当在每年六月底前提交，并向社会公开。
第六条 本办法自2024年5月1日起施行。《上海市示范区促进办法》（沪示规〔2020〕3号）同时废止。
"""

IMPLEMENTS = """关于做好示范区年度报告工作的通知

各区人民政府：
为贯彻落实《上海市示范区促进办法》，做好示范区年度报告工作，现将有关事项通知如下。
一、各示范区管理机构应当按时报送年度报告。
"""

ABSENT = """浙江省示范条例

第一条 为了规范示范工作，制定本条例。
第二条 本条例自2022年1月1日起施行。《浙江省示范管理办法》同时废止。
"""

CYCLE_A = """甲市协作办法

第一条 为了加强协作，制定本办法。
第二条 本办法自2021年1月1日起施行，《乙市协作办法》同时废止。
"""

CYCLE_B = """乙市协作办法

第一条 为了加强协作，制定本办法。
第二条 本办法自2021年2月1日起施行，《甲市协作办法》同时废止。
"""


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    root = tmp_path_factory.mktemp("lifecycle")
    docs = root / "docs"
    docs.mkdir()
    for name, text in {
        "v2020.txt": V1, "v2024.txt": V2, "notice.txt": IMPLEMENTS, "absent.txt": ABSENT,
        "cycle-a.txt": CYCLE_A, "cycle-b.txt": CYCLE_B,
    }.items():  # fmt: skip
        (docs / name).write_text(text, encoding="utf-8")
    s = make_settings(root / "kb", corpus_dir=docs, project_root=root, embed_model=HASH)
    report = ingest(None, s)
    assert not report.failed
    kb = KnowledgeBase.open(s)
    ids = {d.source.rsplit("/", 1)[-1]: d.doc_id for d in kb.documents()}
    return s, kb, ids


def _life(kb):
    from kb.store.lifecycle import Lifecycle

    return Lifecycle(kb.documents(), kb.store.catalog.relations())


def test_relations_are_read_with_their_sentence_and_resolved(versions):
    s, kb, ids = versions
    life = _life(kb)
    out = {(link.relation.kind, link.target.doc_id if link.target else link.relation.target)
           for link in life.outgoing(ids["v2024.txt"])}  # fmt: skip
    # same core title and named by its 发文字号: the 2024 version replaces the 2020 one
    assert out == {("replaces", ids["v2020.txt"])}
    link = life.outgoing(ids["v2024.txt"])[0]
    assert link.relation.effective == "2024-05-01"
    chunk = kb.store.catalog.chunks(ids["v2024.txt"])
    text = next(c.text for c in chunk if c.chunk_id == link.relation.chunk_id)
    assert text[link.relation.start : link.relation.end] == link.relation.quote
    assert "同时废止" in link.relation.quote
    # resolved by title (the notice names the 办法 without a number): the version in force
    # when the notice was written is unknown to it, so the latest dated is taken
    impl = life.outgoing(ids["notice.txt"])
    assert [(x.relation.kind, x.target.doc_id) for x in impl] == [("implements", ids["v2024.txt"])]
    # named but absent
    absent = life.outgoing(ids["absent.txt"])
    assert [(x.relation.kind, x.relation.target, x.target) for x in absent] == [
        ("repeals", "《浙江省示范管理办法》", None)
    ]


def test_status_as_of_two_dates(versions):
    s, kb, ids = versions
    life = _life(kb)
    old, new = ids["v2020.txt"], ids["v2024.txt"]
    assert life.status(old, "2023-01-01").state == "in_force"
    assert life.status(new, "2023-01-01").state == "not_yet"
    st = life.status(old, "2025-01-01")
    assert (st.state, st.since) == ("repealed", "2024-05-01")
    assert [x.source.doc_id for x in st.by] == [new]
    assert st.sentence(life.docs[old]).startswith(
        "《上海市示范区促进办法》已于2024年5月1日被《上海市示范区促进办法》"
    )
    assert life.status(new, "2025-01-01").state == "in_force"
    # a cycle is shown plainly, not an error
    a = life.status(ids["cycle-a.txt"], "2022-01-01")
    assert a.state == "repealed" and any("互相声明废止" in n for n in a.notes)


def test_cli_lists_and_shows_status(versions, monkeypatch):
    s, kb, ids = versions
    settings_env(monkeypatch, s)
    run = CliRunner()
    out = run.invoke(main, ["docs", "list", "--status", "repealed", "--as-of", "2025-01-01"])
    assert out.exit_code == 0, out.output
    listed = {line.split("\t")[0] for line in out.output.strip().splitlines()}
    assert listed == {ids["v2020.txt"], ids["cycle-a.txt"], ids["cycle-b.txt"]}
    out = run.invoke(main, ["docs", "list", "--status", "--as-of", "2023-01-01", "--json"])
    states = {r["doc_id"]: r["status"]["state"] for r in json.loads(out.output)}
    assert states[ids["v2020.txt"]] == "in_force" and states[ids["v2024.txt"]] == "not_yet"
    out = run.invoke(main, ["docs", "show", ids["v2020.txt"], "--as-of", "2025-01-01"])
    assert "状态（2025-01-01）：已废止" in out.output
    assert (
        "替代本文件：「第六条 本办法自2024年5月1日起施行" in out.output or "同时废止" in out.output
    )


def test_diff_aligns_renumbered_inserted_deleted_and_modified_articles(versions, monkeypatch):
    s, kb, ids = versions
    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["diff", ids["v2020.txt"], ids["v2024.txt"], "--json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.output)
    kinds = [(c["kind"], (c["old"] or {}).get("label"), (c["new"] or {}).get("label"))
             for c in d["changes"]]  # fmt: skip
    assert ("inserted", None, "第三条") in kinds
    assert ("deleted", "第五条", None) in kinds
    assert ("renumbered", "第三条", "第四条") in kinds
    assert ("modified", "第四条", "第五条") in kinds  # 三月底 -> 六月底, and 公开
    assert ("modified", "第六条", "第六条") in kinds
    assert d["counts"]["unchanged"] == 2  # 第一条, 第二条
    mod = next(c for c in d["changes"] if c["old"] and c["old"]["label"] == "第四条")
    assert {"op": "delete", "text": "三"} in mod["segments"]
    assert {"op": "insert", "text": "六"} in mod["segments"]
    text = CliRunner().invoke(main, ["diff", ids["v2020.txt"], ids["v2024.txt"]]).output
    assert "条款增加 1，删除 1，修改 2" in text and "[-三-]{+六+}" in text


def test_an_answer_from_a_repealed_document_says_what_is_in_force(versions):
    s, kb, ids = versions
    res = kb.ask("示范区内企业可以申请什么补贴？")
    cited = {c.doc_id for c in res.answer.citations}
    assert ids["v2020.txt"] in cited  # only the 2020 version says it
    note = next(w for w in res.warnings if "废止" in w)
    assert note == (
        "该内容出自已于2024年5月1日废止的《上海市示范区促进办法》，现行规定见《上海市示范区促进办法》。"
    )
