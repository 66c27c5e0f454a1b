"""The wire below the endpoints: server-sent events, and the request body size limit."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.responses import StreamingResponse

from kb.api.errors import error_response


def sse(data: dict, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def event_stream(events: Iterator[str]) -> StreamingResponse:
    # no-cache and X-Accel-Buffering: proxies must pass each event on as it comes
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not they declare a
    Content-Length, before anything parses them."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_big = error_response(
            413, f"request body too large: at most {self.max_bytes} bytes", "too_large"
        )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_bytes:
                    return await too_big(scope, receive, send)
            except ValueError:
                return await error_response(400, "bad Content-Length", "invalid_request_error")(
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
