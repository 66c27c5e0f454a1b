"""The answerers a question goes through, in order; the first that answers wins.

An answerer is anything with a ``name`` and ``answer(kb, asking) -> AskResult | None``
(``Answerer``); a new kind of answer is one class here and one entry in ``ANSWERERS``. After
them, when none answered and an LLM is configured, the model writes the answer
(``KnowledgeBase.ask``), checked against the passages it saw."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from kb.answer.dateline import dateline_answer
from kb.answer.field_answer import field_answer
from kb.answer.gongwen_answer import gongwen_answer
from kb.answer.lifecycle_answer import in_force_first, lifecycle_answer
from kb.answer.record_answer import record_answer
from kb.answer.result import AskResult
from kb.retrieve.retrieve import Passage, Retrieved

if TYPE_CHECKING:
    from kb.answer.asking import Asking


def admitted(snap, filters) -> set[str] | None:
    """The documents the filters admit (None: no filter)."""
    if filters is None or filters.empty():
        return None
    return {d.doc_id for d in snap.docs.values() if filters.admits_doc(d)}


class Answerer(Protocol):
    name: str

    # kb: the asking KnowledgeBase (kb.knowledge, a layer above: not imported here)
    def answer(self, kb: Any, a: Asking) -> AskResult | None: ...


class InForce:
    """Whether a document is in force, and what repealed or amended it, from what the
    documents state about each other, each statement cited."""

    name = "lifecycle"

    def answer(self, kb, a):
        if a.missing:
            return None
        on = a.filters.in_force_on if a.filters else None
        ans = lifecycle_answer(a.q, a.snap, a.passages, on)
        if ans is None:
            return None
        cited = {c.chunk_id for c in ans.citations}
        first = [Passage(a.snap.chunks[c], a.snap.docs[a.snap.chunks[c].doc_id], 1.0)
                 for c in dict.fromkeys(c.chunk_id for c in ans.citations)]  # fmt: skip
        a.passages = first + [p for p in a.passages if p.chunk_id not in cited]
        return a.result(ans, "extractive")


class _ReadOff:
    """An answer read off the documents in view (``find``), its cited lines first."""

    find: Any

    def answer(self, kb, a):
        if a.missing:
            return None
        found = self.find(a.q, a.snap, a.passages, admitted(a.snap, a.filters))
        if found is None:
            return None
        a.passages = found.passages(a.snap, a.passages)
        return a.result(found.answer, "extractive")


class GongwenParts(_ReadOff):
    """A 公文's parts (发文字号, 施行日期 …) from the stored metadata, each cited to its line."""

    name = "gongwen"
    find = staticmethod(gongwen_answer)


class Dateline(_ReadOff):
    """The day and meeting a speech was given, from the dateline under its title."""

    name = "dateline"
    find = staticmethod(dateline_answer)


class Fields(_ReadOff):
    """A labelled line the question asks for ("失效日期：…", "主 任：…"), quoted as written."""

    name = "fields"
    find = staticmethod(field_answer)


class Records:
    """Agreements, plans, measures and events extracted at ingest: every matching item."""

    name = "records"

    def answer(self, kb, a):
        if a.missing:
            return None
        doc_ids = admitted(a.snap, a.filters)
        found = Retrieved(a.passages, a.query_vector)
        rec = record_answer(a.q, a.snap, found, kb.tok, kb.settings.answer, doc_ids)
        if rec is None:
            return None
        a.passages = rec.passages(a.snap, a.passages)
        r = a.result(rec.answer, "extractive")
        r.records, r.record_cites = rec.records, rec.cites
        return r


class Extractive:
    """Sentences and table rows of the retrieved passages, chosen by the evidence model, or a
    refusal saying what is missing. Left to the model when one is configured (and there is
    something to give it)."""

    name = "extractive"

    def answer(self, kb, a):
        if kb.settings.llm_enabled and a.passages and not a.missing:
            return None

        def answer_from(passages):
            return kb._extractive(replace(a, passages=passages))

        ans, notes = in_force_first(a, kb._extractive(a), answer_from)
        return a.result(ans, "extractive", notes)


ANSWERERS: tuple[Answerer, ...] = (
    InForce(),
    GongwenParts(),
    Dateline(),
    Fields(),
    Records(),
    Extractive(),
)
