"""评测: run an eval dataset, browse past runs, open one, compare two. Thin page: widgets in
app/evalview.py, the run history in evals/history.py."""

from __future__ import annotations

import streamlit as st

from app.evalview import run_form, show_compare, show_history, show_run
from app.state import get_kb, user
from app.widgets import chinese_widgets
from evals.history import APP_RUNS, list_runs, run_dirs
from evals.run_access import visible

st.set_page_config(page_title="评测 · 长三角政策知识库", page_icon="📊", layout="wide")
chinese_widgets()
st.title("评测")
st.caption(
    "用带参考答案的问题集检验检索、回答与引用质量。每次运行都会保存下来，"
    "可以随时打开查看，或与另一次运行对比。"
)

kb = get_kb()
# Under KB_HOME: app runs outlive the server; `kb eval run` without --out is listed too.
run_form(kb, kb.settings.home / APP_RUNS)
found = list_runs(run_dirs(kb.settings))
# A run holds the text of the documents it asked: shown only to who may read all of them.
history = found._replace(runs=visible(found.runs, user(), kb.settings))
show_history(history)
if history.runs:
    tab_open, tab_compare = st.tabs(["查看一次运行", "对比两次运行"])
    with tab_open:
        show_run(kb, history.runs)
    with tab_compare:
        show_compare(history.runs)
