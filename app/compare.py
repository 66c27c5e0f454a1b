"""The 文档库's lifecycle parts: a document's status with the statements it rests on, and the
对比 view of two versions (articles aligned, deleted words red and struck, inserted words
green), exported as a brief (kb/diff_brief.py)."""

from __future__ import annotations

import streamlit as st

from app.render import doc_link, md_escape
from kb.core.diff import Change, diff
from kb.diff_brief import render
from kb.store.lifecycle import KIND_LABELS as RELATION_LABELS
from kb.store.lifecycle import Lifecycle


def show_status(life: Lifecycle, doc, as_of: str) -> None:
    st_ = life.status(doc.doc_id, as_of)
    color = {"in_force": "green", "not_yet": "orange"}.get(st_.state, "red")
    st.markdown(f"效力（{as_of}）：:{color}-badge[{st_.label}] {md_escape(st_.sentence(doc))}")
    for note in st_.notes:
        st.warning(note)
    lines = []
    for link in life.outgoing(doc.doc_id):
        r = link.relation
        where = (f"[{md_escape(r.target)}]({doc_link(link.target.doc_id)})" if link.target
                 else md_escape(r.target) + "（不在库中）")  # fmt: skip
        lines.append(f"- 本文件{RELATION_LABELS[r.kind]} {where}：“{md_escape(r.quote)}”")
    for link in life.incoming(doc.doc_id):
        r = link.relation
        src = f"[{md_escape('《' + link.source.title + '》')}]({doc_link(link.source.doc_id)})"
        lines.append(f"- {src} {RELATION_LABELS[r.kind]}本文件：“{md_escape(r.quote)}”")
    if lines:
        st.markdown("\n".join(lines))


def suggested(life: Lifecycle, doc_id: str) -> list[str]:
    """The documents a 对比 is offered with first: the one this replaces or amends, the one
    replacing or amending it, then its other versions."""
    out = [
        link.target.doc_id for link in life.outgoing(doc_id)
        if link.target and link.relation.kind in ("replaces", "repeals", "amends")
    ] + [
        link.source.doc_id for link in life.incoming(doc_id)
        if link.relation.kind in ("replaces", "repeals", "amends")
    ] + [d.doc_id for d in life.versions(doc_id)]  # fmt: skip
    return list(dict.fromkeys(out))


def show_compare(life: Lifecycle, doc, wanted: str | None) -> None:
    st.subheader("版本对比")
    others = suggested(life, doc.doc_id)
    others += [i for i in life.docs if i != doc.doc_id and i not in others]
    default = wanted if wanted in others else (suggested(life, doc.doc_id) or [None])[0]
    options = [None, *others]
    other = st.selectbox(
        "与此文档对比", options, index=options.index(default),
        format_func=lambda i: "（不对比）" if i is None else life.docs[i].title,
    )  # fmt: skip
    if other is None:
        return
    old, new = sorted([life.docs[other], doc], key=lambda d: (d.date or "", d.doc_id))
    result = diff(old.text, new.text)
    st.markdown(f"**{md_escape('《' + old.title + '》')} → {md_escape('《' + new.title + '》')}**")
    st.info(result.summary())
    for c in result.changes:
        st.markdown(_change_md(c))
    c1, c2 = st.columns(2)
    c1.download_button(
        "导出对比（Word）", render(result, old, new, "docx"), file_name="版本对比.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )  # fmt: skip
    c2.download_button(
        "导出对比（Markdown）", render(result, old, new, "md"), file_name="版本对比.md",
        mime="text/markdown",
    )  # fmt: skip


def _change_md(c: Change) -> str:
    head = f"**{c.heading()}**　"
    if c.kind == "inserted":
        return head + f":green[{md_escape(c.new.text)}]"
    if c.kind == "deleted":
        return head + f":red[~~{md_escape(c.old.text)}~~]"
    if c.kind == "renumbered":
        return head + "（内容未变）"
    parts = []
    for op, t in c.segments:
        text = md_escape(t)
        parts.append(text if op == "equal" else f":red[~~{text}~~]" if op == "delete"
                     else f":green[**{text}**]")  # fmt: skip
    return head + "".join(parts)
