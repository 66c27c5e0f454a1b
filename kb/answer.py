"""The extractive answerer (default, no LLM): choose the sentences that answer the question
from the retrieved passages, order them readably without repeats, cite each with [n], and
say so plainly when the corpus cannot answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.glossary import LIST_NOUNS
from kb.question import Question
from kb.retrieve import Passage, Snapshot
from kb.settings import AnswerSettings
from kb.text import YEAR_RE, norm, split_sentences

_TERMINAL = tuple("。！？；!?;…")
_NUMBERED_LEAD = re.compile(r"^\d{1,2}[.、．][^。]{1,12}。$")
_DATE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}月\d{1,2}日|今年|当年|同年")
_CAPTION = re.compile(r"^(图|表|注释?)\s*[\d\s:：]|^(图|表)\s")  # figure/table captions
_HEADING_LIKE = re.compile(
    r"^(#{1,6}\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
)


@dataclass
class Unit:
    """A citable piece of a passage: a sentence, or a table cell with its row label."""

    text: str  # what the answer shows
    quote: str  # verbatim text of the document
    context: str  # extra text used for matching (a table row's time cell)
    passage: Passage
    rank: int  # passage rank
    offset: int  # position inside the chunk, for ordering
    score: float = 0.0
    coverage: float = 0.0
    year_ok: bool = False


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    locator: str
    quote: str
    chunk_text: str
    chunk_id: str = ""
    date: str | None = None
    author: str | None = None
    paragraph: int = 0

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "locator": self.locator,
            "quote": self.quote,
            "chunk_text": self.chunk_text,
            "chunk_id": self.chunk_id,
            "date": self.date,
            "author": self.author,
            "paragraph": self.paragraph,
        }


@dataclass
class Answer:
    status: str  # answered | not_found
    text: str
    citations: list[Citation] = field(default_factory=list)
    reason: str = ""


def locator(p: Passage) -> str:
    c = p.chunk
    parts = []
    if c.page:
        parts.append(f"第{c.page}页")
    if c.section:
        parts.append(c.section)
    if c.para_start:
        parts.append(
            f"¶{c.para_start}"
            if c.para_end in (0, c.para_start)
            else f"¶{c.para_start}–{c.para_end}"
        )
    return " / ".join(parts) or f"段{c.position + 1}"


def cite(n: int, u_or_p: Unit | Passage, quote: str | None = None) -> Citation:
    p = u_or_p.passage if isinstance(u_or_p, Unit) else u_or_p
    q = quote if quote is not None else (u_or_p.quote if isinstance(u_or_p, Unit) else p.text[:120])
    return Citation(
        n=n,
        doc_id=p.doc.doc_id,
        title=p.doc.title,
        source=p.doc.source,
        locator=locator(p),
        quote=q,
        chunk_text=p.text,
        chunk_id=p.chunk_id,
        date=p.doc.date,
        author=p.doc.author,
        paragraph=p.chunk.para_start,
    )


# ---------------------------------------------------------------- units
def units_of(p: Passage, rank: int) -> list[Unit]:
    text = p.text
    out: list[Unit] = []
    if p.chunk.kind == "table":
        for line_no, line in enumerate(text.split("\n")[2:]):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            label = ""
            for ci, cell in enumerate(cells):
                if not cell or re.fullmatch(r"[-:\s]*", cell):
                    continue
                if len(cell) <= 12:
                    label = cell  # a short cell labels the long ones after it ("2018年")
                    continue
                shown = f"{label}：{cell}" if label else cell
                out.append(Unit(shown, cell, label, p, rank, line_no * 100 + ci))
        return out
    lead: int | None = None
    for s, e in split_sentences(text):
        sent = text[s:e]
        if _NUMBERED_LEAD.match(sent):
            lead = s  # "1.组织协调机制。" belongs with the sentence after it
            continue
        if (
            len(sent) < 8
            or _HEADING_LIKE.match(sent)
            or _CAPTION.match(sent)
            or (len(sent) <= 30 and not sent.endswith(_TERMINAL))
        ):
            lead = None
            continue
        if lead is not None and "\n" not in text[lead:s]:
            s, sent = lead, text[lead:e]
        lead = None
        out.append(Unit(sent, sent, "", p, rank, s))
    return out


_RANGE = r"(?:\s*[-–—~～至到]\s*(?:19|20)\d{2})"


def year_in(text: str, year: int) -> bool:
    """The year as a date, not as the start or end of a range like 2018-2020 or a number."""
    y = str(year)
    return bool(re.search(rf"(?<![\d\-–—~～]){y}(?!\d)(?!{_RANGE})", text))


def _year_ok(u: Unit, years: list[int]) -> bool:
    """The unit is about one of the years: it says so, or it names no year at all and its
    document is of that year ("今年3月" in a 2019 article; any sentence of the 2023 report)."""
    text = u.context + u.text
    d = u.passage.doc
    if any(year_in(text, y) or str(y) in d.title for y in years):
        return True  # "2023年的指数报告中……" selects the document titled 2023
    if YEAR_RE.search(text):
        return False  # an explicit other year
    return any(d.year == y for y in years)


# ---------------------------------------------------------------- scoring
def _term_weights(q: Question, snap: Snapshot, tok) -> list[tuple[list[str], float]]:
    weights = []
    # In a list question the asked-for noun is matched by its instances (协议 by 签署…),
    # so it is an anchor, not a key word every sentence must carry.
    anchor = set(LIST_NOUNS.get(q.list_noun or "", [])) | {q.list_noun} if q.is_list else set()
    for t in q.terms:
        if t in anchor:
            continue
        alts = [norm(a) for a in q.alternatives(t)]
        toks = tok.tokens(t) or [t]
        w = max((snap.bm25.idf(x) for x in toks), default=0.0)
        if w == 0.0:
            w = 3.0  # a word the corpus never uses still counts: its absence matters
        weights.append((alts, w))
    return weights


def coverage(text_n: str, weights: list[tuple[list[str], float]]) -> float:
    total = sum(w for _, w in weights)
    if not total:
        return 0.0
    return sum(w for alts, w in weights if any(a and a in text_n for a in alts)) / total


def _similar(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    ga = {a[i : i + 2] for i in range(len(a) - 1)}
    gb = {b[i : i + 2] for i in range(len(b) - 1)}
    return bool(ga and gb) and len(ga & gb) / min(len(ga), len(gb)) > 0.7


def _titles(text: str) -> set[str]:
    return {norm(t) for t in re.findall(r"《([^》]+)》", text)}


# ---------------------------------------------------------------- answering
def answer(
    q: Question, passages: list[Passage], snap: Snapshot, tok, cfg: AnswerSettings
) -> Answer:
    if not passages:
        return _not_found(
            q, [], "知识库中没有可检索的内容。" if not snap.chunks else "没有检索到相关段落。"
        )

    missing = missing_anchor(q, snap)
    if missing:
        return _not_found(q, passages, missing)

    weights = _term_weights(q, snap, tok)
    noun_alts = [norm(a) for a in LIST_NOUNS.get(q.list_noun or "", [])] if q.is_list else []
    units: list[Unit] = []
    for rank, p in enumerate(passages):
        for u in units_of(p, rank):
            hay = norm(u.context + u.text)
            u.coverage = coverage(hay, weights)
            u.year_ok = _year_ok(u, q.years)
            noun_ok = any(a in hay for a in noun_alts) if noun_alts else False
            dated = q.asks_when and bool(_DATE.search(u.context + u.text))
            u.score = (
                u.coverage + 0.35 * u.year_ok + 0.25 * noun_ok + 0.3 * dated + 0.3 / (1 + rank)
            )
            units.append(u)
    if not units:
        return _not_found(q, passages, "检索到的段落中没有可引用的句子。")

    if q.is_list and (noun_alts or q.years):
        pool = [
            u
            for u in units
            if (not noun_alts or any(a in norm(u.context + u.text) for a in noun_alts))
        ]
        if q.years:
            pool = [u for u in pool if u.year_ok]
        limit = cfg.max_list_items
    else:
        # A question that names a year is answered only by sentences of that year: an answer
        # about another year is worse than "not found".
        pool = [u for u in units if u.year_ok] if q.years else units
        limit = cfg.max_sentences
    has_terms = bool(weights)
    if has_terms:
        best_cov = max((u.coverage for u in pool), default=0.0)
        if best_cov < cfg.min_term_coverage and not (q.lang == "en" and q.is_list and pool):
            return _not_found(q, passages, "语料中没有同时包含问题关键词的段落。")
        # Every sentence must carry a fair share of what the best one carries (the entity the
        # question is about), even in a list.
        pool = [u for u in pool if u.coverage >= 0.5 * best_cov and (u.coverage > 0 or u.year_ok)]
    if not pool:
        return _not_found(q, passages, "语料中没有符合问题条件的记载。")

    pool.sort(key=lambda u: -u.score)
    top = pool[0].score
    # A list anchored by year or noun keeps every matching item; otherwise keep the close ones.
    anchored = q.is_list and (q.years or noun_alts)
    floor = 0.0 if anchored else (0.45 if q.is_list else 0.55) * top
    chosen: list[Unit] = []
    covered_titles: set[str] = set()
    for u in pool:
        if len(chosen) >= limit or u.score < floor:
            break
        un = norm(u.quote)
        if any(_similar(un, norm(c.quote)) for c in chosen):
            continue
        titles = _titles(u.quote)
        if q.is_list and titles and titles <= covered_titles:
            continue  # names only instruments already listed
        covered_titles |= titles
        chosen.append(u)

    # Readable order: documents by their best sentence, then document order inside each; a
    # direct answer puts its best sentence first.
    lead = [] if q.is_list else chosen[:1]
    rest = chosen[len(lead) :]
    doc_order: dict[str, int] = {}
    for u in chosen:
        doc_order.setdefault(u.passage.doc.doc_id, len(doc_order))
    rest.sort(key=lambda u: (doc_order[u.passage.doc.doc_id], u.passage.chunk.position, u.offset))
    chosen = lead + rest

    citations = [cite(i + 1, u) for i, u in enumerate(chosen)]
    return Answer("answered", _compose(q, chosen), citations)


def missing_anchor(q: Question, snap: Snapshot) -> str:
    """A year or a proper name the question relies on that no passage mentions."""
    for y in q.years:
        if snap.bm25.df.get(str(y), 0) == 0 and not any(
            year_in(c.text, y) for c in snap.chunks.values()
        ):
            return f"语料中没有关于{y}年的记载。"
    for name in q.names:
        if snap.bm25.df.get(name, 0) == 0 and not any(
            norm(name) in snap.normed(cid) for cid in snap.chunks
        ):
            return f"语料中没有提到“{name}”。"
    return ""


def _compose(q: Question, units: list[Unit]) -> str:
    lines = []
    for i, u in enumerate(units, 1):
        body = u.text if u.text.endswith(_TERMINAL) else u.text + "。"
        lines.append((f"{i}. " if q.is_list else "") + f"{body}[{i}]")
    if q.is_list:
        lead = (
            f"Found {len(units)} relevant records in the (Chinese) corpus:"
            if q.lang == "en"
            else f"语料中共找到 {len(units)} 条相关记载："
        )
        return lead + "\n" + "\n".join(lines)
    body = "".join(lines)
    return ("From the (Chinese) sources: " + body) if q.lang == "en" else body


def _not_found(q: Question, passages: list[Passage], reason: str) -> Answer:
    lead = "语料无法回答这个问题：" + reason
    if q.lang == "en":
        lead = "The corpus does not answer this question. " + lead
    cites = []
    for i, p in enumerate(passages[:3], 1):
        units = units_of(p, i)
        cites.append(cite(i, p, quote=(units[0].quote if units else p.text[:120])))
    if cites:
        lead += "\n以下是最接近的段落，仅供参考，不足以回答该问题。"
    return Answer("not_found", lead, cites, reason)
