"""检索测试 (staff diagnostics): how a question was read, the passages retrieval ranked with
their BM25, dense and fused scores, the evidence score of each candidate sentence, the refusal
threshold and why the question is answered or refused. Thin: ``kb.probe`` does the work, on
the documents the signed-in user may read."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from app.filters import filter_sidebar
from app.render import doc_link
from app.state import get_kb, user
from kb.core.errors import InputError, KBError
from kb.probe import DECIDED_ZH, FUSION_ZH, analysis_rows, probe

log = logging.getLogger("app.probe")

st.set_page_config(page_title="检索测试 · 长三角政策知识库", page_icon="🔎", layout="wide")
kb = get_kb()
who = user()
docs = kb.documents(who)

with st.sidebar:  # the chat's filters
    filters, k = filter_sidebar(docs, kb.settings.retrieval.k)

st.title("检索测试")
st.caption(
    "查看一个问题如何被理解、检索到哪些段落及各项得分、抽取式回答对每个候选句的证据分，"
    "以及为何作答或拒答。只检索你有权阅读的文档。"
)
with st.form("probe"):
    question = st.text_input("问题", placeholder="如：2025年上海的GDP是多少？", key="probe_q")
    submitted = st.form_submit_button("检索", type="primary")
if submitted and not question.strip():
    st.warning("请先输入问题。")
elif submitted:
    try:
        with st.spinner("检索中……"):
            st.session_state.probe_result = probe(kb, question, k, filters, who)
    except InputError as e:
        st.error(str(e))
    except KBError as e:  # the store or a model is down: the log says why, not the page
        log.error("retrieval test failed: %s", e)
        st.error("知识库暂时无法检索，请稍后再试或联系管理员。")
d = st.session_state.get("probe_result")
if not d:
    st.info("输入问题后点击“检索”。")
    st.stop()

st.subheader("问题分析")
st.table(pd.DataFrame(analysis_rows(d), columns=["项目", "内容"]).set_index("项目"))

st.subheader("结论")
o = d["outcome"]
c1, c2, c3 = st.columns(3)
c1.metric("拒答阈值", f"{o['threshold']:.2f}")
c2.metric("可回答概率", "—" if o["answerable"] is None else f"{o['answerable']:.2f}")
c3.metric("最高证据分", "—" if o["best_score"] is None else f"{o['best_score']:.2f}")
show = {"answered": st.success, "not_found": st.error}.get(o["status"], st.info)
show(("已作答：" if o["status"] == "answered" else "") + o["explanation"])
if o["answer"]:
    with st.expander("回答原文"):
        st.text(o["answer"])
if d["parts"]:
    st.dataframe(
        pd.DataFrame([{"小问": p["question"], "可回答概率": p["answerable"],
                       "最高证据分": p["best_score"],
                       "判断": DECIDED_ZH.get(p["decided_by"], p["decided_by"])}
                      for p in d["parts"]]),
        hide_index=True,
    )  # fmt: skip

r = d["retrieval"]
st.subheader(f"检索到的段落（{len(d['passages'])}）")
st.caption(
    f"按融合分排序（融合方式：{FUSION_ZH.get(r['fusion'], r['fusion'])}，BM25 权重 {r['bm25_weight']}，向量权重 "
    f"{r['dense_weight']}；问题中的年份、数字另有加权）。参考段落数 {r['k']}，抽取式回答考察前 "
    f"{r['candidates']} 段。BM25、向量为各自列表中的得分与名次，None 表示未进入该列表。"
)
parts = bool(d["parts"])
rows = [
    {**({"小问": p["part"]} if parts else {}), "排名": p["rank"], "文档": p["title"],
     "位置": p["locator"], "BM25": p["bm25"], "BM25名次": p["bm25_rank"], "向量": p["dense"],
     "向量名次": p["dense_rank"], "融合": p["score"], "片段": p["text"][:80],
     "原文": doc_link(p["doc_id"], p["paragraph"] or 0)}
    for p in d["passages"]
]  # fmt: skip
score, rank = (
    st.column_config.NumberColumn(format="%.3f"),
    st.column_config.NumberColumn(format="%d"),
)
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={"BM25": score, "向量": score, "融合": score, "BM25名次": rank, "向量名次": rank,
                   "原文": st.column_config.LinkColumn("原文", display_text="打开段落")},
)  # fmt: skip

st.subheader("候选句的证据分")
st.caption(
    "证据分：证据模型给每个可作答句子的得分（同一问题内合计为 1）；未打分的句子因年份或条件"
    "不符、或只是引出下文，不能作答。"
)
for p in d["passages"]:
    best = max((s["score"] for s in p["sentences"] if s["score"] is not None), default=None)
    shown = "—" if best is None else f"{best:.2f}"
    part = f"小问{p['part']} · " if p["part"] else ""
    head = f"{part}[{p['rank']}] {p['title']} · {p['locator']} — 融合 {p['score']:.3f} · 最高证据分 {shown}"
    with st.expander(head):
        st.text(p["text"])
        sents = [
            {"句子": s["text"], "证据分": s["score"], "参与打分": "是" if s["eligible"] else "否",
             "关键词覆盖": s["keywords"], "语义相似度": s["dense"],
             "含所问类型": {True: "是", False: "否"}.get(s["type_fit"], "—")}
            for s in p["sentences"]
        ]  # fmt: skip
        if sents:
            st.dataframe(
                pd.DataFrame(sents),
                hide_index=True,
                width="stretch",
                column_config={"证据分": score, "关键词覆盖": score, "语义相似度": score},
            )
        else:
            st.caption("这一段没有可引用的句子。")
