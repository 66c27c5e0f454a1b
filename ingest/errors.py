"""The one error a reader raises: the file cannot be ingested, and the message says why."""


class ReadError(Exception):
    """A file that cannot be ingested; the message is the reason."""
