"""时间线: the agreements, plans, measures and events extracted from the documents, on a
chart by date, filterable; every row links to the paragraph that states it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.render import doc_link
from app.state import get_kb, user
from app.widgets import chinese_widgets
from kb.store.records import KINDS

st.set_page_config(page_title="时间线 · 长三角政策知识库", page_icon="🗓️", layout="wide")
chinese_widgets()
kb = get_kb()
st.title("时间线")
st.caption("导入时从文档中抽取的协议、规划/计划、措施/意见和事件；同一事项在多处提到时合并为一条。")

c1, c2, c3 = st.columns([2, 1, 1])
kinds = c1.multiselect("类型", list(KINDS), format_func=KINDS.get, placeholder="全部类型")
party = c2.text_input("参与方", placeholder="如：上海、三省一市")
text = c3.text_input("关键词", placeholder="如：G60、联盟")
records = kb.records(
    user(), kind=kinds or None, party=party.strip() or None, text=text.strip() or None
)
rows = kb.record_rows(records, user())
dated = [r for r in rows if r["date"]]

if not rows:
    st.info("没有符合条件的记录。" if (kinds or party or text) else "知识库中还没有抽取到记录。")
    st.stop()

st.markdown(f"共 **{len(rows)}** 条记录，其中 {len(dated)} 条有日期。")
if dated:
    chart = pd.DataFrame(
        {
            "时间": pd.to_datetime([r["date"] + "-01-01"[len(r["date"]) - 4 :] for r in dated]),
            "日期": [r["date_zh"] for r in dated],
            "类型": [r["kind_label"] for r in dated],
            "内容": [r["statement"] for r in dated],
            "来源": [r["doc_title"] for r in dated],
        }
    )
    st.altair_chart(
        alt.Chart(chart)
        .mark_circle(size=140, opacity=0.8)
        .encode(
            x=alt.X("时间:T", title="日期", axis=alt.Axis(format="%Y")),
            y=alt.Y("类型:N", title=None),
            color=alt.Color("类型:N", legend=None),
            tooltip=["日期", "类型", "内容", "来源"],
        )
        .properties(height=220),
        width="stretch",
    )

table = pd.DataFrame(
    [{"日期": r["date_zh"], "类型": r["kind_label"], "内容": r["statement"],
      "原文": doc_link(r["doc_id"], r["paragraph"]), "参与方": r["parties"], "来源文档": r["doc_title"],
      "出处数": r["sources"], "引文": r["quote"]} for r in rows]
)  # fmt: skip
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"原文": st.column_config.LinkColumn("原文", display_text="打开段落")},
)
