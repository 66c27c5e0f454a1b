"""Widgets of the 评测 page: run a dataset, the run history, one run, two runs compared. The
listing, loading and tables come from evals.history; this module only draws them. Question and
answer text is shown as plain text, dataframe cells or escaped Markdown, never as HTML."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from app.render import md_escape
from app.state import user
from evals.dataset import DatasetError, read_dataset
from evals.history import (
    HEADLINE,
    History,
    RunError,
    RunSummary,
    bundled_datasets,
    dataset_name,
    delete_run,
    delta_rows,
    flip_rows,
    history_rows,
    load_run,
    question_rows,
    run_into,
)
from evals.report import compare, compare_html
from evals.runner import METRIC_GROUPS, KBBackend, evaluate, make_backend
from kb.core import zh_eval as zh
from kb.core.errors import KBError

UPLOAD = "上传文件……"
MAX_EXPANDERS = 30  # failed questions drawn with their answers; the table lists them all
STATUS_HELP = "已回答：给出了有出处的回答；已拒答：判断文档不足以回答"


def _score(name: str, tip: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(name, help=tip, format="%.3f")


def _metric_columns(keys) -> dict:
    """Column settings of metric columns named in Chinese: the explanation on hover."""
    return {zh.metric(k): _score(zh.metric(k), zh.metric_help(k)) for k in keys}


@st.cache_data(show_spinner=False, max_entries=32)
def _dataset_info(path: str, mtime_ns: int) -> tuple[int, str]:
    """(questions, own corpus folder or ''), re-read when the file changes."""
    ds = read_dataset(Path(path))
    return len(ds.items), str(ds.corpus or "")


def _dataset_picker():
    """The chosen dataset: a bundled file's Path, an uploaded file, or None."""
    options = [str(p) for p in bundled_datasets()] + [UPLOAD]
    choice = st.selectbox(
        "问题集",
        options,
        key="eval_dataset",
        format_func=lambda p: p if p == UPLOAD else dataset_name(p),
    )
    if choice == UPLOAD:
        return st.file_uploader("上传问题集（YAML 或 JSONL）", type=["yaml", "yml", "jsonl"])
    try:
        n, corpus = _dataset_info(choice, Path(choice).stat().st_mtime_ns)
    except (OSError, DatasetError) as e:
        st.error(f"问题集有误：{e}")
        return None
    note = f"{n} 题"
    if corpus:
        note += f"；自带语料 {dataset_name(corpus)}：首次运行时先导入这份语料（可能需要几分钟），之后沿用"
    st.caption(note)
    return Path(choice)


def run_form(kb, runs_root: Path) -> None:
    """Dataset, k and the run button; a finished run is saved under ``runs_root`` and opened."""
    st.subheader("运行评测")
    chosen = _dataset_picker()
    k = st.number_input(
        "每题检索段落数 k", 1, 50, value=kb.settings.retrieval.k, step=1, key="eval_k"
    )
    if not st.button("运行评测", type="primary"):
        return
    if chosen is None:
        st.warning("请先上传问题集文件。")
        return
    if isinstance(chosen, Path):
        _run(kb, chosen, int(k), runs_root)
        return
    with tempfile.TemporaryDirectory(prefix="eval-upload-") as tmp:
        path = Path(tmp) / Path(chosen.name).name  # its own name: the history shows it
        path.write_bytes(chosen.getvalue())
        _run(kb, path, int(k), runs_root, uploaded=True)


def _run(kb, path: Path, k: int, runs_root: Path, uploaded: bool = False) -> None:
    """Run ``path`` as ``kb eval run`` would, with progress, and save it under runs_root."""
    preset = "llm" if kb.settings.llm_enabled else "default"
    who = user()

    def backend(s):  # s: the configured knowledge base, or the dataset's own corpus
        return KBBackend(kb, k, user=who) if s is kb.settings else make_backend(preset, s, k, who)

    bar = st.progress(0.0, text="评测中……")
    try:
        own = not uploaded and _dataset_info(str(path), path.stat().st_mtime_ns)[1]
        with st.spinner(
            "评测运行中（首次运行时先导入问题集自带的语料）……" if own else "评测运行中……"
        ):
            _, out = run_into(
                runs_root,
                path,
                preset,
                lambda d: evaluate(
                    path, kb.settings, backend, preset=preset, k=k, out_dir=d,
                    on_progress=lambda i, n: bar.progress(i / n, text=f"评测中…… {i}/{n}"),
                    uploaded=uploaded,
                )[0],
            )  # fmt: skip
    except DatasetError as e:  # CorpusError is one
        st.error(f"问题集有误：{e}")
        return
    except KBError as e:
        st.error(f"评测失败：{e}")
        return
    finally:
        bar.empty()
    st.session_state.eval_open = str(out)
    st.success(f"评测完成，结果已保存为 {out.name}")


def show_history(history: History) -> None:
    """``history``: the runs this user may open; skipped folders are shown to admins only."""
    st.subheader(f"历史记录（{len(history.runs)} 次）")
    for s in history.skipped if user().admin else []:
        st.warning(f"已跳过 {s.path.name}：{s.reason}")
    if not history.runs:
        st.info("还没有评测记录：运行一次评测后，结果会保存在这里。")
        return
    st.dataframe(
        pd.DataFrame(history_rows(history.runs)),
        hide_index=True,
        column_config=_metric_columns(HEADLINE),
    )


