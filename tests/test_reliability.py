"""Reliability: SIGKILL at each stage of ingest, the writer lock, schema versions, concurrent
queries, and a battery of hostile inputs."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedders import HASH
from filelock import FileLock

from ingest.errors import ReadError
from ingest.pipeline import ingest
from ingest.read.file import read_file
from ingest.uploads import Upload, check_content, sanitize_name, save_uploads
from kb.cli import main
from kb.doctor import diagnose, repair
from kb.knowledge import KnowledgeBase
from kb.store.catalog import SCHEMA_VERSION, Catalog, StoreError
from kb.store.store import Store
from tests.conftest import ROOT

KB = Path(sys.executable).parent / "kb"
Q = "2018年签署了哪些协议？"


def _env(s, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_HOME=str(s.home), KB_CORPUS_DIR=str(s.corpus_dir), KB_PROJECT_ROOT=str(s.project_root),
        KB_EMBED_MODEL=HASH, KB_PROGRESS="false", **extra,
    )  # fmt: skip
    return env


def _run(s, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KB), *args], env=_env(s, **extra), capture_output=True, text=True, timeout=300
    )


def _answer(s) -> str:
    out = _run(s, "ask", Q, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["answer"]


@pytest.mark.parametrize("point", ["read", "stored", "embed", "vectors", "catalog", "bm25"])
def test_sigkill_during_ingest_then_rerun_is_consistent(hash_settings, point):
    s = hash_settings
    ingest(None, s)
    expected = KnowledgeBase.open(s).ask(Q).answer.text
    # a changed file and a new one give the killed run real work at every stage
    f = s.corpus_dir / "shanghai-software-park-2019.txt"
    f.write_text(
        f.read_text(encoding="utf-8") + "\n新增段落：园区与苏州签署数据合作备忘录。\n",
        encoding="utf-8",
    )
    (s.corpus_dir / "new.md").write_text("# 新文档\n\n长三角数据合作进展良好。\n", encoding="utf-8")
    killed = _run(s, "ingest", KB_CRASH_AT=point)
    assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
    rerun = _run(s, "ingest", "--json")
    assert rerun.returncode == 0, rerun.stderr
    store = Store(s)
    report = diagnose(store)
    assert report.ok, report.to_dict()
    assert store.catalog.chunk_ids() == store.vectors.ids() == set(store.load_bm25().ids)
    assert len(store.catalog.documents()) == 6
    assert any(
        "苏州签署数据合作备忘录" in c.text
        for c in store.catalog.chunks("shanghai-software-park-2019")
    )
    # the added sentence is not about 2018: the answer is what it was before the crash
    assert KnowledgeBase.open(s).ask(Q).answer.text == expected


@pytest.mark.parametrize("point", ["catalog", "bm25"])
def test_a_document_committed_before_a_kill_is_found_by_its_words(hash_settings, point):
    """Killed after a new document's catalog write (or while the index is saved), the saved
    BM25 index lags the catalog; asking before any repair still finds the document by the
    words only it has, through keyword retrieval, not by chance of the dense side."""
    s = hash_settings
    ingest(None, s)
    (s.corpus_dir / "quantum.md").write_text(
        "# 量子通信\n\n沪杭量子保密通信干线完成联调测试，全长三百公里。\n", encoding="utf-8"
    )
    killed = _run(s, "ingest", KB_CRASH_AT=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store = Store(s)
    assert any(d.doc_id == "quantum" for d in store.catalog.documents())
    new_ids = {c.chunk_id for c in store.catalog.chunks("quantum")}
    assert new_ids and not new_ids & set(store.load_bm25().ids)  # the saved index lags
    hits = KnowledgeBase.open(s).retriever.search("量子保密通信干线联调").passages
    found = [p for p in hits if p.doc.doc_id == "quantum"]
    assert found and found[0].rank_bm25 == 1, [(p.doc.doc_id, p.rank_bm25) for p in hits]


def test_a_killed_first_ingest_keeps_its_records_current(hash_settings):
    """The documents a killed first ingest committed carry records by the current rules: the
    doctor reports the lagging index, not stale records, and says the store is incomplete."""
    s = hash_settings
    killed = _run(s, "ingest", KB_CRASH_AT="catalog")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    report = diagnose(Store(s))
    assert report.catalog_chunks > 0 and report.bm25_mismatch and not report.records_stale
    out = _run(s, "ask", Q)
    assert out.returncode != 0 and "中途被打断" in out.stderr


def test_documents_are_found_by_their_words_before_they_are_embedded(hash_settings):
    """Two phases: every read document is stored before any is embedded. Killed after the
    first new document was finished, the other is listed as read, found by its words, and
    the answer says the dense side did not cover it; the next ingest embeds only that one."""
    s = hash_settings
    ingest(None, s)
    for name, text in (
        ("alpha", "甬舟铁路跨海隧道完成盾构始发。"),
        ("beta", "沪苏湖高铁湖州段铺轨贯通。"),
    ):
        (s.corpus_dir / f"{name}.md").write_text(f"# {name}\n\n{text}\n", encoding="utf-8")
    killed = _run(s, "ingest", KB_CRASH_AT="catalog")  # the first document finished, then killed
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    listed = json.loads(_run(s, "docs", "list", "--json").stdout)
    states = {d["doc_id"]: d["state"] for d in listed}
    assert sorted(states[d] for d in ("alpha", "beta")) == ["embedded", "read"], states
    waiting = next(d for d in ("alpha", "beta") if states[d] == "read")
    words = {"alpha": "甬舟铁路跨海隧道盾构", "beta": "沪苏湖高铁湖州段铺轨"}[waiting]
    kb = KnowledgeBase.open(s)
    hits = kb.retriever.search(words).passages
    assert hits[0].doc.doc_id == waiting and hits[0].rank_bm25 == 1
    assert any("尚在向量化" in w for w in kb.ask(words).warnings)
    assert not diagnose(Store(s)).missing_vectors  # waiting for vectors is no damage
    rerun = json.loads(_run(s, "ingest", "--json").stdout)
    done = {f["doc_id"]: f["status"] for f in rerun["files"]}
    assert done[waiting] == "updated" and rerun["updated"] == 1, done  # nothing else again
    store = Store(s)
    assert all(d.state == "embedded" for d in store.catalog.documents())
    assert diagnose(store).ok and store.catalog.chunk_ids() == store.vectors.ids()
    assert not any("尚在向量化" in w for w in KnowledgeBase.open(s).ask(words).warnings)


def test_doctor_finds_and_repairs_damage(hash_settings):
    s = hash_settings
    ingest(None, s)
    store = Store(s)
    ids = sorted(store.catalog.chunk_ids())
    store.vectors.delete(ids[:3])  # lost vectors
    store.vectors.upsert(["orphan-1"], [[0.1] * 384], ["孤立"], [{"doc_id": "x"}])  # stray vector
    (s.home / ".bm25-leftover").mkdir()
    r = CliRunner().invoke(main, ["doctor", "--json"], env=_env(s))
    assert r.exit_code == 1
    found = json.loads(r.stdout)
    assert found["missing_vectors"] == 3 and found["orphan_vectors"] == 1 and found["stale_temp"]
    fixed = repair(s)
    assert fixed.ok and len(fixed.repaired) == 3
    assert store.vectors.ids() == store.catalog.chunk_ids()


def test_second_ingest_fails_clearly_while_one_runs(hash_settings):
    s = hash_settings
    s.home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(s.home / "ingest.lock")):
        out = _run(s, "ingest", KB_LOCK_TIMEOUT="1")
    assert out.returncode == 1 and "another ingest holds" in out.stderr


def test_schema_versions(tmp_path):
    c = Catalog(tmp_path / "catalog.sqlite")
    assert c.get_meta("schema_version") == str(SCHEMA_VERSION)
    c.set_meta(schema_version="99")
    with pytest.raises(StoreError, match="schema version 99 is newer"):
        Catalog(tmp_path / "catalog.sqlite")


def test_concurrent_queries_match_sequential(corpus_kb):
    questions = [
        Q,
        "G60科创走廊是如何治理的？",
        "2022年长三角专利转移数量是多少？",
        "2030年签署了哪些协议？",
    ] * 4
    sequential = [corpus_kb.ask(q).to_dict() for q in questions]
    with ThreadPoolExecutor(16) as pool:
        parallel = list(pool.map(lambda q: corpus_kb.ask(q).to_dict(), questions))
    for a, b in zip(sequential, parallel, strict=True):
        assert (a["status"], a["answer"], [c["quote"] for c in a["citations"]]) == (
            b["status"], b["answer"], [c["quote"] for c in b["citations"]],
        )  # fmt: skip


def test_concurrent_processes_read_one_store(hash_settings):
    ingest(None, hash_settings)
    procs = [
        subprocess.Popen(
            [str(KB), "ask", Q, "--json"],
            env=_env(hash_settings),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    answers = {json.loads(p.communicate(timeout=300)[0])["answer"] for p in procs}
    assert len(answers) == 1 and "长三角地区加快构建区域创新共同体战略合作协议" in answers.pop()


# ---------------------------------------------------------------- hostile inputs
def test_hostile_file_battery(tmp_path):
    limits = dict(max_bytes=5 * 10**6, max_pages=100)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<" + "a" * (300 * 1024 * 1024))  # 300 MB of one letter
    with pytest.raises(ReadError, match="疑似压缩炸弹"):
        read_file(bomb, max_bytes=10**8, max_pages=10)
    line = tmp_path / "one-line.txt"
    line.write_text("长三角区域协同创新" * 200_000, encoding="utf-8")  # 1.8M characters, no breaks
    with pytest.raises(ReadError, match="的上限"):
        read_file(line, **limits)
    nested = tmp_path / "nested.html"
    nested.write_text(
        "<div>" * 5000 + "深层正文内容。" + "</div>" * 5000 + "<script>alert(1)</script>",
        encoding="utf-8",
    )
    doc = read_file(nested, **limits)
    assert "深层正文内容" in doc.text and "alert" not in doc.text
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("长三角一体化".encode("utf-16"))
    assert read_file(utf16, **limits).text == "长三角一体化"


def test_huge_single_line_is_chunked_within_limits(hash_settings):
    s = hash_settings
    (s.corpus_dir / "long.txt").write_text(
        "长三角区域协同创新持续推进，" * 20_000, encoding="utf-8"
    )
    report = ingest(None, s)
    assert not report.failed
    chunks = Store(s).catalog.chunks("long")
    assert len(chunks) > 100 and max(c.n_tokens for c in chunks) <= s.chunk.max_tokens


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("报告\u202egpj.exe.txt", "报告gpj.exe.txt"),
        (".hidden.md", "hidden.md"),
        ("a/b/../../../长三角 规划.docx", "长三角_规划.docx"),
        ("", "upload"),
    ],
)
def test_upload_names_are_sanitised(name, expected):
    assert sanitize_name(name) == expected


def test_uploads_never_write_outside_the_uploads_folder(hash_settings):
    s = hash_settings
    saved = save_uploads(
        [
            Upload("../../../../evil.txt", "长三角".encode()),
            Upload("fake.pdf", b"MZ\x90\x00 not a pdf"),
            Upload("big.txt", b"x" * 10, date="not-a-date"),
        ],
        s,
    )
    assert saved[0].path == (s.uploads_dir / "evil.txt").resolve()
    assert not (s.corpus_dir.parent / "evil.txt").exists()
    assert saved[1].error == "不是 PDF 文件（内容不以 %PDF 开头）" and saved[1].path is None
    assert saved[2].error.startswith("文档信息「日期」有误：")
    assert check_content("x.docx", b"PK\x03\x04garbage", 10**6).startswith("不是 Word .docx 文件")


# The app's only ways to render raw HTML: st.html, components.html / components.iframe, and
# unsafe_allow_html=True (st.markdown, st.write...). Each use must be listed here with the
# reason it is safe, and what it renders must be escaped (tested below).
ALLOWED_HTML = {
    # the eval report, written by evals.report.render_html, shown in a sandboxed iframe
    ("app/evalview.py", "components.html"),
    # the session cookie: one line of JavaScript holding a token of URL-safe characters only
    # (app.state._set_cookie refuses any other), never text of a document
    ("app/state.py", "st.html"),
    # Streamlit's own English texts in Chinese: a <style> of CSS only, built from the constant
    # texts of app/widgets.py (tests/test_widgets.py), never user or document text
    ("app/widgets.py", "st.html"),
    # the targets of an answer's [n] links: empty <span>s whose ids are built from digits and
    # the turn's position only (app.render.render_answer), never text of a document
    ("app/render.py", "st.html"),
}


def _html_renders(path: Path) -> list[str]:
    """The raw-HTML render calls of a module, as "components.html" or "unsafe_allow_html"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # names imported straight from streamlit's components: `from ... import html`
    imported = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit")
        for a in node.names
        if a.name in ("html", "iframe")
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (isinstance(f, ast.Attribute) and f.attr in ("html", "iframe")) or (
            isinstance(f, ast.Name) and f.id in imported
        ):
            found.append(ast.unparse(f))
        for kw in node.keywords:
            if kw.arg == "unsafe_allow_html" and not (
                isinstance(kw.value, ast.Constant) and kw.value.value is False
            ):
                found.append("unsafe_allow_html")
    return found


