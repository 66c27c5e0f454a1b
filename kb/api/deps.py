"""What every endpoint is given: the knowledge base and limits ``create_app`` put on the
app, and who is calling."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kb.api.errors import ApiError
from kb.core.proxies import client_address
from kb.core.settings import ApiSettings
from kb.knowledge import KnowledgeBase
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
        if kb.store.shared:  # replicas count together, in the database
            per_minute = kb.settings.auth.invalid_tokens_per_minute
            wait = kb.users.token_failed(client_of(request), per_minute)
        else:
            wait = _throttle(request).failed(client_of(request))
        if wait:
            raise ApiError(
                429,
                f"too many invalid tokens from this address (unknown or revoked); "
                f"retry in {int(wait) + 1} s",
                "rate_limited",
            )
        raise ApiError(401, "invalid or revoked token", "auth")
    return who


def client_of(request: Request) -> str:
    """The caller's address: the connecting peer, or the client a trusted proxy
    (KB_AUTH__TRUSTED_PROXIES) forwarded for (``kb serve`` leaves X-Forwarded-For to this)."""
    peer = request.client.host if request.client else ""
    trusted = request.app.state.kb.settings.auth.trusted_proxies
    return client_address(peer, request.headers.getlist("x-forwarded-for"), trusted)


class TokenThrottle:
    """Invalid bearer tokens per client address over the last minute, kept in memory: up to
    ``per_minute`` are answered 401, then 429 until the minute has passed. A valid token is
    checked first and never refused (it cannot be guessed, so a proxy shared with a client
    that keeps sending a revoked token stays usable). At most MAX_ADDRESSES are remembered."""

    MAX_ADDRESSES = 10_000

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def failed(self, address: str, now: float | None = None) -> float:
        """Count an invalid token from ``address``: seconds to wait, 0 while under the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent.pop(address, None) or deque()
            while times and times[0] <= now - 60:
                times.popleft()
            self._recent[address] = times  # the most recently seen last
            if len(self._recent) > self.MAX_ADDRESSES:
                self._recent.popitem(last=False)
            if len(times) >= self.per_minute:
                return times[0] + 60 - now
            times.append(now)
            return 0.0


_made = threading.Lock()


def _throttle(request: Request) -> TokenThrottle:
    state = request.app.state
    with _made:
        if getattr(state, "token_throttle", None) is None:
            per_minute = state.kb.settings.auth.invalid_tokens_per_minute
            state.token_throttle = TokenThrottle(per_minute)
    return state.token_throttle


Caller = Annotated[Principal, Depends(caller)]
