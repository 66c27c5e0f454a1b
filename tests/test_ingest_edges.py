"""Ways around what ingest should refuse (issue 25): a link named on the command line, a store
whose first ingest was killed, an upload that would drop its restriction, impossible dates,
file names that are not UTF-8. Each is refused (or kept) with a message naming the file.

The fast hash embedder is enough: what is judged is what gets stored and who may read it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settings_env

from ingest.metadata import ManifestError
from ingest.pipeline import ingest
from ingest.uploads import Upload, save_uploads
from kb.cli import main
from kb.knowledge import KnowledgeBase
from kb.store.access import Principal
from kb.store.store import Store

KB = Path(sys.executable).parent / "kb"
NOTE = "# 区域合作会议纪要\n\n会议商定：2024年起联合设立科技创新基金，首期规模10亿元。\n"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


# ---------------------------------------------------------------- a link named directly
def test_a_link_named_on_the_command_line_is_skipped(hash_settings, monkeypatch, tmp_path):
    s = hash_settings
    settings_env(monkeypatch, s)
    outside = tmp_path / "secret.txt"
    outside.write_text("机密：系统账户口令清单。\n\n不得外传。", encoding="utf-8")
    link = s.corpus_dir / "notes.txt"
    link.symlink_to(outside)
    r = cli("ingest", str(link), "--json")
    (f,) = json.loads(r.stdout)["files"]
    assert f["status"] == "skipped" and f["source"].endswith("corpus/notes.txt")
    assert f["reason"].startswith("符号链接（不跟随")
    assert Store(s).catalog.counts()["documents"] == 0
    human = cli("ingest", str(link))
    assert "跳过" in human.output and "notes.txt" in human.output and "符号链接" in human.output
    # the file itself, named directly, is read
    assert json.loads(cli("ingest", str(outside), "--json").stdout)["added"] == 1


# ---------------------------------------------------------------- a killed first ingest
def _env(s, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_HOME=str(s.home), KB_CORPUS_DIR=str(s.corpus_dir), KB_PROJECT_ROOT=str(s.project_root),
        KB_EMBED_MODEL=s.embed_model, KB_PROGRESS="false", **extra,
    )  # fmt: skip
    return env


def _kb(s, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KB), *args], env=_env(s, **extra), capture_output=True, text=True, timeout=300
    )


def test_after_a_killed_first_ingest_ask_says_so_and_ingests_nothing(hash_settings, tmp_path):
    """The first ingest (of a folder of one's own) is killed; `kb ask` must not fill that
    store from the corpus folder: it says the store is incomplete and which ingest to run."""
    s = hash_settings
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "纪要.md").write_text(NOTE, encoding="utf-8")
    killed = _kb(s, "ingest", str(mine), KB_CRASH_AT="embed")
    assert killed.returncode == -signal.SIGKILL
    asked = _kb(s, "ask", "科技创新基金首期规模是多少？")
    assert asked.returncode == 1
    assert "知识库不完整" in asked.stderr and f"kb ingest {mine}" in asked.stderr
    assert "Traceback" not in asked.stderr
    # nothing from the corpus folder: only the killed ingest's own document, stored unembedded
    docs = Store(s).catalog.documents()
    assert [(d.source, d.state) for d in docs] == [("mine/纪要.md", "read")]
    # running the ingest it names completes the store; then questions are answered
    assert _kb(s, "ingest", str(mine)).returncode == 0
    answered = _kb(s, "ask", "科技创新基金首期规模是多少？", "--json")
    assert answered.returncode == 0, answered.stderr
    assert "10亿元" in json.loads(answered.stdout)["answer"]
    assert {d.source for d in Store(s).catalog.documents()} == {"mine/纪要.md"}


def test_ask_during_the_first_ingest_waits_for_it(hash_settings):
    """A first ingest still running is not taken for an interrupted one: opening the store
    waits for it to finish, then answers from it."""
    from embedders import HashEmbedding

    from ingest.pipeline import ensure_ingested

    s = hash_settings
    embedding, release = threading.Event(), threading.Event()

    class Gated(HashEmbedding):
        def passage_vectors(self, texts):
            embedding.set()
            release.wait(60)
            return super().passage_vectors(texts)

    first = threading.Thread(target=ingest, args=(None, s), kwargs={"embedder": Gated()})
    first.start()
    assert embedding.wait(60)  # the first ingest is under way, holding the store
    outcome: list = []
    opener = threading.Thread(target=lambda: outcome.append(ensure_ingested(s, quiet=True)))
    opener.start()
    opener.join(1.0)
    assert opener.is_alive() and not outcome  # waiting, not refusing nor ingesting
    release.set()
    first.join(60)
    opener.join(60)
    assert outcome == [None]
    assert Store(s).catalog.counts()["documents"] == 5


def test_a_fresh_store_is_built_from_the_corpus_saying_so(hash_settings, monkeypatch):
    """The first `kb ask` of a checkout (nothing ever ingested) still builds the store from
    the corpus folder, as `make run` does, and says so on stderr."""
    s = hash_settings
    settings_env(monkeypatch, s)
    r = CliRunner().invoke(main, ["ask", "2018年签署了哪些协议？", "--json"])
    assert r.exit_code == 0, r.output
    assert "首次使用" in r.stderr and str(s.corpus_dir) in r.stderr
    assert Store(s).catalog.counts()["documents"] == 5


# ---------------------------------------------------------------- the same upload again
def test_uploading_the_same_bytes_again_keeps_the_restriction(hash_settings):
    s = hash_settings
    data = NOTE.encode()
    (first,) = save_uploads([Upload("纪要.md", data, access=["finance"])], s)
    ingest([first.path], s)
    (again,) = save_uploads([Upload("纪要.md", data, title="区域合作会议纪要（定稿）")], s)
    assert again.path == first.path  # one document, not two
    ingest(None, s)
    kb = KnowledgeBase.open(s)
    outsider = Principal("bob", frozenset({"planning"}))
    member = Principal("alice", frozenset({"finance"}))
    assert not any("纪要" in d.title for d in kb.documents(outsider))
    (doc,) = [d for d in kb.documents(member) if "纪要" in d.title]
    assert doc.title == "区域合作会议纪要（定稿）"  # the new metadata is taken
    assert "10亿元" not in kb.ask("科技创新基金首期规模是多少？", user=outsider).answer.text
    # uploaded again by another group: both groups may read it, still nobody else
    save_uploads([Upload("纪要.md", data, access=["planning"])], s)
    ingest(None, s)
    kb = KnowledgeBase.open(s)
    assert any("纪要" in d.title for d in kb.documents(outsider))
    nobody = Principal("carol", frozenset({"other"}))
    assert not any("纪要" in d.title for d in kb.documents(nobody))


# ---------------------------------------------------------------- one file saved twice
def test_two_files_of_the_same_bytes_are_both_stored(hash_settings):
    # a notice saved twice under two names: neither fails, both are read and answer
    s = hash_settings
    for name in ("纪要.md", "纪要（副本）.md"):
        (s.corpus_dir / name).write_text(NOTE, encoding="utf-8")
    report = ingest(None, s)
    assert not report.failed, report.failed
    kb = KnowledgeBase.open(s)
    sources = {d.source for d in kb.documents() if "纪要" in d.source}
    assert {Path(x).name for x in sources} == {"纪要.md", "纪要（副本）.md"}
    assert "10亿元" in kb.ask("科技创新基金首期规模是多少？").answer.text
    # nothing left to do on the next run
    again = ingest(None, s)
    assert not again.failed and not again.count("added")


# ---------------------------------------------------------------- impossible dates
@pytest.mark.parametrize("date", ["2020-13-45", "2021-02-29", "2020-00"])
def test_impossible_dates_are_refused(hash_settings, date):
    s = hash_settings
    (s.corpus_dir / "manifest.yaml").write_text(
        f"documents:\n  - file: software-parks-innovation.txt\n    date: {date}\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError) as e:
        ingest(None, s)
    msg = str(e.value)
    assert "manifest.yaml" in msg and "software-parks-innovation.txt, date" in msg
    assert f"{date!r} 不是真实存在的日期" in msg
    assert Store(s).catalog.counts()["documents"] == 0
    (saved,) = save_uploads([Upload("纪要.md", NOTE.encode(), date=date)], s)
    assert saved.path is None and saved.error.startswith("文档信息「日期」有误：")
    assert f"{date!r} 不是真实存在的日期" in saved.error


def test_real_dates_written_plainly_are_taken(hash_settings):
    s = hash_settings
    (s.corpus_dir / "manifest.yaml").write_text(
        "documents:\n  - file: software-parks-innovation.txt\n    date: 2020-02-29\n",
        encoding="utf-8",
    )
    assert not ingest(None, s).failed
    doc = {d.source: d for d in Store(s).catalog.documents()}[
        "corpus/software-parks-innovation.txt"
    ]
    assert doc.date == "2020-02-29" and doc.year == 2020


# ---------------------------------------------------------------- names that are not UTF-8
def test_a_file_name_that_is_not_utf8_is_refused_by_name(hash_settings, monkeypatch):
    s = hash_settings
    settings_env(monkeypatch, s)
    odd = Path(os.fsdecode(bytes(s.corpus_dir) + b"/\xff\xfe.txt"))
    odd.write_text("长三角合作文件。\n\n正文内容。", encoding="utf-8")
    r = cli("ingest", "--json")
    report = json.loads(r.stdout)
    (f,) = [f for f in report["files"] if f["status"] == "skipped"]
    assert f["source"] == "corpus/\\xff\\xfe.txt" and "不是 UTF-8 编码" in f["reason"]
    assert report["added"] == 5 and report["failed"] == 0
    human = cli("ingest", str(odd))  # named directly
    assert (
        human.exit_code == 0
        and "\\xff\\xfe.txt" in human.output
        and "不是 UTF-8 编码" in human.output
    )
