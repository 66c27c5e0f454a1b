"""The HTTP API (`kb serve`) on a real loopback port: the ask contract, streaming, access per
bearer token, the OpenAI chat-completions protocol as the official client speaks it, limits.

Stores use the fast hash embedder (what a caller may see and the wire format are judged, not
retrieval quality), except the G60 check, which runs on the real corpus with e5."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import openai
import pytest
import uvicorn
from click.testing import CliRunner

from kb.api import create_app
from kb.cli import main
from kb.core.errors import StoreError
from kb.core.settings import Settings
from kb.knowledge import KnowledgeBase
from kb.store.vectors import VectorStore
from tests.conftest import free_port, serving
from tests.test_access import build

SECRET_Q = "2024年财政专项资金预算是多少？"
PUBLIC_Q = "2022年园区工业产值是多少？"
CONTRACT = {"question", "status", "answer", "citations", "mode", "timings_ms", "understood_as"}
CITATION = {"n", "doc_id", "title", "source", "locator", "quote", "chunk_text"}


def env_of(s: Settings) -> dict[str, str]:
    return {"KB_HOME": str(s.home), "KB_CORPUS_DIR": str(s.corpus_dir),
            "KB_PROJECT_ROOT": str(s.project_root), "KB_EMBED_MODEL": s.embed_model,
            "KB_PROGRESS": "false"}  # fmt: skip


def kb_cli(s: Settings, *args: str, input: str | None = None) -> str:
    r = CliRunner().invoke(main, list(args), input=input, env=env_of(s))
    assert r.exit_code == 0, r.output
    return r.stdout


@contextmanager
def serve_in_thread(app):
    """uvicorn in a thread of this process, on a free loopback port."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not server.started:
        assert time.time() < deadline and t.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(timeout=10)


def sse_events(text: str) -> list[tuple[str | None, str]]:
    """(event name, data) of each server-sent event."""
    out = []
    for block in text.strip().split("\n\n"):
        event, data = None, []
        for line in block.splitlines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        out.append((event, "\n".join(data)))
    return out


def no_trace(r: httpx.Response) -> None:
    assert "Traceback" not in r.text and 'File "' not in r.text


# ---------------------------------------------------------------- open store (no user)
@pytest.fixture(scope="module")
def open_store(tmp_path_factory) -> Settings:
    return build(tmp_path_factory.mktemp("api-open"))


@pytest.fixture(scope="module")
def open_api(open_store):
    with serve_in_thread(create_app(open_store)) as url:
        yield url


def test_health_and_ask_return_the_cli_contract(open_api):
    h = httpx.get(f"{open_api}/v1/health")
    assert h.status_code == 200 and h.json() == {"status": "ok", "auth_required": False}

    r = httpx.post(f"{open_api}/v1/ask", json={"question": PUBLIC_Q}, timeout=60)
    assert r.status_code == 200, r.text
    d = r.json()
    assert CONTRACT <= d.keys()
    assert d["status"] == "answered" and "480亿元" in d["answer"] and "[1]" in d["answer"]
    assert d["question"] == d["understood_as"] == PUBLIC_Q
    assert d["citations"] and all(CITATION <= c.keys() for c in d["citations"])
    assert "480亿元" in d["citations"][0]["quote"]
    # With no user the API is open and sees everything, as the app does.
    assert (
        "3.7亿元" in httpx.post(f"{open_api}/v1/ask", json={"question": SECRET_Q}, timeout=60).text
    )

    # History is accepted and passed on; the last question is the one answered.
    turns = [{"question": SECRET_Q, "answer": "2024年财政专项资金预算为3.7亿元。[1]"}]
    r = httpx.post(f"{open_api}/v1/ask", json={"question": PUBLIC_Q, "history": turns}, timeout=60)
    assert r.status_code == 200 and "480亿元" in r.json()["answer"]
    assert r.json()["understood_as"] == PUBLIC_Q

    # Filters narrow the documents: restricted to the 创新券 notice, the park figure is gone.
    docs = httpx.get(f"{open_api}/v1/docs").json()["documents"]
    voucher = next(x["doc_id"] for x in docs if "创新券" in x["title"])
    r = httpx.post(f"{open_api}/v1/ask", timeout=60,
                   json={"question": PUBLIC_Q, "filters": {"doc_ids": [voucher]}})  # fmt: skip
    assert r.status_code == 200 and "480亿元" not in r.json()["answer"]
    assert {c["doc_id"] for c in r.json()["citations"]} <= {voucher}


