"""Article answers: the sentences of the article a question names ("第二十三条是怎么规定的"),
in the document the question names, from the line that opens it to the next article; and the
items a regulation's definition lists ("本条例所称……包括哪几类")."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.answer.list_lines import from_line
from kb.answer.lists import doc_units, enumeration
from kb.core.text import bigram_cover, norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot

# An article question names its document: this share of the title's character bigrams at least
# ("三门峡市山体保护条例第二十三条" names 《三门峡市山体保护条例》; "条例第十条" names none).
ARTICLE_TITLE_SHARE = 0.5
# A national law is called without it: "劳动法第十九条" names 《中华人民共和国劳动法》.
NATIONAL = "中华人民共和国"


# An article's opening ("第二十三条"), its number as written (kb.answer.cited reads it too).
ARTICLE_START = re.compile(r"^第([一二三四五六七八九十百零〇\d]+)条")


# A chapter's or section's heading in a chunk's heading path ("第三章 地名标志管理"); the
# numbered items the path may also hold ("（二）……的；") do not end an article.
_CHAPTER = re.compile(r"^\s*#*\s*第[一二三四五六七八九十百零〇\d]+[编章节]")


def _chapters(u: Unit) -> list[str]:
    return [p for p in u.passage.chunk.section.split(" / ") if _CHAPTER.match(p)]


def _opened(article: str, doc_id: str, snap: Snapshot, units: list[Unit]) -> list[Unit]:
    """An article whose opening line announces its items ("第十九条 劳动合同……具备以下条款："
    is no unit: it says nothing by itself): that line, then the document's ``units`` after it."""
    line = re.compile(rf"(?m)^[ \t]*{re.escape(article)}[^\n]*")
    for c in snap.doc_chunks(doc_id):
        m = line.search(c.text)
        if m:
            return from_line(m, c, snap.docs[doc_id], units)
    return []


def article_units(q: Question, passages: list[Passage], snap: Snapshot, limit: int) -> list[Unit]:
    """The sentences of the article the question names ("第二十三条"), in the best-ranked
    document that has it: from the sentence that opens it to the next article; else the items
    of the definition the question names (defined_list)."""
    if not q.article:
        return defined_list(q, passages, snap, limit)
    want = norm(q.article)
    qn = norm(q.text)
    for doc_id in dict.fromkeys(p.doc.doc_id for p in passages):
        title = norm(snap.docs[doc_id].title).removeprefix(NATIONAL)
        if bigram_cover(title, qn) < ARTICLE_TITLE_SHARE:
            continue  # an article of a document the question does not name
        units = doc_units(doc_id, snap)
        at = next((i for i, u in enumerate(units) if norm(u.text).startswith(want)), None)
        if at is None:
            units = _opened(q.article, doc_id, snap, units)
            at = 0 if units else None
        if at is None:
            continue
        out = [units[at]]
        for u in units[at + 1 :]:
            if ARTICLE_START.match(u.text) or len(out) >= limit:
                break
            if _chapters(u) != _chapters(units[at]):
                break  # a new chapter or section
            out.append(u)
        return out
    return []


# "本条例所称非物质文化遗产……包括哪几类": what the document's definition of a term lists.
_DEFINED_ASKED = re.compile(
    r"所称的?[“\"]?([^，,。？?“”\"]{2,20}?)[”\"]?(?:包括|包含|分为|有哪|是哪|指哪)"
)


def defined_list(q: Question, passages: list[Passage], snap: Snapshot, limit: int) -> list[Unit]:
    """The items a regulation's definition of the term the question names lists ("本条例所称
    非物质文化遗产，是指……。包括：（一）……"), in the best-ranked document that defines it."""
    m = _DEFINED_ASKED.search(q.text) if q.is_list else None
    if not m:
        return []
    said = f"所称{norm(m.group(1))}"
    for doc_id in dict.fromkeys(p.doc.doc_id for p in passages):
        units = doc_units(doc_id, snap)
        at = next((i for i, u in enumerate(units) if said in norm(u.text)), None)
        if at is None:
            continue
        for i in (at, at + 1):  # the definition, or a "包括：" after it
            items = enumeration(units, i) if i < len(units) else []
            if items:
                return items[:limit]
    return []
