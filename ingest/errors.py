"""The one error a reader raises: the file cannot be ingested, and the message says why."""

import logging

from kb.core.errors import KBError

log = logging.getLogger("ingest")


class ReadError(KBError):
    """A file that cannot be ingested; the message is the reason."""


def unreadable(reason: str, cause: BaseException) -> ReadError:
    """The ReadError of a file a library could not read: ``reason`` is what the user reads,
    in Chinese; the library's own words (English) go to the log, for the operator."""
    log.warning("%s (%s: %s)", reason, type(cause).__name__, cause)
    return ReadError(reason)


def where_in_yaml(e: BaseException) -> str:
    """Where a YAML parser stopped, as "（第 3 行第 5 列附近）", or ''."""
    mark = getattr(e, "problem_mark", None)
    return f"（第 {mark.line + 1} 行第 {mark.column + 1} 列附近）" if mark else ""
