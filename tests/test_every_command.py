"""Every `kb` subcommand, once with --help and once for real on a small store (issue 20: `kb
users list` crashed with a traceback and no test ran it). A new subcommand fails the first
test until it is added to the second."""

from __future__ import annotations

import json
import os
import sys

import click
import httpx
from click.testing import CliRunner

from kb.cli import main
from tests.conftest import ROOT, free_port, serving, settings_env


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ()):
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))
    else:
        yield path


def test_every_subcommand_has_help():
    run = CliRunner()
    for path in _commands():
        out = run.invoke(main, [*path, "--help"])
        assert out.exit_code == 0 and "Usage:" in out.output, (path, out.output)


def test_every_subcommand_runs_on_a_small_store(hash_settings, monkeypatch, tmp_path, pg_url):
    settings_env(monkeypatch, hash_settings)
    run = CliRunner()
    ran: set[tuple[str, ...]] = set()

    def kb(*args: str, input: str | None = None) -> str:
        out = run.invoke(main, list(args), input=input)
        assert out.exit_code == 0 and out.exception is None, (args, out.output, out.exception)
        ran.add(next(p for p in _commands() if tuple(args[: len(p)]) == p))
        return out.stdout

    kb("ingest")
    docs = json.loads(kb("docs", "list", "--json"))
    a, b = docs[0]["doc_id"], docs[1]["doc_id"]
    kb("ask", "G60科创走廊是如何治理的？", "--json")
    kb("brief", "G60科创走廊是如何治理的？", "--format", "md", "-o", str(tmp_path / "b.md"))
    kb("doctor", "--json")
    kb("docs", "show", a, "--json")
    kb("docs", "access", a, "--groups", "finance")
    kb("docs", "access", a, "--public")
    kb("records", "--json")
    kb("diff", a, b, "--json")
    dataset = tmp_path / "tiny.yaml"
    dataset.write_text(
        "- id: t1\n  question: G60科创走廊是如何治理的？\n  must: [[联席会议]]\n  answerable: true\n",
        encoding="utf-8",
    )
    kb("eval", "run", str(dataset), "--out", str(tmp_path / "run1"))
    kb("eval", "run", str(dataset), "--out", str(tmp_path / "run2"), "--k", "3")
    kb("eval", "list")
    kb("eval", "compare", str(tmp_path / "run1"), str(tmp_path / "run2"))
    kb("eval", "delete", str(tmp_path / "run2"))
    kb("users", "add", "alice", "--groups", "finance", "--admin", "--password-stdin",
       input="correct horse battery")  # fmt: skip
    kb("users", "list", "--json")
    kb("users", "passwd", "alice", "--password-stdin", input="another long password")
    kb("users", "groups", "alice", "finance,office")
    kb("users", "token", "alice")
    kb("users", "token", "alice", "--revoke")
    kb("audit", "--json")
    kb("users", "remove", "alice")
    # feedback is given in the app; here one 👍 stored as the app stores it
    from kb.store.feedback import FeedbackLog
    from kb.store.store import Store

    answer = json.loads(kb("ask", "G60科创走廊是如何治理的？", "--json"))
    FeedbackLog(Store(hash_settings).catalog).give("anonymous", answer, 1, "对")
    listed = json.loads(kb("feedback", "list", "--json"))
    assert listed[0]["question"] == answer["question"] and listed[0]["rating"] == 1
    kb("feedback", "to-eval", str(listed[0]["id"]))
    kb("feedback", "export", "-o", str(tmp_path / "feedback.yaml"))
    kb("eval", "run", str(tmp_path / "feedback.yaml"), "--out", str(tmp_path / "run3"))
    assert "$defs" in json.loads(kb("schema"))
    # serve runs until stopped: started for real, asked, stopped
    port = free_port()
    paths = [str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ) | {"PYTHONPATH": os.pathsep.join(filter(None, paths))}
    cmd = [sys.executable, "-m", "kb.cli", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with serving(cmd, env, f"{url}/v1/health", tmp_path / "serve.log", "kb serve"):
        assert httpx.get(f"{url}/v1/docs").status_code == 200
    ran.add(("serve",))
    # the worker needs a shared store: the corpus queued in PostgreSQL, then processed
    monkeypatch.setenv("KB_DATABASE_URL", pg_url)
    assert json.loads(kb("ingest", "--queue-only", "--json"))["queued"] == 5
    kb("worker", "--once")
    assert json.loads(kb("ingest", "--status", "--json"))["counts"]["done"] == 5
    assert ran == set(_commands()), set(_commands()) - ran


def test_what_users_read_of_the_audit_and_dates_is_chinese(hash_settings, monkeypatch):
    """Issue 20: audit actions (sign_in, user_add), an empty "address=" and ISO stamps were
    shown as they are stored."""
    from kb.core import zh

    settings_env(monkeypatch, hash_settings)
    run = CliRunner()
    run.invoke(main, ["users", "add", "bob", "--password-stdin"], input="a long password here")
    text = run.invoke(main, ["audit"]).stdout
    assert "添加用户" in text and "user_add" not in text
    assert (
        zh.detail({"address": "", "question": "问", "status": "answered"})
        == "问题：问；结果：已回答"
    )
    assert zh.when("2026-12-01T21:47:27") == "2026年12月1日 21:47"
    assert zh.when("2026-12-01") == "2026年12月1日"
    from kb.brief import Brief, to_markdown

    md = to_markdown(
        Brief("简报", "2026-12-01 21:47", {"last_ingest": "2026-12-01T08:05:00"}, [], [])
    )
    assert "生成时间：2026年12月1日 21:47" in md and "最近导入 2026年12月1日 08:05" in md
