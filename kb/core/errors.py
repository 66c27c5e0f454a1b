"""The failures a user can act on, in a module that imports nothing: the CLI catches them
without loading the stores or models that raise them (`kb --help` stays instant)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """A store that cannot be used as asked (wrong model, newer schema, ...)."""


class EmbeddingError(RuntimeError):
    """The embedding backend cannot be loaded or does not answer."""


class RemoteError(RuntimeError):
    """A running `kb serve` (KB_SERVER_URL) could not answer: unreachable, refused, broken."""