def test_no_corpus_text_is_rendered_as_html_unescaped(tmp_path):
    uses = {
        (p.relative_to(ROOT).as_posix(), call)
        for p in (ROOT / "app").rglob("*.py")
        for call in _html_renders(p)
    }
    assert uses <= ALLOWED_HTML, uses - ALLOWED_HTML
    # the check itself sees each form
    assert ("app/evalview.py", "components.html") in uses, "the 评测 page's use not seen"
    probe = tmp_path / "probe.py"
    for source in ("st.markdown(x, unsafe_allow_html=True)", "st.html(x)",
                   "from streamlit.components.v1 import html as h\nh(x)"):  # fmt: skip
        probe.write_text(source, encoding="utf-8")
        assert _html_renders(probe), source
    # what the 评测 page renders is the report file the runner writes with render_html
    page = ast.parse((ROOT / "app" / "evalview.py").read_text(encoding="utf-8"))
    call = next(n for n in ast.walk(page) if isinstance(n, ast.Call)
                and ast.unparse(n.func) == "components.html")  # fmt: skip
    assert ast.unparse(call.args[0]) == "report.read_text(encoding='utf-8')"
    shown = next(n for n in ast.walk(page) if isinstance(n, ast.Assign)
                 and any(getattr(t, "id", "") == "report" for t in n.targets))  # fmt: skip
    assert ast.unparse(shown.value) == "out / 'report.html'"
    runner = (ROOT / "evals" / "runner.py").read_text(encoding="utf-8")
    assert '(out / "report.html").write_text(render_html(results)' in runner


