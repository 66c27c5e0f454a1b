"""长三角政策知识库 — chat. Thin: every decision is made in `kb`."""

from __future__ import annotations

import logging

import streamlit as st

from app.render import STARTERS, render_answer
from app.state import get_kb, user
from kb.brief import FORMATS, build_brief, render
from kb.core.doctypes import LABELS as DOC_TYPES
from kb.core.errors import InputError, KBError
from kb.core.filters import Filters
from kb.retrieve.followup import Turn

log = logging.getLogger("app.chat")

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
kb = get_kb()
who = user()
docs = kb.documents(who)
status = kb.status(who)

with st.sidebar:
    st.subheader("筛选")
    types = st.multiselect(
        "文档类型", sorted({d.doc_type for d in docs}), format_func=lambda t: DOC_TYPES.get(t, t)
    )
    years = sorted({d.year for d in docs if d.year})
    year_range = (
        st.slider("文档年份", years[0], years[-1], (years[0], years[-1]))
        if len(years) > 1
        else None
    )
    titles = {d.doc_id: d.title for d in docs}
    chosen = st.multiselect("指定文档", list(titles), format_func=lambda i: titles[i])
    issuer = st.text_input("发文机关", placeholder="如：人民政府办公室")
    in_force = st.date_input("只看在此日期有效的公文", value=None)
    k = st.slider("参考段落数", 1, 20, kb.settings.retrieval.k)
    st.divider()
    if kb.settings.llm_enabled:
        st.markdown(f"**回答模式**：大模型 `{kb.settings.llm_model}`（引用经来源核验）")
    else:
        st.markdown("**回答模式**：抽取式（未配置大模型，直接引用原文）")
    st.markdown(f"**语料**：{status['documents']} 篇文档 · {status['chunks']} 个段落块")
    st.caption(f"最近导入：{status['last_ingest'] or '—'}")

filters = Filters(
    doc_types=types or None,
    year_from=year_range[0] if year_range and year_range != (years[0], years[-1]) else None,
    year_to=year_range[1] if year_range and year_range != (years[0], years[-1]) else None,
    doc_ids=chosen or None,
    issuer=issuer.strip() or None,
    in_force_on=in_force.isoformat() if in_force else None,
)

st.title("长三角政策知识库")
st.caption("每句回答都标注出处 [n]；展开来源可核对原文，并跳转到文档中的段落。")
history: list[dict] = st.session_state.setdefault("history", [])

pending = st.chat_input("请输入问题（中文或英文）")
if not history and not pending:
    st.info("可以这样问：" + " / ".join(STARTERS))
    cols = st.columns(len(STARTERS))
    for col, q in zip(cols, STARTERS, strict=True):
        if col.button(q, use_container_width=True):
            pending = q

for turn in history:
    with st.chat_message("user"):
        st.text(turn["question"])
    with st.chat_message("assistant"):
        render_answer(turn, show_paths=who.admin)

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
            render_answer(turn, show_paths=who.admin)
    if turn is not None:
        history.append(turn)

if history:
    st.divider()
    st.subheader("导出简报")
    picked = st.multiselect(
        "包含的问答（默认全部）",
        list(range(len(history))),
        format_func=lambda i: history[i]["question"],
    )
    entries = [history[i] for i in picked] if picked else history

    def brief_file(fmt: str):
        # Built when the button is clicked, not on every rerun of the page.
        return lambda: render(build_brief(entries, status), fmt)

    for col, (fmt, f) in zip(st.columns(len(FORMATS)), FORMATS.items(), strict=True):
        label, name = f"{f.label} 简报 ({f.suffix})", f"长三角政策简报{f.suffix}"
        col.download_button(label, brief_file(fmt), name, f.media_type, on_click="ignore")
