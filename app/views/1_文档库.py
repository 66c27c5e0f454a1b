"""文档库: every document with its metadata; read one cleaned, paragraph by paragraph."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from app.compare import show_compare, show_status
from app.render import doc_link, md_escape, table_frame
from app.state import get_kb, user
from app.widgets import chinese_widgets
from kb.core import zh
from kb.core.doctypes import LABELS as DOC_TYPES
from kb.core.filters import Filters
from kb.core.gongwen import describe
from kb.store.jobs import Jobs
from kb.store.lifecycle import Lifecycle

st.set_page_config(page_title="文档库 · 长三角政策知识库", page_icon="📄", layout="wide")
chinese_widgets()
kb = get_kb()
who = user()
docs = kb.documents(who)  # only what this user may read: others are not even listed
params = st.query_params

st.title("文档库")
c1, c2, c3 = st.columns(3)
issuer = c1.text_input("发文机关", placeholder="如：人民政府办公室")
years = sorted({d.year for d in docs if d.year})
year = c2.selectbox("年份", [None, *years], format_func=lambda y: "全部" if y is None else str(y))
on = c3.date_input("在此日期有效的公文（效力也按此日期）", value=None)
filters = Filters(
    year_from=year, year_to=year, issuer=issuer.strip() or None,
    in_force_on=on.isoformat() if on else None,
)  # fmt: skip
life = Lifecycle(docs, kb.store.catalog.relations())  # among what this user may read
as_of = (on or dt.date.today()).isoformat()
docs = [d for d in docs if filters.admits_doc(d)]
STATES = {"read": "已读取（向量化中）", "embedded": "已向量化"}
table = pd.DataFrame(
    [{"标题": d.title, "类型": DOC_TYPES.get(d.doc_type, d.doc_type), "日期": d.date or "", "作者/发布": d.author or "",
      "发文字号": d.doc_number or "", "施行日期": d.effective_date or "", "有效期至": d.expiry_date or "",
      "效力": life.status(d.doc_id, as_of).label,
      "OCR": "OCR" if d.ocr else "", "段落块": d.n_chunks, "状态": STATES[d.state],
      "可读": "所有用户" if d.access is None else "、".join(d.access), "来源": d.source, "ID": d.doc_id}
     for d in docs]
)  # fmt: skip
st.dataframe(table, hide_index=True, use_container_width=True)
queue = Jobs(kb.store.catalog).counts() if who.admin and kb.store.shared else {}
if queue.get("queued") or queue.get("running"):  # files waiting for the `kb worker`s
    st.info(
        f"导入队列：排队 {queue['queued']} 个文件，处理中 {queue['running']} 个，"
        f"已完成 {queue['done']} 个，失败 {queue['failed']} 个（刷新页面查看进度）。"
    )
failed = kb.store.catalog.failures() if who.admin else []
if failed:  # file names and reasons: for admins
    with st.expander(f"未能导入的文件（{len(failed)}）"):
        st.dataframe(
            pd.DataFrame(
                [{"文件": src, "原因": why, "时间": zh.when(at)} for src, why, at in failed]
            ),
            hide_index=True, use_container_width=True,
        )  # fmt: skip

ids = [d.doc_id for d in docs]
if not ids:
    st.info(
        "没有符合条件的文档。"
        if not filters.empty()
        else "知识库为空：在“上传”页添加文档，或运行 `kb ingest`。"
    )
    st.stop()
current = params.get("doc") if params.get("doc") in ids else ids[0]
doc_id = st.selectbox(
    "阅读文档",
    ids,
    index=ids.index(current),
    format_func={d.doc_id: d.title for d in docs}.get,
)
target = int(params.get("p", 0) or 0) if doc_id == params.get("doc") else 0
doc = kb.document(doc_id, who)
st.subheader(doc.title)
st.caption(
    " · ".join(
        x
        for x in (
            DOC_TYPES.get(doc.doc_type, doc.doc_type),
            doc.date,
            doc.author,
            doc.publication,
            doc.source,
        )
        if x
    )
)

facts = describe(doc)
if facts:
    st.table(pd.DataFrame(facts, columns=["项目", "内容"]).set_index("项目"))
show_status(life, doc, as_of)
show_compare(life, doc, params.get("diff"))
st.subheader("全文")
ocr_pages = set(doc.ocr.get("pages", {}))

paras = doc.extra.get("paragraphs", [])
if target:
    cited = next((p for p in paras if p["n"] == target), None)
    if cited:
        st.info(
            f"引用所在段落 ¶{target}：\n\n"
            + md_escape(re.sub(r"\s+", " ", doc.text[cited["start"] : cited["end"]]))
        )
for p in paras:
    text = re.sub(r"[ \t]+", " ", doc.text[p["start"] : p["end"]]).strip()
    # recognised text is marked, so a reader knows to check it against the scan
    mark = " :gray-badge[OCR]" if str(p.get("page")) in ocr_pages else ""
    frame = table_frame(doc.text[p["start"] : p["end"]]) if p["kind"] == "table" else None
    if frame is not None:  # a table as a table, not as Markdown source
        st.caption(f"¶{p['n']}" + mark)
        st.dataframe(frame, hide_index=True, use_container_width=True)
    elif p["kind"] == "heading":
        st.markdown("##### " + md_escape(text.lstrip("#").strip()) + mark)
    elif p["n"] == target:
        st.success(f"¶{p['n']}  " + md_escape(text) + mark)
    else:
        st.markdown(f"[¶{p['n']}]({doc_link(doc.doc_id, p['n'])})  " + md_escape(text) + mark)
