"""Every `--json` output and API response validates against the published contract
(`kb schema`, kb/core/contract.py): answers of every kind (a list from records, a refusal, an
English question, a follow-up), documents with their 公文 parts and chunks, records, health.
The schema is JSON Schema, checked here with the jsonschema library, not with our own models."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest
from click.testing import CliRunner

from kb.api import create_app
from kb.cli import main
from tests.test_api import env_of, serve_in_thread

QUESTIONS = [
    "2018年签署了哪些协议？",  # a list, from records
    "G60科创走廊是如何治理的？",
    "2030年长三角将签署哪些协议？",  # not answerable: a refusal
    "What is the G60 Science and Technology Innovation Corridor?",
]


@pytest.fixture(scope="module")
def schema() -> dict:
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def check(schema: dict, name: str, instance) -> None:
    validator = jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", **schema})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, (name, errors[:5])


def test_the_schema_refuses_what_is_not_the_contract(schema):
    bad = {"question": "q", "status": "maybe", "answer": "", "citations": [], "mode": "x",
           "timings_ms": {}, "surprise": 1}  # fmt: skip
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/AskResponse", **schema})
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'maybe' is not one of" in messages and "surprise" in messages


def test_command_line_json_follows_the_contract(schema, corpus_settings):
    def run(*args: str):
        r = CliRunner().invoke(main, list(args), env=env_of(corpus_settings))
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    answer = run("ask", QUESTIONS[0], "--json")
    assert answer["records"], "the list question should be answered from records"
    check(schema, "AskResponse", answer)
    docs = run("docs", "list", "--json")
    for d in docs:
        check(schema, "Document", d)
    gongwen = next((d for d in docs if d["doc_number"]), docs[0])
    check(schema, "DocumentWithChunks", run("docs", "show", gongwen["doc_id"], "--json"))
    for r in run("records", "--json"):
        check(schema, "Record", r)


def test_api_responses_follow_the_contract(schema, corpus_settings, corpus_kb):
    with serve_in_thread(create_app(corpus_settings, kb=corpus_kb)) as url:
        check(schema, "Health", httpx.get(f"{url}/v1/health").json())
        statuses = set()
        for q in QUESTIONS:
            r = httpx.post(f"{url}/v1/ask", json={"question": q}, timeout=120).json()
            check(schema, "AskResponse", r)
            statuses.add(r["status"])
        assert statuses == {"answered", "not_found"}
        follow = httpx.post(
            f"{url}/v1/ask",
            json={"question": "它是哪一年成立的？", "history": [{"question": QUESTIONS[1]}]},
            timeout=120,
        ).json()
        check(schema, "AskResponse", follow)
        assert follow["understood_as"]
        docs = httpx.get(f"{url}/v1/docs").json()
        check(schema, "Documents", docs)
        one = httpx.get(f"{url}/v1/docs/{docs['documents'][0]['doc_id']}").json()
        check(schema, "DocumentWithChunks", one)
        check(schema, "Records", httpx.get(f"{url}/v1/records").json())
        # the API describes its responses with the same models
        spec = httpx.get(f"{url}/openapi.json").json()
        ok = spec["paths"]["/v1/ask"]["post"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith("/AskResponse")
