"""The knowledge base's own endpoints: health, ask (whole or streamed), documents, records,
briefs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator

from kb.api.deps import KB, Caller, Limits
from kb.api.errors import ApiError
from kb.api.schemas import AskIn, BriefIn, RecordKind, Turn, checked
from kb.api.transport import event_stream, sse
from kb.core import contract
from kb.core.diff import diff
from kb.core.settings import ApiSettings
from kb.retrieve.followup import Turn as FollowTurn
from kb.store.lifecycle import Lifecycle
from kb.store.records import with_sources

log = logging.getLogger("kb.api")
router = APIRouter()


@router.get("/v1/health", tags=["meta"], response_model=contract.Health)
def health(kb: KB) -> dict:
    """Liveness, without sign-in; says whether other endpoints need a token."""
    return {"status": "ok", "auth_required": kb.users.exist()}


@router.post(
    "/v1/ask", tags=["ask"], response_model=contract.AskResponse, response_model_exclude_unset=True
)
def ask(body: AskIn, who: Caller, kb: KB, limits: Limits) -> dict:
    """The `kb ask --json` object plus ``understood_as`` (how the question was read
    together with ``history``)."""
    q, history = read_turn(body, limits)
    f = body.filters.to_lib() if body.filters else None
    return kb.ask(q, k=body.k, filters=f, user=who, history=history).to_dict()


@router.post("/v1/ask/stream", tags=["ask"])
def ask_stream(body: AskIn, who: Caller, kb: KB, limits: Limits) -> StreamingResponse:
    """Server-sent events: ``delta`` events ({"text"}) as the answer is written, then one
    ``result`` event with the checked answer (the /v1/ask object), which replaces the
    streamed text; ``error`` if it failed midway."""
    q, history = read_turn(body, limits)
    f = body.filters.to_lib() if body.filters else None
    stream = kb.ask_stream(q, k=body.k, filters=f, user=who, history=history)

    def events() -> Iterator[str]:
        try:
            for delta in stream:
                if delta:
                    yield sse({"text": delta}, "delta")
            assert stream.result is not None
            yield sse(stream.result.to_dict(), "result")
        except Exception:
            log.exception("ask stream failed")
            yield sse({"error": {"message": "internal error", "type": "server_error"}}, "error")

    return event_stream(events())


AsOf = Annotated[
    dt.date | None, Query(description="Status on this date (default: today).")
]  # fmt: skip


@router.get("/v1/docs", tags=["documents"], response_model=contract.Documents)
def docs(who: Caller, kb: KB, status: bool = False, as_of: AsOf = None) -> dict:
    """The documents the caller may read; ``status``: with each one's status on ``as_of``
    (现行有效 / 尚未施行 / 已失效 / 已废止); for an admin, the files that failed, and why."""
    rows = [contract.document_json(d) for d in kb.documents(who)]
    if status or as_of:
        life, on = _lifecycle(kb, who), (as_of or dt.date.today()).isoformat()
        for r in rows:
            r["status"] = life.status_json(r["doc_id"], on)
    out: dict = {"documents": rows}
    if who.admin:
        out["failed"] = [
            {"source": s, "reason": r, "at": at} for s, r, at in kb.store.catalog.failures()
        ]
    return out


@router.get("/v1/docs/{doc_id}", tags=["documents"], response_model=contract.DocumentWithChunks)
def doc(
    doc_id: Annotated[str, Path(max_length=200), AfterValidator(checked)],
    who: Caller,
    kb: KB,
    as_of: AsOf = None,
) -> dict:
    """One document with its chunks and its lifecycle: status on ``as_of``, what it repeals,
    amends or implements, and what does so to it (404 when missing or not readable: the
    same)."""
    d = _readable(kb, doc_id, who)
    chunks = [contract.chunk_json(c) for c in kb.chunks(doc_id, who)]
    on = (as_of or dt.date.today()).isoformat()
    return contract.document_json(d) | {
        "chunks": chunks, "lifecycle": _lifecycle(kb, who).to_json(doc_id, on),
    }  # fmt: skip


@router.get("/v1/diff", tags=["documents"], response_model=contract.Diff)
def diff_docs(
    old: Annotated[str, Query(max_length=200), AfterValidator(checked)],
    new: Annotated[str, Query(max_length=200), AfterValidator(checked)],
    who: Caller,
    kb: KB,
) -> dict:
    """What changed from document ``old`` to ``new``: articles aligned (renumbered, inserted,
    deleted, modified), each change with its changed characters."""
    a, b = _readable(kb, old, who), _readable(kb, new, who)
    return diff(a.text, b.text).to_json(a, b)


def _readable(kb, doc_id: str, who):
    d = kb.document(doc_id, who)
    if d is None:
        raise ApiError(404, f"no document {doc_id!r}", "not_found")
    return d


def _lifecycle(kb, who) -> Lifecycle:
    return Lifecycle(kb.documents(who), kb.store.catalog.relations())


@router.get("/v1/records", tags=["documents"], response_model=contract.Records)
def records(
    who: Caller,
    kb: KB,
    kind: Annotated[list[RecordKind] | None, Query()] = None,
    year: int | None = None,
    party: Annotated[str | None, Query(max_length=200), AfterValidator(checked)] = None,
    text: Annotated[str | None, Query(max_length=200), AfterValidator(checked)] = None,
    dated: bool = False,
) -> dict:
    """Agreements, plans, measures and events stated in the readable documents, each
    with the sentences (and documents) that state it."""
    found = kb.records(who, kind=kind or None, year=year, party=party, text=text, dated=dated)
    return {"records": with_sources(found, {d.doc_id: d for d in kb.documents(who)})}


@router.post("/v1/brief", tags=["ask"], response_class=Response)
def brief(body: BriefIn, who: Caller, kb: KB, limits: Limits) -> Response:
    """Ask each question and return a citation-backed brief (Word, Markdown or PDF)."""
    from kb.brief import FORMATS, build_brief, render

    if len(body.questions) > limits.max_brief_questions:
        raise ApiError(400, f"too many questions: at most {limits.max_brief_questions}")
    qs = [valid_question(q, limits) for q in body.questions]
    entries = [kb.ask(q, user=who).to_dict() for q in qs]
    data = render(build_brief(entries, kb.status(who), body.title), body.format)
    fmt = FORMATS[body.format]
    return Response(
        data,
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="brief{fmt.suffix}"'},
    )


# ---------------------------------------------------------------- conversation
def follow_turns(history: list[Turn]) -> list[FollowTurn]:
    """The conversation so far, for ``kb.ask(history=)`` to read a follow-up with."""
    return [t.to_lib() for t in history]


def valid_question(text: str, limits: ApiSettings) -> str:
    q = (text or "").strip()
    if not q:
        raise ApiError(400, "question is empty")
    if len(q) > limits.max_question_chars:
        raise ApiError(400, f"question too long: at most {limits.max_question_chars} characters")
    return q


def read_turn(body: AskIn, limits: ApiSettings) -> tuple[str, list[FollowTurn]]:
    """(the question, the conversation before it)."""
    if len(body.history) > limits.max_history_turns:
        raise ApiError(400, f"history too long: at most {limits.max_history_turns} turns")
    q = valid_question(body.question, limits)
    return q, follow_turns(body.history)
