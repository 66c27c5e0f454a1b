"""An OpenAI-compatible chat-completions server on loopback, scripted per test.

It speaks the real protocol (JSON and server-sent-event streaming), records every request,
and can answer with an HTTP error, malformed JSON, stall past the client's timeout, or fail
in the middle of a stream."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.auth: list[str] = []  # Authorization headers received (the key the client sent)
        self.reply: Callable[[dict], str] | str = "【无法回答】"
        self.status = 200
        self.stall_s = 0.0
        self.malformed = False
        self.fail_after: int | None = None  # stream this many pieces, then an error event
        self._srv = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._srv.daemon_threads = True
        threading.Thread(target=self._srv.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._srv.server_port}/v1"

    def close(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def user_message(self, i: int = -1) -> str:
        return next(m["content"] for m in self.requests[i]["messages"] if m["role"] == "user")

    def system_message(self, i: int = -1) -> str:
        return next(m["content"] for m in self.requests[i]["messages"] if m["role"] == "system")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(req)
                fake.auth.append(self.headers.get("Authorization", ""))
                if fake.stall_s:
                    time.sleep(fake.stall_s)
                if fake.status != 200:
                    return self._send(
                        fake.status, json.dumps({"error": {"message": "scripted failure"}}).encode()
                    )
                if fake.malformed:
                    return self._send(200, b"{not json")
                text = fake.reply(req) if callable(fake.reply) else fake.reply
                base = {"id": "chatcmpl-1", "created": int(time.time()), "model": req["model"]}
                if not req.get("stream"):
                    body = {**base, "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "stop",
                            "message": {"role": "assistant", "content": text}}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}  # fmt: skip
                    return self._send(200, json.dumps(body, ensure_ascii=False).encode())
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
                for j, piece in enumerate(pieces):
                    if fake.fail_after is not None and j >= fake.fail_after:
                        # what a server sends when generation fails after it began
                        err = {"error": {"message": "scripted failure mid-stream"}}
                        self.wfile.write(f"data: {json.dumps(err)}\n\n".encode())
                        self.wfile.flush()
                        return
                    delta = {"content": piece} if j else {"role": "assistant", "content": piece}
                    chunk = {**base, "object": "chat.completion.chunk",
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                end = {
                    **base,
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        return Handler
