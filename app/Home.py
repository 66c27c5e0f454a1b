"""长三角政策知识库 — chat page. Thin: every decision is made in `kb`."""

from __future__ import annotations

import streamlit as st

from app.state import get_kb
from kb.vectors import Filters

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
st.title("长三角政策知识库")
st.caption("回答中的每一句都标注了出处 [n]，可展开核对原文。")

kb = get_kb()
status = kb.status()
with st.sidebar:
    st.subheader("检索设置")
    k = st.slider("参考段落数", 1, 20, kb.settings.retrieval.k)
    st.markdown("**回答模式**：抽取式（无需大模型）")
    st.markdown(f"**语料**：{status['documents']} 篇文档，{status['chunks']} 个段落块")
    st.caption(f"最近导入：{status['last_ingest'] or '—'}")

if "history" not in st.session_state:
    st.session_state.history = []

for turn in st.session_state.history:
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        if turn["status"] == "not_found":
            st.warning("语料未覆盖这个问题。")
        st.text(turn["answer"])
        title = "来源" if turn["status"] == "answered" else "相关但不足以回答"
        for c in turn["citations"]:
            with st.expander(f"[{c['n']}] {c['title']} · {c['locator']}"):
                st.text(f"“{c['quote']}”")
                st.caption(f"{c['source']} · {c.get('date') or ''} · {c.get('author') or ''}")
                st.text(c["chunk_text"])

if not st.session_state.history:
    st.info(
        "可以这样问：2018年签署了哪些协议？ / G60科创走廊是如何治理的？ / What is the 2022 collaborative innovation index score?"
    )

question = st.chat_input("请输入问题（中文或英文）")
if question:
    result = kb.ask(question, k=k, filters=Filters())
    st.session_state.history.append(result.to_dict())
    st.rerun()
