"""Answers to "《…》现在还有效吗？", "《…》被什么文件替代了？", "哪些文件废止了《…》？" from what the
documents state about each other (kb/store/lifecycle.py): the status on the day asked (today,
or the filter's 生效日), the repealing or amending document, each statement cited to its
sentence. A document only named by others (not in the collection) is answered from their
statements. Questions that ask none of this return None."""

from __future__ import annotations

import datetime as dt
import re

from kb.answer.citations import Answer, cite
from kb.answer.gongwen_target import target
from kb.core.diff import SAME_ARTICLE, similarity
from kb.core.gongwen import date_text
from kb.core.instruments import norm_title
from kb.core.text import find_loose
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot
from kb.store.lifecycle import Link, Status, on_day

_ASKS = re.compile(
    r"(?:现在|目前|当前|如今|眼下|仍然|仍|还|是否|是不是)(?:还|仍)?(?:有效|生效|适用|在用|执行|管用)"
    r"|还能(?:用|执行|适用)|(?:是否|有没有|已经?)(?:被)?(?:废止|失效|废除|取代|替代)"
    r"|(?:废止|失效|作废|废除)了?(?:吗|没有)"
    r"|被(?:什么|哪些|哪个|哪份|哪一?部)(?:文件|规定|办法|条例|通知|法规|文)?(?:所)?(?:替代|取代|废止|代替|替换|修改|修订)"
    r"|(?:哪些|哪个|哪份|什么)(?:文件|规定|办法|条例|通知|法规)?(?:废止|替代|取代|修改|修订)了"
    r"|现行(?:有效)?吗"
)
# "replaced" asks of a document only as what befell it ("has it been replaced", "which notice
# replaced it"), not in "the buses newly added or replaced each year".
_ASKS_EN = re.compile(
    r"\b(still (in force|valid|effective|applicable)|currently in force"
    r"|(?:is|are|was|were|been)\s+(?:\w+\s+)?(?:repealed|replaced|superseded|abolished)"
    r"|^(?:is|are|was|were|has|have)\b[^,?]{0,80}?\b(?:repealed|replaced|superseded|abolished)"
    r"|(?:what|which)\s+(?:[\w-]+\s+){0,4}?(?:repealed|replaced|superseded))\b",
    re.I,
)


def asks_status(text: str) -> bool:
    return bool(_ASKS.search(text) or _ASKS_EN.search(text))


