"""长三角政策知识库 — chat. Thin: every decision is made in `kb`."""

from __future__ import annotations

import logging

import streamlit as st

from app import conversation
from app.filters import filter_sidebar
from app.render import STARTERS, render_answer
from app.state import get_kb, user
from kb import suggest
from kb.brief import FORMATS, build_brief, render
from kb.core import zh
from kb.core.errors import InputError, KBError
from kb.retrieve.followup import Turn

log = logging.getLogger("app.chat")

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
kb = get_kb()
who = user()
docs = kb.documents(who)
status = kb.status(who)

convs, feedback = conversation.stores()
cid = conversation.current_id(convs, who)
with st.sidebar:
    conversation.sidebar(convs, who, cid)
    st.divider()
    filters, k = filter_sidebar(docs, kb.settings.retrieval.k)
    st.divider()
    if kb.settings.llm_enabled:
        st.markdown(f"**回答模式**：大模型 `{kb.settings.llm_model}`（引用经来源核验）")
    else:
        st.markdown("**回答模式**：抽取式（未配置大模型，直接引用原文）")
    st.markdown(f"**语料**：{status['documents']} 篇文档 · {status['chunks']} 个段落块")
    st.caption(f"最近导入：{zh.when(status['last_ingest']) or '—'}")

st.title("长三角政策知识库")
st.caption("每句回答都标注出处 [n]；展开来源可核对原文，并跳转到文档中的段落。")
history = conversation.load_turns(convs, who, cid, {d.doc_id for d in docs})
judged = feedback.of_conversation(who.name, cid) if cid else {}
again = st.session_state.pop("regenerate", None)  # (conversation, turn) to answer anew
if again and (again[0] != cid or again[1] != len(history) - 1):
    again = None

pending = st.chat_input("请输入问题（中文或英文）") or st.session_state.pop("ask", None)
if again:
    pending = history.pop()["question"]
if not history and not pending:
    st.info("可以这样问：" + " / ".join(STARTERS))
    cols = st.columns(len(STARTERS))
    for col, q in zip(cols, STARTERS, strict=True):
        if col.button(q, use_container_width=True):
            pending = q


def regenerate(seq: int) -> None:
    st.session_state.regenerate = (cid, seq)


for seq, turn in enumerate(history):
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        render_answer(turn, show_paths=who.admin, key=str(seq))
        last = seq == len(history) - 1 and not pending
        again_here = (lambda s=seq: regenerate(s)) if last else None
        conversation.actions(turn, seq, cid, who, feedback, judged, again_here)
        if last:
            conversation.next_questions(turn)

if pending:
    with st.chat_message("user"):
        st.text(pending)
    with st.chat_message("assistant"):
        # A follow-up ("那2011年呢？") is read with the turns before it.
        earlier = [Turn(t["question"], t["answer"], t.get("understood_as")) for t in history]
        turn = None
        try:
            if kb.settings.llm_enabled:
                stream = kb.ask_stream(pending, k=k, filters=filters, user=who, history=earlier)
                holder = st.empty()
                with holder.container():
                    st.write_stream(stream)  # raw model text while it arrives
                holder.empty()  # replaced by the checked answer below
                turn = stream.result.to_dict()
            else:
                with st.spinner("检索中……"):
                    result = kb.ask(pending, k=k, filters=filters, user=who, history=earlier)
                    turn = result.to_dict()
        except InputError as e:
            st.error(str(e))
        except KBError as e:  # the store or a model is down: the log says why, not the page
            log.error("question failed: %s", e)
            st.error("知识库暂时无法回答，请稍后再试或联系管理员。")
        if turn is not None:
            render_answer(turn, show_paths=who.admin, key="new")
            with st.spinner("正在准备推荐问题……"):  # each is asked first: none leads nowhere
                turn |= suggest.for_turn(kb, turn, who, [t["question"] for t in history])
    if turn is not None:
        if cid is None:
            cid = convs.start(who.name, pending)
            conversation.open_conversation(cid)
        if again:
            convs.replace(who.name, cid, again[1], turn)
        else:
            convs.add(who.name, cid, turn)
        history.append(turn)
        st.rerun()  # shows the turn with its actions, and the conversation in the sidebar

if history:
    st.divider()
    st.subheader("导出简报")
    picked = st.multiselect(
        "包含的问答（默认全部）",
        list(range(len(history))),
        format_func=lambda i: history[i]["question"],
        placeholder="全部问答",
    )
    entries = [history[i] for i in picked] if picked else history

    refused = st.checkbox("包含文档中未找到答案的问题", value=False)

    def brief_file(fmt: str):
        # Built when the button is clicked, not on every rerun of the page.
        return lambda: render(build_brief(entries, status, include_refused=refused), fmt)

    for col, (fmt, f) in zip(st.columns(len(FORMATS)), FORMATS.items(), strict=True):
        label, name = f"{f.label} 简报 ({f.suffix})", f"长三角政策简报{f.suffix}"
        col.download_button(label, brief_file(fmt), name, f.media_type, on_click="ignore")