def _pick(label: str, runs: list[RunSummary], key: str, index: int) -> str:
    options = [str(r.path) for r in runs]
    if st.session_state.get(key) not in options:  # a run deleted since it was chosen
        st.session_state.pop(key, None)
    labels = {str(r.path): r.label for r in runs}
    return st.selectbox(label, options, index=index, key=key, format_func=labels.get)


def _load(path: str) -> dict | None:
    try:
        return load_run(Path(path))
    except RunError as e:
        st.error(f"无法读取这次运行：{e}")
        return None


def show_run(kb, runs: list[RunSummary]) -> None:
    """One run: headline, metrics, per-question table (failures first), failed answers."""
    path = _pick("运行", runs, "eval_open", 0)
    res = _load(path)
    if res is None:
        return
    m = res["metrics"]
    st.subheader(f"结果：{len(res['questions'])} 题，完全正确率 {m['fully_correct']:.1%}")
    _metrics(m)
    st.subheader("逐题结果（未通过的在前）")
    scores = {zh.score(k): _score(zh.score(k), zh.score_help(k)) for k in zh.QUESTION_SCORES}
    st.dataframe(
        pd.DataFrame(question_rows(res)),
        hide_index=True,
        column_config={**scores, "状态": st.column_config.TextColumn("状态", help=STATUS_HELP)},
    )
    failed = [q for q in res["questions"] if q["reasons"]]
    st.subheader(f"未通过或有问题的题目（{len(failed)}）")
    if len(failed) > MAX_EXPANDERS:
        st.caption(f"下面只展开前 {MAX_EXPANDERS} 题的回答与引用；完整列表见上表与报告。")
    for q in failed[:MAX_EXPANDERS]:
        with st.expander(md_escape(f"{q['id']} · {q['question']}")):
            st.text("原因：" + "；".join(zh.reason(r) for r in q["reasons"]))
            st.text(q["answer"])
            for c in q["citations"]:
                st.text(f"[{c['n']}] {c['title']} · {c['locator']}\n“{c['quote']}”")
    _downloads(Path(path))
    _delete(kb, next(r for r in runs if str(r.path) == path))


def _metrics(m: dict) -> None:
    """The headline metrics (hover: what each measures), then every metric by group, in a
    table with its explanation and in bar charts."""
    for col, key in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
        value = m.get(key)
        col.metric(
            zh.metric(key), "—" if value is None else f"{value:.3f}", help=zh.metric_help(key)
        )
    rows = [{"组": zh.group(g), "指标": zh.metric(n), "值": m.get(n), "说明": zh.metric_help(n)}
            for g, ns in METRIC_GROUPS.items() for n in ns]  # fmt: skip
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={"值": st.column_config.NumberColumn(format="%.3f")},
    )
    cols = st.columns(len(METRIC_GROUPS))
    for col, (group, names) in zip(cols, METRIC_GROUPS.items(), strict=True):
        with col:
            st.caption(zh.group(group))
            values = [m.get(n) or 0.0 for n in names]
            st.bar_chart(pd.DataFrame({"值": values}, index=[zh.metric(n) for n in names]))


def _delete(kb, run: RunSummary) -> None:
    """Its maker and admins may delete a run, with the eval store only it used."""
    who = user()
    if not (who.admin or (run.access or {}).get("made_by") == who.name):
        return
    with st.popover("删除这次运行"):
        st.caption("运行结果、报告以及只有这次运行用到的评测语料库都会删除，无法恢复。")
        if st.button("确认删除", key=f"eval_delete_{run.path.name}", type="primary"):
            delete_run(run, kb.settings)
            st.session_state.pop("eval_open", None)
            st.rerun()


def _downloads(out: Path) -> None:
    report = out / "report.html"
    c1, c2 = st.columns(2)
    if report.is_file():
        c1.download_button(
            "下载 HTML 报告", report.read_bytes(), file_name="report.html", mime="text/html"
        )
    c2.download_button(
        "下载 results.json",
        (out / "results.json").read_bytes(),
        file_name="results.json",
        mime="application/json",
    )
    if report.is_file():
        with st.expander("查看 HTML 报告"):
            # The report escapes every text it shows; it is rendered in a sandboxed iframe.
            components.html(report.read_text(encoding="utf-8"), height=700, scrolling=True)


def show_compare(runs: list[RunSummary]) -> None:
    """Two runs side by side (evals.report.compare, as `kb eval compare`)."""
    if len(runs) < 2:
        st.info("至少要有两次运行才能对比。")
        return
    a_path = _pick("A（基准）", runs, "eval_a", 1)
    b_path = _pick("B（对比）", runs, "eval_b", 0)
    if a_path == b_path:
        st.info("请选择两次不同的运行。")
        return
    a, b = _load(a_path), _load(b_path)
    if a is None or b is None:
        return
    by_path = {str(r.path): r for r in runs}
    same = by_path[a_path].digest == by_path[b_path].digest
    st.caption("两次运行的设置相同（设置摘要一致）。" if same else "两次运行的设置不同。")
    c = compare(a, b)
    st.subheader("指标变化")
    st.dataframe(pd.DataFrame(delta_rows(c)), hide_index=True)
    for title, rows in flip_rows(c).items():
        st.subheader(f"{title}（{len(rows)}）")
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True)
        else:
            st.caption("无")
    page = compare_html(c, Path(a_path).name, Path(b_path).name)
    st.download_button("下载对比 HTML", page, file_name="compare.html", mime="text/html")
