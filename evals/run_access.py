"""Who may see an eval run. A run holds answers, quotes and the retrieved passages of the
documents it asked: it is as restricted as the most restricted of them. A run records who made
it and the access of every document it cites or retrieved, at the time it ran; a user may open
it when they may read every one of them, both as recorded and as the document's store says
now (access may have been narrowed since). Admins and the operator see every run; a run that
recorded nothing (made before runs did) is shown to them alone."""

from __future__ import annotations

import re
from pathlib import Path

from kb.core.settings import Settings
from kb.store.access import Principal, can_read

MAIN = "main"  # the access record's store: the configured knowledge base
NO_GROUP: list[str] = []  # access of a document whose store is unknown: admins only


def run_documents(results: dict) -> set[str]:
    """doc_ids of every document whose text a run holds (citations and retrieved passages)."""
    out: set[str] = set()
    for q in results.get("questions", []):
        out.update(str(c.get("doc_id", "")) for c in q.get("citations", []))
        out.update(str(p.get("doc_id", "")) for p in q.get("passages", []))
    out.discard("")
    return out


def access_record(
    results: dict, who: Principal | None, store: str, access: dict[str, list[str] | None]
) -> dict:
    """What a run records: who made it, in which store it asked, each document's access then
    (``access``: doc_id or source -> groups, None for every user; a document it lacks is taken
    as readable by admins only)."""
    return {
        "made_by": who.name if who else "operator",
        "groups": sorted(who.groups) if who else None,
        "admin": who is None or who.admin,
        "store": store,
        "documents": {d: access.get(d, NO_GROUP) for d in sorted(run_documents(results))},
    }


def store_home(settings: Settings, store: str) -> Path | None:
    """The KB_HOME of a run's store; None for a name that is not one (a results file is
    read from disk: its store name must not lead out of KB_HOME)."""
    from evals.runner import EVAL_CORPORA

    if store == MAIN:
        return settings.home
    if isinstance(store, str) and re.fullmatch(r"[0-9a-f]{16}", store):
        return settings.home / EVAL_CORPORA / store
    return None


def current_access(settings: Settings, store: str) -> dict[str, list[str] | None] | None:
    """doc_id and source -> groups of every document in ``store`` now; None when the store is
    gone (its run is then judged by what it recorded)."""
    from kb.store.catalog import Catalog
    from kb.store.db import open_database

    home = store_home(settings, store)
    path = home / "catalog.sqlite" if home else None
    if store == MAIN and settings.database_url:
        catalog = Catalog(open_database(settings))  # the shared store
    elif path is None or not path.is_file():
        return None
    else:
        catalog = Catalog(path)
    out: dict[str, list[str] | None] = {}
    for d in catalog.documents():
        out[d.doc_id] = out[d.source] = d.access
    return out


def may_view(record: dict | None, who: Principal | None, now: dict | None) -> bool:
    """Whether ``who`` may open a run with this access record; ``now`` is current_access of
    its store."""
    if who is None or who.admin:
        return True
    if not isinstance(record, dict) or not isinstance(record.get("documents"), dict):
        return False
    for doc, then in record["documents"].items():
        if not can_read(who, then):
            return False
        if now is not None and doc in now and not can_read(who, now[doc]):
            return False
    return True


def visible(runs: list, who: Principal | None, settings: Settings) -> list:
    """The RunSummary-like ``runs`` (with ``.access``) that ``who`` may open."""
    if who is None or who.admin:
        return list(runs)
    stores: dict[str, dict | None] = {}
    out = []
    for r in runs:
        store = (r.access or {}).get("store", MAIN)
        if store not in stores:
            stores[store] = current_access(settings, store)
        if may_view(r.access, who, stores[store]):
            out.append(r)
    return out
