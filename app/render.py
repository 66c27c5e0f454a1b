"""Rendering helpers shared by the pages. Corpus text is always escaped: it is shown as
Markdown text with every ASCII punctuation character escaped, never as HTML."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from kb.answer.verify import UNSUPPORTED_MARK
from kb.core import tables, zh

STARTERS = [
    "2018年签署了哪些协议？",
    "G60科创走廊是如何治理的？",
    "2022年长三角区域协同创新总指数是多少？",
    "What is the 2022 collaborative innovation index score?",
]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md_escape(text: str) -> str:
    """Literal text for st.markdown: punctuation escaped, line breaks kept."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def table_frame(text: str, quote: str = ""):
    """A Markdown table chunk as a DataFrame to show as a table (the rows that hold the
    quote highlighted), or None when ``text`` is not a table."""
    lines = [ln for ln in text.strip().split("\n") if ln.strip()]
    if len(lines) < 2 or not all(ln.lstrip().startswith("|") for ln in lines):
        return None
    t = tables.parse(text.strip())
    if not t.header or not t.rows:
        return None
    names: list[str] = []
    for h in t.header:  # columns must be unique to be shown
        names.append(h if h and h not in names else f"{h or '列'}{len(names) + 1}")
    width = len(names)
    rows = [(r.values + [""] * width)[:width] for r in t.rows]
    cited = {i for i, r in enumerate(t.rows) if quote and any(
        v and (v in quote or quote in v) for v in r.values)}  # fmt: skip
    frame = pd.DataFrame(rows, columns=names)
    if not cited:
        return frame
    return frame.style.apply(
        lambda row: ["background-color: #ffe7b3" if row.name in cited else "" for _ in row],
        axis=1,
    )


def show_chunk(chunk: str, quote: str) -> None:
    """A passage as the reader should see it: a table as a table, text with the quote
    highlighted."""
    frame = table_frame(chunk, quote)
    if frame is None:
        st.markdown(highlight(chunk, quote))
    else:
        st.dataframe(frame, hide_index=True, use_container_width=True)


def highlight(chunk: str, quote: str) -> str:
    """The chunk as Markdown with the quoted sentence highlighted."""
    i = chunk.find(quote) if quote else -1
    if i < 0:
        return md_escape(chunk)
    return (
        md_escape(chunk[:i])
        + ":orange-background["
        + md_escape(quote)
        + "]"
        + md_escape(chunk[i + len(quote) :])
    )


def doc_link(doc_id: str, paragraph: int = 0) -> str:
    return "/文档库?" + urlencode({"doc": doc_id, **({"p": paragraph} if paragraph else {})})


def citation_label(c: dict) -> str:
    number = (c.get("gongwen") or {}).get("doc_number")
    meta = " · ".join(x for x in (number, zh.when(c.get("date")), c.get("author")) if x)
    ocr = " · OCR" if c.get("ocr") else ""
    return f"[{c['n']}] {c['title']}" + (f"（{meta}）" if meta else "") + f" · {c['locator']}{ocr}"


def ocr_note(confidence: float | None) -> str:
    return (
        f"OCR 识别文字（平均置信度 {confidence:.2f}），可能有识别错误，请对照原件核对。"
        if confidence is not None
        else ""
    )


# A statement ends at its citation markers (and the punctuation after them): each is shown on
# a line of its own. Punctuation that continues the sentence keeps it on the line.
_STATEMENT_END = re.compile(r"((?:\[\d+\])+[。；;！？!?）)]?)[ \t]*(?=[^\s，、,。；;：:）)】\]])")


def statements(text: str) -> list[str]:
    """The answer's cited statements, one per line, in order (its own line breaks kept)."""
    out: list[str] = []
    for line in text.split("\n"):
        out += [s for s in _STATEMENT_END.sub("\\1\n", line).split("\n") if s.strip()]
    return out


def _anchor(key: str, n: int) -> str:
    return f"src-{key}-{n}"


