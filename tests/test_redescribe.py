"""When the rules that name and type documents improve, documents already ingested get the
new title, type and date on the next ingest without being embedded again (issue 24)."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner
from test_reuse import Counting

from ingest.metadata import METADATA_VERSION
from ingest.pipeline import ingest
from kb.cli import main
from kb.store.store import Store
from tests.conftest import settings_env

HTML = """<html><head><title>关于开展长三角科技创新券通用通兑试点的通知</title></head>
<body><p>各有关单位：</p><p>为推动长三角区域科技资源共享，现就科技创新券通用通兑试点有关事项通知如下。</p>
<p>一、试点范围为上海市、江苏省、浙江省、安徽省的科技型中小企业。</p>
<p>二、创新券可用于购买区域内服务机构提供的检验检测、研发设计等服务。</p></body></html>"""


def _as_older_rules(s, doc_id: str, keep_hints: bool) -> None:
    """Make a document look described by an earlier version: another title and type, an
    older metadata version, and (before hints were kept) no hints."""
    with sqlite3.connect(s.catalog_path) as con:
        extra = json.loads(
            con.execute("SELECT extra FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        )
        extra["metadata_version"] = "1"
        if not keep_hints:
            extra.pop("hints", None)
        con.execute(
            "UPDATE documents SET title = 'gov notice 2020', doc_type = 'article', extra = ? "
            "WHERE doc_id = ?",
            (json.dumps(extra, ensure_ascii=False), doc_id),
        )


def test_unchanged_documents_get_the_current_description_without_embedding(
    hash_settings, monkeypatch
):
    s = hash_settings
    (s.corpus_dir / "notice.html").write_text(HTML, encoding="utf-8")
    ingest(None, s, embedder=Counting())
    store = Store(s)
    docs = {d.doc_id: d for d in store.catalog.documents()}
    html = next(d for d in docs.values() if d.source.endswith("notice.html"))
    txt = docs["wujiang-collaborative-innovation-2023"]
    assert html.title == "关于开展长三角科技创新券通用通兑试点的通知"
    assert html.extra["metadata_version"] == METADATA_VERSION
    before = {d: (docs[d].title, docs[d].doc_type, docs[d].date) for d in (html.doc_id, txt.doc_id)}
    chunk_ids = store.catalog.chunk_ids()
    vectors = store.vectors.ids()

    _as_older_rules(s, html.doc_id, keep_hints=False)  # its <title> must be read again
    _as_older_rules(s, txt.doc_id, keep_hints=True)
    # the vectors' metadata said the old type too (what a type filter reads)
    chunks = store.catalog.chunks(html.doc_id)
    store.vectors.update_meta(
        [c.chunk_id for c in chunks],
        [{"doc_id": html.doc_id, "doc_type": "article", "position": c.position} for c in chunks],
    )

    model = Counting()
    report = ingest(None, s, embedder=model)
    assert model.seen == [] and report.count("unchanged") == 6
    assert sorted(report.redescribed) == sorted([html.source, txt.source])
    store = Store(s)
    for doc_id, want in before.items():
        d = store.catalog.document(doc_id)
        assert (d.title, d.doc_type, d.date) == want
        assert d.extra["metadata_version"] == METADATA_VERSION
    assert store.catalog.chunk_ids() == chunk_ids and store.vectors.ids() == vectors
    got = store.vectors.col.get(ids=[chunks[0].chunk_id], include=["metadatas"])
    assert got["metadatas"][0]["doc_type"] == before[html.doc_id][1]

    # once described by the current rules, a further ingest leaves them alone
    again = ingest(None, s, embedder=Counting())
    assert again.redescribed == []

    # the CLI says what happened
    _as_older_rules(s, txt.doc_id, keep_hints=True)
    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["ingest"])
    assert out.exit_code == 0, out.output
    assert "更新了 1 篇未变文档的标题" in out.output


def test_official_documents_are_typed_by_what_they_are():
    """Issue 20: uploaded 通知 and 管理办法 were typed 研究文章. An issuing notice is typed by
    what it issues."""
    from ingest.metadata import infer_type

    assert infer_type("关于做好2024年春节期间安全生产工作的通知", "") == "notice"
    assert infer_type("广州市引进人才入户管理办法", "") == "regulation"
    assert infer_type("上海市促进中小企业发展条例（2020年修订）", "") == "regulation"
    assert infer_type("关于印发《示范区总体方案》的通知", "") == "plan"
    assert infer_type("关于印发〈某市临时救助实施细则〉的通知", "") == "regulation"
    assert infer_type("一种新方法", "") == "research"
