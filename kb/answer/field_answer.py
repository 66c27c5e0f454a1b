"""Answers read off a labelled line: "失效日期： 2023年06月01日", "主 任：孙春兰 国务院副总理".
Portals print a document's metadata grid as such lines and notices list office-holders the same
way; when a question asks for the label itself ("失效日期是哪天？", "主任由谁担任？", "文号、成文
日期和发布日期分别是什么？"), the line is the answer, quoted as the document writes it.

A label is asked when the question names it right before its question word (a run of labels
joined by 和/、 counts as one), the longest where two overlap (副主任 over 主任). Values are
short (a metadata cell, a name and title), which keeps a run-in heading such as "总体目标：到
2025年，……" out, and the documents read are the one the question names and the best retrieved."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.answer.citations import Answer, Citation, cite
from kb.core.gongwen import FIELD_LABELS
from kb.core.text import norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot
from kb.store.catalog import DocumentRecord

# "label：value" at the start of a line; the label is 2-8 Chinese characters, possibly spaced
# out to align a grid ("文 号：") or in Markdown bold ("**发布日期**: 2025-07-17"), and
# portals put several cells on a line 2+ spaces apart.
_FIELD = re.compile(
    r"^[ \t\u3000]*(?:\*\*)?(?P<label>(?:[\u4e00-\u9fff][ \t\u3000]*){2,8}?)(?:\*\*)?[:：]"
    r"[ \t\u3000]*(?P<value>\S.*?)\s*$"
)
_CELL_GAP = re.compile(r"[ \t\u3000]{2,}")
# A value longer than this is a paragraph after a run-in heading, not a cell.
MAX_VALUE = 60
# The question word a label is asked with, after an optional copula ("是", "由", "分别是").
_ASKED_AFTER = re.compile(
    r"^(?:[和、及与，,]|以及)?(?:分别|各|具体|都)?(?:是|为|由|叫|在|有|定在)?"
    r"(?:什么|哪|谁|多少|何|几)"
)
_JOIN = re.compile(r"^(?:[和、及与，,]|以及)")
# "在网上是哪天发布的": the day a portal put the page up, which its grid labels 发布日期 (not
# the 成文日期 the document is dated).
# Asked right after the day it was written ("哪天成文、哪天发布"), 发布 is that other day too.
ONLINE_ASK = re.compile(
    r"(?:网上|网站|网页|上网).{0,4}?(?:哪天|哪一天|哪日|什么时候|何时|几月几[日号])(?:发布|公布|刊发|挂出)"
    r"|(?:网上|网站)(?:发布|公布)(?:的)?(?:日期|时间)"
    r"|(?:(?<=成文、)|(?<=成文，)|(?<=成文,)|(?<=成文和)|(?<=成文及))"
    r"(?:哪天|哪一天|哪日|什么时候|何时)(?:发布|公布)"
)
# "是哪一天发布的", of a page that prints both days: the 发布日期 line as well as the day signed,
# unless the question says which it means (印发, 签发, 成文)
_SIGNED_LABELS = frozenset(FIELD_LABELS["signed_date"].split("|"))
_PUBLISHED_ASK = re.compile(
    r"^(?!.*(?:印发|签发|成文|下发)).*(?:哪天|哪一天|哪日|什么时候|何时|几月几[日号])(?:发布|公布)"
)
_ONLINE_LABELS = ("发布日期", "发布时间", "公布日期", "公开日期")
# Asked kinds whose answer is a date or a figure: a value without a digit does not answer them.
_NEEDS_DIGIT = {"date", "year", "amount", "percent", "number", "duration"}
_DIGIT = re.compile(r"[0-9〇零一二两三四五六七八九十百千万]")
# How many retrieved documents are read for asked labels, best first.
FIELD_DOCS = 3


@dataclass(frozen=True)
class Field:
    label: str  # without the spaces that align a grid
    value: str
    line: str  # the cell as the chunk holds it (the quote)
    chunk_id: str


# A person with a title, as lists of office-holders print one ("杨元元 民航总局局长", "吉 林 北京
# 市副市长"): a name of two to four characters, spaces, the title.
_HOLDER = re.compile(r"^[\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,3}[ \t\u3000]+\S{2,25}$")


def fields_of(chunks) -> list[Field]:
    """The labelled cells of a document's chunks, in reading order. A label whose value is a
    person with a title takes the unlabelled such lines after it too ("副主任：杨元元 民航总局
    局长" / "刘金国 公安部副部长" / …): a list of office-holders prints one label for several."""
    out = []
    for c in chunks:
        lines = c.text.split("\n")
        for i, line in enumerate(lines):
            for cell in _CELL_GAP.split(line):
                m = _FIELD.match(cell)
                if not m:
                    continue
                value = m.group("value").strip()
                if len(value) > MAX_VALUE or not re.search(r"[\w\u4e00-\u9fff]", value):
                    continue
                label = norm(m.group("label"))
                quote, more = cell.strip(), _holders(lines[i + 1 :]) if _HOLDER.match(value) else []
                if more:
                    value = "；".join([value, *more])
                    start = c.text.index(quote)
                    quote = c.text[start : c.text.index(more[-1], start) + len(more[-1])]
                out.append(Field(label, value, quote, c.chunk_id))
    return out


def _holders(lines: list[str]) -> list[str]:
    """The office-holders listed on the lines after a label's, to the first other line."""
    out = []
    for line in lines:
        t = line.strip()
        if not t:
            continue
        if not _HOLDER.match(t):
            break
        out.append(t)
    return out


def asked_labels(question: str, labels: set[str]) -> list[str]:
    """The labels the question asks for, in the order it names them: each occurs in the question
    (the longest where two overlap, 副主任 over 主任) and is followed by a question word, alone
    or through other labels joined by 和/、 ("文号、成文日期和发布日期分别是什么")."""
    q = norm(question)
    spans: list[tuple[int, int, str]] = []
    for label in sorted(labels, key=len, reverse=True):
        start = q.find(label)
        while start >= 0:
            end = start + len(label)
            if not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, label))
            start = q.find(label, end)
    spans.sort()
    asked: list[str] = []
    run: list[str] = []
    for i, (_, end, label) in enumerate(spans):
        run.append(label)
        rest = q[end:]
        nxt = spans[i + 1][0] if i + 1 < len(spans) else None
        joined = _JOIN.match(rest)
        if nxt is not None and joined and end + joined.end() == nxt:
            continue  # the run goes on to the next label
        if _ASKED_AFTER.match(rest):
            asked += [x for x in run if x not in asked]
        run = []
    online = next((x for x in _ONLINE_LABELS if x in labels), None)
    both = labels & _SIGNED_LABELS and _PUBLISHED_ASK.search(q)
    if online and online not in asked and (ONLINE_ASK.search(q) or both):
        asked.append(online)
    return asked


