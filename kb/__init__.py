"""The Yangtze River Delta policy knowledge base. Its front door:

    import kb
    base = kb.KnowledgeBase.open(settings)
    result = base.ask("2018年签署了哪些协议？", user=kb.Principal("alice", frozenset({"finance"})))

The names below load when first used, so ``import kb`` (and ``kb --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kb.answer.result import AskResult
    from kb.core.errors import KBError
    from kb.core.filters import Filters
    from kb.knowledge import KnowledgeBase
    from kb.store.access import Principal

_WHERE = {
    "KnowledgeBase": "kb.knowledge",
    "AskResult": "kb.answer.result",
    "Filters": "kb.core.filters",
    "Principal": "kb.store.access",
    "KBError": "kb.core.errors",
}

__all__ = ["AskResult", "Filters", "KBError", "KnowledgeBase", "Principal"]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'kb' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value  # found once; later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
