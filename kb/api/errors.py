"""How the API refuses: ``ApiError`` and the handlers that turn every failure (ours,
validation, routing, a crash) into ``{"error": {"message", "type"}}``, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.api.schemas import BAD_TEXT
from kb.core.errors import AuthError, ForbiddenError, InputError, KBError, NotFoundError
from kb.core.input_text import scrub

log = logging.getLogger("kb.api")


class ApiError(KBError):
    """A request the API refuses; becomes ``{"error": {"message", "type"}}`` with ``status``."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.type = status, message, type_


def error_response(
    status: int, message: str, type_: str, headers: dict | None = None
) -> JSONResponse:
    # scrub: a message may quote the request (a field name), which may not be valid UTF-8
    return JSONResponse(
        {"error": {"message": scrub(message), "type": type_}}, status_code=status, headers=headers
    )


# The failures that are the caller's to fix, and how each is answered.
_CALLER_ERRORS = (
    (InputError, 400, "invalid_request_error"),
    (NotFoundError, 404, "not_found"),
    (ForbiddenError, 403, "forbidden"),
    (AuthError, 401, "auth"),
)


_BAD_TEXT = (BAD_TEXT, "string_unicode")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        return error_response(e.status, e.message, e.type, headers)

    @app.exception_handler(KBError)
    async def kb_error(request: Request, e: KBError) -> JSONResponse:
        for cls, status, kind in _CALLER_ERRORS:
            if isinstance(e, cls):
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                return error_response(status, str(e), kind, headers)
        # A backend (store, embedding, model) failed: the operator's log says why; the
        # caller is not shown server paths.
        log.error("request failed: %s %s: %s", request.method, request.url.path, e)
        return error_response(
            503, "the knowledge base is unavailable; try again later", "server_error"
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        parts, errors = [], e.errors()
        # Text that is not valid Unicode or holds a NUL is a bad request (400), like any other
        # text the API refuses; 422 stays for bodies of the wrong shape.
        status = 400 if any(err.get("type") in _BAD_TEXT for err in errors) else 422
        for err in errors[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return error_response(
            status, "; ".join(parts) or "invalid request", "invalid_request_error"
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        kind = "not_found" if e.status_code == 404 else "invalid_request_error"
        return error_response(e.status_code, str(e.detail), kind, getattr(e, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, e: Exception) -> JSONResponse:
        log.exception("request failed: %s %s", request.method, request.url.path)
        return error_response(500, "internal error", "server_error")
