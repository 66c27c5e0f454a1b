"""A file that could not be ingested stays visible with its reason (kb docs list, the 文档库
and the API, for whoever runs the store) until it is ingested (issue 24)."""

from __future__ import annotations

import httpx
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest
from test_api import serve_in_thread

from ingest.pipeline import ingest
from kb.api import create_app
from kb.cli import main
from kb.store.store import Store
from tests.conftest import ROOT, settings_env
from tests.pdfs import chinese_pdf


def test_a_failed_file_is_listed_with_its_reason_until_it_is_ingested(hash_settings, monkeypatch):
    s = hash_settings
    bad = s.corpus_dir / "broken.pdf"
    bad.write_bytes(b"this is not a PDF at all")
    report = ingest(None, s)
    assert report.count("failed") == 1 and report.count("added") == 5
    failed = {src: why for src, why, _ in Store(s).catalog.failures()}
    (source,) = failed
    assert source.endswith("broken.pdf") and failed[source]

    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["docs", "list"])
    assert "未能导入的文件（1）" in out.output and "broken.pdf" in out.output
    assert failed[source] in out.output

    at = AppTest.from_file(str(ROOT / "app" / "views" / "1_文档库.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert any(e.label == "未能导入的文件（1）" for e in at.expander)

    with serve_in_thread(create_app(s)) as url:
        listed = httpx.get(f"{url}/v1/docs").json()
    assert [f["source"] for f in listed["failed"]] == [source]

    # the file fixed (a readable document under the same name): no longer a failure
    bad.unlink()
    chinese_pdf(bad, [["长三角示范区建设情况说明，包含若干条款。"]])
    again = ingest(None, s)
    assert again.count("added") == 1 and not again.failed
    out = CliRunner().invoke(main, ["docs", "list"])
    assert "未能导入的文件" not in out.output


def test_uploads_live_with_their_store_and_survive_a_rebuild(hash_settings, monkeypatch):
    """Issue 20: uploads were written into the checkout's corpus/uploads/, shared by every
    store using that corpus and seen by git."""
    from ingest.uploads import Upload, save_uploads

    s = hash_settings
    saved = save_uploads(
        [Upload("示范区通知.txt", "关于示范区年度报告的通知。\n各单位应按时报送。".encode())], s
    )
    assert saved[0].path.parent == s.uploads_dir.resolve()
    assert not (s.corpus_dir / "uploads").exists()
    ingest([saved[0].path], s)
    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["ingest", "--rebuild"])
    assert out.exit_code == 0, out.output
    sources = [d.source for d in Store(s).catalog.documents()]
    assert len(sources) == 6 and any(x.endswith("uploads/示范区通知.txt") for x in sources)


def test_the_ingest_queue_and_what_workers_could_not_read_are_shown(
    hash_settings, monkeypatch, pg_url
):
    """Issue 21: on a shared store the files wait in a queue; admins see it in the 文档库 and
    `kb ingest --status`, and a file a worker could not read is listed with its reason."""
    s = hash_settings.model_copy(update={"database_url": pg_url})
    (s.corpus_dir / "broken.pdf").write_bytes(b"this is not a PDF at all")
    settings_env(monkeypatch, s)
    out = CliRunner().invoke(main, ["ingest", "--queue-only"])
    assert out.exit_code == 0 and "排队 6" in out.output
    page = str(ROOT / "app" / "views" / "1_文档库.py")
    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    assert any("导入队列：排队 6 个文件" in i.value for i in at.info)
    assert CliRunner().invoke(main, ["worker", "--once"]).exit_code == 0
    status = CliRunner().invoke(main, ["ingest", "--status"]).output
    assert "排队 0，处理中 0，完成 5，失败 1" in status and "broken.pdf" in status
    at = AppTest.from_file(page, default_timeout=120)
    at.run()
    assert not any("导入队列" in i.value for i in at.info)
    assert any(e.label == "未能导入的文件（1）" for e in at.expander)
    assert len(Store(s).catalog.documents()) == 5
