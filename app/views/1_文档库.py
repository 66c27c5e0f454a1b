"""文档库: every document with its metadata; read one cleaned, paragraph by paragraph."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app.render import DOC_TYPES, doc_link, md_escape
from app.state import get_kb, user

st.set_page_config(page_title="文档库 · 长三角政策知识库", page_icon="📄", layout="wide")
kb = get_kb()
who = user()
docs = kb.documents(who)  # only what this user may read: others are not even listed
params = st.query_params

st.title("文档库")
table = pd.DataFrame(
    [{"标题": d.title, "类型": DOC_TYPES.get(d.doc_type, d.doc_type), "日期": d.date or "", "作者/发布": d.author or "",
      "地区": d.region or "", "段落块": d.n_chunks, "可读": "所有用户" if d.access is None else "、".join(d.access),
      "来源": d.source, "ID": d.doc_id} for d in docs]
)  # fmt: skip
st.dataframe(table, hide_index=True, use_container_width=True)

ids = [d.doc_id for d in docs]
if not ids:
    st.info("知识库为空：在“上传”页添加文档，或运行 `kb ingest`。")
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
    if p["kind"] == "heading":
        st.markdown("##### " + md_escape(text.lstrip("#").strip()))
    elif p["n"] == target:
        st.success(f"¶{p['n']}  " + md_escape(text))
    else:
        st.markdown(f"[¶{p['n']}]({doc_link(doc.doc_id, p['n'])})  " + md_escape(text))
