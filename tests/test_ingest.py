"""Ingest end to end on a private copy of the corpus (fast hash embedder): incremental
re-ingest, removal, bad input, model mismatch, and the CLI around it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from embedders import HASH

from ingest.pipeline import ingest
from kb.cli import main
from kb.store.catalog import StoreError
from kb.store.store import Store
from tests.conftest import settings_env


def _consistent(settings) -> Store:
    store = Store(settings)
    ids = store.catalog.chunk_ids()
    assert ids == store.vectors.ids()
    assert set(store.load_bm25().ids) == ids
    return store


def test_incremental_reingest(hash_settings):
    s = hash_settings
    first = ingest(None, s)
    assert first.count("added") == 5 and not first.failed
    store = _consistent(s)
    before = store.catalog.chunk_ids()

    again = ingest(None, s)
    assert again.count("unchanged") == 5 and again.count("added") == 0
    assert store.catalog.chunk_ids() == before

    # change one file: only it is replaced, its old chunks leave every index
    f = s.corpus_dir / "shanghai-software-park-2019.txt"
    f.write_text(
        f.read_text(encoding="utf-8") + "\n上海软件园新增一段关于量子计算合作的说明。\n",
        encoding="utf-8",
    )
    changed = ingest(None, s)
    assert changed.count("updated") == 1 and changed.count("unchanged") == 4
    store = _consistent(s)
    doc_chunks = store.catalog.chunks("shanghai-software-park-2019")
    assert any("量子计算" in c.text for c in doc_chunks)

    # delete a file: its document is removed
    (s.corpus_dir / "software-parks-innovation.txt").unlink()
    removed = ingest(None, s)
    assert removed.count("removed") == 1
    store = _consistent(s)
    assert store.catalog.document("software-parks-innovation") is None
    assert len(store.catalog.documents()) == 4


def test_every_document_is_searchable_before_any_is_embedded(hash_settings):
    """The upload page and the CLI report the two phases: every document stored (and
    searchable, state "read" at that moment) before the first is reported done."""
    s = hash_settings
    events: list[tuple[str, str, str]] = []

    def on_stored(source: str) -> None:
        doc = next(d for d in Store(s).catalog.documents() if d.source == source)
        events.append(("stored", source, doc.state))

    report = ingest(
        None, s, on_stored=on_stored, on_file=lambda r: events.append(("done", r.source, r.status))
    )
    stored = [e for e in events if e[0] == "stored"]
    assert len(stored) == report.to_dict()["added"] == 5
    assert all(state == "read" for *_, state in stored)
    first_done = next(i for i, e in enumerate(events) if e[0] == "done")
    assert first_done == len(stored)  # all stored first
    assert all(d.state == "embedded" for d in Store(s).catalog.documents())


def test_bad_files_are_reported_and_the_rest_ingested(hash_settings):
    s = hash_settings
    (s.corpus_dir / "empty.txt").write_bytes(b"")
    (s.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (s.corpus_dir / "notes.xyz").write_text("x", encoding="utf-8")
    report = ingest(None, s)
    failed = {f.source.rsplit("/", 1)[-1]: f.reason for f in report.failed}
    assert set(failed) == {"empty.txt", "broken.pdf", "notes.xyz"}
    assert failed["empty.txt"] == "空文件" and "PDF 已损坏" in failed["broken.pdf"]
    assert failed["notes.xyz"].startswith("不支持的文件类型 .xyz")
    assert report.count("added") == 5
    _consistent(s)


def test_cli_ingest_exit_code_and_json(hash_settings, monkeypatch):
    s = hash_settings
    settings_env(monkeypatch, s)
    (s.corpus_dir / "zero.txt").write_bytes(b"")
    r = CliRunner().invoke(main, ["ingest", "--json"])
    assert r.exit_code == 1
    summary = json.loads(r.stdout)
    assert summary["added"] == 5 and summary["failed"] == 1
    assert any(
        f["status"] == "failed" and "zero.txt" in f["source"] and f["reason"] == "空文件"
        for f in summary["files"]
    )
    (s.corpus_dir / "zero.txt").unlink()
    r = CliRunner().invoke(main, ["ingest"])
    assert r.exit_code == 0, r.output


def test_metadata_from_manifest_and_inferred(hash_settings):
    s = hash_settings
    (s.corpus_dir / "extra").mkdir()
    (s.corpus_dir / "extra" / "note.md").write_text(
        "# 关于推进G60科创走廊建设的通知\n\n2021年3月5日\n\n九城市共同建立联席会议制度。\n",
        encoding="utf-8",
    )
    ingest(None, s)
    store = Store(s)
    d = store.catalog.document("wujiang-collaborative-innovation-2023")
    assert (d.title, d.doc_type, d.date, d.year) == (
        "吴江区融入长三角区域协同创新的实践策略",
        "research",
        "2023-02-16",
        2023,
    )
    assert d.source == "corpus/wujiang-collaborative-innovation-2023.txt"
    n = store.catalog.document("note")
    assert (
        n.title == "关于推进G60科创走廊建设的通知"
        and n.date == "2021-03-05"
        and n.extra["metadata_from"] == "inferred"
    )
    assert n.doc_type == "notice"  # issue 20: an uploaded 通知 was typed 研究文章


def test_other_embedding_model_is_refused(hash_settings):
    from kb.knowledge import KnowledgeBase

    ingest(None, hash_settings)
    other = hash_settings.model_copy(update={"embed_model": "e5-small"})
    with pytest.raises(StoreError, match=f"built with embedding model '{HASH}'"):
        KnowledgeBase.open(other)


def test_docs_cli(hash_settings, monkeypatch):
    settings_env(monkeypatch, hash_settings)
    ingest(None, hash_settings)
    r = CliRunner().invoke(main, ["docs", "list", "--json"])
    rows = json.loads(r.stdout)
    assert {row["doc_id"] for row in rows} >= {
        "yrd-innovation-index-2023",
        "shanghai-software-park-2019",
    }
    r = CliRunner().invoke(main, ["docs", "show", "shanghai-software-park-2019"])
    assert r.exit_code == 0 and "上海软件园" in r.stdout
    r = CliRunner().invoke(main, ["docs", "show", "nope"])
    assert r.exit_code != 0 and "没有文档 'nope'" in r.output


def test_pdf_word_html_end_to_end_with_page_locators(hash_settings):
    import docx

    from kb.core.text import norm
    from kb.knowledge import KnowledgeBase
    from tests.pdfs import chinese_pdf

    s = hash_settings
    up = s.corpus_dir / "uploads"
    up.mkdir()
    chinese_pdf(
        up / "plan.pdf",
        [
            ["# 长三角量子通信合作规划", "第一章 总则", "本规划适用于沪苏浙皖量子通信干线建设。"],
            [
                "第二章 重点任务",
                "2024年，四地共建量子通信干线，总投资达到355",
                "04万元，由联席会议统筹推进。",
            ],
        ],
    )
    d = docx.Document()
    d.add_heading("长三角数据要素合作备忘录", level=1)
    d.add_paragraph("2025年，三省一市签署数据要素流通合作备忘录，建立数据交易互认机制。")
    d.save(up / "memo.docx")
    (up / "news.html").write_text(
        "<html><head><title>氢能走廊动态</title></head><body><nav>首页 > 新闻</nav>"
        "<p>2026年，长三角氢能走廊新增加氢站12座。</p></body></html>",
        encoding="utf-8",
    )
    report = ingest(None, s)
    assert report.count("added") == 8 and not report.failed
    kb = KnowledgeBase.open(s)
    r = kb.ask("量子通信干线总投资是多少？")
    assert r.status == "answered" and "35504万元" in r.answer.text
    c = next(c for c in r.answer.citations if "35504" in norm(c.quote))
    assert c.source == "corpus/uploads/plan.pdf" and c.locator.startswith("第2页")
    assert "第二章 重点任务" in c.locator
    # the quote is text of the document as extracted from the PDF
    doc = kb.store.catalog.document(c.doc_id)
    assert norm(c.quote) in norm(doc.text)
    r = kb.ask("2025年签署了哪些备忘录？")
    assert r.status == "answered" and "数据要素流通合作备忘录" in r.answer.text
    assert r.answer.citations[0].source == "corpus/uploads/memo.docx"
    r = kb.ask("长三角氢能走廊新增了多少座加氢站？")
    assert "12座" in r.answer.text and "首页" not in r.answer.citations[0].chunk_text
