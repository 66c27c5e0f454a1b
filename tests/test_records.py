"""Policy records: extraction at ingest (dates, parties, merging), `kb records`, answers to
which/when questions from records, the 时间线 page and the records table in briefs."""

from __future__ import annotations

import io
import json
import sqlite3

import docx
import pytest
from click.testing import CliRunner
from embedders import HASH
from streamlit.testing.v1 import AppTest

from ingest.pipeline import ingest
from kb.brief import build_brief, render
from kb.cli import main
from kb.core.text import norm
from kb.knowledge import KnowledgeBase
from kb.store.catalog import SCHEMA_VERSION, Catalog
from kb.store.records import select
from kb.store.store import Store
from tests.conftest import ROOT, make_settings, settings_env

# Every agreement the corpus says was signed in 2018: three in the feature's timeline table,
# one in the Wujiang paper's prose, two in the Shanghai Software Park profile's prose.
AGREEMENTS_2018 = {
    "长三角地区加快构建区域创新共同体战略合作协议": "innovation-flow-feature-2019",
    "长三角技术市场资源共享互通合作协议": "innovation-flow-feature-2019",
    "长三角地区知识产权一体化发展合作框架协议": "innovation-flow-feature-2019",
    "嘉昆太协同创新核心圈合作项目": "wujiang-collaborative-innovation-2023",
    "昆山分中心": "shanghai-software-park-2019",
    "嘉兴经开区智慧产业创新园": "shanghai-software-park-2019",
}


def _one(records, words: str):
    found = [r for r in records if words in r.label]
    assert len(found) == 1, (words, [r.label for r in found])
    return found[0]


# ---------------------------------------------------------------- the real corpus
def test_all_2018_agreements_and_none_from_other_years(corpus_kb):
    found = corpus_kb.records(kind="agreement", year=2018)
    assert len(found) == len(AGREEMENTS_2018), [r.label for r in found]
    for words, doc_id in AGREEMENTS_2018.items():
        r = _one(found, words)
        assert r.year == 2018 and doc_id in r.doc_ids
    # "今年3月" in the 2019 feature is March 2019, not a 2018 signing
    wucheng = _one(corpus_kb.records(kind="agreement"), "婺城区政府")
    assert wucheng.date == "2019-03"
    assert {"金华市婺城区政府", "上海市闵行区中环科技园"} <= set(wucheng.parties)
    # dates are as precise as the text: month where the sentence gives one
    assert _one(found, "嘉昆太").date == "2018-05"
    assert _one(found, "嘉兴经开区").date == "2018-11"


def test_2003_agreement_and_2008_events_have_their_years(corpus_kb):
    records = corpus_kb.records()
    first = _one(records, "沪苏浙共同推进长三角创新体系建设协议书")
    assert first.kind == "agreement" and first.date == "2003"
    assert any("沪苏浙" in p for p in first.parties)
    in_2008 = corpus_kb.records(year=2008)
    labels = " ".join(r.label for r in in_2008)
    assert "长三角地区合作与发展联席会议制度" in labels
    assert "关于进一步推进长江三角洲地区改革开放和经济社会发展的指导意见" in labels
    # "当年" after a sentence about 2008 dates the first three-year action plan
    plan = next(r for r in records if r.title == "长三角科技合作三年行动计划")
    assert plan.date == "2008" and plan.kind == "plan"
    # the 2018-2020 edition names a range, not a date of issue
    edition = next(r for r in records if r.title == "长三角科技合作三年行动计划(2018-2020年)")
    assert edition.date is None


def test_duplicate_mentions_merge_into_one_record(corpus_kb):
    records = corpus_kb.records()
    first = _one(records, "沪苏浙共同推进长三角创新体系建设协议书")
    assert len(first.mentions) == 2  # the prose and the timeline table
    outline = [r for r in records if r.title == "长江三角洲区域一体化发展规划纲要"]
    assert len(outline) == 1
    assert outline[0].date == "2019-07"  # "今年7月……审议通过并印发" in a 2019 article
    assert len(outline[0].mentions) >= 3  # including "《纲要》" where the article abbreviates it
    council = _one(corpus_kb.records(year=2008), "长三角地区合作与发展联席会议制度")
    assert len({m.quote for m in council.mentions}) == 2
    strategy = corpus_kb.records(text="上升为国家战略", kind="event")
    assert len(strategy) == 1 and strategy[0].date == "2018-11"
    assert len(strategy[0].doc_ids) >= 2  # the feature's table and the software-parks paper


def test_every_mention_quotes_its_chunk_and_document(corpus_kb):
    snap = corpus_kb.retriever.snapshot()
    mentions = [m for r in corpus_kb.records() for m in r.mentions]
    assert len(mentions) > 50
    for m in mentions:
        chunk = snap.chunks[m.chunk_id]
        assert chunk.text[m.start : m.end] == m.quote
        assert norm(m.quote) in norm(snap.docs[m.doc_id].text)


