"""评测: run an eval dataset against the knowledge base and read the report. Thin page."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

import evals
from app.state import get_kb, user
from evals.dataset import DatasetError
from evals.runner import METRIC_GROUPS, KBBackend, evaluate

st.set_page_config(page_title="评测 · 长三角政策知识库", page_icon="📊", layout="wide")
st.title("评测")
st.caption("用带参考答案的问题集检验检索、回答与引用质量；每次运行都会生成可下载的报告。")

kb = get_kb()
datasets_dir = Path(evals.__file__).parent / "datasets"
bundled = sorted(datasets_dir.glob("*.y*ml")) + sorted(datasets_dir.glob("*.jsonl"))
choice = st.selectbox("问题集", [str(p) for p in bundled] + ["上传文件……"])
upload = (
    st.file_uploader("上传问题集（YAML 或 JSONL）", type=["yaml", "yml", "jsonl"])
    if choice == "上传文件……"
    else None
)

if st.button("运行评测", type="primary"):
    path = Path(choice)
    if upload is not None:
        suffix = ".jsonl" if upload.name.endswith(".jsonl") else ".yaml"
        tmp = Path(tempfile.mkdtemp()) / f"uploaded{suffix}"
        tmp.write_bytes(upload.getvalue())
        path = tmp
    if choice == "上传文件……" and upload is None:
        st.warning("请先上传问题集文件。")
    else:
        bar = st.progress(0.0, text="评测中……")
        try:
            results, out_dir = evaluate(
                path,
                kb.settings,
                KBBackend(kb, user=user()),  # answers from what this user may read
                out_dir=Path(tempfile.mkdtemp(prefix="eval-")),
                on_progress=lambda i, n: bar.progress(i / n, text=f"评测中…… {i}/{n}"),
            )
            st.session_state.eval_run = {"results": results, "dir": str(out_dir)}
        except DatasetError as e:
            st.error(f"问题集有误：{e}")
        bar.empty()

run = st.session_state.get("eval_run")
if run:
    res = run["results"]
    m = res["metrics"]
    st.subheader(f"结果：{res['questions_total']} 题，完全正确率 {m['fully_correct']:.1%}")
    rows = [
        {"组": g, "指标": n, "值": m.get(n)} for g, names in METRIC_GROUPS.items() for n in names
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    cols = st.columns(len(METRIC_GROUPS))
    for col, (group, names) in zip(cols, METRIC_GROUPS.items(), strict=True):
        with col:
            st.caption(group)
            st.bar_chart(pd.DataFrame({"值": [m.get(n) or 0.0 for n in names]}, index=names))
    failed = [q for q in res["questions"] if q["reasons"]]
    st.subheader(f"未通过的问题（{len(failed)}）")
    for q in failed:
        with st.expander(f"{q['id']} · {q['question']}"):
            st.text("原因：" + "；".join(q["reasons"]))
            st.text(q["answer"])
            for c in q["citations"]:
                st.text(f"[{c['n']}] {c['title']} · {c['locator']}\n“{c['quote']}”")
    out = Path(run["dir"])
    report_html = (out / "report.html").read_text(encoding="utf-8")
    c1, c2 = st.columns(2)
    c1.download_button("下载 HTML 报告", report_html, file_name="report.html", mime="text/html")
    c2.download_button(
        "下载 results.json",
        (out / "results.json").read_text(encoding="utf-8"),
        file_name="results.json",
        mime="application/json",
    )
    with st.expander("查看 HTML 报告"):
        # The report escapes every text it shows; it is rendered in a sandboxed iframe.
        components.html(report_html, height=700, scrolling=True)
