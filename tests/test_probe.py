"""The retrieval test (检索测试, ``kb.probe`` and ``POST /v1/retrieve``): what staff see of one
question — passages ranked by their fused score with each list's own score, the evidence
score of each candidate sentence, the refusal threshold and why the question was answered or
refused — on the real corpus; and, on a small store with a restricted document, that nobody
sees a passage of a document they may not read."""

from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner

from kb.answer.evidence import default_model
from kb.api import create_app
from kb.cli import main
from kb.knowledge import KnowledgeBase
from kb.probe import analysis_rows, probe
from kb.store.users import Users
from tests.fake_llm import FakeLLM
from tests.test_access import build
from tests.test_api import SECRET_Q, serve_in_thread
from tests.test_contract import check

ANSWERED = "G60科创走廊是如何治理的？"
REFUSED = "2025年上海的GDP是多少？"  # yrd.yaml q84: must refuse (no GDP of 上海 anywhere)
REFUSED_BY_MODEL = "杭州亚运会有哪些比赛项目？"  # yrd.yaml q70: the evidence model refuses it


def chunk_ids(d: dict) -> list[str]:
    return [p["chunk_id"] for p in d["passages"]]


def test_passages_are_ranked_by_fused_score_and_carry_each_lists_score(corpus_kb):
    d = probe(corpus_kb, ANSWERED, audit=False)
    asked = corpus_kb.ask(ANSWERED, audit=False)
    # the passages and the reading of the question are those the answer was made from
    assert chunk_ids(d) == [p.chunk_id for p in asked.passages]
    assert d["analysis"] == asked.to_dict()["analysis"]
    assert d["understood_as"] == asked.question
    ps = d["passages"]
    assert [p["rank"] for p in ps] == list(range(1, len(ps) + 1))
    assert len(ps) >= d["retrieval"]["k"] == corpus_kb.settings.retrieval.k
    scores = [p["score"] for p in ps]
    assert scores == sorted(scores, reverse=True)
    assert all(p["bm25"] is not None or p["dense"] is not None for p in ps)
    both = [p for p in ps if p["bm25"] is not None and p["dense"] is not None]
    assert both and all(-1 <= p["dense"] <= 1 and p["bm25"] > 0 for p in both)
    for side in ("bm25", "dense"):  # each list's rank follows its own score
        listed = sorted((p[f"{side}_rank"], p[side]) for p in ps if p[side] is not None)
        assert [s for _, s in listed] == sorted((s for _, s in listed), reverse=True)
    top = ps[0]
    assert top["title"] and top["locator"] and top["doc_id"] and "G60" in top["text"]
    # the extractive answerer's candidates: each eligible sentence scored, the scores a share
    scored = [s["score"] for p in ps for s in p["sentences"] if s["eligible"]]
    assert scored and abs(sum(scored) - 1) < 1e-3
    o = d["outcome"]
    assert o["status"] == "answered" and o["answer"] == asked.answer.text
    assert o["decided_by"] == "model" and o["answerable"] >= o["threshold"]
    assert o["best_score"] == pytest.approx(max(scored), abs=1e-4)
    assert f"不低于拒答阈值 {o['threshold']:.2f}，因此作答" in o["explanation"]
    rows = dict(analysis_rows(d))
    assert rows["理解为"] == asked.question and "g60科创走廊" in rows["主题词"]


def test_a_refused_question_shows_the_threshold_and_why(corpus_kb):
    threshold = default_model().threshold
    d = probe(corpus_kb, REFUSED, audit=False)
    asked = corpus_kb.ask(REFUSED, audit=False)
    o = d["outcome"]
    assert asked.status == o["status"] == "not_found"
    assert o["threshold"] == pytest.approx(threshold)
    # decided before the model: no sentence names 上海's GDP at all
    assert o["reason"] == asked.answer.reason and "GDP" in o["reason"]
    assert o["explanation"].endswith("因此拒答：" + o["reason"]) and o["decided_by"] == "quantity"
    assert d["passages"], "the nearest passages are still shown"

    d = probe(corpus_kb, REFUSED_BY_MODEL, audit=False)
    o = d["outcome"]
    assert o["status"] == "not_found" and o["decided_by"] == "model"
    assert o["answerable"] < o["threshold"] == pytest.approx(threshold)
    assert o["best_score"] is not None
    assert (
        f"可回答概率 {o['answerable']:.2f} 低于拒答阈值 {threshold:.2f}，因此拒答："
        in (o["explanation"])
    )
    assert o["reason"] and o["reason"] in o["explanation"]


@pytest.mark.parametrize(
    "question",
    ["2018年签署了哪些协议？", "2030年签署了哪些协议？", "北京中关村有哪些软件园？",
     "What is the population of Tokyo?", "长三角的石油储量是多少？", "上海软件园成立于哪一年？"],
)  # fmt: skip
def test_the_outcome_is_what_ask_answers(corpus_kb, question):
    d = probe(corpus_kb, question, audit=False)
    r = corpus_kb.ask(question, audit=False).to_dict()
    assert (d["outcome"]["status"], d["outcome"]["answer"]) == (r["status"], r["answer"])
    if r["status"] == "not_found":
        assert "因此拒答" in d["outcome"]["explanation"]


