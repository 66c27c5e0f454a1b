"""Suggested questions (issue 20): follow-ups drawn from the cited documents' records and
headings, each answered before it is offered, and "您是不是要问……" for a typo; both only from
documents the user may read. On documents written for the test."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kb import suggest
from kb.core.tokenize import Tokenizer
from kb.knowledge import KnowledgeBase
from kb.store.access import Principal
from tests.conftest import ROOT, settings_env
from tests.test_access import build

ALICE = Principal("alice", frozenset({"office"}))
BOB = Principal("bob", frozenset({"finance"}))
TEXT = "临江智能制造产业园成立于2015年，规划面积12平方公里。2022年园区实现工业产值480亿元。"


@pytest.fixture(scope="module")
def tok():
    return Tokenizer()


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return KnowledgeBase.open(build(tmp_path_factory.mktemp("suggest")))


def test_a_one_character_typo_is_corrected_from_the_documents(tok):
    assert suggest.corrections("临江智能制造产业园的工业产植是多少？", TEXT, tok) == [
        "临江智能制造产业园的工业产值是多少？"
    ]
    assert suggest.corrections("临江智能制造产业园规划面积多大？", TEXT, tok) == []  # no typo
    # a word the documents lack is not "corrected" into a non-word
    assert suggest.corrections("临江智能制造产业园的绿色发展如何？", TEXT, tok) == []
    assert suggest.corrections("What is the output value?", TEXT, tok) == []


def test_did_you_mean_offers_only_answered_corrections_from_readable_documents(kb):
    fixed = suggest.did_you_mean(kb, "临江智能制造产业园的工业产植是多少？", ALICE)
    assert fixed == "临江智能制造产业园的工业产值是多少？"
    # "预箅" is a typo of a word only the finance memo holds: bob is offered it, alice not
    typo = "2024年财政专项资金预箅是多少？"
    assert suggest.did_you_mean(kb, typo, BOB) == "2024年财政专项资金预算是多少？"
    assert suggest.did_you_mean(kb, typo, ALICE) is None


def test_follow_ups_come_from_the_cited_documents_and_are_answered(kb):
    turn = kb.ask("2024年财政专项资金预算是多少？", user=BOB, audit=False).to_dict()
    assert turn["status"] == "answered"
    ups = suggest.follow_ups(kb, turn, BOB)
    assert "《产业园专项资金合作协议》是什么时候签署的？" in ups
    for q in ups:
        assert q != turn["question"]
        assert kb.ask(q, user=BOB, audit=False).answer.status == "answered"
    # the same record is never suggested to someone who may not read the memo
    turn = kb.ask("临江智能制造产业园的工业产值是多少？", user=ALICE, audit=False).to_dict()
    assert not any("合作协议" in q for q in suggest.follow_ups(kb, turn, ALICE))
    assert suggest.follow_ups(kb, {"question": "x", "answer": "", "citations": []}, BOB) == []


def test_the_chat_offers_the_correction_and_asks_it_when_clicked(tmp_path, monkeypatch):
    settings_env(monkeypatch, build(tmp_path))
    at = AppTest.from_file(str(ROOT / "app" / "chat.py"), default_timeout=120).run()
    at.chat_input[0].set_value("临江智能制造产业园的工业产植是多少？").run()
    assert not at.exception
    [button] = [b for b in at.button if b.label.startswith("您是不是要问")]
    assert button.label == "您是不是要问：临江智能制造产业园的工业产值是多少？"
    button.click().run()
    assert not at.exception and len(at.chat_message) == 4
    assert "临江智能制造产业园的工业产值是多少" in at.chat_message[2].text[0].value
