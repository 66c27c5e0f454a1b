"""Every failure a user can act on reaches them the same way, whichever command hit it: one
line on stderr naming what went wrong, exit status 1, no traceback, nothing half-written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import settings_env

from ingest.pipeline import ingest
from kb.cli import main
from kb.core.errors import KBError


def _fails(args: list[str], *, input: str | None = None):
    r = CliRunner().invoke(main, args, input=input)
    assert r.exit_code == 1, (r.exit_code, r.output)
    # click's ClickException, not a crash: the exception did not escape the handler
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith("Error: "), r.output
    return lines[-1]


@pytest.fixture
def store(hash_settings, monkeypatch):
    ingest(None, hash_settings)
    settings_env(monkeypatch, hash_settings)
    return hash_settings


def test_store_built_with_another_model(store, monkeypatch):
    monkeypatch.setenv("KB_EMBED_MODEL", "e5-small")
    line = _fails(["ask", "长三角一体化的目标是什么？"])
    assert "KB_EMBED_MODEL=" in line and "kb ingest --rebuild" in line


def test_unknown_document_and_user(store):
    # the message as written, not a KeyError's quoted repr
    assert _fails(["docs", "access", "no-such-doc", "--public"]) == (
        "Error: no document with id 'no-such-doc'"
    )
    assert "nobody" in _fails(["users", "remove", "nobody"])


def test_bad_group_name_and_empty_question(store):
    assert "invalid group name" in _fails(["users", "add", "wang", "--groups", "a\tb",
                                           "--password-stdin"], input="x" * 12)  # fmt: skip
    assert "question is empty" in _fails(["ask", "   "])


def test_bad_manifest_stores_nothing(tmp_path, hash_settings, monkeypatch):
    settings_env(monkeypatch, hash_settings)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于推进区域合作的通知\n\n正文。", encoding="utf-8")
    (folder / "manifest.yaml").write_text(
        "documents:\n  - file: a.txt\n    doc_type: poem\n", encoding="utf-8"
    )
    line = _fails(["ingest", str(folder)])
    assert "manifest.yaml" in line and "doc_type" in line
    r = CliRunner().invoke(main, ["docs", "list", "--json"])
    assert r.exit_code == 0 and json.loads(r.output) == []


def test_broken_eval_run_folder(tmp_path, store):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "results.json").write_text("{not json", encoding="utf-8")
    assert "results.json" in _fails(
        ["eval", "compare", str(tmp_path / "run"), str(tmp_path / "run")]
    )


def test_every_library_error_has_the_one_base():
    """A new error class on another base would escape the handler as a traceback."""
    import importlib
    import pkgutil

    import evals
    import ingest as ingest_pkg
    import kb

    classes = []
    for pkg in (kb, ingest_pkg, evals):
        for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if m.name.endswith("__main__"):
                continue
            mod = importlib.import_module(m.name)
            classes += [
                obj
                for obj in vars(mod).values()
                if isinstance(obj, type)
                and issubclass(obj, Exception)
                and obj.__module__ == mod.__name__
            ]
    assert len(classes) >= 14
    assert all(issubclass(c, KBError) for c in classes), [
        c for c in classes if not issubclass(c, KBError)
    ]
