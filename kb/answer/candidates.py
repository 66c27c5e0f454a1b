"""Candidate evidence for a question: the units (sentences, table rows) of the retrieved
passages, each with its matching context and its feature row for ``kb.answer.evidence``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kb.answer.evidence import (
    QUESTION_FEATURES,
    UNIT_FEATURES,
    bigram_share,
    content_chars,
    has_type,
    log_len,
    longest_run,
    outside_title,
    question_bigrams,
    question_core,
)
from kb.answer.filler import is_filler
from kb.answer.years import has_year, years_ok_of
from kb.core.glossary import LIST_NOUNS
from kb.core.text import bigram_cover, norm
from kb.core.units import UnitSpan, split_units
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot


@dataclass
class Unit:
    """A citable piece of a passage: a sentence, or a table cell with its row label."""

    text: str  # what the answer shows
    quote: str  # verbatim text of the document
    context: str  # text used for matching only: title, section, table header, previous sentence
    passage: Passage
    rank: int  # passage rank
    offset: int  # position inside the chunk, for ordering
    index: int = 0  # position among the chunk's units (row of its unit vectors)
    span: UnitSpan | None = None
    prev: str = ""  # the sentence before, in the same chunk
    opening: str = ""  # its paragraph's text in the chunks before (years.paragraph_openings)
    score: float = 0.0


def units_of(p: Passage, rank: int) -> list[Unit]:
    """The passage's citable units (kb.core.units) with their matching context: the document's
    title and section, a table's column headers, and the sentence before (which often holds
    the year or subject the sentence leaves out)."""
    text = p.text
    base = f"{p.doc.title}\n{p.chunk.section}\n"
    out: list[Unit] = []
    prev = ""
    for i, s in enumerate(split_units(text, p.chunk.kind)):
        quote = text[s.start : s.end]
        ctx = base + (" ".join(s.header) if s.header else prev)
        out.append(Unit(s.shown, quote, ctx, p, rank, s.start, index=i, span=s, prev=prev))
        prev = quote
    return out


# ---------------------------------------------------------------- scoring
def term_weights(q: Question, snap: Snapshot, tok) -> list[tuple[list[str], float]]:
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


_F = {name: i for i, name in enumerate(UNIT_FEATURES)}


@dataclass(frozen=True)
class Features:
    """What ``featurize`` computes of the units, row or item i for unit i."""

    x: np.ndarray  # kb.answer.evidence.UNIT_FEATURES
    year_ok: list[bool]  # the unit is about one of the question's years (``year_ok``)

    @property
    def coverage(self) -> np.ndarray:
        """IDF-weighted share of the question's terms in each unit with its context."""
        return self.x[:, _F["lex_ctx"]]


