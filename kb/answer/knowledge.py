"""The library's front door: open the store once, then ``ask`` as often as needed.

kb = KnowledgeBase.open(settings)          # models and stores loaded once
result = kb.ask("2018年签署了哪些协议？")     # AskResult, .to_dict() is the JSON contract
for delta in (s := kb.ask_stream(q)): ...  # streamed text; s.result is the checked answer
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kb.answer.answer import Answer, answer, missing_anchor
from kb.answer.gongwen_answer import gongwen_answer
from kb.answer.llm import LLMError
from kb.answer.record_answer import record_answer
from kb.answer.verify import check
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.retrieve.embeddings import make_embedder
from kb.retrieve.followup import Turn, Understood, accept_condensed, understand_by_rules
from kb.retrieve.question import analyze
from kb.retrieve.retrieve import HybridRetriever, Passage
from kb.store.access import Principal, can_read, change_access
from kb.store.audit import AuditLog
from kb.store.catalog import ChunkRecord, DocumentRecord, StoreError
from kb.store.records import Record, select, table_rows
from kb.store.store import Store
from kb.store.users import Users
from kb.store.vectors import Filters


@dataclass
class AskResult:
    question: str
    answer: Answer
    passages: list[Passage]
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unsupported_sentences: list[str] | None = None
    records: list[Record] = field(default_factory=list)  # when the answer came from records
    record_cites: dict[str, list[int]] = field(default_factory=dict)
    # Set when the question was asked within a conversation: as asked, and as understood.
    asked: str | None = None
    understood: Understood | None = None

    @property
    def status(self) -> str:
        return self.answer.status

    def to_dict(self) -> dict:
        d = {
            "question": self.asked if self.asked is not None else self.question,
            "status": self.answer.status,
            "answer": self.answer.text,
            "citations": [c.to_dict() for c in self.answer.citations],
            "mode": self.mode,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
        warnings = list(self.warnings)
        if self.understood is not None:
            d["understood_as"] = self.understood.text
            warnings = [self.understood.warning, *warnings] if self.understood.warning else warnings
        if warnings:
            d["warnings"] = warnings
        if self.unsupported_sentences is not None:
            d["unsupported_sentences"] = self.unsupported_sentences
        if self.records:
            d["records"] = [
                {k: v for k, v in r.to_dict().items() if k != "mentions"}
                | {"citations": self.record_cites.get(r.record_id, [])}
                for r in self.records
            ]
        return d


# Turns the model sees when condensing a follow-up: a follow-up points at the last few
# exchanges, and a long thread must not crowd out the question (nor cost tokens).
CONDENSE_TURNS = 6


class KnowledgeBase:
    def __init__(self, settings: Settings, store: Store, embedder, tokenizer: Tokenizer) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.tok = tokenizer
        self.retriever = HybridRetriever(settings, store, embedder, tokenizer)
        self.users = Users(store.catalog)
        self.audit = AuditLog(store.catalog, settings.audit_retention_days)
        self._llm = None

    @classmethod
    def open(cls, settings: Settings, *, embedder=None) -> KnowledgeBase:
        store = Store(settings)
        stored = store.catalog.get_meta("embed_model")
        if stored and stored != settings.embed_model and embedder is None:
            # Fail before loading a model we would then refuse.
            store.check_model(settings.embed_model)
        embedder = embedder or make_embedder(settings)
        store.check_model(embedder.model_name)
        tok = Tokenizer(store.terms()).warm()
        return cls(settings, store, embedder, tok)

    def llm_client(self):
        if self._llm is None:
            from kb.answer.llm import LLMClient

            self._llm = LLMClient(self.settings)
        return self._llm

    def understand(self, question: str, history: Sequence[Turn] = ()) -> Understood:
        """The question as it will be answered, read with the conversation so far: condensed
        by the LLM when one is configured, else (and when the model fails or returns no
        usable question) by the offline rules of ``kb.retrieve.followup``."""
        history = list(history)
        if not history or not question.strip():
            return Understood(question.strip())
        warning = ""
        if self.settings.llm_enabled:
            from kb.answer.llm import condense_messages

            turns = [(t.understood_as or t.question, t.answer) for t in history]
            try:
                reply = self.llm_client().complete(
                    condense_messages(question.strip(), turns[-CONDENSE_TURNS:])
                )
                out = accept_condensed(reply, question)
                if out:
                    return Understood(out, "llm" if out != question.strip() else "as_asked")
                warning = "大模型未给出可用的改写，已按规则理解追问。"
            except LLMError as e:
                warning = f"大模型暂不可用（{e}），已按规则理解追问。"
        understood = understand_by_rules(question, history, self.tok)
        understood.warning = warning
        return understood

    def _retrieve(
        self,
        question: str,
        k: int | None,
        filters: Filters | None,
        who: Principal | None = None,
    ):
        question = (question or "").strip()
        if not question:
            raise ValueError("question is empty")
        q = analyze(question, self.tok)
        k = k or self.settings.retrieval.k
        # A list question gathers items from across the corpus, not just the top passages.
        n = max(k * 5, 40) if q.is_list else max(k * 2, 12)
        return q, self.retriever.search(q, n, filters, who)

    @staticmethod
    def _admitted(snap, filters: Filters | None) -> set[str] | None:
        if filters is None or filters.empty():
            return None
        return {d.doc_id for d in snap.docs.values() if filters.admits_doc(d)}

    def _from_records(self, q, passages: list[Passage], snap, filters: Filters | None):
        doc_ids = self._admitted(snap, filters)
        return record_answer(q, snap, passages, self.tok, self.settings.answer, doc_ids)

    def _from_gongwen(self, q, passages: list[Passage], snap, filters: Filters | None):
        return gongwen_answer(q, snap, passages, self._admitted(snap, filters))

    def records(self, user: Principal | None = None, **filters) -> list[Record]:
        """Policy records (agreements, plans, measures, events) of the documents ``user`` may
        read, merged across them; keyword filters as in ``kb.store.records.select`` (kind, year,
        party, text, dated)."""
        return select(self.retriever.snapshot(user).records, **filters)

    def record_rows(self, records: list[Record], user: Principal | None = None) -> list[dict]:
        """Table rows for records, each with the document and paragraph that states it."""
        snap = self.retriever.snapshot(user)
        return table_rows(records, snap.docs, snap.chunks)

    # ---- documents, as a user may see them (None: the operator, who sees everything)
    def documents(self, user: Principal | None = None) -> list[DocumentRecord]:
        return [d for d in self.store.catalog.documents() if can_read(user, d.access)]

    def document(self, doc_id: str, user: Principal | None = None) -> DocumentRecord | None:
        """The document, or None when it does not exist or ``user`` may not read it (the
        two are indistinguishable on purpose)."""
        d = self.store.catalog.document(doc_id)
        return d if d is not None and can_read(user, d.access) else None

    def chunks(self, doc_id: str, user: Principal | None = None) -> list[ChunkRecord]:
        return self.store.catalog.chunks(doc_id) if self.document(doc_id, user) else []

    def set_access(self, doc_id: str, groups: list[str] | None, by: Principal | None) -> bool:
        """Restrict a document to groups (None: every user) without re-embedding it."""
        return change_access(self.store.catalog, self.audit, doc_id, groups, by)

    def _extractive(self, q, passages: list[Passage], snap) -> Answer:
        return answer(q, passages, snap, self.tok, self.settings.answer)

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        user: Principal | None = None,
        audit: bool = True,
        history: Sequence[Turn] | None = None,
    ) -> AskResult:
        """Answer with citations from the documents ``user`` may read: extractive by default,
        through the LLM when one is configured (its citations checked; any failure falls back
        to the extractive answer). With ``history`` (the conversation so far, possibly empty)
        the question is first read as a follow-up (``understand``) and the result says how
        (``understood_as``). The question and the cited documents go to the audit trail
        unless ``audit`` is False (eval runs)."""
        stream = StreamingAnswer(
            self, question, k, filters, streaming=False, user=user, audit=audit, history=history
        )
        for _ in stream:
            pass
        assert stream.result is not None
        return stream.result

    def ask_stream(
        self,
        question: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        user: Principal | None = None,
        audit: bool = True,
        history: Sequence[Turn] | None = None,
    ) -> StreamingAnswer:
        """Like ``ask``, but iterating yields the answer text as it is generated; ``.result``
        holds the checked AskResult once iteration ends. When the model fails (or none of
        its sentences is supported), the stream goes on with the extractive answer that
        replaces it, so a client reading only the stream still gets an answer."""
        return StreamingAnswer(self, question, k, filters, user=user, audit=audit, history=history)

    def status(self, user: Principal | None = None) -> dict:
        snap = self.retriever.snapshot(user)
        return {
            "documents": len(snap.docs),
            "chunks": len(snap.chunks),
            "embed_model": self.store.catalog.get_meta("embed_model"),
            "last_ingest": self.store.catalog.get_meta("last_ingest"),
            "home": str(self.settings.home),
            "mode": "llm" if self.settings.llm_enabled else "extractive",
            "llm_model": self.settings.llm_model if self.settings.llm_enabled else None,
        }


class StreamingAnswer:
    """One question's answer as a stream of text; the checked result when it ends."""

    def __init__(
        self,
        kb: KnowledgeBase,
        question: str,
        k: int | None,
        filters: Filters | None,
        *,
        streaming: bool = True,
        user: Principal | None = None,
        audit: bool = True,
        history: Sequence[Turn] | None = None,
    ) -> None:
        self.kb = kb
        self.history = None if history is None else list(history)
        self.streaming = streaming
        self.user = user
        self.audit = audit
        self.question = question
        self.k = k
        self.filters = filters
        self.result: AskResult | None = None

    def __iter__(self) -> Iterator[str]:
        understood = None
        if self.history is not None:
            # Read as a follow-up first; what is answered (and audited) is the understood text.
            asked = (self.question or "").strip()
            understood = self.kb.understand(asked, self.history)
            self.question = understood.text
        yield from self._run()
        r = self.result
        if r is not None and understood is not None:
            r.asked, r.understood = asked, understood
        if self.audit and r is not None:
            self.kb.audit.append(
                self.user.name if self.user else "operator",
                "ask",
                question=self.question,
                status=r.status,
                cited=list(dict.fromkeys(c.doc_id for c in r.answer.citations)),
            )

    def _run(self) -> Iterator[str]:
        kb, s = self.kb, self.kb.settings
        t0 = time.perf_counter()
        q, passages = kb._retrieve(self.question, self.k, self.filters, self.user)
        t1 = time.perf_counter()
        timings = {"retrieve": (t1 - t0) * 1000}

        def done(
            ans: Answer, mode: str, warnings: list[str], unsupported: list[str] | None = None
        ) -> None:
            t2 = time.perf_counter()
            timings.update(answer=(t2 - t1) * 1000, total=(t2 - t0) * 1000)
            self.result = AskResult(q.text, ans, passages, mode, timings, warnings, unsupported)

        snap = kb.retriever.snapshot(self.user)  # one catalog check per question, shared below
        missing = missing_anchor(q, snap)  # a year or place the corpus never mentions
        gw = None if missing else kb._from_gongwen(q, passages, snap, self.filters)
        if gw is not None:
            # A 公文's parts are stored facts: answered from them, each cited to its line.
            passages = gw.passages(snap, passages)
            done(gw.answer, "extractive", [])
            yield gw.answer.text
            return
        rec = None if missing else kb._from_records(q, passages, snap, self.filters)
        if rec is not None:
            # Records list every matching item, deterministically, with or without a model.
            passages = rec.passages(snap, passages)
            done(rec.answer, "extractive", [])
            assert self.result is not None
            self.result.records, self.result.record_cites = rec.records, rec.cites
            yield rec.answer.text
            return
        if not s.llm_enabled or not passages or missing:
            # No model, nothing retrieved, or a year/place the corpus never mentions: the
            # deterministic answer (or refusal) needs no model call.
            ans = kb._extractive(q, passages, snap)
            done(ans, "extractive", [])
            yield ans.text
            return
        client = kb.llm_client()
        messages, n = client.messages(q.text, passages)
        parts: list[str] = []
        try:
            if self.streaming:
                for delta in client.stream(messages):
                    parts.append(delta)
                    yield delta
            else:
                parts.append(client.complete(messages))
        except LLMError as e:
            ans = kb._extractive(q, passages, snap)
            warning = f"大模型暂不可用（{e}），已改用抽取式回答。"
            done(ans, "extractive", [warning])
            yield from _instead(self.streaming and bool(parts), warning, ans)
            return
        checked = check(
            "".join(parts),
            passages[:n],
            kb.tok,
            unsupported=s.llm_unsupported,
            min_overlap=s.llm_min_overlap,
        )
        if checked.status == "answered" and not checked.supported_count:
            ans = kb._extractive(q, passages, snap)
            warning = "大模型的回答没有一句能被来源证实，已改用抽取式回答。"
            done(ans, "extractive", [*checked.warnings, warning], checked.unsupported)
            yield from _instead(self.streaming and bool(parts), warning, ans)
            return
        reason = "模型判断语料不足以回答。" if checked.status == "not_found" else ""
        ans = Answer(checked.status, checked.text, checked.citations, reason)
        done(ans, "llm", checked.warnings, checked.unsupported)


def _instead(streamed: bool, warning: str, ans: Answer) -> Iterator[str]:
    """The fallback answer for a client that reads only the stream: after the model's words
    (when some were streamed) a line saying they are replaced and why, then the answer."""
    if streamed:
        yield f"\n\n{warning}\n\n"
    yield ans.text


__all__ = [
    "KnowledgeBase",
    "AskResult",
    "StreamingAnswer",
    "Filters",
    "StoreError",
    "Turn",
    "Understood",
]
