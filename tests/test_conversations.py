"""Conversations that last and feedback that feeds the evals (issue 20): kept per user in the
store, on both backends; reopened by a reload; judged 👍/👎 and turned into eval questions
that `kb eval run` reads and scores."""

from __future__ import annotations

import pytest
from embedders import HASH
from streamlit.testing.v1 import AppTest

from evals.dataset import read_dataset
from evals.scoring import score_question
from ingest.pipeline import ingest
from kb.knowledge import KnowledgeBase
from kb.store.access import Principal
from kb.store.conversations import WITHHELD, Conversations, visible_turn
from kb.store.feedback import DOWN, UP, FeedbackLog, dataset_yaml
from kb.store.store import Store
from kb.store.users import Users
from tests.conftest import ROOT, make_settings, settings_env

QUESTION = "G60科创走廊是如何治理的？"


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog(request, tmp_path):
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    return Store(make_settings(tmp_path / "kb", embed_model=HASH, database_url=url)).catalog


def _turn(answer: str, doc_id: str = "d1", status: str = "answered") -> dict:
    cite = {"n": 1, "doc_id": doc_id, "title": "某规划", "locator": "¶3", "quote": "原文一句。",
            "source": "corpus/plan.txt", "chunk_text": "原文一句。"}  # fmt: skip
    return {"question": "问什么？", "status": status, "answer": answer, "citations": [cite]}


def test_conversations_belong_to_their_user(catalog):
    convs = Conversations(catalog)
    cid = convs.start(
        "alice",
        "长三角一体化发展规划纲要提出了哪些战略定位？请逐条列出，并说明每一条在纲要哪一章哪一节提出以及相关的具体措施",
    )
    assert convs.add("alice", cid, _turn("第一答")) == 0
    assert convs.add("alice", cid, _turn("第二答")) == 1
    [c] = convs.list("alice")
    assert c.turns == 2 and c.title.endswith("…") and len(c.title) <= 41
    # another user can neither see, read, add to, rename nor delete it
    assert convs.list("bob") == [] and convs.turns("bob", cid) == []
    assert convs.add("bob", cid, _turn("x")) is None
    assert not convs.rename("bob", cid, "偷改") and not convs.delete("bob", cid)
    assert convs.replace("alice", cid, 1, _turn("重新生成的答"))
    assert [t["answer"] for t in convs.turns("alice", cid)] == ["第一答", "重新生成的答"]
    assert convs.rename("alice", cid, "  战略定位  ") and convs.list("alice")[0].title == "战略定位"
    assert convs.delete("alice", cid) and convs.list("alice") == []
    assert convs.turns("alice", cid) == []


def test_a_removed_user_takes_their_conversations_but_not_their_feedback(catalog):
    users = Users(catalog)
    users.add("carol", "a long password 1", "", False)
    convs, log = Conversations(catalog), FeedbackLog(catalog)
    cid = convs.start("carol", "问")
    convs.add("carol", cid, _turn("答"))
    log.give("carol", _turn("答"), DOWN, "不对", conversation=cid, seq=0)
    users.remove("carol")
    assert convs.list("carol") == [] and convs.turns("carol", cid) == []
    assert [e.comment for e in log.list()] == ["不对"]


def test_a_turn_citing_a_document_no_longer_readable_is_hidden():
    turn = _turn("机密内容", doc_id="secret")
    assert visible_turn(turn, {"secret", "other"}) == turn
    hidden = visible_turn(turn, {"other"})
    assert hidden["answer"] == WITHHELD and hidden["citations"] == []
    assert "机密内容" not in str(hidden)


