"""Web pages and web clippings reduced to text.

An .html page, and equally a .md/.txt file saved from a web page (HTML fragments, <font>
tags, image links and entities inside Markdown), become plain text before cleaning and
chunking, so that quotes are clean text: tags, scripts, styles and comments dropped, images
and link targets dropped (link text kept), entities decoded, headings as ``#`` lines and
tables as Markdown tables (header row first) that the chunker keeps together. Portals lay out
whole pages with tables (gov.cn puts the body of a document in one cell and its 发文字号 and
成文日期 in a grid of label and value cells): a layout table is read as the blocks it holds,
and a grid of "label：" cells as one "label：value" line per pair.
"""

from __future__ import annotations

import html as htmllib
import re

from ingest.errors import ReadError

_BLOCK_TAGS = {
    "p", "div", "li", "br", "tr", "section", "article", "blockquote", "pre", "dd", "dt", "center",
    "ul", "ol", "dl", "main", "figure", "figcaption", "address", "hr",
}  # fmt: skip
_DROP_TAGS = [
    "script", "style", "noscript", "nav", "footer", "header", "form", "aside", "iframe", "svg",
    "template", "button", "select", "object", "embed", "canvas", "map", "head",
]  # fmt: skip
# Tags that mark a text as (partly) HTML: a few of them, not one stray "<b>".
_TAG = re.compile(
    r"<(?:/?(?:p|div|span|font|br|img|a|table|tbody|thead|tr|td|th|b|strong|em|i|u|h[1-6]|ul|ol|li|"
    r"section|article|center|script|style|meta|link|iframe|sup|sub|blockquote|pre|hr)\b[^<>]*|!--)>?",
    re.I,
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\((?:[a-z]+:|/|#|\.)[^)\n]*\)")
_MD_REF_DEF = re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.M)  # [1]: http://…
_IMAGE_URL = re.compile(
    r"(?:https?:)?//\S+?\.(?:png|jpe?g|gif|webp|svg|bmp|ico)(?:\?[^\s)\"']*)?", re.I
)
_BARE_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.M)
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def looks_like_html(text: str) -> bool:
    """Several HTML tags or comments: a clipping, not prose that mentions a "<" or two."""
    return len(_TAG.findall(text[:200_000])) >= 3


def html_to_text(
    html: str, *, keep_newlines: bool = False, max_tags: int | None = None
) -> tuple[str, dict]:
    """Text of an HTML page or fragment, and the hints it carries (title, author, date).

    ``keep_newlines``: line breaks inside text nodes are kept (a Markdown file with HTML in
    it, where lines mean something); a real HTML page folds them as a browser does.
    ``max_tags``: a page with more tags is refused before it is parsed (each costs about
    0.5 KB and 0.05 ms in the parse tree)."""
    from bs4 import BeautifulSoup

    if max_tags is not None and (n := html.count("<")) > max_tags:
        raise ReadError(f"HTML 有 {n} 个标签，超过 {max_tags} 个标签的上限（KB_MAX_HTML_TAGS）")

    soup = BeautifulSoup(html, "lxml")
    hints: dict = {}
    if soup.title and soup.title.get_text(strip=True):
        hints["title"] = soup.title.get_text(strip=True)
    for name in ("author", "publishdate", "date", "pubdate", "firstpublishedtime"):
        m = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.I)})
        if m and m.get("content"):
            hints["author" if name == "author" else "date"] = m["content"].strip()
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    out: list[str] = []
    _walk(soup.body or soup, out, keep_newlines)
    text = "".join(out)
    text = "\n".join(ln.strip() for ln in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if "title" not in hints:
        h1 = soup.find("h1")
        if h1:
            hints["title"] = h1.get_text(" ", strip=True)
    return text, hints


def _walk(node, out: list[str], keep_newlines: bool, depth: int = 0) -> None:
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    if depth > 200:  # pathological nesting: keep the text, stop descending structure
        out.append(node.get_text(" ") if isinstance(node, Tag) else str(node))
        return
    for child in node.children:
        if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            s = str(child)
            s = re.sub(r"[ \t\r\f\v\u00a0]+", " ", s) if keep_newlines else re.sub(r"\s+", " ", s)
            out.append(s)
        elif isinstance(child, Tag):
            name = child.name.lower()
            if re.fullmatch(r"h[1-6]", name):
                title = child.get_text(" ", strip=True)
                if title:
                    out.append("\n\n" + "#" * int(name[1]) + " " + title + "\n\n")
            elif name == "table":
                kind = table_kind(child)
                if kind == "layout":
                    out.append("\n")
                    _walk(child, out, keep_newlines, depth + 1)
                    out.append("\n")
                else:
                    text = label_lines(child) if kind == "labels" else table_markdown(child)
                    out.append("\n\n" + text + "\n\n")
            elif name in ("br", "hr"):
                out.append("\n")
            elif name == "img":
                continue  # an image says nothing a quote could use
            else:
                # a cell is reached only inside a layout table: it is a block of the page
                block = name in _BLOCK_TAGS or name in ("td", "th")
                if block:
                    out.append("\n")
                _walk(child, out, keep_newlines, depth + 1)
                if block:
                    out.append("\n")


# A cell holding more text than this is prose laid out by a table, not a datum.
LAYOUT_CELL_CHARS = 200
_LAYOUT_INNER = ("table", "p", "div", "h1", "h2", "h3", "h4", "ul", "ol")
_LABEL = re.compile(r"^[^\d：:]{1,12}[：:]$")


def _rows(table):
    """The table's own rows, each as its own cells (a nested table's rows left out)."""
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            yield tr.find_all(["th", "td"], recursive=False)


def _holds_blocks(cell) -> bool:
    """Whether a cell holds a table or blocks of text; a short datum an editor wrapped in one
    paragraph ("<td><p>50周岁以下</p></td>") is still a datum."""
    inner = cell.find_all(_LAYOUT_INNER)
    return len(inner) > 1 or any(t.name != "p" for t in inner)


def table_kind(table) -> str:
    """ "layout" (cells hold tables, paragraphs or prose), "labels" (every row pairs "标签："
    cells with values: a metadata grid) or "data"."""
    rows = [r for r in _rows(table) if r]
    for cells in rows:
        for c in cells:
            if _holds_blocks(c) or len(c.get_text(strip=True)) > LAYOUT_CELL_CHARS:
                return "layout"
    if sum(len(cells) for cells in rows) <= 1:
        return "layout"  # one cell: a frame, not a table
    labelled = 0
    for cells in rows:
        texts = [re.sub(r"\s+", "", c.get_text(strip=True)) for c in cells]
        if texts and _LABEL.match(texts[0]):
            labelled += 1
    return "labels" if rows and labelled == len(rows) else "data"


def label_lines(table) -> str:
    """A metadata grid as "标签：值" lines, one per label cell and the value after it."""
    lines = []
    for cells in _rows(table):
        texts = [re.sub(r"\s+", " ", c.get_text(" ", strip=True)) for c in cells]
        i = 0
        while i < len(texts):
            label = re.sub(r"\s+", "", texts[i])
            if _LABEL.match(label):
                value = (
                    texts[i + 1]
                    if i + 1 < len(texts) and not _LABEL.match(re.sub(r"\s+", "", texts[i + 1]))
                    else ""
                )
                if value:
                    lines.append(f"{label}{value}")
                i += 2 if value else 1
            else:
                if texts[i]:
                    lines.append(texts[i])
                i += 1
    return "\n".join(lines)


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(cell.get(attr, 1)), 50))
    except ValueError:
        return 1


