"""The question filters of the sidebar, one form for the chat and the 检索测试 page: what the
user may narrow to is drawn from the documents they may read."""

from __future__ import annotations

import streamlit as st

from app.widgets import multiselect_placeholder
from kb.core.doctypes import LABELS as DOC_TYPES
from kb.core.filters import Filters


def filter_sidebar(docs, default_k: int) -> tuple[Filters, int]:
    """Draw the filters (inside the sidebar the caller opened); the filters chosen and k."""
    st.subheader("筛选")
    kinds = sorted({d.doc_type for d in docs})
    types = st.multiselect(
        "文档类型", kinds, format_func=lambda t: DOC_TYPES.get(t, t),
        placeholder="全部类型" if kinds else multiselect_placeholder(kinds),
    )  # fmt: skip
    years = sorted({d.year for d in docs if d.year})
    span = (years[0], years[-1]) if years else None
    year_range = st.slider("文档年份", *span, span) if len(years) > 1 else None
    narrowed = year_range is not None and year_range != span
    titles = {d.doc_id: d.title for d in docs}
    chosen = st.multiselect(
        "指定文档", list(titles), format_func=lambda i: titles[i],
        placeholder="全部文档" if titles else multiselect_placeholder(titles),
    )  # fmt: skip
    issuer = st.text_input("发文机关", placeholder="如：人民政府办公室")
    in_force = st.date_input("只看在此日期有效的公文", value=None, format="YYYY/MM/DD")
    k = st.slider(
        "参考段落数", 1, 20, default_k,
        help="回答从检索到的前 2k 个段落中取证（列举类问题为 5k+10 个）。",
    )  # fmt: skip
    filters = Filters(
        doc_types=types or None,
        year_from=year_range[0] if narrowed else None,
        year_to=year_range[1] if narrowed else None,
        doc_ids=chosen or None,
        issuer=issuer.strip() or None,
        in_force_on=in_force.isoformat() if in_force else None,
    )
    return filters, k
