"""The words of records, shared by the store (which merges and filters them), the answers and
the surfaces (which state them): the kinds with their Chinese labels, the event verbs whose
subject is the record, and the places a party stands for. ingest/records/ finds records with
the same verbs (kb/data/strategy_events.yaml) and places (kb/data/places.yaml)."""

from __future__ import annotations

from functools import lru_cache

from kb.core.places import places
from kb.core.strategy import STRATEGY_VERBS
from kb.core.text import norm

KINDS = {"agreement": "协议", "plan": "规划/计划", "measure": "措施/意见", "event": "事件"}
# Event verbs whose subject is the record ("平台上线"), not a party acting on it.
INTRANSITIVE = {
    "上线", "正式上线", "揭牌", "开通", "正式开通", "投运", "开园", "拉开帷幕", "开幕", "召开",
    "举行", "正式启动", "启动", "成立", "正式成立", *STRATEGY_VERBS,
}  # fmt: skip

# Distinct parties whose place names are kept in memory, and distinct filter words
# normalised. The caches came with e91a3a2 (benchmarks/scale.py, 11k chunks: ask p95 261 ->
# 73 ms); the sizes are round bounds on memory, not measured against a corpus's parties.
_PARTY_CACHE = 8192
_WORD_CACHE = 1024


@lru_cache(maxsize=_PARTY_CACHE)
def party_places(party: str) -> frozenset[str]:
    """Normalised names a party stands for: itself, its group's members, its province, so
    that "--party 浙江" also finds "嘉兴经开区" and "三省一市" (kb/data/places.yaml)."""
    table = places()
    out = {party, *table.provinces_in(party)}
    for group, members in table.group_members.items():
        if group in party:
            out.update(members)
    return frozenset(norm(x) for x in out)


def names_party(parties: list[str], party: str) -> bool:
    """One of ``parties`` is the party, a group it belongs to (三省一市 for 上海), or a place
    in it (嘉兴经开区 for 浙江)."""
    q = _norm(party)
    if not q:
        return True
    return any(q in x for p in parties for x in party_places(p))


@lru_cache(maxsize=_WORD_CACHE)
def _norm(text: str) -> str:
    return norm(text)