def test_eval_report_escapes_every_text_it_shows():
    from evals.report import render_html

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    cite = {"n": 1, "title": evil, "locator": evil, "quote": evil, "source": evil}
    results = {
        "config": {"dataset": evil, "preset": evil, "corpus_dir": evil, "corpus_home": evil},
        "created": evil, "questions_total": 1, "seconds": 1.0,
        "corpus": {"documents": evil, "chunks": evil}, "metrics": {},
        "questions": [{"id": evil, "question": evil, "tags": [evil], "status": evil,
                       "answer": evil, "citations": [cite], "reasons": [evil]}],
    }  # fmt: skip
    page = render_html(results)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    # every field above (the title twice), not dropped; the source is a path, not shown
    assert page.count("&lt;script&gt;") == 18


def test_query_keeps_answering_from_the_last_complete_state(hash_settings):
    s = hash_settings
    ingest(None, s)
    kb = KnowledgeBase.open(s)
    before = kb.ask(Q).answer.text
    # a changed file, so that the killed run has a new BM25 index to build
    f = s.corpus_dir / "shanghai-software-park-2019.txt"
    f.write_text(
        f.read_text(encoding="utf-8") + "\n新增段落：园区与苏州签署数据合作备忘录。\n",
        encoding="utf-8",
    )
    killed = _run(s, "ingest", KB_CRASH_AT="bm25")  # killed while it writes the new index
    assert killed.returncode == -signal.SIGKILL
    # between the kill and the re-run: the open knowledge base and a new one still answer,
    # as before (the added sentence is not about 2018)
    assert kb.ask(Q).answer.text == before
    assert KnowledgeBase.open(s).ask(Q).answer.text == before
    rerun = _run(s, "ingest")
    assert rerun.returncode == 0
    assert kb.ask(Q).answer.text == before


def test_killed_rebuild_is_restored_by_the_rerun(hash_settings):
    """`--rebuild` empties the store first, so until the re-run there is nothing to answer
    from; the re-run restores the answer."""
    s = hash_settings
    ingest(None, s)
    kb = KnowledgeBase.open(s)
    before = kb.ask(Q).answer.text
    killed = _run(s, "ingest", "--rebuild", KB_CRASH_AT="embed")  # a rebuild killed half way
    assert killed.returncode == -signal.SIGKILL
    rerun = _run(s, "ingest")
    assert rerun.returncode == 0
    assert kb.ask(Q).answer.text == before
