"""Which article says it: a part of a question that asks the article of what an earlier part
asked ("……能不能一起办？最多多少个工作日？这是条例第几条规定的？", "……？细则是哪一条定的？") is answered with the
article that holds the earlier part's cited sentence, read from the document's own openings
("第三十五条 ……"), and that sentence cited again."""

from __future__ import annotations

import re

from kb.answer.articles import ARTICLE_START
from kb.answer.citations import Answer, Citation
from kb.answer.lists import doc_units
from kb.core.text import norm
from kb.retrieve.retrieve import Snapshot
from kb.retrieve.split import asks_article_back

# An article's opening at the start of a line of a chunk: a line that only announces its
# items ("第二十二条申请……应当同时符合下列条件：") is no unit, yet opens the article.
_OPENING_LINE = re.compile(r"(?m)^[ \t#]*(" + ARTICLE_START.pattern.removeprefix("^") + ")")


def article_of(c: Citation, snap: Snapshot) -> str:
    """The article ("第三十五条") whose opening is the last one before the cited sentence in
    its document; '' when the document has none before it."""
    article, want = "", norm(c.quote)
    lines: dict[str, list[tuple[int, str]]] = {}  # each chunk's article openings, read once
    for u in doc_units(c.doc_id, snap):
        chunk = u.passage.chunk
        if chunk.chunk_id not in lines:
            found = _OPENING_LINE.finditer(chunk.text)
            lines[chunk.chunk_id] = [(o.start(1), o.group(1)) for o in found]
        m = ARTICLE_START.match(u.text)
        opened = [a for at, a in lines[chunk.chunk_id] if at < u.offset]
        if m or opened:
            article = m.group(0) if m else opened[-1]
        w = norm(u.quote)
        if w and (w in want or want in w):  # a clause of the sentence cited, or the sentence
            return article
    return ""


def answer_article(part: str, before: list[Answer], snap: Snapshot, lang: str) -> Answer | None:
    """When ``part`` asks the article of what was asked ``before`` it: the article of the
    first sentence an earlier answered part cites; else None."""
    if not (before and asks_article_back(part)):
        return None
    for ans in before:
        if ans.status != "answered" or not ans.citations:
            continue
        c = ans.citations[0]
        article = article_of(c, snap)
        if not article:
            return None
        title = f"《{c.title}》" if c.title else ""
        if lang == "en":
            text = f"It is {article} of {title or 'the document'}.[{c.n}]"
        else:
            text = f"见{title}{article}。[{c.n}]"
        return Answer("answered", text, [c])
    return None
