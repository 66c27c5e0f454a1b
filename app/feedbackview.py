"""管理 › 反馈: readers' 👍/👎, each turned into an eval question with one click, and the
questions exported as a dataset for `kb eval run` or the 评测 page. The rules are in
kb/store/feedback.py."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.render import md_escape
from kb.core import zh
from kb.store.feedback import UP, FeedbackLog, dataset_yaml

SHOWN = 50  # the latest judgements get a card each; the table lists up to 500
_SHOULD = {"按评价推断": None, "应当回答": True, "应当拒答": False}


def show(log: FeedbackLog) -> None:
    entries = log.list()
    if not entries:
        st.info("还没有读者反馈。问答页每个回答下都有 👍/👎，读者的评价会出现在这里。")
        return
    items = log.eval_items()
    st.caption(
        f"共 {len(entries)} 条反馈，其中 {sum(e.rating == UP for e in entries)} 条认为回答有用；"
        f"已转为评测问题 {len(items)} 个。"
    )
    st.dataframe(
        pd.DataFrame(
            [{"时间": zh.when(e.at), "用户": e.user, "评价": _mark(e),
              "问题": e.question, "说明": e.comment, "评测问题": "已加入" if e.eval_item else ""}
             for e in entries]
        ),
        hide_index=True,
        use_container_width=True,
    )  # fmt: skip
    st.download_button(
        f"导出评测集（{len(items)} 个问题，YAML）",
        dataset_yaml(items),
        "feedback.yaml",
        "application/x-yaml",
        disabled=not items,
        on_click="ignore",
        help="用 `kb eval run feedback.yaml` 运行，或在评测页上传；问题针对当前知识库提问。",
    )
    for e in entries[:SHOWN]:
        _card(log, e)


def _mark(e) -> str:
    return "👍 有用" if e.rating == UP else "👎 有误"


def _card(log: FeedbackLog, e) -> None:
    mark = _mark(e)
    added = "（已加入评测集）" if e.eval_item else ""
    with st.expander(f"{mark} {e.question} — {e.user} · {zh.when(e.at)}{added}"):
        st.markdown("**回答**：" + md_escape(e.turn.get("answer", "")))
        if e.comment:
            st.markdown("**读者说明**：" + md_escape(e.comment))
        if e.eval_item:
            st.code(dataset_yaml([e.eval_item]).split("\n", 2)[2], language="yaml")
            if st.button("移出评测集", key=f"drop-{e.id}"):
                log.drop_eval(e.id)
                st.rerun()
            return
        with st.form(f"to-eval-{e.id}", border=False):
            should = st.radio("这个问题", list(_SHOULD), horizontal=True, key=f"should-{e.id}")
            must = st.text_input("正确答案应包含（可选，用顿号或逗号分隔）", key=f"must-{e.id}")
            docs = e.cited_docs
            none = ["（不指定）"]  # a 👎 answer's sources may be the wrong ones
            options = docs + none if e.rating == UP else none + docs
            doc = st.selectbox("答案所在文档", options, key=f"doc-{e.id}", disabled=not docs)
            if st.form_submit_button("转为评测问题", type="primary"):
                words = [w.strip() for w in must.replace("，", ",").replace("、", ",").split(",")]
                log.make_eval(
                    e.id,
                    answerable=_SHOULD[should],
                    must=[w for w in words if w],
                    doc=doc if doc in docs else "",
                )
                st.rerun()
