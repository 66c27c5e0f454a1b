"""Official documents through the whole knowledge base: 公文 parts stored (schema 5) and shown,
questions about them answered from the metadata with verbatim citations, filters by issuer,
year and in-force date, 施行/失效 on the timeline, briefs; and a scanned notice ingested by
OCR and asked through `kb ask --json`, each answer citing the right page and saying OCR."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from embedders import HASH
from streamlit.testing.v1 import AppTest

from ingest.pipeline import ingest
from kb.brief import build_brief, render
from kb.cli import main
from kb.core.filters import Filters
from kb.core.text import norm
from kb.knowledge import KnowledgeBase
from kb.store.store import Store
from tests.conftest import ROOT, make_settings, settings_env
from tests.scans import save_scanned_pdf

NOTICE = """西川市科学技术局文件

西科发〔2025〕17号

西川市科学技术局关于印发
西川市科技型中小企业培育办法的通知

各区科技局，各有关单位：
现将《西川市科技型中小企业培育办法》印发给你们，请认真贯彻执行。

附件：西川市科技型中小企业培育办法

西川市科学技术局
2025年12月1日

西川市科技型中小企业培育办法
第一条 为培育科技型中小企业，制定本办法。
第五条 对首次入库的科技型中小企业，给予研发费用10%的补助，最高20万元。
第十二条 本办法自2026年1月1日起施行，有效期至2027年12月31日。
"""

OLD_RULES = """东平县财政局关于印发东平县小微企业贷款贴息办法的通知
东财规（2019）3号
各乡镇人民政府：
贷款贴息比例为贷款基准利率的50%。本办法自2019年5月1日起施行，有效期2年。
东平县财政局
2019年4月20日
"""

REPORT = """西川市科技创新年度报告
2025年，全市科技型中小企业达到1200家，同比增长15%。
"""


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    root = tmp_path_factory.mktemp("official")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in (("notice.txt", NOTICE), ("old.txt", OLD_RULES), ("report.txt", REPORT)):
        (corpus / name).write_text(text, encoding="utf-8")
    s = make_settings(root / "kb", corpus_dir=corpus, project_root=root, embed_model=HASH)
    assert not ingest(None, s).failed
    return s


def _doc_text(s, source: str) -> str:
    return (s.project_root / source).read_text(encoding="utf-8")


def test_parts_are_stored_as_document_metadata(official):
    d = Store(official).catalog.document("notice")
    assert d.title == "西川市科学技术局关于印发西川市科技型中小企业培育办法的通知"
    assert (d.doc_number, d.issuer, d.signed_date) == (
        "西科发〔2025〕17号",
        "西川市科学技术局",
        "2025-12-01",
    )
    assert (d.effective_date, d.expiry_date) == ("2026-01-01", "2027-12-31")
    assert d.recipients == "各区科技局，各有关单位" and d.attachments == [
        "西川市科技型中小企业培育办法"
    ]
    assert d.date == "2025-12-01" and d.author == "西川市科学技术局"
    assert Store(official).catalog.document("report").doc_number is None


@pytest.mark.parametrize(
    "question, doc, expected",
    [
        # "这份通知" with the document chosen (the app's 指定文档, `kb ask --doc`)
        ("这份通知的发文字号是什么？", "notice", ["发文字号：西科发〔2025〕17号"]),
        (
            "这些措施从什么时候开始实施？有效期到何时？",
            "notice",
            ["2026年1月1日", "2027年12月31日"],
        ),
        # the document named in the question
        ("西科发〔2025〕17号文的主送机关是哪些？", None, ["各区科技局，各有关单位"]),
        ("西川市科技型中小企业培育办法有哪些附件？", None, ["1. 西川市科技型中小企业培育办法"]),
        ("东平县小微企业贷款贴息办法什么时候失效？", None, ["2021年4月30日（据原文推算）"]),
        ("东平县财政局的通知是哪天印发的？", None, ["成文日期：2019年4月20日"]),
        ("东平县财政局那份通知的落款日期是哪天？", None, ["成文日期：2019年4月20日"]),
        ("When does this notice take effect?", "notice", ["施行日期：2026年1月1日"]),
    ],
)
def test_questions_about_parts_are_answered_from_metadata(official, question, doc, expected):
    kb = KnowledgeBase.open(official)
    r = kb.ask(question, filters=Filters(doc_ids=[doc]) if doc else None).to_dict()
    assert r["status"] == "answered", r["answer"]
    for e in expected:
        assert e in r["answer"]
    assert r["citations"] and re.search(r"\[1\]", r["answer"])
    for c in r["citations"]:
        assert norm(c["quote"]) in norm(_doc_text(official, c["source"]))  # verbatim
        assert c["gongwen"]["doc_number"]


def test_other_questions_still_go_through_retrieval(official):
    r = KnowledgeBase.open(official).ask("全市科技型中小企业达到多少家？").to_dict()
    assert "1200家" in r["answer"] and "发文字号" not in r["answer"]


def test_filters_by_issuer_year_and_in_force_date(official):
    kb = KnowledgeBase.open(official)
    docs = kb.store.catalog.documents()

    def admitted(**kw) -> set[str]:
        return {d.doc_id for d in docs if Filters(**kw).admits_doc(d)}

    assert admitted(issuer="科学技术局") == {"notice"}
    assert admitted(in_force_on="2026-06-30") == {"notice"}
    assert admitted(in_force_on="2020-01-01") == {"old"}
    assert admitted(in_force_on="2028-01-01") == set()
    assert admitted(year_from=2019, year_to=2019) == {"old"}
    # retrieval honours them: nothing in force in 2028, so nothing is retrieved
    r = kb.ask("贷款贴息比例是多少？", filters=Filters(in_force_on="2028-01-01")).to_dict()
    assert r["status"] == "not_found" and not r["citations"]
    r = kb.ask("贷款贴息比例是多少？", filters=Filters(in_force_on="2020-01-01")).to_dict()
    assert "50%" in r["answer"] and {c["doc_id"] for c in r["citations"]} == {"old"}


def test_cli_filters_and_docs_metadata(official, monkeypatch):
    settings_env(monkeypatch, official)
    runner = CliRunner()
    out = runner.invoke(main, ["docs", "list", "--in-force-on", "2026-06-30", "--json"])
    rows = json.loads(out.stdout)
    assert [r["doc_id"] for r in rows] == ["notice"] and rows[0][
        "doc_number"
    ] == "西科发〔2025〕17号"
    out = runner.invoke(main, ["docs", "list", "--issuer", "财政局"])
    assert "东财规〔2019〕3号" in out.stdout and "西科发" not in out.stdout
    out = runner.invoke(main, ["docs", "show", "notice"])
    assert "施行日期：2026年1月1日" in out.stdout and "有效期至：2027年12月31日" in out.stdout
    out = runner.invoke(main, ["ask", "贴息比例是多少？", "--issuer", "科学技术局", "--json"])
    assert all(c["doc_id"] == "notice" for c in json.loads(out.stdout)["citations"])
    bad = runner.invoke(main, ["docs", "list", "--in-force-on", "明年"])
    assert bad.exit_code == 2 and "in-force-on" in bad.output


def test_effective_and_expiry_dates_are_on_the_timeline(official):
    kb = KnowledgeBase.open(official)
    rows = {r["statement"]: r for r in kb.record_rows(kb.records(text="培育办法"))}
    title = "《西川市科学技术局关于印发西川市科技型中小企业培育办法的通知》"
    assert rows[f"{title}施行"]["date"] == "2026-01-01"
    assert rows[f"{title}失效"]["date"] == "2027-12-31"
    assert (
        rows[f"{title}施行"]["quote"]
        == "第十二条 本办法自2026年1月1日起施行，有效期至2027年12月31日。"
    )
    assert any(r["date"] == "2025-12-01" for r in rows.values())  # 印发, on its 成文日期


def test_briefs_export_the_parts(official):
    kb = KnowledgeBase.open(official)
    entries = [kb.ask("西川市科技型中小企业培育办法的发文字号是什么？").to_dict()]
    md = render(build_brief(entries, kb.status()), "md").decode()
    assert "## 所引公文" in md
    assert (
        "| 西川市科学技术局关于印发西川市科技型中小企业培育办法的通知 | 西科发〔2025〕17号 | 西川市科学技术局 | 2025年12月1日 | 2026年1月1日 | 2027年12月31日 |"
        in md
    )
    assert render(build_brief(entries, kb.status()), "docx")[:2] == b"PK"


def test_document_library_shows_parts_and_filters(official, monkeypatch):
    settings_env(monkeypatch, official)
    at = AppTest.from_file(str(ROOT / "app" / "views" / "1_文档库.py"), default_timeout=120)
    at.query_params["doc"] = "notice"
    at.run()
    assert not at.exception
    shown = at.table[0].value
    assert shown.loc["发文字号", "内容"] == "西科发〔2025〕17号"
    assert shown.loc["有效期至", "内容"] == "2027年12月31日"
    at.text_input[0].set_value("财政局").run()
    assert list(at.dataframe[0].value["ID"]) == ["old"]


# ---------------------------------------------------------------- a scanned notice, end to end
SCAN_PAGE_1 = [
    ("center", "南湖市人民政府办公室文件"),
    ("center", "南府办发〔2026〕3号"),
    ("center", "南湖市人民政府办公室关于印发"),
    ("center", "南湖市促进会展经济发展若干措施的通知"),
    ("left", "各区人民政府，市政府各部门："),
    ("para", "经市政府同意，现将《南湖市促进会展经济发展若干措施》印发给你们，请认真贯彻执行。"),
    ("right", "南湖市人民政府办公室"),
    ("right", "2026年1月8日"),
]
SCAN_PAGE_2 = [
    ("para", "一、对在本市举办的国际性展会，按展览面积每平方米给予80元补贴，单个展会最高200万元。"),
    ("para", "二、本措施自2026年2月1日起施行，有效期至2028年1月31日。"),
]


def test_scanned_notice_answers_cite_the_right_page(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    save_scanned_pdf(corpus / "scan_0412.pdf", [SCAN_PAGE_1, SCAN_PAGE_2], a4=False)
    s = make_settings(tmp_path / "kb", corpus_dir=corpus, project_root=tmp_path)  # real e5
    settings_env(monkeypatch, s)
    runner = CliRunner()
    assert runner.invoke(main, ["ingest"]).exit_code == 0

    def ask(q: str) -> dict:
        out = runner.invoke(main, ["ask", q, "--json"])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)

    r = ask("国际性展会每平方米补贴多少元？")
    assert r["status"] == "answered" and "80元" in r["answer"]
    c = r["citations"][0]
    assert c["locator"].startswith("第2页") and c["page"] == 2
    assert c["ocr"] and c["ocr_confidence"] > 0.9
    text = Store(s).catalog.document(c["doc_id"]).text
    assert norm(c["quote"]) in norm(text)

    r = ask("这份通知的发文字号是什么？")
    assert "南府办发〔2026〕3号" in r["answer"]
    assert r["citations"][0]["locator"].startswith("第1页") and r["citations"][0]["ocr"]

    r = ask("这些措施从什么时候开始实施？有效期到何时？")
    assert "2026年2月1日" in r["answer"] and "2028年1月31日" in r["answer"]
    assert r["citations"][0]["locator"].startswith("第2页")

    out = runner.invoke(main, ["docs", "list", "--json"])
    (doc,) = json.loads(out.stdout)
    assert doc["title"] == "南湖市人民政府办公室关于印发南湖市促进会展经济发展若干措施的通知"
    assert set(doc["ocr"]["pages"]) == {"1", "2"}


JOINT = """北陵市科学技术局 北陵市卫生健康委员会等八部门关于印发北陵市公共卫生科技攻关实施意见的通知

