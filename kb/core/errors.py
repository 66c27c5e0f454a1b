"""The failures a user can act on, under one base, in a module that imports nothing: the CLI
catches ``KBError`` in one place without loading the stores or models that raise them
(`kb --help` stays instant), and every message says what went wrong and what to do.

The second base of each class is the built-in error it used to be (``ValueError`` for bad
input, ``RuntimeError`` for a backend), so callers that catch those keep working."""

from __future__ import annotations


class KBError(Exception):
    """A failure the user can act on; ``str(e)`` is the whole message, fit to show as is."""

    def __str__(self) -> str:
        # KeyError would quote its message; ours are sentences.
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class StoreError(KBError, RuntimeError):
    """A store that cannot be used as asked (wrong model, newer schema, ...)."""


class EmbeddingError(KBError, RuntimeError):
    """The embedding backend cannot be loaded or does not answer."""


class LLMError(KBError, RuntimeError):
    """The LLM endpoint could not give an answer (down, timeout, HTTP error, malformed reply)."""


class RemoteError(KBError, RuntimeError):
    """A running `kb serve` (KB_SERVER_URL) could not answer: unreachable, refused, broken."""


class AuthError(KBError):
    """Sign-in refused or a user command that cannot be done; the message says why."""


class LockedOut(AuthError):
    """Too many failed sign-ins for a while."""


class InputError(KBError, ValueError):
    """A request that cannot be carried out as given (an empty question, a bad group name)."""


class NotFoundError(KBError, KeyError):
    """What was asked for does not exist (or may not be seen: the two look the same)."""


class ForbiddenError(KBError, PermissionError):
    """Not allowed as asked; the message says where it can be done instead."""
