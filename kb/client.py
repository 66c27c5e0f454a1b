"""A client of a running `kb serve`, for `kb ask` when KB_SERVER_URL names one: the question
goes over loopback (or the network) and no model, store or tokenizer is loaded here.

urllib and the contract's models only, so that asking through a server starts in a fraction
of a second; the server does the work it has already loaded for.
"""

from __future__ import annotations

import json
import unicodedata
import urllib.error
import urllib.request
from urllib.parse import urlparse

from pydantic import ValidationError

from kb.core.contract import AskResponse
from kb.core.errors import RemoteError
from kb.core.filters import Filters

# Long enough for an answer through a slow LLM endpoint (its own timeout is KB_LLM_TIMEOUT_S,
# 60 s by default); an extractive answer comes back in tens of milliseconds.
TIMEOUT_S = 120.0


def ask_remote(
    url: str,
    question: str,
    *,
    k: int | None = None,
    filters: Filters | None = None,
    token: str | None = None,
    timeout: float = TIMEOUT_S,
) -> dict:
    """POST the question to ``{url}/v1/ask``; the `kb ask --json` object it answers with.

    ``token`` is a bearer token (`kb users token NAME`), needed once the server has users.
    The answer is checked against the contract (kb/core/contract.py) before it is returned."""
    u = urlparse(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise RemoteError(f"KB_SERVER_URL is not an http(s) URL: {url!r}")
    body: dict = {"question": question}
    if k is not None:
        body["k"] = k
    wanted = filters.public() if filters else {}
    if wanted:
        body["filters"] = wanted
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(
        url.rstrip("/") + "/v1/ask",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        raise RemoteError(_refusal(url, e)) from e
    except urllib.error.URLError as e:
        reason = getattr(e.reason, "strerror", None) or str(e.reason)
        raise RemoteError(f"cannot reach kb serve at {url} (KB_SERVER_URL): {reason}") from e
    except TimeoutError as e:
        raise RemoteError(f"kb serve at {url} did not answer within {timeout:.0f} s") from e
    except OSError as e:  # connection reset mid-answer and the like
        raise RemoteError(f"kb serve at {url} broke off the answer: {e}") from e
    try:
        answer = json.loads(raw)
        AskResponse.model_validate(answer)  # the shape the contract publishes, or refused
        answer.pop("understood_as")
    except (ValueError, ValidationError, KeyError) as e:
        raise RemoteError(f"{url} did not answer as kb serve does (is it one?)") from e
    # The server reports the question as sent; a local answer reports it as read
    # (kb.retrieve.question.analyze: NFKC, trimmed). The same object either way.
    answer["question"] = unicodedata.normalize("NFKC", answer["question"]).strip()
    return answer


def _refusal(url: str, e: urllib.error.HTTPError) -> str:
    try:
        message = json.loads(e.read())["error"]["message"]
    except Exception:
        message = e.reason
    hint = ""
    if e.code == 401:
        hint = "; set KB_API_TOKEN to a token from `kb users token NAME`"
    return f"kb serve at {url} refused the question (HTTP {e.code}: {message}){hint}"