class _Cites:
    """Citations numbered in order, one number per quoted span."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap, self.list, self._n = snap, [], {}

    def relation(self, link: Link) -> str:
        r = link.relation
        chunk = self.snap.chunks.get(r.chunk_id)
        if chunk is None:
            return ""
        quote = chunk.text[r.start : r.end] if r.end > r.start else chunk.text.split("\n")[0]
        return self._add(Passage(chunk, link.source, 1.0), quote)

    def quote(self, doc, quote: str | None) -> str:
        for c in self.snap.doc_chunks(doc.doc_id) if quote else []:
            span = find_loose(c.text, quote)
            if span:
                return self._add(Passage(c, doc, 1.0), c.text[span[0] : span[1]])
        return ""

    def _add(self, p: Passage, quote: str) -> str:
        key = (p.chunk_id, quote)
        if key not in self._n:
            self._n[key] = len(self.list) + 1
            self.list.append(cite(self._n[key], p, quote))
        return f"[{self._n[key]}]"


def lifecycle_answer(q: Question, snap: Snapshot, passages: list[Passage], on: str | None):
    """The answer, or None when the question asks no status or names no document."""
    if not asks_status(q.text):
        return None
    as_of = on or dt.date.today().isoformat()
    life = snap.lifecycle
    cites = _Cites(snap)
    doc = _titled(q, snap)
    # a 《title》 no document here bears: one that others name, else the nearest document
    text = _named_only(q, life, as_of, cites) if doc is None and q.titles else None
    if text is None:
        doc = doc or target(q, snap, passages, list(snap.docs.values()))
        if doc is None:
            return None
        text = _about(doc, life.status(doc.doc_id, as_of), cites)
    if on:
        text = f"（截至{date_text(on)}）" + text
    if q.lang == "en":
        text = "From the (Chinese) documents: " + text
    return Answer("answered", text, cites.list)


def _titled(q: Question, snap: Snapshot):
    """The document whose title the question gives in 《》 (its issuing notice's or its own,
    one containing the other)."""
    wanted = [t for t in map(norm_title, q.titles) if len(t) >= 4]
    titles = [(norm_title(d.title), d) for d in snap.docs.values()]
    for t in wanted:  # the same title first: "…办法" is not its "…办法实施细则"
        for n, d in titles:
            if t == n:
                return d
    for t in wanted:
        for n, d in titles:
            if t in n or n in t:
                return d
    return None


def _about(doc, st: Status, cites: _Cites) -> str:
    """A document of the collection: its status, and the statements it rests on."""
    quotes = doc.extra.get("gongwen_quotes") or {}
    name = f"《{doc.title}》"
    if st.state == "repealed":
        parts = []
        for link in st.by:
            verb = "替代" if link.relation.kind == "replaces" else "废止"
            when = on_day(link.relation.effective)
            parts.append(f"{when}被《{link.source.title}》{verb}{cites.relation(link)}")
        now = "、".join(dict.fromkeys(f"《{link.source.title}》" for link in st.by))
        text = f"{name}已不再有效：" + "；".join(parts) + f"。现行规定见{now}。"
    elif st.state == "expired":
        text = f"{name}已失效：有效期至{date_text(st.since)}{cites.quote(doc, quotes.get('expiry_date'))}。"
    elif st.state == "not_yet":
        text = f"{name}尚未施行：自{date_text(st.since)}起施行{cites.quote(doc, quotes.get('effective_date'))}。"
    else:
        said = []
        if doc.effective_date:
            said.append(f"自{date_text(doc.effective_date)}起施行"
                        + cites.quote(doc, quotes.get("effective_date")))  # fmt: skip
        if doc.expiry_date:
            said.append(f"有效期至{date_text(doc.expiry_date)}"
                        + cites.quote(doc, quotes.get("expiry_date")))  # fmt: skip
        for link in st.amended:  # amended_by: the document names the decision amending it
            by = (
                link.relation.target
                if link.relation.kind == "amended_by"
                else f"《{link.source.title}》"
            )
            said.append(f"{on_day(link.relation.effective)}经{by}修改{cites.relation(link)}")
        if not cites.list:  # nothing dated to cite: the document itself, by its first line
            first = next(iter(cites.snap.doc_chunks(doc.doc_id)), None)
            if first is not None:
                said.append("见原文" + cites.quote(doc, first.text.split("\n")[0][:120]))
        text = f"{name}现行有效：库中没有文件声明废止或替代它" + (
            "，" + "，".join(said) if said else ""
        ) + "。"  # fmt: skip
    for note in st.notes:
        text += f"\n注意：{note}。"
    return text


def _named_only(q: Question, life, as_of: str, cites: _Cites) -> str | None:
    """A document the collection does not hold, named in 《》 by the question and repealed by
    one it does hold."""
    wanted = {norm_title(t) for t in q.titles}
    links = [
        link for link in life.links
        if link.target is None and link.relation.kind in ("repeals", "replaces")
        and norm_title(link.relation.title or "") in wanted
    ]  # fmt: skip
    if not links:
        return None
    name = links[0].relation.target
    done = [x for x in links if not x.relation.effective or x.relation.effective <= as_of]
    if not done:
        x = links[0]
        return (f"{name}（不在库中）尚未废止：《{x.source.title}》规定其"
                f"{on_day(x.relation.effective)}废止{cites.relation(x)}。")  # fmt: skip
    parts = [
        f"{on_day(x.relation.effective)}被《{x.source.title}》废止{cites.relation(x)}" for x in done
    ]
    return f"{name}（原文不在库中）已不再有效：" + "；".join(parts) + "。"


def in_force_first(a, ans: Answer, answer_from) -> tuple[Answer, list[str]]:
    """When the answer leads with a document repealed by one whose passages were retrieved too,
    answer again from the passages of documents in force; when that answer leads with the
    same provision in its current wording, it is the answer, with one line saying so.
    Otherwise the answer as it was (its note then says the source is repealed).
    ``answer_from(passages)`` answers from other passages."""
    if ans.status != "answered" or not ans.citations:
        return ans, []
    life, today = a.snap.lifecycle, dt.date.today().isoformat()
    lead = ans.citations[0].doc_id
    if lead not in life.docs:
        return ans, []
    st = life.status(lead, today)
    now = {link.source.doc_id for link in st.by}
    if st.state != "repealed" or not any(p.doc.doc_id in now for p in a.passages):
        return ans, []
    here = {p.doc.doc_id for p in a.passages}  # each document's status once, not per passage
    stale = {d for d in here if life.status(d, today).state == "repealed"}
    current = [p for p in a.passages if p.doc.doc_id not in stale]
    again = answer_from(current)
    if again.status != "answered" or not again.citations:
        return ans, []
    # only the same provision in its current wording: a current document that does not
    # address the question must not answer it (SAME_ARTICLE, measured in kb/core/diff.py)
    if similarity(again.citations[0].quote, ans.citations[0].quote) < SAME_ARTICLE:
        return ans, []
    a.passages = current + [p for p in a.passages if p.doc.doc_id in stale]
    old = life.docs[lead]
    when = on_day(st.since)
    names = "、".join(dict.fromkeys(f"《{link.source.title}》" for link in st.by))
    return again, [f"已按现行的{names}作答；{when}废止的《{old.title}》对此另有规定，已不再适用。"]