def test_ask_stream_sends_text_then_the_checked_result(open_api):
    with httpx.stream("POST", f"{open_api}/v1/ask/stream", json={"question": PUBLIC_Q},
                      timeout=60) as r:  # fmt: skip
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r.read().decode())
    deltas = [json.loads(d)["text"] for e, d in events if e == "delta"]
    assert deltas and "480亿元" in "".join(deltas)
    assert [e for e, _ in events][-1] == "result"
    result = json.loads(events[-1][1])
    assert CONTRACT <= result.keys() and result["citations"]
    assert result["answer"] == "".join(deltas)  # extractive: what was streamed is checked


def test_limits_and_errors_are_clear_json(open_api, open_store):
    def err(r: httpx.Response, status: int) -> str:
        assert r.status_code == status, r.text
        no_trace(r)
        body = r.json()["error"]
        assert body["message"] and body["type"]
        return body["message"]

    limit = open_store.api.max_body_kb * 1024
    big = {"question": "问" * 10, "history": [{"question": "x", "answer": "长" * limit}]}
    assert "too large" in err(httpx.post(f"{open_api}/v1/ask", json=big), 413)

    def chunked():  # no Content-Length: the limit still holds
        yield b'{"question": "' + b"a" * (limit + 10) + b'"}'

    r = httpx.post(
        f"{open_api}/v1/ask", content=chunked(), headers={"Content-Type": "application/json"}
    )
    assert "too large" in err(r, 413)

    too_long = "长三角" * (open_store.api.max_question_chars // 3 + 1)
    assert "too long" in err(httpx.post(f"{open_api}/v1/ask", json={"question": too_long}), 400)
    assert "empty" in err(httpx.post(f"{open_api}/v1/ask", json={"question": "  "}), 400)
    many = [{"question": "问题", "answer": "回答"}] * (open_store.api.max_history_turns + 1)
    r = httpx.post(f"{open_api}/v1/ask", json={"question": PUBLIC_Q, "history": many})
    assert "history" in err(r, 400)
    assert "question" in err(httpx.post(f"{open_api}/v1/ask", json={"k": 3}), 422)
    r = httpx.post(f"{open_api}/v1/ask", json={"question": PUBLIC_Q, "filters": {"year": 1}})
    assert "year" in err(r, 422)
    r = httpx.post(
        f"{open_api}/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    err(r, 422)
    err(httpx.get(f"{open_api}/v1/docs/no-such-doc"), 404)
    err(httpx.get(f"{open_api}/v1/nowhere"), 404)
    r = httpx.post(f"{open_api}/v1/chat/completions",
                   json={"model": "yrd-kb", "messages": [{"role": "assistant", "content": "hi"}]})  # fmt: skip
    assert "last message" in err(r, 400)


def test_openapi_docs_are_served(open_api):
    assert httpx.get(f"{open_api}/docs").status_code == 200
    paths = httpx.get(f"{open_api}/openapi.json").json()["paths"]
    assert {
        "/v1/ask",
        "/v1/ask/stream",
        "/v1/chat/completions",
        "/v1/docs/{doc_id}",
    } <= paths.keys()


def test_brief_comes_back_as_the_file(open_api):
    r = httpx.post(f"{open_api}/v1/brief", timeout=120,
                   json={"questions": [PUBLIC_Q, SECRET_Q], "format": "md"})  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert 'filename="brief.md"' in r.headers["content-disposition"]
    assert PUBLIC_Q.rstrip("？") in r.text and "480亿元" in r.text and "3.7亿元" in r.text
    r = httpx.post(f"{open_api}/v1/brief", json={"questions": [PUBLIC_Q]}, timeout=120)
    assert r.status_code == 200 and r.content[:2] == b"PK"  # a .docx is a zip


# ---------------------------------------------------------------- users, tokens, access
@pytest.fixture(scope="module")
def users_store(tmp_path_factory) -> Settings:
    """Two public documents and one for group finance; alice (office) and bob (finance)."""
    s = build(tmp_path_factory.mktemp("api-users"))
    for name, groups in (("alice", "office"), ("bob", "finance")):
        kb_cli(s, "users", "add", name, "--groups", groups, "--password-stdin",
               input="correct horse battery\n")  # fmt: skip
    return s


@pytest.fixture(scope="module")
def users_api(users_store, tmp_path_factory):
    """`kb serve` as a user starts it: a subprocess on a loopback port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | env_of(users_store)
    url = f"http://127.0.0.1:{port}"
    with serving(
        [sys.executable, "-m", "kb.cli", "serve", "--port", str(port)],
        env,
        f"{url}/v1/health",
        tmp_path_factory.mktemp("api-log") / "serve.log",
        "kb serve",
    ):
        yield url


def secret_doc(s: Settings) -> str:
    kb = KnowledgeBase.open(s)
    return next(d.doc_id for d in kb.documents() if d.source.endswith("纪要.md"))


def test_every_endpoint_but_health_needs_a_valid_token(users_api, users_store):
    assert httpx.get(f"{users_api}/v1/health").json()["auth_required"] is True
    token = kb_cli(users_store, "users", "token", "alice").strip()
    for method, path, body in (("POST", "/v1/ask", {"question": PUBLIC_Q}), ("GET", "/v1/docs", None),
                               ("GET", "/v1/records", None), ("GET", "/v1/models", None),
                               ("POST", "/v1/chat/completions", {"model": "yrd-kb", "messages": [{"role": "user", "content": PUBLIC_Q}]})):  # fmt: skip
        for headers in (
            {},
            {"Authorization": "Bearer kb-not-a-token"},
            {"Authorization": f"Basic {token}"},
        ):
            r = httpx.request(method, f"{users_api}{path}", json=body, headers=headers)
            assert r.status_code == 401, (path, headers, r.text)
            assert r.json()["error"]["type"] == "auth" and "Bearer" in r.headers["www-authenticate"]
        r = httpx.request(method, f"{users_api}{path}", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert r.status_code == 200, (path, r.text)

    # Revoking takes effect on the running server; another user's token is untouched.
    bob = kb_cli(users_store, "users", "token", "bob").strip()
    kb_cli(users_store, "users", "token", "alice", "--revoke")
    assert (
        httpx.get(f"{users_api}/v1/docs", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert (
        httpx.get(f"{users_api}/v1/docs", headers={"Authorization": f"Bearer {bob}"}).status_code
        == 200
    )

    # Only a hash of a token is stored; removing the user removes their tokens.
    assert bob.encode() not in Path(users_store.catalog_path).read_bytes()
    kb_cli(
        users_store, "users", "add", "carol", "--password-stdin", input="correct horse battery\n"
    )
    carol = kb_cli(users_store, "users", "token", "carol").strip()
    assert (
        httpx.get(f"{users_api}/v1/docs", headers={"Authorization": f"Bearer {carol}"}).status_code
        == 200
    )
    kb_cli(users_store, "users", "remove", "carol")
    assert (
        httpx.get(f"{users_api}/v1/docs", headers={"Authorization": f"Bearer {carol}"}).status_code
        == 401
    )


def test_a_user_outside_the_group_never_gets_the_restricted_document(users_api, users_store):
    sid = secret_doc(users_store)
    tokens = {u: kb_cli(users_store, "users", "token", u).strip() for u in ("alice", "bob")}

    def call(user, method, path, **kw):
        r = httpx.request(method, f"{users_api}{path}", timeout=60,
                          headers={"Authorization": f"Bearer {tokens[user]}"}, **kw)  # fmt: skip
        assert r.status_code in (200, 404), r.text
        return r

    chat = {"model": "yrd-kb", "messages": [{"role": "user", "content": SECRET_Q}]}
    seen = {}
    for u in ("alice", "bob"):
        seen[u] = {
            "ask": call(u, "POST", "/v1/ask", json={"question": SECRET_Q}).text,
            "stream": call(u, "POST", "/v1/ask/stream", json={"question": SECRET_Q}).text,
            "docs": call(u, "GET", "/v1/docs").text,
            "doc": call(u, "GET", f"/v1/docs/{sid}"),
            "records": call(u, "GET", "/v1/records").text,
            "chat": call(u, "POST", "/v1/chat/completions", json=chat).text,
            "brief": call(
                u, "POST", "/v1/brief", json={"questions": [SECRET_Q], "format": "md"}
            ).text,
        }
    a, b = seen["alice"], seen["bob"]
    for key in ("ask", "stream", "chat", "brief"):
        assert "3.7亿" not in a[key] and sid not in a[key], key
        assert "3.7亿元" in b[key], key
    assert sid not in a["docs"] and sid in b["docs"]
    assert "产业园专项资金合作协议" not in a["records"] and "产业园专项资金合作协议" in b["records"]
    # Not readable looks exactly like not there.
    assert (
        a["doc"].status_code == 404 and b["doc"].status_code == 200 and "内部纪要" in b["doc"].text
    )
    missing = call("alice", "GET", "/v1/docs/no-such-doc").json()["error"]
    assert a["doc"].json()["error"] == {
        **missing,
        "message": missing["message"].replace("no-such-doc", sid),
    }
    # Asks are audited under the caller's name.
    audit = json.loads(kb_cli(users_store, "audit", "--user", "alice", "--json"))
    assert any(e["action"] == "ask" and e["detail"]["question"] == SECRET_Q for e in audit)


def test_openai_client_talks_to_it_as_to_a_model(users_api, users_store):
    token = kb_cli(users_store, "users", "token", "bob").strip()
    client = openai.OpenAI(base_url=f"{users_api}/v1", api_key=token, max_retries=0, timeout=60)
    assert [m.id for m in client.models.list().data] == ["yrd-kb"]

    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": SECRET_Q},
        {
            "role": "assistant",
            "content": "2024年财政专项资金预算为3.7亿元。[1]\n\n来源：\n[1] 《纪要》",
        },
        {"role": "user", "content": PUBLIC_Q},
    ]
    c = client.chat.completions.create(model="yrd-kb", messages=messages)
    content = c.choices[0].message.content
    assert c.object == "chat.completion" and c.choices[0].finish_reason == "stop"
    assert (
        "480亿元" in content
        and "[1]" in content
        and "\n\n来源：\n- [1] 《临江智能制造产业园简介》" in content
    )
    cites = c.model_extra["citations"]
    assert cites and "480亿元" in cites[0]["quote"] and CITATION <= cites[0].keys()
    assert c.model_extra["kb"]["understood_as"] == PUBLIC_Q

    stream = client.chat.completions.create(model="yrd-kb", messages=messages, stream=True)
    chunks = list(stream)
    assert all(ch.object == "chat.completion.chunk" for ch in chunks)
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == cites

    # On the wire the stream ends with [DONE].
    with httpx.stream("POST", f"{users_api}/v1/chat/completions", timeout=60,
                      headers={"Authorization": f"Bearer {token}"},
                      json={"model": "yrd-kb", "messages": messages, "stream": True}) as r:  # fmt: skip
        events = sse_events(r.read().decode())
    assert events[-1] == (None, "[DONE]")
    assert all(json.loads(d)["object"] == "chat.completion.chunk" for _, d in events[:-1])

    bad = openai.OpenAI(base_url=f"{users_api}/v1", api_key="kb-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="yrd-kb", messages=messages)


def test_adding_the_first_user_closes_an_open_api(tmp_path):
    s = build(tmp_path, secret=False)
    with serve_in_thread(create_app(s)) as url:
        assert httpx.get(f"{url}/v1/docs").status_code == 200
        kb_cli(s, "users", "add", "dan", "--password-stdin", input="correct horse battery\n")
        assert httpx.get(f"{url}/v1/docs").status_code == 401
        token = kb_cli(s, "users", "token", "dan").strip()
        r = httpx.get(f"{url}/v1/docs", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and len(r.json()["documents"]) == 2


# ---------------------------------------------------------------- the real corpus
def test_chat_answers_the_g60_governance_question_with_citations(corpus_kb, corpus_settings):
    with serve_in_thread(create_app(corpus_settings, kb=corpus_kb)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=60)
        q = [{"role": "user", "content": "G60科创走廊是如何治理的？"}]
        c = client.chat.completions.create(model="yrd-kb", messages=q)
        content = c.choices[0].message.content
        assert c.model_extra["kb"]["status"] == "answered"
        assert "G60" in content and "[1]" in content and "来源：" in content
        assert any(
            "G60" in x["quote"] or "G60" in x["chunk_text"] for x in c.model_extra["citations"]
        )
        streamed = client.chat.completions.create(model="yrd-kb", messages=q, stream=True)
        assert "".join(ch.choices[0].delta.content or "" for ch in streamed) == content


def test_with_an_llm_chat_clients_only_ever_get_the_checked_answer(corpus_kb, corpus_settings):
    """/v1/ask/stream streams the model's words and then the checked result (the app replaces
    one with the other); a chat client cannot, so its stream carries only the checked text."""
    from kb.answer.verify import UNSUPPORTED_MARK
    from tests.fake_llm import FakeLLM
    from tests.test_llm import G60, llm_kb, source_no

    fake = FakeLLM()
    fake.reply = lambda req: (
        f"G60科创走廊以联席会议制度为主[{source_no(req, '联席会议制度为主')}]。"
        f"G60科创走廊共有128个成员城市[{source_no(req, '联席会议制度为主')}]。"
    )
    kb = llm_kb(corpus_kb, fake.url)
    try:
        with serve_in_thread(create_app(kb.settings, kb=kb)) as url:
            with httpx.stream(
                "POST", f"{url}/v1/ask/stream", json={"question": G60}, timeout=60
            ) as r:
                events = sse_events(r.read().decode())
            streamed = "".join(json.loads(d)["text"] for e, d in events if e == "delta")
            result = json.loads(events[-1][1])
            assert "共有128个成员城市" in streamed and UNSUPPORTED_MARK not in streamed
            assert (
                result["mode"] == "llm" and "128个成员城市。" + UNSUPPORTED_MARK in result["answer"]
            )

            client = openai.OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0, timeout=60)
            q = [{"role": "user", "content": G60}]
            plain = (
                client.chat.completions.create(model="yrd-kb", messages=q)
                .choices[0]
                .message.content
            )
            chunks = list(client.chat.completions.create(model="yrd-kb", messages=q, stream=True))
            text = "".join(ch.choices[0].delta.content or "" for ch in chunks)
            assert text == plain and "128个成员城市。" + UNSUPPORTED_MARK in text
            assert len(chunks) > 4  # sent in pieces, not as one block
    finally:
        fake.close()


class _VectorsDown:
    """A vector index whose server has gone away after start-up."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def query(self, vector, n, filters=None):
        raise StoreError("cannot open Chroma at /srv/secret/chroma: connection refused")

    def embeddings(self, ids):
        return self.query(None, 0)


def test_a_backend_failure_is_a_503_without_server_paths(open_store):
    kb = KnowledgeBase.open(open_store, vectors=_VectorsDown(VectorStore(open_store)))
    with serve_in_thread(create_app(open_store, kb=kb)) as url:
        for path, body in [
            ("/v1/ask", {"question": PUBLIC_Q}),
            ("/v1/chat/completions", {"model": "yrd-kb", "messages": [{"role": "user", "content": PUBLIC_Q}]}),
        ]:  # fmt: skip
            r = httpx.post(url + path, json=body, timeout=60)
            assert r.status_code == 503, (path, r.text)
            assert r.json()["error"]["type"] == "server_error"
            assert "/srv/secret" not in r.text
            no_trace(r)