def featurize(
    q: Question,
    units: list[Unit],
    snap: Snapshot,
    tok,
    weights: list[tuple[list[str], float]] | None = None,
    *,
    query_vector: np.ndarray | None,
) -> Features:
    """The units' features. ``weights``: the question's term weights, when the caller has them;
    ``query_vector``: the question's embedding from retrieval (``Retrieved.query_vector``),
    None when there is none (the dense features stay 0)."""
    x = np.zeros((len(units), len(UNIT_FEATURES)))
    if not units:
        return Features(x, [])
    weights = term_weights(q, snap, tok) if weights is None else weights
    # An English question is matched through the Chinese terms it translates to.
    zh = q.text if q.lang == "zh" else " ".join(a for t in q.terms for a in q.alternatives(t))
    grams = question_bigrams(zh)
    kind = q.asks if q.asks not in ("", "yesno") else ""
    measure = q.bare_unit if kind == "date" else q.figure_measure
    slot_w = [(a, w) for a, w in weights if _names_any(a, q, q.slot)]
    subj_w = [(a, w) for a, w in weights if not _names_any(a, q, q.slot)]
    en = q.lang == "en"
    qvec = query_vector
    uvecs = snap.unit_vectors([u.passage.chunk_id for u in units]) if qvec is not None else {}
    best_passage = max(u.passage.score for u in units) or 1.0
    doc_best: dict[str, float] = {}
    for u in units:
        d = u.passage.doc.doc_id
        doc_best[d] = max(doc_best.get(d, 0.0), u.passage.score)
    core = question_core(zh)
    topics: dict[str, tuple] = {}  # per document title: the question outside it
    named: dict[str, float] = {}  # per document title: how much of it the question spells out
    question_n = norm(q.text)
    years_ok = years_ok_of(q, units)
    for i, u in enumerate(units):
        t_n = norm(u.text)
        ctx_n = norm(u.context) + t_n
        cov = coverage(ctx_n, weights)
        m = uvecs.get(u.passage.chunk_id)
        row = x[i]
        row[_F["bias"]] = 1.0
        row[_F["lex"]] = coverage(t_n, weights)
        row[_F["lex_ctx"]] = cov
        row[_F["bigram"]] = bigram_share(grams, t_n)
        row[_F["dense"]] = float(m[u.index] @ qvec) if m is not None and u.index < len(m) else 0.0
        row[_F["passage"]] = u.passage.score / best_passage
        row[_F["rank_inv"]] = 1.0 / (1 + u.rank)
        typed = _asked(row, u, t_n, ctx_n, cov, kind, measure, slot_w, subj_w, tok, question_n)
        row[_F["filler"]] = float(is_filler(u.text, q))
        row[_F["log_len"]] = log_len(u.text)
        if q.years:
            row[_F["year_hit"]] = float(years_ok[i])
            row[_F["year_other"]] = float(not years_ok[i] and has_year(u.text))
        row[_F["is_table"]] = float(u.span is not None and bool(u.span.header))
        title = norm(u.passage.doc.title)
        if title not in topics:
            pieces = outside_title(core, title)
            rest = [(a, w) for a, w in weights if not any(alt and alt in title for alt in a)]
            topics[title] = (pieces, content_chars(pieces, title), rest)
        pieces, chars, rest = topics[title]
        if chars:
            row[_F["rest_chars"]] = sum(c in t_n for c in chars) / len(chars)
        row[_F["rest_lex"]] = coverage(t_n, rest)
        row[_F["fit_rest"]] = typed * row[_F["rest_lex"]]
        if core:
            row[_F["rest_run"]] = longest_run(pieces, t_n) / len(core)
        row[_F["doc"]] = doc_best[u.passage.doc.doc_id] / best_passage
        if title not in named:
            named[title] = bigram_cover(title, question_n)
        row[_F["title_in_q"]] = named[title]
        row[_F["first"]] = float(u.passage.chunk.position == 0 and u.index == 0)
        row[_F["chunk_pos"]] = 1.0 / (1 + u.passage.chunk.position)
    x[:, _F["lex_gap"]] = x[:, _F["lex_ctx"]] - x[:, _F["lex_ctx"]].max()
    x[:, _F["dense_gap"]] = x[:, _F["dense"]] - x[:, _F["dense"]].max()
    if en:
        x[:, _F["en_dense"]] = x[:, _F["dense"]]
        x[:, _F["en_lex"]] = x[:, _F["lex_ctx"]]
    return Features(x, years_ok)


def _tags(text: str, tok, kind: str, question_n: str) -> list[tuple[str, str]]:
    """The text's tagged words; for a person asked, none the question writes: "除了简·迪安·米勒
    还有谁" is not answered by a sentence naming 米勒, nor "“量子反常霍尔效应”的完成人是谁" by
    the effect's 霍尔."""
    tagged = tok.pos(text)
    return [(w, f) for w, f in tagged if norm(w) not in question_n] if kind == "person" else tagged


def _asked(
    row, u: Unit, t_n: str, ctx_n: str, cov: float, kind: str, measure: str, slot_w, subj_w, tok,
    question_n: str = "",
) -> float:  # fmt: skip
    """The unit against what is asked (kb.retrieve.asks): the answer type, the slot and the
    subject (``t_n``: its text, ``ctx_n``: with its context, in matching form; ``cov``: the
    question's coverage of ``ctx_n``); returns 1.0 when the unit holds the asked type (or
    nothing typed is asked)."""
    fit = False
    if kind:
        fit = has_type(kind, u.text, lambda: _tags(u.text, tok, kind, question_n), measure)
        row[_F["type_fit"]], row[_F["type_miss"]] = float(fit), float(not fit)
    row[_F["slot"]] = coverage(t_n, slot_w)
    row[_F["slot_ctx"]] = coverage(ctx_n, slot_w)
    row[_F["subj_ctx"]] = coverage(ctx_n, subj_w) if subj_w else cov
    # The asked type must be stated of the slot and the subject in the sentence itself (or its
    # heading), not by a neighbouring sentence about something else: a year next to a sentence
    # that names the airport is not the airport's year.
    own_n = norm(u.passage.chunk.section) + t_n
    slot_ok = coverage(own_n, slot_w) if slot_w else 1.0
    typed = float(fit) if kind else 1.0
    row[_F["fit_slot"]] = typed * slot_ok
    row[_F["fit_subj"]] = typed * (coverage(own_n, subj_w) if subj_w else cov)
    return typed