def test_list_question_is_answered_completely_from_records(corpus_kb):
    r = corpus_kb.ask("2018年签署了哪些协议？").to_dict()
    assert r["status"] == "answered" and len(r["records"]) == len(AGREEMENTS_2018)
    lines = r["answer"].splitlines()[1:]
    assert len(lines) == len(AGREEMENTS_2018)
    by_n = {c["n"]: c for c in r["citations"]}
    for words in AGREEMENTS_2018:
        line = next(li for li in lines if words in li)
        cited = [by_n[int(n)] for n in __import__("re").findall(r"\[(\d+)\]", line)]
        assert cited and any(words in c["quote"] or words in c["chunk_text"] for c in cited)
    for c in r["citations"]:
        assert norm(c["quote"]) in norm((ROOT / c["source"]).read_text(encoding="utf-8"))
    r19 = corpus_kb.ask("2019年签署了哪些协议？").to_dict()
    assert "婺城区政府" in r19["answer"] and "嘉昆太" not in r19["answer"]
    en = corpus_kb.ask("Which agreements were signed in 2018?").to_dict()
    assert all(words in en["answer"] for words in AGREEMENTS_2018)
    en = corpus_kb.ask("What events happened in 2021?").to_dict()
    assert en["records"] and all(rec["year"] == 2021 for rec in en["records"])
    assert "知识产权行政保护协作中心" in en["answer"]


def test_when_and_which_questions_use_records(corpus_kb):
    r = corpus_kb.ask("《长三角科技合作三年行动计划》是什么时候发布的？").to_dict()
    assert r["status"] == "answered" and r["answer"].startswith("2008年")
    assert "当年" in r["citations"][0]["quote"]  # the date is resolved, the quote is verbatim
    r = corpus_kb.ask("嘉昆太协同创新核心圈合作协议是什么时候签署的？").to_dict()
    assert "2018年5月" in r["answer"] and r["records"][0]["date"] == "2018-05"
    r = corpus_kb.ask("长三角G60科创走廊成立了哪些产业联盟？").to_dict()
    assert all(w in r["answer"] for w in ("新材料", "机器人", "集成电路"))
    assert (
        "G60金融服务联盟" not in r["answer"].split("相关段落")[0]
    )  # a financial, not industry, alliance
    r = corpus_kb.ask("长三角有哪些联盟？").to_dict()
    assert all("联盟" in rec["statement"] for rec in r["records"])  # not a sentence near one
    r = corpus_kb.ask("2008年发生了哪些事件？").to_dict()
    assert "联席会议制度" in r["answer"] and "指导意见" in r["answer"]
    assert all(rec["year"] == 2008 for rec in r["records"])
    # questions records do not fit go through retrieval as before
    r = corpus_kb.ask("G60科创走廊是如何治理的？").to_dict()
    assert "records" not in r and "联席会议" in r["answer"]


