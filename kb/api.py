"""HTTP API (`kb serve`): the knowledge base for other systems, and an OpenAI-compatible chat
endpoint so any chat client can use it as if it were a model.

app = create_app(settings)        # one Settings object; the store and model open once here

Every endpoint but /v1/health asks for ``Authorization: Bearer <token>`` once a user exists
(`kb users token NAME`) and applies that user's access to everything it reads; with no user
the API is open, as the app is (``kb.store.access.ANONYMOUS``). Errors are always
``{"error": {"message", "type"}}`` with a meaningful status, never a stack trace.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.answer.knowledge import AskResult, KnowledgeBase
from kb.core.settings import ApiSettings, Settings
from kb.retrieve.followup import Turn as FollowTurn
from kb.store.access import ANONYMOUS, Principal
from kb.store.records import with_sources
from kb.store.vectors import Filters

log = logging.getLogger("kb.api")

SOURCES_HEADING = "来源："  # starts the sources list appended to chat answers
NEAREST_HEADING = "相关但不足以回答："  # the same, for a not_found answer's nearest evidence
BRIEF_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}
RecordKind = Literal["agreement", "plan", "measure", "event"]


class ApiError(Exception):
    """A request the API refuses; becomes ``{"error": {"message", "type"}}`` with ``status``."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.type = status, message, type_


# ---------------------------------------------------------------- request bodies
class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str = ""
    understood_as: str | None = Field(
        None, description="How this turn was understood (the earlier reply's understood_as)."
    )


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_types: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: list[str] | None = None
    issuer: str | None = Field(None, description="发文机关 (or author) contains this.")
    in_force_on: date | None = Field(None, description="Official documents in force that day.")

    def to_filters(self) -> Filters:
        return Filters(
            self.doc_types or None,
            self.year_from,
            self.year_to,
            self.doc_ids or None,
            issuer=self.issuer or None,
            in_force_on=self.in_force_on.isoformat() if self.in_force_on else None,
        )


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question, Chinese or English.")
    history: list[Turn] = Field(
        default_factory=list, description="Earlier turns of the conversation, oldest first."
    )
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")


class BriefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    questions: list[str] = Field(min_length=1)
    format: Literal["docx", "md", "pdf"] = "docx"
    title: str = Field("长三角政策问答简报", max_length=200)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    # A string, or content parts ([{"type": "text", "text": ...}, ...]) as newer clients send.
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatIn(BaseModel):
    # Clients send sampling options (temperature, top_p, ...) that do not apply: ignored.
    model_config = ConfigDict(extra="ignore")
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


# ---------------------------------------------------------------- who is calling
_bearer = HTTPBearer(auto_error=False, description="A token from `kb users token NAME`.")