def test_with_an_llm_it_says_the_model_would_answer_without_calling_it(corpus_kb):
    fake = FakeLLM()
    try:
        s = corpus_kb.settings.model_copy(update={"llm_base_url": fake.url, "llm_model": "m"})
        kb = KnowledgeBase(s, corpus_kb.store, corpus_kb.embedder, corpus_kb.tok)
        d = probe(kb, ANSWERED, audit=False)
    finally:
        fake.close()
    assert fake.requests == []
    o = d["outcome"]
    assert (o["status"], o["answered_by"], o["answer"]) == ("to_model", "llm", "")
    assert "大模型" in o["explanation"] and o["answerable"] is not None
    assert chunk_ids(d) == chunk_ids(probe(corpus_kb, ANSWERED, audit=False))


def test_the_api_gives_the_in_process_probe_and_follows_the_contract(corpus_settings, corpus_kb):
    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    with serve_in_thread(create_app(corpus_settings, kb=corpus_kb)) as url:
        for q in (ANSWERED, REFUSED):
            r = httpx.post(f"{url}/v1/retrieve", json={"question": q, "k": 4}, timeout=120)
            assert r.status_code == 200, r.text
            check(schema, "RetrieveResponse", r.json())
            mine = probe(corpus_kb, q, k=4, audit=False)
            assert chunk_ids(r.json()) == chunk_ids(mine)
            assert [p["score"] for p in r.json()["passages"]] == [
                p["score"] for p in mine["passages"]
            ]
            assert r.json()["outcome"] | {"answerable": None} == mine["outcome"] | {
                "answerable": None
            }
        r = httpx.post(f"{url}/v1/retrieve", json={"question": "  "})
        assert r.status_code == 400 and "empty" in r.json()["error"]["message"]
        r = httpx.post(f"{url}/v1/retrieve", json={"question": ANSWERED, "history": []})
        assert r.status_code == 422  # no conversation: the test reads one question
        spec = httpx.get(f"{url}/openapi.json").json()
        ok = spec["paths"]["/v1/retrieve"]["post"]["responses"]["200"]["content"]
        assert ok["application/json"]["schema"]["$ref"].endswith("/RetrieveResponse")


# ---------------------------------------------------------------- who sees what
@pytest.fixture(scope="module")
def users_store(tmp_path_factory):
    """Two public documents and one for group finance; alice (office) and bob (finance)."""
    s = build(tmp_path_factory.mktemp("probe-users"))
    users = Users(KnowledgeBase.open(s).store.catalog)
    users.add("alice", "alice-password", ["office"])
    users.add("bob", "bob-password", ["finance"])
    return s


def test_nobody_sees_passages_of_a_document_they_may_not_read(users_store):
    kb = KnowledgeBase.open(users_store)
    secret = next(d.doc_id for d in kb.documents() if d.source.endswith("纪要.md"))
    alice, bob = kb.users.principal("alice"), kb.users.principal("bob")
    seen = {who.name: probe(kb, SECRET_Q, user=who) for who in (alice, bob)}
    a, b = seen["alice"], seen["bob"]
    assert a["passages"] and secret not in {p["doc_id"] for p in a["passages"]}
    assert "3.7亿" not in json.dumps(a, ensure_ascii=False) and secret not in json.dumps(a)
    assert secret in {p["doc_id"] for p in b["passages"]} and "3.7亿元" in b["outcome"]["answer"]
    # filters narrow further, never widen: asking for the secret document by id finds nothing
    from kb.core.filters import Filters

    narrowed = probe(kb, SECRET_Q, filters=Filters(doc_ids=[secret]), user=alice, audit=False)
    assert narrowed["passages"] == [] and narrowed["outcome"]["status"] == "not_found"
    # audited under the caller's name, as a retrieval test
    entries = [e for e in kb.audit.entries() if e.action == "retrieve"]
    assert {e.user for e in entries} >= {"alice", "bob"}


def test_the_api_needs_a_token_once_users_exist(users_store):
    kb = KnowledgeBase.open(users_store)
    token = kb.users.issue_token("alice")
    with serve_in_thread(create_app(users_store)) as url:
        r = httpx.post(f"{url}/v1/retrieve", json={"question": SECRET_Q}, timeout=60)
        assert r.status_code == 401 and r.json()["error"]["type"] == "auth"
        r = httpx.post(f"{url}/v1/retrieve", json={"question": SECRET_Q}, timeout=60,
                       headers={"Authorization": "Bearer kb-not-a-token"})  # fmt: skip
        assert r.status_code == 401
        r = httpx.post(f"{url}/v1/retrieve", json={"question": SECRET_Q}, timeout=60,
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert r.status_code == 200 and r.json()["passages"]
        assert "3.7亿" not in r.text
