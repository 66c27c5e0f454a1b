"""What every endpoint is given: the knowledge base and limits ``create_app`` put on the
app, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.answer.knowledge import KnowledgeBase
from kb.api.errors import ApiError
from kb.core.settings import ApiSettings
from kb.store.access import ANONYMOUS, Principal


# async: a lookup on app.state needs no worker thread
async def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb


async def _limits(request: Request) -> ApiSettings:
    return request.app.state.limits


KB = Annotated[KnowledgeBase, Depends(_kb)]
Limits = Annotated[ApiSettings, Depends(_limits)]

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
