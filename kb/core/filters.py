"""What a question may be answered from: one definition of the filters, light to import (the
remote `kb ask` builds one without loading numpy or a store). The API's request body
(kb.api.schemas.FiltersIn) mirrors the fields, the vector store turns them into a Chroma
``where`` and BM25 into a mask."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from kb.core.gongwen import in_force
from kb.core.text import norm

NO_DOCUMENT = "\x00none"  # a document id no document has


@dataclass
class Filters:
    """What a question may be answered from; an empty list or text is no filter. The one
    definition of the filters: the API's request body (kb.api.schemas.FiltersIn) mirrors the
    fields, each ``doc`` its description; ``internal`` ones are the library's own, never a
    caller's; an ``iso_date`` is YYYY-MM-DD text here and a date on the wire."""

    doc_types: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: list[str] | None = None
    # documents the caller may not read
    exclude_doc_ids: list[str] | None = field(default=None, metadata={"internal": True})
    issuer: str | None = field(  # e.g. "科学技术厅"
        default=None, metadata={"doc": "发文机关 (or author) contains this."}
    )
    in_force_on: str | None = field(
        default=None, metadata={"doc": "Official documents in force that day.", "iso_date": True}
    )

    def empty(self) -> bool:
        return (
            not (
                self.doc_types
                or self.doc_ids
                or self.exclude_doc_ids
                or self.issuer
                or self.in_force_on
            )
            and self.year_from is None
            and self.year_to is None
        )

    def describe(self) -> str:
        """The filters a user chose, in words ("文档类型：法规规章；2019–2022年"); "" for none
        (documents the user may not read are not a choice, and are never named)."""
        from kb.core.doctypes import LABELS

        parts = []
        if self.doc_types:
            parts.append("文档类型：" + "、".join(LABELS.get(t, t) for t in self.doc_types))
        if self.year_from is not None or self.year_to is not None:
            lo, hi = self.year_from, self.year_to
            parts.append(
                f"{lo}–{hi}年" if lo is not None and hi is not None
                else f"{lo}年及以后" if lo is not None else f"{hi}年及以前"
            )  # fmt: skip
        if self.doc_ids:
            parts.append(f"指定的 {len(self.doc_ids)} 篇文档")
        if self.issuer:
            parts.append(f"发文机关含“{self.issuer}”")
        if self.in_force_on:
            parts.append(f"{self.in_force_on} 有效的公文")
        return "；".join(parts)

    def where(self) -> dict | None:
        """The Chroma ``where`` clause. Issuer and in-force filters are document facts the
        vectors do not carry: ``resolve`` turns them into document ids first."""
        conds: list[dict] = []
        if self.doc_types:
            conds.append({"doc_type": {"$in": list(self.doc_types)}})
        if self.doc_ids:
            conds.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.exclude_doc_ids:
            conds.append({"doc_id": {"$nin": list(self.exclude_doc_ids)}})
        if self.year_from is not None:
            conds.append({"year": {"$gte": int(self.year_from)}})
        if self.year_to is not None:
            conds.append({"year": {"$lte": int(self.year_to)}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}

    def admits(self, doc_type: str, year: int | None, doc_id: str) -> bool:
        if self.doc_types and doc_type not in self.doc_types:
            return False
        if self.doc_ids and doc_id not in self.doc_ids:
            return False
        if self.exclude_doc_ids and doc_id in self.exclude_doc_ids:
            return False
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        return True

    def admits_doc(self, d) -> bool:
        """Every filter, on a catalog DocumentRecord."""
        if not self.admits(d.doc_type, d.year, d.doc_id):
            return False
        if self.issuer:
            want = norm(self.issuer)
            if not any(want in norm(x) for x in (d.issuer, d.author) if x):
                return False
        if self.in_force_on:
            if not in_force(d.effective_date or d.signed_date, d.expiry_date, self.in_force_on):
                return False
        return True

    def resolve(self, docs) -> Filters:
        """The same filters with issuer and in-force turned into the ids of the documents
        (DocumentRecords) they admit, so that BM25 masks and Chroma ``where`` can apply them."""
        if not (self.issuer or self.in_force_on):
            return self
        ids = [d.doc_id for d in docs if self.admits_doc(d)]
        # no document qualifies: an id no document has, so that nothing is retrieved
        return replace(self, doc_ids=ids or [NO_DOCUMENT], issuer=None, in_force_on=None)

    def public(self) -> dict:
        """The fields a caller sets, as sent over the wire (None and internal ones left out)."""
        internal = {f.name for f in fields(self) if f.metadata.get("internal")}
        return {k: v for k, v in asdict(self).items() if v is not None and k not in internal}
