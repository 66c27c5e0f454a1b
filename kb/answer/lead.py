"""How an answer's lead sentence is shown: with the sentence before it when that one holds the
year the lead leaves out, and with the rest of its sentence when the lead is a clause ending at
a semicolon (from the next chunk, cited on its own, where the chunk ends at the semicolon).
Each quotes the document verbatim, one contiguous span."""

from __future__ import annotations

import re
from dataclasses import replace

from kb.answer.candidates import Unit, units_of
from kb.answer.years import has_year, this_year_first
from kb.core.text import norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot


def with_neighbour(u: Unit, year_ok: bool, states=None) -> Unit:
    """Join the previous sentence when the answer's year lives there ("2020年，……。专利申请
    量……"): the unit was accepted through that context, so the reader must see it. Likewise
    the asked day (``states``: whether a text states what is asked, None when nothing need
    be): "9月24日上午，……。下午，……接着召开……大会。" answers "哪一天" with both."""
    if not u.prev:
        return u
    # "今年9月24日，……" dates itself (its document's year): the sentence before is no help
    year = year_ok and not has_year(u.text) and not this_year_first(u.text) and has_year(u.prev)
    if not year and not (states and not states(u.text) and states(u.prev)):
        return u
    text = u.passage.text
    start = text.rfind(u.prev, 0, u.offset)
    if start < 0 or text[start + len(u.prev) : u.offset].strip():
        return u
    joined = text[start : u.offset + len(u.quote)]
    return replace(u, text=joined, quote=joined, offset=start)


# An enumerated item opens the clause: it is the next item, not the rest of the sentence.
_ITEM_START = re.compile(
    r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]{1,3}、)"
)
REST_CHARS = 100


def whole(u: Unit) -> Unit:
    """The lead clause with the rest of its sentence when the clause ends at a semicolon and
    the rest is short and no new item ("……并处百分之二十以上百分之五十以下罚款；对直接负责的
    主管人员……处五千元以上五万元以下罚款。"): the penalty's other half, its exception."""
    if not u.quote.rstrip().endswith(("；", ";")):
        return u
    text = u.passage.text
    end = u.offset + len(u.quote)
    stop = text.find("。", end)
    rest = text[end : stop + 1] if stop >= 0 else ""
    if not rest.strip() or len(rest) > REST_CHARS or "\n" in rest or _ITEM_START.match(rest):
        return u
    joined = text[u.offset : stop + 1]
    return replace(u, text=u.text + rest, quote=joined)


# How many of the best passages are read on into the chunk after them.
READ_ON = 1
# The sentence a chunk ends with: what follows its last full stop.
_LAST_SENTENCE = re.compile(r"[^。！？!?；;\n]*$")


def read_on(q: Question, passages: list[Passage], snap: Snapshot) -> list[tuple[int, Passage]]:
    """(its rank, the chunk after it) for the best passage when it ends announcing what
    follows ("第九条 ……申请设立司法鉴定机构的，应当具备下列条件：") in a sentence that names a
    key word of the question, and the passages lack that chunk: the items a chunk boundary cut
    from their article ("（三）人民币五十万元以上的资金；") answer what the article is found for.
    An announcement of something else ("对以下三类企业，必须首先实行关停并转：" for a question
    on a city plan) would only crowd the candidates."""
    have = {p.chunk_id for p in passages}
    out: list[tuple[int, Passage]] = []
    for rank, p in enumerate(passages[:READ_ON]):
        text = p.text.rstrip()
        if not text.endswith(("：", ":")):
            continue
        last = norm(_LAST_SENTENCE.search(text).group(0))
        if not any(norm(a) in last for t in q.terms if len(t) >= 2 for a in q.alternatives(t)):
            continue
        chunks = snap.doc_chunks(p.doc.doc_id)
        nxt = next((c for c in chunks if c.position == p.chunk.position + 1), None)
        if nxt is not None and nxt.chunk_id not in have:
            have.add(nxt.chunk_id)
            out.append((rank, Passage(nxt, p.doc, p.score)))
    return out


def run_on(u: Unit, snap: Snapshot) -> Unit | None:
    """The rest of the lead's sentence when the lead is a clause ending at a semicolon that
    ends its chunk too ("……应当报市人大常委会备案；" | "对总体布局作重大变更的，须经……审批。"):
    the next chunk's first sentence, short and no new item; None otherwise."""
    if not u.quote.rstrip().endswith(("；", ";")):
        return None
    if u.passage.text[u.offset + len(u.quote) :].strip():
        return None  # the sentence runs on in the chunk: whole() has joined it
    chunks = snap.doc_chunks(u.passage.doc.doc_id)
    nxt = next((c for c in chunks if c.position == u.passage.chunk.position + 1), None)
    if nxt is None:
        return None
    units = units_of(Passage(nxt, u.passage.doc, u.passage.score), u.rank)
    first = units[0] if units else None
    if (
        first is None
        or first.offset != 0
        or not first.text.rstrip().endswith(("。", "."))
        or len(first.text) > REST_CHARS
        or _ITEM_START.match(first.text)
    ):
        return None
    first.score = u.score
    return first
