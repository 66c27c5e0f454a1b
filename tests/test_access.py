"""Who may see what: users, document access groups enforced on every read path, the audit
trail, ingest that reads nothing from outside the corpus, and secrets never written.

The documents are written for these tests; the fast hash embedder is enough here because
what is judged is what a user can see, not retrieval quality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedders import HASH

from ingest.pipeline import ingest
from kb.cli import main
from kb.knowledge import KnowledgeBase
from kb.store.access import Principal
from kb.store.users import AuthError, LockedOut, Users
from tests.conftest import make_settings, settings_env
from tests.fake_llm import FakeLLM

PUBLIC = {
    "public/创新券.md": "# 关于推进区域科技创新券互认的通知\n\n各市科技局：\n\n"
    "为推动区域科技资源共享，2023年起三地试行科技创新券互认。企业可在任一城市使用创新券购买检测服务。\n\n"
    "互认范围包括检验检测、研发设计和技术转移服务。每家企业每年使用额度不超过50万元。\n",
    "public/园区.md": "# 临江智能制造产业园简介\n\n"
    "临江智能制造产业园成立于2015年，规划面积12平方公里。园区重点发展工业机器人和传感器产业。\n\n"
    "2022年园区实现工业产值480亿元，入驻企业320家。园区设有公共技术服务平台。\n",
}
SECRET_FILE = "internal/纪要.md"
SECRET = (
    "# 财政专项资金使用情况内部纪要\n\n"
    "2024年财政专项资金预算为3.7亿元，其中科技创新券补贴1.2亿元。\n\n"
    "2024年3月，财政局与临江市政府签署《产业园专项资金合作协议》。"
    "会议决定，临江智能制造产业园获得专项扶持资金8000万元，由财政局统一拨付。\n"
)
MANIFEST = f"documents:\n  - file: {SECRET_FILE}\n    access: [finance]\n"
QUESTIONS = [
    "2024年财政专项资金预算是多少？",
    "临江智能制造产业园获得多少专项扶持资金？",
    "《产业园专项资金合作协议》是谁签署的？",
    "科技创新券每家企业每年可以用多少？",
    "临江智能制造产业园的工业产值是多少？",
]


def write_corpus(root: Path, secret: bool = True) -> Path:
    for rel, text in PUBLIC.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    if secret:
        (root / SECRET_FILE).parent.mkdir(parents=True, exist_ok=True)
        (root / SECRET_FILE).write_text(SECRET, encoding="utf-8")
        (root / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    return root


def build(tmp: Path, secret: bool = True):
    corpus = write_corpus(tmp / "corpus", secret)
    s = make_settings(tmp / "kb", corpus_dir=corpus, project_root=tmp, embed_model=HASH)
    report = ingest(None, s)
    assert not report.failed, report.failed
    return s


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store holding two public documents and one readable by group finance, with users
    alice (office) and bob (finance) added through the CLI."""
    s = build(tmp_path)
    settings_env(monkeypatch, s)
    for name, groups in (("alice", "office"), ("bob", "finance")):
        r = CliRunner().invoke(
            main,
            ["users", "add", name, "--groups", groups, "--password-stdin"],
            input="correct horse battery\n",
        )
        assert r.exit_code == 0, r.output
    return s


def cli(*args: str, ok: bool = True):
    r = CliRunner().invoke(main, list(args))
    if ok:
        assert r.exit_code == 0, r.output
    return r


def secret_id(s) -> str:
    return next(d.doc_id for d in KnowledgeBase.open(s).documents() if d.source.endswith("纪要.md"))


def test_non_member_gets_nothing_of_a_restricted_document_member_does(store):
    sid = secret_id(store)
    q = "2024年财政专项资金预算是多少？"
    alice = json.loads(cli("ask", q, "--json", "--user", "alice").output)
    bob = json.loads(cli("ask", q, "--json", "--user", "bob").output)
    assert all(c["doc_id"] != sid for c in alice["citations"])
    assert "3.7亿" not in json.dumps(alice, ensure_ascii=False)
    assert bob["status"] == "answered" and "3.7亿元" in bob["answer"]
    assert any(c["doc_id"] == sid for c in bob["citations"])

    listed = {u: {d["doc_id"] for d in json.loads(cli("docs", "list", "--json", "--user", u).output)}
              for u in ("alice", "bob")}  # fmt: skip
    assert sid not in listed["alice"] and sid in listed["bob"] and len(listed["alice"]) == 2
    everything = {d["doc_id"]: d for d in json.loads(cli("docs", "list", "--json").output)}
    assert everything[sid]["access"] == ["finance"]  # the operator sees all, with its groups
    r = cli("docs", "show", sid, "--user", "alice", ok=False)
    assert r.exit_code != 0 and "内部纪要" not in r.output  # indistinguishable from "no such"
    assert "内部纪要" in cli("docs", "show", sid, "--user", "bob").output
    r = cli("ask", q, "--user", "nobody", ok=False)
    assert r.exit_code != 0 and "no user named 'nobody'" in r.output