def test_feedback_is_one_judgement_per_answer_and_becomes_an_eval_question(catalog):
    log = FeedbackLog(catalog)
    good = _turn("答案是联席会议[1]。")
    first = log.give("alice", good, DOWN, conversation="c1", seq=0)
    assert log.give("alice", good, UP, "对的", conversation="c1", seq=0) == first  # changed mind
    assert [(e.rating, e.comment) for e in log.list()] == [(UP, "对的")]
    wrong = log.give("alice", _turn("错的答"), DOWN, "年份不对", conversation="c1", seq=1)
    refused = log.give("bob", _turn("没有找到", status="not_found"), UP)

    right = log.make_eval(first)
    assert right["answerable"] and right["reference_answer"] == "答案是联席会议。"
    assert right["evidence"] == ["原文一句。"] and right["doc"] == "plan.txt"
    assert right["tags"] == ["feedback", "回答正确"]
    bad = log.make_eval(wrong, must=["2019年"])
    assert bad["answerable"] and bad["wrong_answers"] == ["错的答"] and "doc" not in bad
    assert bad["must"] == [["2019年"]]
    assert log.make_eval(refused)["answerable"] is False  # a 👍 refusal: a question to refuse
    assert log.make_eval(12345) is None
    assert len(log.eval_items()) == 3
    log.drop_eval(refused)
    assert [i["id"] for i in log.eval_items()] == [f"feedback-{first}", f"feedback-{wrong}"]


def test_the_exported_questions_run_and_a_repeated_wrong_answer_is_not_correct(tmp_path, catalog):
    log = FeedbackLog(catalog)
    fid = log.give("alice", _turn("错的答"), DOWN)
    path = tmp_path / "feedback.yaml"
    path.write_text(dataset_yaml([log.make_eval(fid)]), encoding="utf-8")
    [item] = read_dataset(path).items
    assert item.wrong_answers == ["错的答"] and "feedback" in item.tags

    class Result:  # what `kb eval run` scores: an AskResult's dict and its passages
        passages = []

        def __init__(self, answer):
            self.d = {"status": "answered", "answer": answer, "citations": [],
                      "timings_ms": {}, "mode": "extractive"}  # fmt: skip

        def to_dict(self):
            return self.d

    assert not score_question(item, Result("错的答"), lambda _: "")["fully_correct"]
    assert score_question(item, Result("另一个回答"), lambda _: "")["fully_correct"]


@pytest.fixture
def chat_settings(hash_settings):
    ingest(None, hash_settings)
    return hash_settings


def _chat(settings, who: Principal | None = None, cid: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app" / "chat.py"), default_timeout=120)
    if who is not None:
        at.session_state["principal"] = who
    if cid:
        at.query_params["c"] = cid
    return at.run()


def test_a_conversation_is_listed_reopened_after_a_reload_judged_and_regenerated(
    chat_settings, monkeypatch
):
    settings_env(monkeypatch, chat_settings)
    alice = Principal("alice", frozenset(), False)
    at = _chat(chat_settings, alice)
    at.chat_input[0].set_value(QUESTION).run()
    assert not at.exception
    cid = at.query_params["c"]
    assert isinstance(cid, str) and any(b.label == QUESTION for b in at.sidebar.button)
    answer = " ".join(m.value for m in at.chat_message[1].markdown)

    # a reload is a new session with the same address: the conversation is there
    again = _chat(chat_settings, alice, cid)
    assert len(again.chat_message) == 2 and QUESTION in again.chat_message[0].text[0].value
    assert " ".join(m.value for m in again.chat_message[1].markdown) == answer
    # 👎 with a comment is stored for this answer
    again.feedback[0].set_value(DOWN).run()
    form = next(t for t in again.text_input if "哪里不对" in t.label)
    form.set_value("漏了办公室的职责")
    next(b for b in again.button if b.label == "提交反馈").click().run()
    [entry] = FeedbackLog(KnowledgeBase.open(chat_settings).store.catalog).list()
    assert (entry.user, entry.rating, entry.comment) == ("alice", DOWN, "漏了办公室的职责")
    assert entry.turn["question"].startswith("G60")
    # regenerate answers the last question again, in place
    next(b for b in again.button if b.label == "重新生成").click().run()
    assert not again.exception and len(again.chat_message) == 2
    # another user opening alice's address sees a new, empty conversation
    bob = _chat(chat_settings, Principal("bob", frozenset(), False), cid)
    assert len(bob.chat_message) == 0 and "c" not in bob.query_params
    assert not any(b.label == QUESTION for b in bob.sidebar.button)
    # 新对话, then delete the old one
    next(b for b in again.sidebar.button if b.label == "新对话").click().run()
    assert len(again.chat_message) == 0
    next(b for b in again.sidebar.button if b.label == QUESTION).click().run()
    assert len(again.chat_message) == 2
    next(b for b in again.button if b.label == "删除此对话").click().run()
    assert len(again.chat_message) == 0
    assert not any(b.label == QUESTION for b in again.sidebar.button)
