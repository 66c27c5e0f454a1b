"""The one error a reader raises: the file cannot be ingested, and the message says why."""

from kb.core.errors import KBError


class ReadError(KBError):
    """A file that cannot be ingested; the message is the reason."""
