"""HTTP API (`kb serve`): the knowledge base for other systems, and an OpenAI-compatible chat
endpoint so any chat client can use it as if it were a model.

app = create_app(settings)        # one Settings object; the store and model open once here

Every endpoint but /v1/health asks for ``Authorization: Bearer <token>`` once a user exists
(`kb users token NAME`) and applies that user's access to everything it reads; with no user
the API is open, as the app is (``kb.store.access.ANONYMOUS``). Errors are always
``{"error": {"message", "type"}}`` with a meaningful status, never a stack trace.

The parts: ``routes`` (the knowledge base's own endpoints), ``chat`` (the OpenAI protocol),
``schemas`` (request bodies), ``deps`` (the caller and what endpoints are given),
``errors`` and ``transport`` (server-sent events, the body limit).
"""

from __future__ import annotations

from fastapi import FastAPI

from kb.api import chat, probe, routes
from kb.api.errors import install_error_handlers
from kb.api.transport import BodyLimit
from kb.core.settings import Settings
from kb.knowledge import KnowledgeBase

__all__ = ["create_app"]


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
    # The endpoints read these through kb.api.deps.
    app.state.kb, app.state.limits, app.state.auth_required = kb, limits, kb.users.exist
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_kb * 1024)
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(chat.router)
    app.include_router(probe.router)
    return app