def test_records_timeline_and_status_leave_out_hidden_documents(store):
    kb = KnowledgeBase.open(store)
    alice = kb.users.principal("alice")
    bob = kb.users.principal("bob")
    sid = secret_id(store)
    assert any(sid in r.doc_ids for r in kb.records(bob))
    assert not any(sid in r.doc_ids for r in kb.records(alice))
    rows = kb.record_rows(kb.records(alice), alice)
    assert "合作协议" not in json.dumps(rows, ensure_ascii=False)
    assert kb.status(alice)["documents"] == 2 and kb.status(bob)["documents"] == 3
    cli_records = json.loads(cli("records", "--json", "--user", "alice").output)
    assert "产业园专项资金合作协议" not in json.dumps(cli_records, ensure_ascii=False)
    assert "产业园专项资金合作协议" in cli("records", "--json", "--user", "bob").output
    assert kb.document(sid, alice) is None and kb.chunks(sid, alice) == []
    assert kb.document(sid, bob) is not None


def test_a_restricted_chunk_does_not_change_what_non_members_get(tmp_path, store):
    """The same questions asked by a non-member of a store with the restricted document and
    of a store that never had it: the same passages, in the same order, with the same scores,
    and the same answers (BM25 statistics, refusals and records as if it did not exist)."""
    without = build(tmp_path / "without", secret=False)
    kb_with, kb_without = KnowledgeBase.open(store), KnowledgeBase.open(without)
    alice = kb_with.users.principal("alice")

    def ranking(kb, q, who):
        return [(p.doc.source.split("/corpus/")[-1], p.chunk.position, round(p.score, 5))
                for p in kb.retriever.search(q, 10, who=who).passages]  # fmt: skip

    def answer(kb, q, who):
        d = kb.ask(q, user=who, audit=False).to_dict()
        d.pop("timings_ms")
        for c in d["citations"]:
            c.pop("source"), c.pop("doc_id"), c.pop("chunk_id", None)
        return d

    for q in QUESTIONS:
        assert ranking(kb_with, q, alice) == ranking(kb_without, q, None), q
        assert answer(kb_with, q, alice) == answer(kb_without, q, None), q
    # the restricted passage is there for the operator: the comparison above can fail
    top = kb_with.retriever.search(QUESTIONS[1], 3).passages
    assert any(p.doc.source.endswith("纪要.md") for p in top)


def test_access_changes_without_re_embedding(store):
    kb = KnowledgeBase.open(store)
    park = next(d for d in kb.documents() if "产业园简介" in d.title)
    ids_before = kb.store.vectors.ids()
    r = cli("docs", "access", park.doc_id, "--groups", "finance")
    assert "finance" in r.output
    alice = kb.users.principal("alice")
    assert kb.document(park.doc_id, alice) is None
    assert all(c.doc_id != park.doc_id for c in kb.ask("园区工业产值", user=alice).answer.citations)
    assert kb.store.vectors.ids() == ids_before
    assert kb.store.catalog.document(park.doc_id).ingested_at == park.ingested_at
    again = ingest(None, store)  # the change survives an ingest; nothing is re-read
    assert again.count("unchanged") == 3 and kb.document(park.doc_id, alice) is None
    cli("docs", "access", park.doc_id, "--public")
    assert kb.document(park.doc_id, alice) is not None
    # a document whose manifest entry sets its access is governed by the manifest
    r = cli("docs", "access", secret_id(store), "--public", ok=False)
    assert r.exit_code != 0 and "manifest" in r.output
    assert kb.document(secret_id(store), alice) is None
    audit = json.loads(cli("audit", "--json").output)
    assert [e["action"] for e in audit if e["target"] == park.doc_id] == ["access", "access"]


def test_manifest_access_edit_applies_on_ingest_without_re_reading(store):
    corpus = store.corpus_dir
    (corpus / "manifest.yaml").write_text(
        MANIFEST.replace("[finance]", "[office]"), encoding="utf-8"
    )
    report = ingest(None, store)
    assert report.count("unchanged") == 3
    kb = KnowledgeBase.open(store)
    sid = secret_id(store)
    assert kb.document(sid, kb.users.principal("alice")) is not None
    assert kb.document(sid, kb.users.principal("bob")) is None
    (corpus / "manifest.yaml").write_text("documents: []\n", encoding="utf-8")
    ingest(None, store)
    assert kb.document(sid, kb.users.principal("bob")) is not None  # no entry: everyone