def table_markdown(table) -> str:
    """A table as Markdown rows, header first (the ``<th>`` row, else the first row); cells
    spanning columns or rows repeat their text so every row has the header's columns in
    place."""
    rows: list[list[str]] = []
    below: dict[int, tuple[str, int]] = {}  # column -> a rowspan cell above, rows left
    for row in _rows(table):  # a nested table's rows belong to its own cell text
        cells: list[str] = []
        queue = list(row)
        while queue or len(cells) in below:
            if len(cells) in below:  # a cell of a row above reaches down here
                text, left = below.pop(len(cells))
                if left > 1:
                    below[len(cells)] = (text, left - 1)
                cells.append(text)
                continue
            c = queue.pop(0)
            text = re.sub(r"\s+", " ", c.get_text(" ", strip=True)).replace("|", "｜")
            cols, down = _span(c, "colspan"), _span(c, "rowspan")
            for _ in range(cols):
                if down > 1:
                    below[len(cells)] = (text, down - 1)
                cells.append(text)
        if any(cells):
            rows.append(cells)
    if not rows:
        return ""
    head = next((i for i, tr in enumerate(rows) if tr), 0)
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows[head:]]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * ncol]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def reduce_clipping(text: str, markdown: bool, max_tags: int | None = None) -> str:
    """A .md/.txt file's text with web debris removed: HTML reduced to text (when there is
    HTML, of at most ``max_tags`` tags), Markdown images and link targets dropped, bare image
    URLs and entities decoded."""
    original = text
    if looks_like_html(text):
        text, _ = html_to_text(text, keep_newlines=True, max_tags=max_tags)
    elif _ENTITY.search(text):
        text = htmllib.unescape(text)
    if markdown or _MD_IMAGE.search(text) or _MD_LINK.search(text):
        text = _MD_IMAGE.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
        text = _MD_REF_DEF.sub("", text)
        text = _EMPHASIS.sub(r"\2", text)
    text = _IMAGE_URL.sub("", text)
    text = _BARE_URL_LINE.sub("", text)
    # a clean file comes back byte for byte (offsets into it stay valid)
    return text if text == original else re.sub(r"\n{3,}", "\n\n", text)