def test_records_cli_filters(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    runner = CliRunner()
    out = runner.invoke(main, ["records", "--kind", "agreement", "--year", "2018", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert len(rows) == len(AGREEMENTS_2018)
    assert all(m["source"].startswith("corpus/") for r in rows for m in r["mentions"])
    # 浙江 finds 嘉兴 parks and the groups Zhejiang belongs to, not Kunshan's
    out = runner.invoke(main, ["records", "--kind", "agreement", "--party", "浙江"])
    assert out.exit_code == 0
    assert "嘉兴经开区" in out.stdout and "沪苏浙三省一市" in out.stdout
    assert "昆山分中心" not in out.stdout
    out = runner.invoke(main, ["records", "--text", "联盟", "--kind", "event"])
    assert "长三角科技发展战略研究联盟" in out.stdout and "协议" not in out.stdout.split("\t")[1]


def test_timeline_page_filters_and_links(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(ROOT / "app" / "views" / "4_时间线.py"), default_timeout=120)
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) > 40 and "打开段落" not in table.columns
    assert table["原文"].str.startswith("/文档库?doc=").all()
    assert at.get("vega_lite_chart")  # the Altair timeline
    at.multiselect[0].set_value(["agreement"]).run()
    at.text_input[0].set_value("上海").run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(table) and set(filtered["类型"]) == {"协议"}
    assert filtered["内容"].str.contains("三省一市").any()  # 上海 is one of 三省一市
    at.text_input[1].set_value("没有这种记录").run()
    assert not at.exception and any("没有符合条件" in i.value for i in at.info)


def test_brief_has_a_records_table(corpus_kb):
    entry = corpus_kb.ask("2018年签署了哪些协议？").to_dict()
    brief = build_brief([entry], corpus_kb.status())
    md = render(brief, "md").decode("utf-8")
    assert "| 日期 | 类型 | 事项 | 参与方 | 出处 |" in md
    assert md.count("| 2018年") == len(AGREEMENTS_2018)
    d = docx.Document(io.BytesIO(render(brief, "docx")))
    assert len(d.tables) == 1 and len(d.tables[0].rows) == len(AGREEMENTS_2018) + 1
    assert "嘉昆太协同创新核心圈合作项目" in d.tables[0].rows[4].cells[2].text
    plain = build_brief([corpus_kb.ask("G60科创走廊是如何治理的？").to_dict()], {})
    assert "| 日期 |" not in render(plain, "md").decode("utf-8")


# ---------------------------------------------------------------- tricky dates, synthetic
NEWS_2019 = """# 长三角合作动态

2019年8月10日

今年3月,甲市政府与乙区科技园签订战略合作协议,共建科创飞地。

5月30日,由丙县与上海市嘉定区合作共建的丙县飞地创新港在上海嘉定投运。

在《长三角科技合作三年行动计划(2018-2020年)》中,三地明确了七项任务。

根据规划,2018-2020年三地将签订一批合作协议。

力争到2025年,三地新成立20个产业联盟。

而早在2003年,沪、苏、浙三省一市便正式签署《沪苏浙共同推进长三角创新体系建设协议书》。

2008年,长三角地区合作与发展联席会议制度建立。当年,三省一市联合发布《长三角科技合作三年行动计划》。

2021年11月,科创成果转化基金正式启动。同年,综合金融服务平台上线。
"""
TIMELINE = """# 长三角合作大事记

| 时间 | 主要事件 | 时间 | 主要事件 |
|---|---|---|---|
| 2003年 | 沪苏浙三省一市签署《沪苏浙共同推进长三角创新体系建设协议书》。 | 2014年 | 三省一市签署成立“长三角科技发展战略研究联盟”。 |
"""
UNDATED = """# 合作简讯

今年3月,丁市政府与戊区管委会签订合作协议。
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("records")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in (("news.txt", NEWS_2019), ("timeline.txt", TIMELINE), ("brief.txt", UNDATED)):
        (corpus / name).write_text(text, encoding="utf-8")
    s = make_settings(root / "kb", corpus_dir=corpus, project_root=root, embed_model=HASH)
    report = ingest(None, s)
    assert not report.failed
    return s


def test_relative_and_context_dates(synthetic):
    records = KnowledgeBase.open(synthetic).records()
    assert _one(records, "甲市政府").date == "2019-03"  # 今年 = the article's year
    assert set(_one(records, "甲市政府").parties) == {"甲市政府", "乙区科技园"}
    hub = _one(records, "丙县飞地创新港")
    assert hub.date == "2019-05-30" and hub.kind == "event"
    assert _one(records, "丁市政府").date is None  # "今年" in an undated text says nothing
    assert next(r for r in records if r.title == "长三角科技合作三年行动计划").date == "2008"
    assert _one(records, "联席会议制度").date == "2008"
    assert _one(records, "科创成果转化基金").date == "2021-11"
    assert _one(records, "综合金融服务平台").date == "2021"  # 同年


def test_ranges_and_targets_are_not_dates(synthetic):
    records = KnowledgeBase.open(synthetic).records()
    assert not select(records, year=2018) and not select(records, year=2020)
    assert not select(records, year=2025)  # a target ("力争到2025年"), not an event
    edition = next(r for r in records if r.title.startswith("长三角科技合作三年行动计划("))
    assert edition.date is None


def test_table_rows_date_their_cells_and_merge_with_prose(synthetic):
    records = KnowledgeBase.open(synthetic).records()
    first = _one(records, "沪苏浙共同推进长三角创新体系建设协议书")
    assert first.date == "2003" and len(first.doc_ids) == 2  # table and prose, two documents
    alliance = _one(records, "长三角科技发展战略研究联盟")
    assert alliance.kind == "event" and alliance.date == "2014"


def test_old_store_is_migrated_and_its_records_extracted(synthetic, tmp_path, monkeypatch):
    import shutil

    s = synthetic.model_copy(update={"home": tmp_path / "old"})
    shutil.copytree(synthetic.home, s.home)
    # a store written by schema 1: no mentions table, no records version
    con = sqlite3.connect(s.catalog_path)
    con.executescript(
        "DROP TABLE mentions; UPDATE meta SET value = '1' WHERE key = 'schema_version';"
        "DELETE FROM meta WHERE key = 'records_version';"
    )
    con.commit()
    con.close()
    catalog = Catalog(s.catalog_path)
    assert catalog.get_meta("schema_version") == str(SCHEMA_VERSION) and catalog.mentions() == []
    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["doctor"])
    assert out.exit_code == 1 and "政策记录需重新抽取" in out.output
    report = ingest(None, s)
    assert report.count("unchanged") == 3 and "embed" not in report.timings_s
    assert len(Store(s).catalog.mentions()) == len(Store(synthetic).catalog.mentions())