def test_brief_and_eval_answer_from_what_the_user_may_read(store, tmp_path):
    out = tmp_path / "brief.md"
    cli(
        "brief",
        "2024年财政专项资金预算是多少？",
        "--format",
        "md",
        "-o",
        str(out),
        "--user",
        "alice",
    )
    assert "3.7亿" not in out.read_text(encoding="utf-8")
    cli(
        "brief", "2024年财政专项资金预算是多少？", "--format", "md", "-o", str(out), "--user", "bob"
    )
    assert "3.7亿" in out.read_text(encoding="utf-8")
    ds = tmp_path / "ds.yaml"
    ds.write_text(
        "- id: budget\n  question: 2024年财政专项资金预算是多少？\n  must: [[3.7亿元]]\n",
        encoding="utf-8",
    )
    results = {}
    for who in ("alice", "bob"):
        cli("eval", "run", str(ds), "--out", str(tmp_path / who), "--user", who, ok=False)
        results[who] = (tmp_path / who / "results.json").read_text(encoding="utf-8")
    assert "3.7亿元" not in json.loads(results["alice"])["questions"][0]["answer"]
    assert "纪要" not in results["alice"]
    assert json.loads(results["bob"])["questions"][0]["fully_correct"]


def test_passwords_are_hashed_and_sign_in_failures_are_rate_limited(store):
    users = Users(KnowledgeBase.open(store).store.catalog)
    raw = b"".join(p.read_bytes() for p in store.home.glob("catalog.sqlite*"))
    assert b"correct horse battery" not in raw
    assert users.authenticate("alice", "correct horse battery", "10.0.0.1").groups == {"office"}
    with pytest.raises(AuthError) as wrong_pw:
        users.authenticate("alice", "wrong password", "10.0.0.1")
    with pytest.raises(AuthError) as no_user:
        users.authenticate("mallory", "wrong password", "10.0.0.1")
    assert str(wrong_pw.value) == str(no_user.value)  # names cannot be probed
    for _ in range(4):
        with pytest.raises(AuthError):
            users.authenticate("alice", "wrong password", "10.0.0.2")
    with pytest.raises(LockedOut):  # five failures for alice: even the right password waits
        users.authenticate("alice", "correct horse battery", "10.0.0.3")
    assert users.authenticate("bob", "correct horse battery", "10.0.0.3").name == "bob"
    for name in ("carol", "dave", "erin", "frank", "grace"):  # one address, many names
        with pytest.raises(AuthError):
            users.authenticate(name, "guess", "10.9.9.9")
    with pytest.raises(LockedOut):  # its next guess waits, but invented names lock no one out
        users.authenticate("heidi", "guess", "10.9.9.9")
    assert users.authenticate("bob", "correct horse battery", "10.9.9.9").name == "bob"
    with pytest.raises(AuthError, match="too short"):
        users.add("henry", "short")
    r = CliRunner().invoke(main, ["users", "add", "alice", "--password-stdin"], input="x" * 12)
    assert r.exit_code != 0 and "already exists" in r.output


def test_audit_trail_is_append_only_and_pruned(store):
    kb = KnowledgeBase.open(store)
    bob = kb.users.principal("bob")
    kb.ask("2024年财政专项资金预算是多少？", user=bob)
    entries = json.loads(cli("audit", "--user", "bob", "--json").output)
    ask = next(e for e in entries if e["action"] == "ask")
    assert ask["detail"]["question"] == "2024年财政专项资金预算是多少？"
    assert ask["detail"]["cited"] and secret_id(store) in ask["detail"]["cited"]
    assert {e["action"] for e in json.loads(cli("audit", "--json").output)} >= {"user_add", "ask"}
    catalog = kb.store.catalog
    with pytest.raises(catalog.db.errors), catalog.connect() as con:
        con.execute("""UPDATE audit SET "user" = 'someone else'""")
    with catalog.connect() as con:
        con.execute(
            'INSERT INTO audit (ts, "user", action, target, detail) '
            "VALUES ('2001-01-01T00:00:00', 'old', 'ask', NULL, '{}')"
        )
    kb.ask("科技创新券", user=bob)  # any new entry prunes what is past retention
    assert not json.loads(cli("audit", "--user", "old", "--json").output)


def test_rebuild_keeps_users_access_and_audit(store):
    cli("ingest", "--rebuild")
    kb = KnowledgeBase.open(store)
    assert {u.name for u in kb.users.list_users()} == {"alice", "bob"}
    assert kb.document(secret_id(store), kb.users.principal("alice")) is None
    assert json.loads(cli("audit", "--json").output)


