"""Text that arrives from outside (a request, a command-line argument, a form) is checked here
before anything stores, encodes or searches it: a lone surrogate cannot be written as UTF-8
(SQLite, JSON responses, files) and a NUL cuts C strings and is not allowed in XML (Word,
PDF). Such text is refused with a message naming the field, or scrubbed where dropping the
character loses nothing (a brief's title)."""

from __future__ import annotations

import re

from kb.core.errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls other than tab, newline and carriage return: not allowed in XML 1.0.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be taken as it is, or None."""
    if _SURROGATE.search(text):
        return "contains invalid Unicode (a lone surrogate; is the text UTF-8?)"
    if "\x00" in text:
        return "contains a NUL character"
    return None


def check_text(text: str, what: str) -> str:
    """``text`` unchanged, or InputError naming ``what`` and the reason."""
    problem = text_problem(text)
    if problem:
        raise InputError(f"{what}: {problem}")
    return text


def scrub(text: str) -> str:
    """``text`` without lone surrogates and XML-incompatible control characters."""
    return _CONTROL.sub("", _SURROGATE.sub("", text))