# A question names a document when it spells out this share of its title's character bigrams
# ("三门峡市山体保护条例……" names 《三门峡市山体保护条例》); set by judgement, as gongwen_answer's.
NAMES_DOC_SHARE = 0.6


def _names_any(alts: list[str], q: Question, terms: list[str]) -> bool:
    """Whether a weighted term (its alternatives) is one of ``terms``."""
    return any(norm(q.alternatives(t)[0]) == alts[0] or norm(t) in alts for t in terms)


# nouns of every kind (n, nr, ns, nt, nz, ng…), Latin words and abbreviations (j: 亚运会, 人大)
_NOUN_POS = ("n", "eng", "j")


def absent_share(
    q: Question, snap: Snapshot, tok, weights: list[tuple[list[str], float]] | None = None
) -> float:
    """IDF-weighted share of the question's key words that are nouns (what it asks about:
    names, things; verbs are often paraphrased) and that no chunk or title uses."""
    weights = term_weights(q, snap, tok) if weights is None else weights
    total = sum(w for _, w in weights)
    if not total:
        return 0.0
    nouns = (
        {w for w, flag in tok.pos(q.text) if flag.startswith(_NOUN_POS)} if q.lang == "zh" else None
    )
    titles = "\n".join(norm(d.title) for d in snap.docs.values())
    gone = 0.0
    for alts, w in weights:
        if nouns is not None and not any(a in nouns for a in alts):
            continue
        if not any(
            a in titles or any(snap.bm25.df.get(t, 0) for t in (tok.tokens(a) or [a])) for a in alts
        ):
            gone += w
    return gone / total


def question_flags(q: Question) -> tuple[float, float]:
    """(the question asks for a kind of answer, it is in English): question_row's last two."""
    return float(q.asks not in ("", "yesno")), float(q.lang == "en")


def question_row(
    x: np.ndarray,
    probs: np.ndarray,
    absent: float = 0.0,
    unknown_name: float = 0.0,
    typed: float = 0.0,
    en: float = 0.0,
) -> np.ndarray:
    """``question_features`` in the order of ``kb.answer.evidence.QUESTION_FEATURES`` (the
    order of the fitted model's weights)."""
    f = question_features(x, probs, absent, unknown_name, typed, en)
    return np.array([f[name] for name in QUESTION_FEATURES])


def question_features(
    x: np.ndarray,
    probs: np.ndarray,
    absent: float = 0.0,
    unknown_name: float = 0.0,
    typed: float = 0.0,
    en: float = 0.0,
) -> dict[str, float]:
    """Each of ``kb.answer.evidence.QUESTION_FEATURES`` by name, from the unit rows, their
    probabilities, the share of the question the corpus never mentions, whether it names
    something no passage or title mentions, and ``question_flags``. With no unit, what
    depends on the units is 0."""
    order = np.argsort(-probs)
    top = x[order[0]] if len(x) else np.zeros(len(UNIT_FEATURES))

    def best(name: str) -> float:
        return x[:, _F[name]].max() if len(x) else 0.0

    type1 = top[_F["type_fit"]] - top[_F["type_miss"]]
    names = float(best("title_in_q") >= NAMES_DOC_SHARE)
    return {
        "bias": 1.0,
        "p1": probs[order[0]] if len(x) else 0.0,
        "p2": probs[order[1]] if len(order) > 1 else 0.0,
        "lex1": best("lex"),
        "lexctx1": best("lex_ctx"),
        "bigram1": best("bigram"),
        "dense1": best("dense"),
        "type1": type1,
        "absent": absent,
        "unknown_name": unknown_name,
        "rest1": top[_F["rest_chars"]],
        "restmax": best("rest_chars"),
        "typed": typed,
        "slotmax": best("slot_ctx"),
        "fitslotmax": best("fit_slot"),
        "fitsubjmax": best("fit_subj"),
        "fitrestmax": best("fit_rest"),
        "subjmax": best("subj_ctx"),
        "en": en,
        "en_dense1": en * best("dense"),
        "names_doc": names,
        "nd_fitrest": names * best("fit_rest"),
        "nd_type1": names * type1,
        "typed_nofit": typed * (1.0 - best("type_fit")),
    }
