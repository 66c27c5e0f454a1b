"""Which documents are in force on a date, and why: a document's own 施行日期 and 有效期, and
what the other documents say of it (ingest/relations.py), each statement resolved to the
document it names when that document is present, and cited.

Only the documents given are considered: callers pass what the user may read, so a
restricted document never shows through the status of another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kb.core.gongwen import date_text
from kb.core.instruments import core_title, norm_number, norm_title
from kb.store.documents import DocumentRecord
from kb.store.relations import Relation

LABELS = {
    "in_force": "现行有效",
    "not_yet": "尚未施行",
    "expired": "已失效",
    "repealed": "已废止",
}
KIND_LABELS = {
    "repeals": "废止",
    "replaces": "替代",
    "amends": "修改",
    "amended_by": "据以修正",
    "implements": "贯彻落实",
}


@dataclass
class Link:
    """A relation with the document it names, when that document is here."""

    relation: Relation
    source: DocumentRecord  # the document that states it
    target: DocumentRecord | None  # None: named, but not in the collection


@dataclass
class Status:
    state: str  # in_force | not_yet | expired | repealed
    since: str | None = None  # ISO date the state began (施行, 废止 or 失效)
    by: list[Link] = field(default_factory=list)  # the statements that repeal it
    amended: list[Link] = field(default_factory=list)  # ... that amend it, in force by then
    notes: list[str] = field(
        default_factory=list
    )  # conflicts shown plainly (cycles, two replacers)

    @property
    def label(self) -> str:
        return LABELS[self.state] + (
            "（已修改）" if self.amended and self.state == "in_force" else ""
        )

    def sentence(self, doc: DocumentRecord) -> str:
        """One line an official reads: "《X》已于2024年5月1日被《Y》废止。"."""
        when = on_day(self.since)
        if self.state == "repealed":
            names = "、".join(_name(link.source) for link in self.by)
            return f"《{doc.title}》已{when}被{names}废止。"
        if self.state == "expired":  # 有效期至 is the last day in force
            return f"《{doc.title}》有效期至{date_text(self.since)}，已失效。"
        if self.state == "not_yet":
            return f"《{doc.title}》尚未施行，{when.removeprefix('于')}起施行。"
        amended = "、".join(
            link.relation.target if link.relation.kind == "amended_by" else _name(link.source)
            for link in self.amended
        )
        tail = f"，经{amended}修改" if amended else ""
        return f"《{doc.title}》现行有效{tail}（库中未见废止或失效的记载）。"


def on_day(date: str | None) -> str:
    """'于2024年5月1日' for a full ISO date; '' for a partial or missing one."""
    return f"于{date_text(date)}" if date and len(date) == 10 else ""


def _name(d: DocumentRecord) -> str:
    return f"《{d.title}》" + (f"（{d.doc_number}）" if d.doc_number else "")


class Lifecycle:
    """The relations among some documents, resolved, and each document's status on a date."""

    def __init__(self, docs: list[DocumentRecord], relations: list[Relation]) -> None:
        self.docs = {d.doc_id: d for d in docs}
        self._by_number: dict[str, list[DocumentRecord]] = defaultdict(list)
        self._by_title: dict[str, list[DocumentRecord]] = defaultdict(list)
        for d in docs:
            if d.doc_number:
                self._by_number[norm_number(d.doc_number) or d.doc_number].append(d)
            self._by_title[norm_title(d.title)].append(d)
        self.links = [
            Link(r, self.docs[r.doc_id], self._resolve(r))
            for r in relations
            if r.doc_id in self.docs
        ]
        self._incoming: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            if link.target is not None:
                self._incoming[link.target.doc_id].append(link)

    def _resolve(self, r: Relation) -> DocumentRecord | None:
        """The document a relation names: by 发文字号, else by title (its issuing notice's,
        bracket forms and spacing aside); of several versions, the latest dated before the
        statement; never the stating document itself."""
        found = self._by_number.get(r.number or "", []) or self._by_title.get(
            norm_title(r.title or ""), []
        )
        found = [d for d in found if d.doc_id != r.doc_id]
        if len(found) > 1 and r.effective:
            earlier = [d for d in found if (d.date or "") <= r.effective]
            found = sorted(earlier or found, key=lambda d: d.date or "")
        return found[-1] if found else None

    def outgoing(self, doc_id: str) -> list[Link]:
        return [link for link in self.links if link.source.doc_id == doc_id]

    def incoming(self, doc_id: str) -> list[Link]:
        return list(self._incoming.get(doc_id, []))

    def status(self, doc_id: str, as_of: str) -> Status:
        """The document's state on ``as_of`` (ISO date): repealed by a statement in force by
        then, else lapsed after its 有效期, else not yet in force before its 施行日期, else in
        force (nothing here says otherwise), with the amendments in force by then."""
        d = self.docs[doc_id]
        inc = [link for link in self.incoming(doc_id) if _by(link, as_of)]
        repeal = [link for link in inc if link.relation.kind in ("repeals", "replaces")]
        amended = [link for link in inc if link.relation.kind == "amends"]
        amended += [
            link for link in self.outgoing(doc_id) if link.relation.kind == "amended_by"
            and _by(link, as_of)
        ]  # fmt: skip
        notes = self._conflicts(doc_id, repeal)
        if repeal:
            since = min((link.relation.effective or "" for link in repeal), default="") or None
            return Status("repealed", since, repeal, amended, notes)
        if d.expiry_date and as_of > d.expiry_date:
            return Status("expired", d.expiry_date, [], amended, notes)
        if d.effective_date and as_of < d.effective_date:
            return Status("not_yet", d.effective_date, [], amended, notes)
        return Status("in_force", d.effective_date, [], amended, notes)

    def _conflicts(self, doc_id: str, repeal: list[Link]) -> list[str]:
        notes = []
        replacers = {link.source.doc_id for link in repeal if link.relation.kind == "replaces"}
        if len(replacers) > 1:
            names = "、".join(_name(self.docs[i]) for i in sorted(replacers))
            notes.append(f"有 {len(replacers)} 份文件都声明替代本文件：{names}")
        for link in repeal:
            back = [
                x for x in self.incoming(link.source.doc_id)
                if x.source.doc_id == doc_id and x.relation.kind in ("repeals", "replaces")
            ]  # fmt: skip
            if back:
                notes.append(f"本文件与{_name(link.source)}互相声明废止，请核对")
        return notes

    def status_json(self, doc_id: str, as_of: str, st: Status | None = None) -> dict:
        """The contract's DocStatus."""
        st = st or self.status(doc_id, as_of)
        return {"state": st.state, "label": st.label, "as_of": as_of, "since": st.since,
                "sentence": st.sentence(self.docs[doc_id])}  # fmt: skip

    def to_json(self, doc_id: str, as_of: str) -> dict:
        """The status and the relations of one document, as the CLI and the API give them."""
        st = self.status(doc_id, as_of)

        def link_json(link: Link) -> dict:
            r = link.relation
            return {
                "kind": r.kind, "label": KIND_LABELS[r.kind], "doc_id": link.source.doc_id,
                "target": r.target, "target_doc_id": link.target.doc_id if link.target else None,
                "effective": r.effective, "quote": r.quote, "chunk_id": r.chunk_id or None,
            }  # fmt: skip

        return self.status_json(doc_id, as_of, st) | {
            "notes": st.notes,
            "states": [link_json(x) for x in self.outgoing(doc_id)],
            "stated_by_others": [link_json(x) for x in self.incoming(doc_id)],
            "versions": [d.doc_id for d in self.versions(doc_id)],
        }

    def versions(self, doc_id: str) -> list[DocumentRecord]:
        """Other documents that share this one's core title (its earlier or later versions)."""
        d = self.docs[doc_id]
        core = core_title(d.title)
        return [x for x in self.docs.values() if x.doc_id != doc_id and core_title(x.title) == core]


def _by(link: Link, as_of: str) -> bool:
    """Whether what the link states is in effect on ``as_of`` (undated: it is)."""
    return not link.relation.effective or link.relation.effective <= as_of