def linked(md: str, key: str) -> str:
    """Escaped answer Markdown with each [n] a link to its source below."""
    return re.sub(r"\\\[(\d+)\\\]", lambda m: f"[\\[{m[1]}\\]](#{_anchor(key, int(m[1]))})", md)


def answer_markdown(answer: str, key: str) -> str:
    mark = md_escape(UNSUPPORTED_MARK)
    lines = [linked(md_escape(s), key).replace(mark, f":red[{mark}]") for s in statements(answer)]
    numbered = sum(
        bool(re.match(r"^\s*(\d+\\[.、)]|[（(][一二三四五六七八九十\d])", ln)) for ln in lines
    )
    if len(lines) == 1 or numbered > 1:  # items the answer numbers itself keep their numbers
        return "  \n".join(lines)
    return "\n".join(f"- {ln}" for ln in lines)  # one cited statement per line


def sources(citations: list[dict]) -> list[tuple[list[int], dict]]:
    """Citations grouped for showing: by document in order of first citation, and one entry
    per passage with every number that cites it."""
    by_passage: dict[tuple, tuple[list[int], dict]] = {}
    for c in citations:
        key = (c["doc_id"], c.get("chunk_id") or c["n"])
        by_passage.setdefault(key, ([], c))[0].append(c["n"])
    order = list(dict.fromkeys(c["doc_id"] for c in citations))
    return sorted(by_passage.values(), key=lambda e: (order.index(e[1]["doc_id"]), e[0][0]))


def render_answer(turn: dict, show_paths: bool = True, key: str = "0") -> None:
    """One answer: its statements one per line with [n] links to the sources under it, the
    sources grouped by document (one per passage)."""
    understood = turn.get("understood_as")
    if understood and understood != turn["question"]:
        st.caption("理解为：" + md_escape(understood) + "（如理解有误，请输入完整的问题重新提问）")
    for w in turn.get("warnings", []):
        st.warning(w)
    if turn["status"] == "not_found":
        # the refusal says once what is missing (kb.answer.refusal); shown as the notice itself
        st.warning(md_escape(turn["answer"]))
    else:
        st.markdown(answer_markdown(turn["answer"], key))
    if turn.get("unsupported_sentences"):
        st.caption("以下句子在所引来源中找不到依据：")
        for sent in turn["unsupported_sentences"]:
            st.markdown(":red[" + md_escape(sent) + "]")
    if turn.get("records"):
        with st.expander(f"政策记录表（{len(turn['records'])} 条，来自导入时抽取的记录）"):
            st.dataframe(
                [{"日期": r["date_zh"], "类型": r["kind_label"], "事项": r["statement"],
                  "参与方": "、".join(r["parties"]),
                  "出处": "".join(f"[{n}]" for n in r["citations"])} for r in turn["records"]],
                hide_index=True,
            )  # fmt: skip
    if not turn["citations"]:
        return
    st.caption("来源" if turn["status"] == "answered" else "相关但不足以回答")
    quotes = {c["n"]: c["quote"] for c in turn["citations"]}
    for numbers, c in sources(turn["citations"]):
        # the [n] links land here: an empty element whose id is digits and the turn's key
        st.html("".join(f'<span id="{_anchor(key, n)}"></span>' for n in numbers))
        label = citation_label(c)
        if len(numbers) > 1:
            label = "".join(f"[{n}]" for n in numbers) + label[len(f"[{c['n']}]") :]
        with st.expander(label):
            if c.get("ocr"):
                st.caption(ocr_note(c.get("ocr_confidence")))
            for n in numbers:
                st.markdown("> " + md_escape(quotes[n]))
            show_chunk(c["chunk_text"], c["quote"])
            if show_paths:  # where the file lies on the server: for admins only
                st.caption(c["source"])
            st.markdown(
                f"[在文档库中打开 ¶{c.get('paragraph') or ''}]({doc_link(c['doc_id'], c.get('paragraph') or 0)})"
            )