def caller(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller's access: their token's user once users exist, else ANONYMOUS (open
    mode, as the app). Users are read on every request, so a revoke applies at once."""
    kb: KnowledgeBase = request.app.state.kb
    if not kb.users.exist():
        return ANONYMOUS
    if creds is None:
        raise ApiError(401, "missing bearer token (Authorization: Bearer <token>)", "auth")
    who = kb.users.token_principal(creds.credentials)
    if who is None:
        raise ApiError(401, "invalid or revoked token", "auth")
    return who


Caller = Annotated[Principal, Depends(caller)]


# ---------------------------------------------------------------- the app
def create_app(settings: Settings, *, kb: KnowledgeBase | None = None) -> FastAPI:
    """The API over the store ``settings`` names (or an already open ``kb``)."""
    kb = kb or KnowledgeBase.open(settings)
    limits = settings.api
    app = FastAPI(
        title="长三角政策知识库 API",
        version="1",
        description="Cited answers from the policy documents; OpenAI-compatible chat at "
        "/v1/chat/completions. Send `Authorization: Bearer <token>` (`kb users token NAME`) "
        "once users exist.",
    )
    app.state.kb, app.state.auth_required = kb, kb.users.exist
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_kb * 1024)
    _error_handlers(app)

    @app.get("/v1/health", tags=["meta"])
    def health() -> dict:
        """Liveness, without sign-in; says whether other endpoints need a token."""
        return {"status": "ok", "auth_required": kb.users.exist()}

    @app.post("/v1/ask", tags=["ask"])
    def ask(body: AskIn, who: Caller) -> dict:
        """The `kb ask --json` object plus ``understood_as`` (how the question was read
        together with ``history``)."""
        q, history = _read_turn(body, limits)
        f = body.filters.to_filters() if body.filters else None
        return kb.ask(q, k=body.k, filters=f, user=who, history=history).to_dict()

    @app.post("/v1/ask/stream", tags=["ask"])
    def ask_stream(body: AskIn, who: Caller) -> StreamingResponse:
        """Server-sent events: ``delta`` events ({"text"}) as the answer is written, then one
        ``result`` event with the checked answer (the /v1/ask object), which replaces the
        streamed text; ``error`` if it failed midway."""
        q, history = _read_turn(body, limits)
        f = body.filters.to_filters() if body.filters else None
        stream = kb.ask_stream(q, k=body.k, filters=f, user=who, history=history)

        def events() -> Iterator[str]:
            try:
                for delta in stream:
                    if delta:
                        yield _sse({"text": delta}, "delta")
                assert stream.result is not None
                yield _sse(stream.result.to_dict(), "result")
            except Exception:
                log.exception("ask stream failed")
                yield _sse(
                    {"error": {"message": "internal error", "type": "server_error"}}, "error"
                )

        return _event_stream(events())

    @app.get("/v1/docs", tags=["documents"])
    def docs(who: Caller) -> dict:
        """The documents the caller may read."""
        return {"documents": [_doc_meta(d) for d in kb.documents(who)]}

    @app.get("/v1/docs/{doc_id}", tags=["documents"])
    def doc(doc_id: str, who: Caller) -> dict:
        """One document with its chunks (404 when missing or not readable: the same)."""
        d = kb.document(doc_id, who)
        if d is None:
            raise ApiError(404, f"no document {doc_id!r}", "not_found")
        return _doc_meta(d) | {
            "chunks": [
                {"chunk_id": c.chunk_id, "position": c.position, "section": c.section,
                 "page": c.page, "paragraphs": [c.para_start, c.para_end], "text": c.text}
                for c in kb.chunks(doc_id, who)
            ]
        }  # fmt: skip

    @app.get("/v1/records", tags=["documents"])
    def records(
        who: Caller,
        kind: Annotated[list[RecordKind] | None, Query()] = None,
        year: int | None = None,
        party: Annotated[str | None, Query(max_length=200)] = None,
        text: Annotated[str | None, Query(max_length=200)] = None,
        dated: bool = False,
    ) -> dict:
        """Agreements, plans, measures and events stated in the readable documents, each
        with the sentences (and documents) that state it."""
        found = kb.records(who, kind=kind or None, year=year, party=party, text=text, dated=dated)
        return {"records": with_sources(found, {d.doc_id: d for d in kb.documents(who)})}

    @app.post("/v1/brief", tags=["ask"], response_class=Response)
    def brief(body: BriefIn, who: Caller) -> Response:
        """Ask each question and return a citation-backed brief (Word, Markdown or PDF)."""
        from kb.brief import build_brief, render

        if len(body.questions) > limits.max_brief_questions:
            raise ApiError(400, f"too many questions: at most {limits.max_brief_questions}")
        qs = [_question(q, limits) for q in body.questions]
        entries = [kb.ask(q, user=who).to_dict() for q in qs]
        data = render(build_brief(entries, kb.status(who), body.title), body.format)
        return Response(
            data,
            media_type=BRIEF_TYPES[body.format],
            headers={"Content-Disposition": f'attachment; filename="brief.{body.format}"'},
        )

    # ---- the OpenAI chat-completions protocol
    @app.get("/v1/models", tags=["openai"])
    def models(who: Caller) -> dict:
        return {
            "object": "list",
            "data": [{"id": limits.model_id, "object": "model", "created": 0, "owned_by": "kb"}],
        }

    @app.post("/v1/chat/completions", tags=["openai"])
    def chat(body: ChatIn, who: Caller) -> Any:
        """The last user message is the question, earlier user/assistant pairs the history.
        The content is the answer with [n] markers and a sources list; ``citations`` holds
        them structured, ``kb`` the status and how the question was understood. Streamed
        (``stream: true``), the content is the checked answer, sent once it is checked: a
        chat client cannot take back text it has shown."""
        question, history = _chat_turns(body.messages, limits.max_history_turns)
        q = _question(question, limits)
        turns = _turns(history)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        base = {"id": cid, "created": created, "model": limits.model_id}
        if not body.stream:
            r = kb.ask(q, user=who, history=turns)
            content = chat_content(r)
            return {
                **base,
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}
                ],
                "usage": _usage(q, content),
                "citations": [c.to_dict() for c in r.answer.citations],
                "kb": _kb_extra(r),
            }  # fmt: skip

        def chunk(delta: dict, finish: str | None = None, **extra) -> str:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return _sse({**base, "object": "chat.completion.chunk", "choices": [choice], **extra})

        def events() -> Iterator[str]:
            yield chunk(
                {"role": "assistant", "content": ""}
            )  # at once: the client knows we are here
            try:
                r = kb.ask(q, user=who, history=turns)
            except Exception:
                log.exception("chat stream failed")
                yield _sse({"error": {"message": "internal error", "type": "server_error"}})
                yield "data: [DONE]\n\n"
                return
            for piece in _pieces(chat_content(r)):
                yield chunk({"content": piece})
            yield chunk(
                {},
                "stop",
                citations=[c.to_dict() for c in r.answer.citations],
                kb=_kb_extra(r),
            )
            yield "data: [DONE]\n\n"

        return _event_stream(events())

    return app


# ---------------------------------------------------------------- conversation
def _turns(history: list[Turn]) -> list[FollowTurn]:
    """The conversation so far, for ``kb.ask(history=)`` to read a follow-up with."""
    return [FollowTurn(t.question, t.answer, t.understood_as) for t in history]


def _question(text: str, limits: ApiSettings) -> str:
    q = (text or "").strip()
    if not q:
        raise ApiError(400, "question is empty")
    if len(q) > limits.max_question_chars:
        raise ApiError(400, f"question too long: at most {limits.max_question_chars} characters")
    return q


def _read_turn(body: AskIn, limits: ApiSettings) -> tuple[str, list[FollowTurn]]:
    """(the question, the conversation before it)."""
    if len(body.history) > limits.max_history_turns:
        raise ApiError(400, f"history too long: at most {limits.max_history_turns} turns")
    q = _question(body.question, limits)
    return q, _turns(body.history)


def strip_sources(content: str) -> str:
    """An assistant message of ours without the sources list we appended."""
    for heading in (SOURCES_HEADING, NEAREST_HEADING):
        cut = content.find(f"\n\n{heading}\n")
        if cut >= 0:
            return content[:cut].rstrip()
    return content.strip()


def _chat_turns(messages: list[ChatMessage], max_turns: int) -> tuple[str, list[Turn]]:
    """(the last user message, the earlier user/assistant pairs, newest ``max_turns``).
    System messages are ignored: the knowledge base answers by its own rules."""
    convo = [m for m in messages if m.role in ("user", "assistant")]
    if not convo or convo[-1].role != "user":
        raise ApiError(400, "the last message must be the user's question")
    history: list[Turn] = []
    for m in convo[:-1]:
        if m.role == "user":
            history.append(Turn(question=m.text()))
        elif history and not history[-1].answer:
            history[-1].answer = strip_sources(m.text())
    return convo[-1].text(), history[-max_turns:] if max_turns else []


def chat_content(r: AskResult) -> str:
    """The answer text with its [n] markers, then the numbered sources."""
    cites = r.answer.citations
    if not cites:
        return r.answer.text
    heading = SOURCES_HEADING if r.status == "answered" else NEAREST_HEADING
    lines = [f"[{c.n}] 《{c.title}》 {c.locator} — {c.source}" for c in cites]
    return f"{r.answer.text}\n\n{heading}\n" + "\n".join(lines)


def _kb_extra(r: AskResult) -> dict:
    full = r.to_dict()
    d = {"status": r.status, "understood_as": full.get("understood_as", r.question), "mode": r.mode}
    if full.get("warnings"):
        d["warnings"] = full["warnings"]
    return d


def _usage(question: str, content: str) -> dict:
    from kb.core.text import count_tokens

    p, c = count_tokens(question), count_tokens(content)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


# A sentence with the [n] markers after it, or a line: the pieces a chat stream sends.
_PIECE = re.compile(r"[^。！？\n]*(?:[。！？]+(?:\[\d+\])*\n?|\n)|[^。！？\n]+")


def _pieces(text: str) -> list[str]:
    """The content in sentence-sized pieces (joined, exactly the content)."""
    return _PIECE.findall(text)


def _doc_meta(d) -> dict:
    keys = ("doc_id", "title", "doc_type", "date", "year", "author", "publication", "region",
            "source", "n_chunks", "n_chars", "ingested_at", "access")  # fmt: skip
    return {k: getattr(d, k) for k in keys}


# ---------------------------------------------------------------- transport
def _sse(data: dict, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _event_stream(events: Iterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _error(status: int, message: str, type_: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": type_}}, status_code=status, headers=headers
    )


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        return _error(e.status, e.message, e.type, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        parts = []
        for err in e.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return _error(422, "; ".join(parts) or "invalid request", "invalid_request_error")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        kind = "not_found" if e.status_code == 404 else "invalid_request_error"
        return _error(e.status_code, str(e.detail), kind, getattr(e, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, e: Exception) -> JSONResponse:
        log.exception("request failed: %s %s", request.method, request.url.path)
        return _error(500, "internal error", "server_error")


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not they declare a
    Content-Length, before anything parses them."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_big = _error(
            413, f"request body too large: at most {self.max_bytes} bytes", "too_large"
        )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_bytes:
                    return await too_big(scope, receive, send)
            except ValueError:
                return await _error(400, "bad Content-Length", "invalid_request_error")(
                    scope, receive, send
                )
        # Read the body here (it is small by now) so a chunked one is limited too.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # disconnected
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await too_big(scope, receive, send)
            if not message.get("more_body"):
                break
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
