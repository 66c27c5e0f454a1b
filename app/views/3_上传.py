"""上传: add documents to the knowledge base; per-file results, nothing stored is lost."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from app.state import get_kb, user
from app.widgets import chinese_widgets, multiselect_placeholder
from ingest.formats import SUPPORTED
from ingest.pipeline import ingest
from ingest.uploads import Upload, save_uploads
from kb.core.doctypes import CODES as TYPES
from kb.core.doctypes import LABELS as DOC_TYPES
from kb.core.errors import KBError

st.set_page_config(page_title="上传 · 长三角政策知识库", page_icon="⬆", layout="wide")
chinese_widgets()
kb = get_kb()
who = user()
if not who.can_upload:  # main.py does not list the page; a typed URL still ends here
    st.error("只有管理员和 editor 组的成员可以上传文档。")
    st.stop()
st.title("上传文档")
st.caption(
    f"支持 .txt .md .html .pdf .docx，以及扫描件和照片 .png .jpg .tif .bmp（自动 OCR 识别文字）；"
    f"单个文件不超过 {kb.settings.max_file_mb:g} MB；文件类型按内容检查。"
)

files = st.file_uploader(
    "选择文件",
    type=sorted(s[1:] for s in SUPPORTED),
    accept_multiple_files=True,
)
with st.expander("文档信息（可选，应用于本次上传的所有文件；留空则从文本推断）"):
    title = st.text_input("标题")
    doc_type = st.selectbox(
        "类型",
        [""] + list(TYPES),
        format_func=lambda t: DOC_TYPES.get(t, "自动推断") if t else "自动推断",
    )
    date = st.text_input("日期（YYYY、YYYY-MM 或 YYYY-MM-DD）")
    author = st.text_input("发布机构/作者")
known_groups = sorted({g for u in kb.users.list_users() for g in u.groups} - {"editor"})
access = st.multiselect(
    "可读的组（留空：所有用户）",
    known_groups,
    default=[g for g in (who.upload_groups() or []) if g in known_groups],
    disabled=not known_groups,
    placeholder=multiselect_placeholder(known_groups),
)

if st.button("导入", type="primary", disabled=not files):
    uploads = [
        Upload(
            f.name,
            f.getvalue(),
            title or None,
            doc_type or None,
            date or None,
            author or None,
            access or None,
        )
        for f in files
    ]
    saved = save_uploads(uploads, kb.settings)
    rows = [{"文件": s.original, "结果": "失败", "说明": s.error} for s in saved if s.error]
    paths = [s.path for s in saved if s.path]
    if paths:
        bar = st.progress(0.0, text="导入中……")
        done: list = []
        stored: list[float] = []  # when each document became searchable

        def on_stored(source: str) -> None:
            stored.append(time.monotonic())
            bar.progress(0.0, text=f"已可按关键词检索 {len(stored)}/{len(paths)}，向量化即将开始")

        def on_file(r) -> None:
            done.append(r)
            n = len(paths)
            left = ""
            if stored and len(done) < n:  # time left from the documents embedded so far
                per_doc = (time.monotonic() - stored[-1]) / len(done)
                left = f"，预计还需约 {max(1, round(per_doc * (n - len(done)) / 60))} 分钟"
            bar.progress(
                min(1.0, len(done) / n),
                text=f"已可检索 {len(stored)}/{n}，已完成 {len(done)}/{n}{left}",
            )

        def on_page(name: str, page: int, pages: int) -> None:
            bar.progress(
                min(1.0, len(done) / len(paths)),
                text=f"OCR 识别 {name}：第 {page}/{pages} 页",
            )

        try:
            report = ingest(
                paths, kb.settings, embedder=kb.embedder, on_file=on_file, on_page=on_page,
                on_stored=on_stored,
            )  # fmt: skip
            for r in report.files:
                if r.status in ("added", "updated"):
                    kb.audit.append(who.name, "upload", r.doc_id, source=r.source, access=access)
            labels = {
                "added": "已导入",
                "updated": "已更新",
                "unchanged": "未变化",
                "failed": "失败",
                "skipped": "跳过",
                "queued": "已排队，等待处理",
                "removed": "已移除",
            }
            names = {str(p.resolve()): s.original for s in saved if (p := s.path)}
            for r in report.files:
                original = next((v for k, v in names.items() if k.endswith(r.source)), r.source)
                rows.append(
                    {
                        "文件": original,
                        "结果": labels.get(r.status, r.status),
                        "说明": r.reason or (f"{r.chunks} 个段落块" if r.chunks else ""),
                    }
                )
        except KBError as e:
            st.error(f"导入失败：{e}")
        bar.empty()
    st.session_state.upload_rows = rows

rows = st.session_state.get("upload_rows")
if rows:
    ok = sum(r["结果"] in ("已导入", "已更新", "未变化") for r in rows)
    (st.success if ok == len(rows) else st.warning)(f"{ok}/{len(rows)} 个文件导入成功。")
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
