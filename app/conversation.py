"""The chat's conversations (listed in the sidebar: 新对话, switch, rename, delete) and the
actions under each answer (👍/👎 with a comment, copy, regenerate). The store does the work
(kb/store/conversations.py, kb/store/feedback.py); the conversation open is named in the
address (?c=…), so a reload or a bookmark opens it again."""

from __future__ import annotations

import zlib

import streamlit as st

from app.state import get_kb
from kb.core.zh import when
from kb.store.access import Principal
from kb.store.conversations import Conversations, visible_turn
from kb.store.feedback import DOWN, FeedbackLog


def stores() -> tuple[Conversations, FeedbackLog]:
    catalog = get_kb().store.catalog
    return Conversations(catalog), FeedbackLog(catalog)


def current_id(convs: Conversations, who: Principal) -> str | None:
    """The open conversation: the address's, when it is this user's."""
    cid = st.query_params.get("c")
    if cid and any(c.id == cid for c in convs.list(who.name)):
        return cid
    if cid:
        del st.query_params["c"]
    return None


def open_conversation(cid: str | None) -> None:
    if cid:
        st.query_params["c"] = cid
    elif "c" in st.query_params:
        del st.query_params["c"]


def sidebar(convs: Conversations, who: Principal, cid: str | None) -> None:
    st.subheader("对话")
    st.button(
        "新对话", icon=":material/add:", use_container_width=True,
        on_click=open_conversation, args=(None,), disabled=cid is None,
    )  # fmt: skip
    listed = convs.list(who.name, limit=30)
    for c in listed:
        st.button(
            c.title, key=f"conv-{c.id}", use_container_width=True,
            type="secondary" if c.id == cid else "tertiary",
            icon=":material/chat:" if c.id == cid else None,
            help=f"{c.turns} 轮问答 · 最近：{when(c.updated_at)}",
            on_click=open_conversation, args=(c.id,),
        )  # fmt: skip
    if cid is None:
        return
    with st.popover("重命名或删除当前对话", icon=":material/edit:", use_container_width=True):
        title = next((c.title for c in listed if c.id == cid), "")
        new = st.text_input("对话名称", value=title, max_chars=100, key=f"title-{cid}")
        if st.button("保存名称", key=f"rename-{cid}") and convs.rename(who.name, cid, new):
            st.rerun()
        if st.button("删除此对话", key=f"delete-{cid}", type="primary"):
            convs.delete(who.name, cid)
            open_conversation(None)
            st.rerun()


def load_turns(convs: Conversations, who: Principal, cid: str | None, readable: set[str]):
    """The conversation's turns as this user, who may read ``readable``, may see them now."""
    if cid is None:
        return []
    return [visible_turn(t, readable) for t in convs.turns(who.name, cid)]


def plain_text(turn: dict) -> str:
    """The answer with its sources, as text to paste elsewhere."""
    lines = [turn["answer"], ""]
    lines += [f"[{c['n']}] 《{c['title']}》{c['locator']}：{c['quote']}" for c in turn["citations"]]
    return "\n".join(lines).strip()


def actions(
    turn: dict, seq: int, cid: str, who: Principal, log: FeedbackLog, judged: dict,
    on_regenerate=None,
) -> None:  # fmt: skip
    """👍/👎 (stored per user, with an optional comment), copy, and regenerate (the last).
    ``judged``: the user's judgements in this conversation, by turn."""
    if turn.get("status") == "withheld":
        return
    given = _given(judged.get(seq), turn)
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:  # keyed by the answer too: a regenerated answer has not been judged yet
        key = f"fb-{cid}-{seq}-{zlib.crc32(turn['answer'].encode())}"
        rating = st.feedback("thumbs", key=key, default=given.rating if given else None)
    if rating is not None and (given is None or given.rating != rating):
        log.give(who.name, turn, rating, conversation=cid, seq=seq)
        given = _given(log.of_conversation(who.name, cid).get(seq), turn)
    with row.popover("复制", icon=":material/content_copy:"):
        st.caption("点右上角的图标复制回答与出处。")
        st.code(plain_text(turn), language=None, wrap_lines=True)
    if on_regenerate is not None:
        row.button(
            "重新生成", key=f"again-{cid}-{seq}", icon=":material/refresh:", on_click=on_regenerate
        )
    if given is not None:
        _comment(log, who, turn, given, cid, seq)


def ask(question: str) -> None:
    st.session_state.ask = question


def next_questions(turn: dict) -> None:
    """Under the last answer: the corrected question, and follow-ups (kb/suggest.py)."""
    fixed = turn.get("did_you_mean")
    if fixed:
        st.button(f"您是不是要问：{fixed}", key="did-you-mean", type="tertiary",
                  icon=":material/spellcheck:", on_click=ask, args=(fixed,))  # fmt: skip
    if turn.get("suggestions"):
        st.caption("接着问：")
        for i, q in enumerate(turn["suggestions"]):
            st.button(q, key=f"next-{i}", type="tertiary", icon=":material/arrow_forward:",
                      on_click=ask, args=(q,))  # fmt: skip


def _given(entry, turn: dict):
    """This user's judgement of this answer (not of the one a regenerate replaced)."""
    return entry if entry and entry.turn.get("answer") == turn["answer"] else None


def _comment(log: FeedbackLog, who: Principal, turn: dict, given, cid: str, seq: int) -> None:
    label = "哪里不对？（可选，管理员会看到）" if given.rating == DOWN else "补充说明（可选）"
    with st.form(f"comment-{cid}-{seq}", border=False, enter_to_submit=False):
        text = st.text_input(label, value=given.comment, max_chars=2000)
        if st.form_submit_button("提交反馈") and text != given.comment:
            log.give(who.name, turn, given.rating, text, conversation=cid, seq=seq)
            st.toast("已记录，谢谢！")
