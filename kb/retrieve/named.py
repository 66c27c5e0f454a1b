"""The one document a question asks by: its title ("《……》", "按照江南市城市绿化条例"), or a
report by its year ("2009年的政府工作报告"). Retrieval brings that document's best passages to
the answerer, however many other texts (a brief that copies it, another year's report) rank
above them; the answerer then answers from it alone (kb.answer.named_doc)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kb.core.filters import Filters
from kb.core.text import ABBREVIATION_GAP, in_order, letters
from kb.retrieve.asks import ASKED_BY, NAMED_DOC
from kb.store.documents import DocumentRecord

if TYPE_CHECKING:
    from kb.retrieve.question import Question
    from kb.retrieve.retrieve import Passage, Snapshot

# The words that say a document is asked by, before its name ("按照……条例规定").
_ASKED_BY = re.compile(f"^{ASKED_BY}")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A yearly text named by its year ("2009年的政府工作报告", "2020年度统计公报"): the year is its
# own, not a year it reports on, so a title or date of another year is another text.
_OF_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年(?:度)?的?\s*《?"
    r"([^\d，,。；;：:？?、《》的]{2,16}?(?:报告|公报|规划|纲要|计划))"
)


def named_documents(text: str, docs: Iterable[DocumentRecord]) -> set[str]:
    """The ids of the documents a question (``text``) names, written out or shortened (its
    characters in order, a few apart); a report named by its year only of that year."""
    names = [(letters(_ASKED_BY.sub("", m.group(0))), "") for m in NAMED_DOC.finditer(text)]
    names += [(letters(m.group(2)), m.group(1)) for m in _OF_YEAR.finditer(text)]
    names = [(name, year) for name, year in names if len(name) >= 4]
    if not names:
        return set()
    titled = [(d, letters(d.title)) for d in docs]  # once, for every name asked by
    hits: set[str] = set()
    for name, year in names:
        pattern = in_order(name, ABBREVIATION_GAP)
        hits |= {
            d.doc_id for d, title in titled
            if pattern.search(title) and (not year or _of_year(d, year))
        }  # fmt: skip
    return hits


def _of_year(doc: DocumentRecord, year: str) -> bool:
    """Whether the document is of ``year``: its title's year, or its date's when the title
    names none."""
    return year in doc.title if _YEARS.search(doc.title) else (doc.date or "").startswith(year)


def named_document(text: str, docs: Iterable[DocumentRecord]) -> str:
    """The one document the question names; '' when it names none, or what it names fits
    several documents or none."""
    hits = named_documents(text, docs)
    return next(iter(hits)) if len(hits) == 1 else ""


# Passages of the named document brought in from each retriever, searched within it alone.
NAMED_PASSAGES = 2


def named_hits(
    q: Question, snap: Snapshot, filters: Filters | None, top: list[Passage], dense: Callable | None
) -> list[str]:
    """The chunk ids of the one document ``q`` names, its best by BM25 and by ``dense`` (a
    search ``(n, filters)``, None without dense retrieval) within it alone, that ``top`` lacks;
    none when ``filters`` leave it out. The top may hold others of its passages: copies of
    other texts bring them in (kb.retrieve.duplicates)."""
    doc_id = named_document(q.text, snap.docs.values())
    doc = snap.docs.get(doc_id)
    if doc is None or (filters is not None and not filters.admits_doc(doc)):
        return []
    scope = Filters(doc_ids=[doc_id])
    hits = snap.bm25.top(q.search_tokens, NAMED_PASSAGES, snap.mask(scope))
    hits += dense(NAMED_PASSAGES, scope) if dense is not None else []
    have = {p.chunk_id for p in top}
    out = []
    for cid, _ in hits:
        if cid not in have and cid in snap.chunks:
            have.add(cid)
            out.append(cid)
    return out