def _docs_in_view(q: Question, snap: Snapshot, passages: list[Passage], doc_ids) -> list:
    """The documents to read, best first: the one the question names by 《title》, then those of
    the retrieved passages."""
    out: dict[str, DocumentRecord] = {}
    if q.titles:
        for d in snap.docs.values():
            if any(norm(t) in norm(d.title) for t in q.titles):
                out.setdefault(d.doc_id, d)
    for p in passages:
        out.setdefault(p.doc.doc_id, p.doc)
    return [d for i, d in out.items() if doc_ids is None or i in doc_ids][:FIELD_DOCS]


def doc_fields(q: Question, snap: Snapshot, d: DocumentRecord) -> list[Field]:
    """The cells of ``d`` the question asks for (one per label, the first the document gives),
    in the order the question asks them; cells that cannot answer its kind are left out. An
    English question asks a label that translates the words it asks for (its slot)."""
    fields = fields_of(snap.doc_chunks(d.doc_id))
    labels = {f.label for f in fields}
    if q.lang == "en":  # the asked words' translations ("secretary-general" -> 秘书长)
        said = [w for s in q.slot for w in q.expansions.get(s, [s])]
        wanted = [w for w in dict.fromkeys(said) if w in labels]
    else:
        wanted = asked_labels(q.text, labels)
    out = []
    for label in wanted:
        f = next(f for f in fields if f.label == label)
        # "副主任有哪几位": a list of people, not a count
        if (
            q.asks in _NEEDS_DIGIT
            and not q.is_list
            and len(wanted) == 1
            and not _DIGIT.search(f.value)
        ):
            continue
        out.append(f)
    return out


def cite_fields(
    fields: list[Field], d: DocumentRecord, snap: Snapshot, start: int = 1
) -> list[tuple[Field, Citation]]:
    """A citation of each cell's line in its chunk (verbatim), numbered from ``start``."""
    out = []
    for f in fields:
        chunk = snap.chunks[f.chunk_id]
        if f.line in chunk.text:
            out.append((f, cite(start + len(out), Passage(chunk, d, 1.0), f.line)))
    return out


@dataclass
class FieldAnswer:
    answer: Answer
    doc: DocumentRecord

    def passages(self, snap: Snapshot, retrieved: list[Passage]) -> list[Passage]:
        cited = list(dict.fromkeys(c.chunk_id for c in self.answer.citations))
        first = [Passage(snap.chunks[c], self.doc, 1.0) for c in cited]
        return first + [p for p in retrieved if p.chunk_id not in cited]


def field_answer(
    q: Question, snap: Snapshot, passages: list[Passage], doc_ids: set[str] | None = None
) -> FieldAnswer | None:
    """The asked cells of the first document in view that has them, each cited; None when the
    question asks for no label a document in view prints."""
    for d in _docs_in_view(q, snap, passages, doc_ids):
        cited = cite_fields(doc_fields(q, snap, d), d, snap)
        if not cited:
            continue
        lines = [f"{f.label}：{f.value}[{c.n}]" for f, c in cited]
        text = f"《{d.title}》\n" + "\n".join(lines)
        if q.lang == "en":
            text = "From the (Chinese) document: " + text
        return FieldAnswer(Answer("answered", text, [c for _, c in cited]), d)
    return None
