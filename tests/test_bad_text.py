"""Text that is not valid Unicode (a lone surrogate, as a non-UTF-8 byte becomes) or holds a
NUL, in every string field of every endpoint and in the command line's text arguments: a 400
(or the CLI's one-line error) naming the field, never a 500, a dropped connection or a
traceback, and the server stays up. Briefs take any title: one line, escaped in Markdown.

Stores use the fast hash embedder: what is judged is how input is refused."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner
from fastapi.routing import APIRoute

from kb.api import create_app
from kb.brief import build_brief, render, to_markdown
from kb.cli import main
from tests.conftest import ROOT, settings_env
from tests.test_access import build
from tests.test_api import serve_in_thread

BAD = {"surrogate": "问\udc00题", "nul": "问\x00题"}
ASK = "临江智能制造产业园的工业产值是多少？"
# A valid request per endpoint; each string in it is replaced by bad text in turn.
BODIES = {
    "/v1/ask": {
        "question": ASK,
        "history": [{"question": ASK, "answer": "480亿元", "understood_as": ASK}],
        "filters": {"doc_types": ["notice"], "doc_ids": ["x"], "issuer": "财政局"},
    },
    "/v1/brief": {"questions": [ASK], "title": "简报", "format": "md"},
    "/v1/chat/completions": {
        "model": "yrd-kb",
        "messages": [
            {"role": "user", "content": ASK},
            {"role": "assistant", "content": [{"type": "text", "text": "480亿元"}]},
            {"role": "user", "content": ASK},
        ],
    },
}
BODIES["/v1/ask/stream"] = BODIES["/v1/ask"]
QUERIES = {"/v1/records": {"party": "财政局", "text": "协议"}, "/v1/diff": {"old": "a", "new": "b"}}
PATHS = {"/v1/docs/{doc_id}": "doc_id"}


def _string_leaves(obj, path=()):
    if isinstance(obj, str):
        yield path
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _string_leaves(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _string_leaves(v, (*path, i))


def _replaced(obj, path, value):
    out = copy.deepcopy(obj)
    here = out
    for p in path[:-1]:
        here = here[p]
    here[path[-1]] = value
    return out


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with serve_in_thread(create_app(build(tmp_path_factory.mktemp("bad-text")))) as url:
        yield url


def test_every_endpoint_is_covered_here():
    routes = [r for r in _routes() if r.path not in ("/v1/health", "/v1/models", "/v1/docs")]
    for r in routes:
        assert r.path in BODIES or r.path in QUERIES or r.path in PATHS, r.path


def _routes() -> list[APIRoute]:
    from kb.api.chat import router as chat_router
    from kb.api.routes import router

    return [r for r in [*router.routes, *chat_router.routes] if isinstance(r, APIRoute)]


def _refused(r: httpx.Response, field: str) -> None:
    assert r.status_code == 400, (field, r.status_code, r.text)
    body = r.json()
    assert body["error"]["type"] == "invalid_request_error", body
    assert "Traceback" not in r.text


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_text_in_any_field_is_a_400_and_the_server_stays_up(api, kind):
    bad = BAD[kind]
    for path, body in BODIES.items():
        for leaf in _string_leaves(body):
            sent = json.dumps(_replaced(body, leaf, bad))  # \udc00 and \u0000 escapes
            r = httpx.post(api + path, content=sent, headers={"content-type": "application/json"})
            if leaf == ("format",):  # one of three words: refused as not one of them
                assert r.status_code in (400, 422) and "Traceback" not in r.text
                continue
            _refused(r, f"{path} {leaf}")
    for path, params in QUERIES.items():
        for name in params:
            r = httpx.get(api + path, params={**params, name: bad.replace("\udc00", "")})
            # a surrogate cannot travel in a URL; the diff's documents "a" and "b" do not exist
            assert r.status_code in (200, 400, 404) and "Traceback" not in r.text
            if kind == "nul":
                _refused(r, f"{path} {name}")
    r = httpx.get(api + "/v1/docs/" + ("a%00b" if kind == "nul" else "a%ED%B0%80b"))
    assert r.status_code in (400, 404) and "Traceback" not in r.text
    assert httpx.get(api + "/v1/health").status_code == 200


def test_the_message_names_the_field(api):
    sent = json.dumps({"question": ASK, "history": [{"question": BAD["surrogate"]}]})
    r = httpx.post(api + "/v1/ask", content=sent, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "history.0.question" in r.json()["error"]["message"]
    assert "invalid Unicode" in r.json()["error"]["message"]
    sent = json.dumps({"questions": [ASK], "title": BAD["nul"]})
    r = httpx.post(api + "/v1/brief", content=sent, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "title: contains a NUL" in r.json()["error"]["message"]


def test_command_line_text_arguments_are_checked(tmp_path, monkeypatch):
    s = build(tmp_path)
    settings_env(monkeypatch, s)
    for args, field in (
        (["ask", BAD["nul"]], "question"),
        (["brief", ASK, "-o", str(tmp_path / "b.md"), "--title", BAD["surrogate"]], "title"),
        (["docs", "show", BAD["surrogate"]], "doc_id"),
        (["records", "--party", BAD["nul"]], "party"),
    ):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 1 and f"{field}: contains" in r.output, (args, r.output)
        assert "Traceback" not in r.output
    # a real argv byte that is not UTF-8, as a shell passes it
    env = {**os.environ, "KB_HOME": str(s.home), "KB_EMBED_MODEL": s.embed_model,
           "KB_CORPUS_DIR": str(s.corpus_dir), "KB_PROGRESS": "false"}  # fmt: skip
    code = "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()"
    p = subprocess.run(
        [sys.executable, "-c", code, "ask", b"\xff\xfe"], env=env, cwd=ROOT, capture_output=True
    )
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 1 and "question: contains invalid Unicode" in err, err
    assert "Traceback" not in err


def test_a_brief_takes_any_title_as_one_line_of_text():
    entry = {"question": "问 *题*", "status": "answered", "answer": "答。", "citations": []}
    b = build_brief([entry], {}, "# 标题\n<script>x</script>\x00[链接](http://e)\udc00")
    md = to_markdown(b)
    first = md.splitlines()[0]
    assert first == r"# \# 标题 \<script\>x\</script\>\[链接\](http://e)"
    assert r"## 1. 问 \*题\*" in md
    for fmt in ("docx", "pdf"):
        assert render(b, fmt)  # Word's XML takes no NUL: it was dropped, not a crash
