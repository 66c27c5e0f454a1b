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


def test_the_timeline_shows_repeals_and_amendments(versions):
    s, kb, ids = versions
    repealed = [r for r in kb.records(text="废止") if r.action == "废止"]
    names = {(r.name, r.date) for r in repealed}
    assert ("《上海市示范区促进办法》废止", "2024-05-01") in names
    assert ("《浙江省示范管理办法》废止", "2022-01-01") in names
    r = next(r for r in repealed if r.date == "2024-05-01")
    m = r.mentions[0]
    chunk = next(c for c in kb.store.catalog.chunks(m.doc_id) if c.chunk_id == m.chunk_id)
    assert chunk.text[m.start : m.end] == m.quote and "同时废止" in m.quote


def test_the_api_gives_status_relations_and_the_diff(versions):
    import httpx
    from test_api import serve_in_thread
    from test_contract import check

    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)

    from kb.api import create_app

    s, kb, ids = versions
    with serve_in_thread(create_app(s, kb=kb)) as url:
        docs = httpx.get(f"{url}/v1/docs", params={"as_of": "2025-01-01"}).json()["documents"]
        check(schema, "Documents", {"documents": docs})
        states = {d["doc_id"]: d["status"]["state"] for d in docs}
        assert states[ids["v2020.txt"]] == "repealed" and states[ids["v2024.txt"]] == "in_force"
        one = httpx.get(f"{url}/v1/docs/{ids['v2020.txt']}", params={"as_of": "2023-01-01"})
        check(schema, "DocumentWithChunks", one.json())
        life = one.json()["lifecycle"]
        assert life["state"] == "in_force"  # the 2024 version was not yet in force
        assert [x["doc_id"] for x in life["stated_by_others"]] == [ids["v2024.txt"]]
        d = httpx.get(f"{url}/v1/diff", params={"old": ids["v2020.txt"], "new": ids["v2024.txt"]})
        assert d.status_code == 200 and d.json()["counts"]["inserted"] == 1
        check(schema, "Diff", d.json())
        missing = httpx.get(f"{url}/v1/diff", params={"old": "nope", "new": ids["v2024.txt"]})
        assert missing.status_code == 404


def test_is_it_still_in_force_is_answered_from_the_relations(versions):
    from kb.core.filters import Filters

    s, kb, ids = versions
    res = kb.ask("沪示规〔2020〕3号文件现在还有效吗？")
    text, cites = res.answer.text, res.answer.citations
    assert text.startswith(
        "《上海市示范区促进办法》已不再有效：于2024年5月1日被《上海市示范区促进办法》替代[1]"
    )
    assert cites[0].doc_id == ids["v2024.txt"] and "同时废止" in cites[0].quote
    assert cites[0].quote in cites[0].chunk_text

    res = kb.ask("哪些文件废止了《浙江省示范管理办法》？")
    assert res.answer.text == (
        "《浙江省示范管理办法》（原文不在库中）已不再有效：于2022年1月1日被《浙江省示范条例》废止[1]。"
    )
    assert res.answer.citations[0].doc_id == ids["absent.txt"]

    res = kb.ask("《关于做好示范区年度报告工作的通知》现在还有效吗？")
    assert res.answer.text.startswith(
        "《关于做好示范区年度报告工作的通知》现行有效：库中没有文件声明废止或替代它"
    )
    assert res.answer.citations  # the document itself, by its first line

    # on a date before the new version, the old one was in force, its start cited
    res = kb.ask("沪示规〔2020〕3号现在还有效吗？", filters=Filters(in_force_on="2023-01-01"))
    assert res.answer.text.startswith("（截至2023年1月1日）《上海市示范区促进办法》现行有效")


def test_an_answer_leads_with_the_provision_in_force(versions):
    s, kb, ids = versions
    # worded as the 2020 version has it, and scored first there: the 2024 wording leads
    res = kb.ask("报告应当在每年几月底前提交？")
    lead = res.answer.citations[0]
    assert lead.doc_id == ids["v2024.txt"] and "六月底" in lead.quote
    assert "六月底" in res.answer.text and "三月底" not in res.answer.text
    assert any(w.startswith("已按现行的《上海市示范区促进办法》作答") for w in res.warnings)


def test_the_comparison_exports_as_a_word_brief(versions, monkeypatch, tmp_path):
    import docx

    s, kb, ids = versions
    settings_env(monkeypatch, s)
    out = tmp_path / "对比.docx"
    r = CliRunner().invoke(main, ["diff", ids["v2020.txt"], ids["v2024.txt"], "-o", str(out)])
    assert r.exit_code == 0, r.output
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "条款增加 1，删除 1，修改 2" in text and "【重新编号】第三条 → 第四条" in text
    runs = [r for p in d.paragraphs for r in p.runs]
    assert any(r.text == "三" and r.font.strike for r in runs)
    assert any(r.text == "六" and r.font.bold and not r.font.strike for r in runs)
    assert d.core_properties.author == "长三角政策知识库"


def test_an_english_question_asks_a_documents_status_only_of_the_document():
    from kb.answer.lifecycle_answer import asks_status

    for q in (
        "Has the 2020 measure been repealed?",
        "Which document replaced the Shanghai measures?",
        "Were the 2010 measures officially superseded?",
        "Is the Jiangnan notice still in force?",
    ):
        assert asks_status(q), q
    # buses "added or replaced" are no document's status
    q = "What share of the city buses newly added or replaced each year must be new-energy?"
    assert not asks_status(q)
