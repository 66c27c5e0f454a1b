"""The OpenAI chat-completions protocol, so any chat client can use the knowledge base as
if it were a model: the last user message is the question, earlier user/assistant pairs
the conversation, and the reply is the answer with [n] markers and a sources list."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter

from kb.api.deps import KB, Caller, Limits
from kb.api.errors import ApiError
from kb.api.routes import follow_turns, valid_question
from kb.api.schemas import ChatIn, ChatMessage, Turn
from kb.api.transport import event_stream, sse
from kb.knowledge import AskResult, KnowledgeBase
from kb.retrieve.followup import Turn as FollowTurn
from kb.store.access import Principal

log = logging.getLogger("kb.api")
router = APIRouter()

UNDERSTOOD = "（理解为："  # opens the line saying how a follow-up was read
SOURCES_HEADING = "来源："  # starts the sources list appended to chat answers
NEAREST_HEADING = "相关但不足以回答："  # the same, for a not_found answer's nearest evidence


@router.get("/v1/models", tags=["openai"])
def models(who: Caller, limits: Limits) -> dict:
    return {
        "object": "list",
        "data": [{"id": limits.model_id, "object": "model", "created": 0, "owned_by": "kb"}],
    }


@router.post("/v1/chat/completions", tags=["openai"])
def chat(body: ChatIn, who: Caller, kb: KB, limits: Limits) -> Any:
    """The last user message is the question, earlier user/assistant pairs the history.
    The content is the answer with [n] markers and a sources list; ``citations`` holds
    them structured, ``kb`` the status and how the question was understood. Streamed
    (``stream: true``), the content is the checked answer, sent once it is checked: a
    chat client cannot take back text it has shown."""
    question, history = _chat_turns(body.messages, limits.max_history_turns)
    q = valid_question(question, limits)
    turns = follow_turns(history)
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    base = {"id": cid, "created": created, "model": limits.model_id}
    if not body.stream:
        return _completion(base, kb.ask(q, user=who, history=turns), q)
    return event_stream(_completion_chunks(base, kb, q, who, turns))


def _completion(base: dict, r: AskResult, q: str) -> dict:
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


def _completion_chunks(
    base: dict, kb: KnowledgeBase, q: str, who: Principal, turns: list[FollowTurn]
) -> Iterator[str]:
    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return sse({**base, "object": "chat.completion.chunk", "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""})  # at once: the client knows we are here
    try:
        r = kb.ask(q, user=who, history=turns)
    except Exception:
        log.exception("chat stream failed")
        yield sse({"error": {"message": "internal error", "type": "server_error"}})
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


def strip_sources(content: str) -> str:
    """An assistant message of ours without the lines we added: how a follow-up was read,
    and the sources list."""
    if content.startswith(UNDERSTOOD) and "）\n\n" in content:
        content = content.split("）\n\n", 1)[1]
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
    """The answer text with its [n] markers, then the numbered sources as a Markdown list
    (single lines would run together in a chat client), each by its title and place in the
    document: a reader sees no file path (``citations`` carries it, for programs). A
    follow-up read as a fuller question says first how it was read."""
    understood = getattr(r, "understood", None)
    lead = ""
    if understood is not None and understood.text != getattr(r, "asked", None):
        lead = f"{UNDERSTOOD}{understood.text}）\n\n"
    cites = r.answer.citations
    if not cites:
        return lead + r.answer.text
    heading = SOURCES_HEADING if r.status == "answered" else NEAREST_HEADING
    lines = [f"- [{c.n}] 《{c.title}》 {c.locator}" for c in cites]
    return f"{lead}{r.answer.text}\n\n{heading}\n" + "\n".join(lines)


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
