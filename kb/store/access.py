"""Who may read which document. Every read path of the library takes a ``Principal`` (or
None: the operator at the command line, who sees everything) and filters with ``can_read``
before anything is ranked, counted or shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.core.errors import ForbiddenError, InputError, NotFoundError

# A group whose members may upload documents (besides admins).
EDITOR_GROUP = "editor"


@dataclass(frozen=True)
class Principal:
    name: str
    groups: frozenset[str] = field(default_factory=frozenset)
    admin: bool = False

    @property
    def can_upload(self) -> bool:
        return self.admin or EDITOR_GROUP in self.groups

    def upload_groups(self) -> list[str] | None:
        """Default access of what this user uploads: their own groups (None: everyone)."""
        groups = sorted(self.groups - {EDITOR_GROUP})
        return groups or None


# Open mode (no user exists yet): the app runs as one anonymous user who sees everything.
ANONYMOUS = Principal("anonymous", admin=True)


def can_read(who: Principal | None, access: Iterable[str] | None) -> bool:
    """No access list: every user; otherwise admins and members of one of the groups."""
    if who is None or who.admin or access is None:
        return True
    return bool(who.groups & set(access))


def hidden_ids(who: Principal | None, docs: Iterable) -> frozenset[str]:
    """doc_ids of the documents (DocumentRecord-like) ``who`` may not read."""
    if who is None or who.admin:
        return frozenset()
    return frozenset(d.doc_id for d in docs if not can_read(who, d.access))


def parse_groups(text: str | Iterable[str] | None) -> list[str]:
    """'a, b' or ['a', 'b'] -> ['a', 'b'] (trimmed, unique, sorted); names are checked."""
    if text is None:
        return []
    items = text.replace("，", ",").split(",") if isinstance(text, str) else list(text)
    out = sorted({str(g).strip() for g in items if str(g).strip()})
    for g in out:
        if len(g) > 64 or any(c in g for c in "\n\r\t\0"):
            raise InputError(f"invalid group name {g!r}")
    return out


def change_access(catalog, audit, doc_id: str, groups: list[str] | None, by: Principal | None):
    """Restrict a document to groups (None: every user) without re-embedding it; audited.
    True when it changed. A document whose manifest entry sets ``access`` is governed by the
    manifest (the next ingest would undo a change made here)."""
    d = catalog.document(doc_id)
    if d is None:
        raise NotFoundError(f"no document with id {doc_id!r}")
    current = catalog.access_of(d.source)
    if current and current[1] == "manifest":
        raise ForbiddenError(
            f"{d.source}: its access is set by its manifest entry (access: ...); "
            "change it there and run `kb ingest`"
        )
    changed = catalog.set_access(d.source, groups, "admin")
    if changed:
        audit.append(
            by.name if by else "operator", "access", doc_id, source=d.source, groups=groups
        )
    return changed
