"""Near-duplicate passages of other documents take no place of the top k: a notice reposted, a
brief that copies a report's sentences with its own place, year and figures. Without this, the
copies of one passage fill the top k, and the passage of the document the question names (its
year, place, title) falls out of reach of the answerer, which chooses among them by exactly
those constraints."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.core.text import char_grams, shorter_share

# Share of the shorter passage's character trigrams (figures aside) the longer one holds, as
# disagree.pair_share measures two statements by bigrams: a copy that changes places, years and
# figures keeps most of them; two passages on one topic in their own words keep few.
NEAR_DUPLICATE = 0.6
SCAN = 4
_FIGURES = re.compile(r"[\d.,，%％]+")


def _grams(text: str) -> set[str]:
    return char_grams(_FIGURES.sub("", text), 3)


def near_duplicates(a: set[str], b: set[str]) -> bool:
    return min(len(a), len(b)) >= 8 and shorter_share(a, b) >= NEAR_DUPLICATE


def distinct_top(ranked: list, k: int, text_of: Callable[[str], str]) -> list:
    """The top of ``ranked`` (Passages, best first) with ``k`` distinct passages, and with each
    near-duplicate from another document that the first ``SCAN * k`` hold of them (at most
    ``k`` more), in rank order. ``text_of``: a chunk id's normalised text."""
    leaders: list[tuple[object, set[str]]] = []
    out: list = []
    extra = 0
    for i, p in enumerate(ranked):
        # copies are sought among the first 4k only: far down, they are no longer near misses
        if len(leaders) >= k and (extra >= k or i >= SCAN * k):
            break
        grams = _grams(text_of(p.chunk_id))
        copy = any(
            p.doc.doc_id != lead.doc.doc_id and near_duplicates(grams, g) for lead, g in leaders
        )
        if copy and extra < k:
            out.append(p)
            extra += 1
        elif not copy and len(leaders) < k:
            leaders.append((p, grams))
            out.append(p)
    return out