def test_upload_with_groups_is_restricted_from_its_first_write(store):
    from ingest.uploads import Upload, save_uploads

    saved = save_uploads(
        [Upload("会议记录.md", "# 闭门会议记录\n\n与会方商定：试点补贴标准为每家企业20万元。\n".encode(),
                access=["finance"])],
        store,
    )  # fmt: skip
    ingest([s.path for s in saved], store)
    kb = KnowledgeBase.open(store)
    alice, bob = (kb.users.principal(n) for n in ("alice", "bob"))
    assert not any("闭门会议" in d.title for d in kb.documents(alice))
    assert any("闭门会议" in d.title for d in kb.documents(bob))
    assert "20万元" not in kb.ask("试点补贴标准是多少？", user=alice).answer.text


def test_ingest_reads_nothing_from_outside_the_folder(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", secret=False)
    outside = tmp_path / "outside.txt"
    outside.write_text("root:x:0:0:系统账户机密信息\n", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside)
    (corpus / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    (corpus / "inside-link.md").symlink_to(corpus / "public" / "园区.md")
    os.mkfifo(corpus / "pipe.txt")  # reading it would block the ingest forever
    s = make_settings(tmp_path / "kb", corpus_dir=corpus, project_root=tmp_path, embed_model=HASH)
    settings_env(monkeypatch, s)
    r = cli("ingest", "--json")
    report = json.loads(r.stdout)
    skipped = {
        Path(f["source"]).name: f["reason"] for f in report["files"] if f["status"] == "skipped"
    }
    assert skipped["passwd.txt"] == "指向文件夹以外的符号链接"
    assert skipped["linked-dir"] == "指向文件夹以外的符号链接"
    assert skipped["pipe.txt"] == "不是普通文件（FIFO）"
    assert report["documents"] == 2 and report["failed"] == 0
    text = "".join(d.text for d in KnowledgeBase.open(s).documents())
    assert "系统账户" not in text
    human = cli("ingest", str(corpus / "pipe.txt"))
    assert "跳过" in human.output and "pipe.txt" in human.output and "FIFO" in human.output


def test_no_secret_is_written_anywhere(tmp_path, monkeypatch):
    """Unique keys in the environment; ingest, ask (through a real loopback LLM server),
    eval and a brief; no file the run wrote contains either key."""
    llm_key, embed_key = "sk-llm-9f3a1c77e0d2-unique", "sk-embed-41b8e5aa9c0f-unique"
    s = build(tmp_path)
    settings_env(monkeypatch, s)
    fake = FakeLLM()
    try:
        fake.reply = "【无法回答】资料不足。"
        monkeypatch.setenv("KB_LLM_BASE_URL", fake.url)
        monkeypatch.setenv("KB_LLM_MODEL", "qwen-test")
        monkeypatch.setenv("KB_LLM_API_KEY", llm_key)
        monkeypatch.setenv("KB_EMBED_API_KEY", embed_key)
        cli("ask", "临江智能制造产业园的工业产值是多少？", "--json")
        ds = tmp_path / "ds.yaml"
        ds.write_text(
            "- id: a\n  question: 园区的工业产值是多少？\n  must: [[480亿元]]\n", encoding="utf-8"
        )
        cli("eval", "run", str(ds), "--preset", "llm", "--out", str(tmp_path / "run"), ok=False)
        cli("brief", "园区的工业产值是多少？", "-o", str(tmp_path / "b.md"), "--format", "md")
        cli("ingest", str(s.corpus_dir))
    finally:
        fake.close()
    assert fake.auth and all(a == f"Bearer {llm_key}" for a in fake.auth)  # the key was used
    assert (tmp_path / "run" / "results.json").exists()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()]
    assert len(written) > (5 if s.database_url else 10)  # a shared store keeps none on disk
    for p in written:
        data = p.read_bytes()
        assert llm_key.encode() not in data and embed_key.encode() not in data, p
    if s.database_url:  # and every row of every table of the database
        import psycopg

        with psycopg.connect(s.database_url) as con:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )]  # fmt: skip
            assert "audit" in tables
            for t in tables:
                rows = con.execute(f"SELECT t::text FROM {t} t").fetchall()
                assert not any(llm_key in r[0] or embed_key in r[0] for r in rows), t


def test_principal_without_groups_reads_only_open_documents():
    from kb.store.access import can_read

    nobody = Principal("n")
    assert can_read(nobody, None) and not can_read(nobody, ["finance"])
    assert can_read(Principal("a", admin=True), ["finance"])