北科合〔2025〕20号

各有关单位：

现将《北陵市公共卫生科技攻关实施意见》印发给你们，请认真按照执行。

{organs}

2025年7月16日

北陵市公共卫生科技攻关实施意见

一、建立健全全链条科技攻关体系，着力构建平时备急、急时高效的科技攻关机制。
"""
ORGANS = [
    "北陵市科学技术局", "北陵市卫生健康委员会", "北陵市疾病预防控制局", "北陵市药品监督管理局",
    "北陵市经济和信息化委员会", "北陵市教育委员会", "北陵市财政局", "北陵市医疗保障局",
]  # fmt: skip


def test_a_joint_notices_signatures_cut_by_a_chunk_boundary_are_every_issuer(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = JOINT.format(organs="\n\n".join(ORGANS))
    (corpus / "joint.txt").write_text(text, encoding="utf-8")
    s = make_settings(tmp_path / "kb", corpus_dir=corpus, project_root=tmp_path, embed_model=HASH)
    s = s.model_copy(
        update={"chunk": s.chunk.model_copy(update={"max_tokens": 48, "overlap_tokens": 0})}
    )
    assert not ingest(None, s).failed
    kb = KnowledgeBase.open(s)
    assert len(kb.retriever.snapshot(None).doc_chunks("joint")) > 2  # the signatures are cut
    r = kb.ask("北科合〔2025〕20号文由哪些部门联合印发？", audit=False).to_dict()
    assert r["status"] == "answered", r["answer"]
    for organ in ORGANS:
        assert organ in r["answer"], r["answer"]
    assert len(r["citations"]) >= 2
    for c in r["citations"]:
        assert norm(c["quote"]) in norm(text), c
