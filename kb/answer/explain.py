"""Why the extractive answerer (``kb.answer.answer.answer``) answers or refuses: the same
checks in the same order, read-only, with what it never shows a reader: each candidate
sentence's evidence score, the answerable probability of the question and the refusal
threshold it is held to. For the staff's retrieval test (``kb.probe``); answering never calls
this, and nothing here changes what it does."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kb.answer.absent import absent_quantity
from kb.answer.anchors import (
    missing_full_name,
    missing_names,
    missing_topic,
    missing_year_or_title,
    topic_docs,
)
from kb.answer.answer import announced_list, answer_units, evidence_rows, lead_ranks
from kb.answer.articles import article_units
from kb.answer.candidates import (
    absent_share,
    featurize,
    question_flags,
    question_row,
    term_weights,
)
from kb.answer.defined import definitions
from kb.answer.evidence import UNIT_FEATURES, EvidenceModel, default_model
from kb.answer.refusal import placed
from kb.answer.typed_lead import typed_lead
from kb.core.settings import AnswerSettings
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot

# Which check of the answerer decides, in its order. "model": the evidence model's answerable
# probability against the threshold; the others decide before (or instead of) it.
DECIDERS = (
    "no_passages",  # nothing retrieved
    "anchor",  # a year or 《title》 the corpus never mentions
    "unknown_topic",  # a Chinese question's topic is a rare word the corpus never writes
    "unknown_name",  # an English question, or a name written with its dot ("约瑟夫·洛克"),
    # names something the corpus never mentions
    "no_sentences",  # the passages hold no citable sentence
    "place",  # no retrieved document mentions the place the question names
    "quantity",  # no sentence names the quantity asked (of the place asked)
    "no_eligible",  # no sentence may answer: none of the question's year (or, for a list,
    # none naming what it lists), or only filler
    "article",  # the article the question names, quoted whole
    "model",
    "typed",  # the model would answer a quantity question, yet no close sentence states one
    "topic",  # the question's topic (a rare name, or the name it opens with) no document of
    # the close sentences names
    "announced",  # the model would refuse a list question, yet a line of the best sentences'
    # document announces the list asked
    "defined",  # the model would refuse a definition question, yet a close sentence opens
    # with the term asked and says what it is
)
_F = {name: i for i, name in enumerate(UNIT_FEATURES)}


@dataclass
class Sentence:
    """One candidate unit (sentence or table row) of a passage, as the answerer scored it."""

    rank: int  # its passage's rank, from 1
    text: str
    eligible: bool  # allowed to answer (its year fits, not filler): scored by the model
    score: float | None  # its share of the evidence (softmax over the eligible ones)
    keywords: float  # IDF-weighted share of the question's key words, with its context
    dense: float  # cosine of its vector and the question's
    type_fit: bool | None  # holds the kind of answer asked (None: nothing typed is asked)

    def to_dict(self) -> dict:
        return {
            "rank": self.rank, "text": self.text, "eligible": self.eligible,
            "score": None if self.score is None else round(self.score, 4),
            "keywords": round(self.keywords, 4), "dense": round(self.dense, 4),
            "type_fit": self.type_fit,
        }  # fmt: skip


@dataclass
class Evidence:
    threshold: float  # answerable probability below which the answerer refuses
    decided_by: str  # one of DECIDERS
    answerable: float | None = None  # the question's answerable probability (None: not reached)
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """The answerer refuses (when it is the one that answers)."""
        if self.decided_by == "model":
            return self.answerable is not None and self.answerable < self.threshold
        return self.decided_by != "article"

    @property
    def best(self) -> float | None:
        scores = [s.score for s in self.sentences if s.score is not None]
        return max(scores) if scores else None


def explain(
    q: Question,
    passages: list[Passage],
    query_vector: np.ndarray | None,
    snap: Snapshot,
    tok,
    cfg: AnswerSettings,
    model: EvidenceModel | None = None,
) -> Evidence:
    """What ``answer`` (same arguments) computes on its way, and which check decides. The
    scores are computed also when an earlier check decides, as far as there are sentences,
    so staff see how near the evidence came."""
    model = model or default_model()
    ev = Evidence(model.threshold, "")
    if not passages:
        ev.decided_by = "no_passages"
        return ev
    unknown = missing_names(q, snap)
    if missing_year_or_title(q, snap):
        ev.decided_by = "anchor"
    elif missing_full_name(q, snap, tok):
        ev.decided_by = "unknown_name"
    elif missing_topic(q, snap, tok):
        ev.decided_by = "unknown_topic"
    elif unknown and q.lang == "en":
        ev.decided_by = "unknown_name"
    units = answer_units(q, passages, snap)
    if not units:
        ev.decided_by = ev.decided_by or "no_sentences"
        return ev
    if not ev.decided_by and placed(q, units, snap, tok.pos)[1]:
        ev.decided_by = "place"
    if not ev.decided_by and absent_quantity(q, units, tok)[0]:
        ev.decided_by = "quantity"
    weights = term_weights(q, snap, tok)
    f = featurize(q, units, snap, tok, weights, query_vector=query_vector)
    rows = evidence_rows(q, units, f)
    scores: dict[int, float] = {}
    if rows:
        probs = model.unit_probs(f.x[rows])
        scores = {i: float(p) for i, p in zip(rows, probs, strict=True)}
        if not ev.decided_by and article_units(q, passages, snap, cfg.max_list_items):
            ev.decided_by = "article"
        absent = absent_share(q, snap, tok, weights)
        qrow = question_row(f.x[rows], probs, absent, float(bool(unknown)), *question_flags(q))
        ev.answerable = model.answerable_prob(qrow)
        pool = [units[i] for i in rows]
        for u, p in zip(pool, probs, strict=True):
            u.score = float(p)  # these units are this function's own (answer_units above)
        if not ev.decided_by and ev.answerable < model.threshold and q.is_list:
            if announced_list(q, pool, snap, cfg.max_list_items):
                ev.decided_by = "announced"
        if not ev.decided_by and ev.answerable < model.threshold and definitions(q, pool):
            ev.decided_by = "defined"
        if not ev.decided_by and ev.answerable >= model.threshold:
            about = topic_docs(q, {units[i].passage.doc.doc_id for i in rows}, snap, tok)
            if about is not None and not any(units[i].passage.doc.doc_id in about for i in rows):
                ev.decided_by = "topic"
            elif not q.is_list and _untyped(q, [units[i] for i in rows], probs, f.x[rows], snap):
                ev.decided_by = "typed"
    ev.decided_by = ev.decided_by or ("model" if rows else "no_eligible")
    kind = q.asks not in ("", "yesno")
    for i, u in enumerate(units):
        x = f.x[i]
        ev.sentences.append(
            Sentence(
                u.rank + 1, u.text, i in scores, scores.get(i), float(x[_F["lex_ctx"]]),
                float(x[_F["dense"]]), bool(x[_F["type_fit"]]) if kind else None,
            )
        )  # fmt: skip
    return ev


def _untyped(q: Question, pool: list, probs: np.ndarray, x: np.ndarray, snap: Snapshot) -> bool:
    """Whether no unit near the best states what a quantity question asks, ranked as the
    answer's lead is (lead_ranks)."""
    return typed_lead(q, lead_ranks(q, pool, probs, snap), x, pool) is None
