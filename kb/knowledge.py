"""The library's front door: open the store once, then ``ask`` as often as needed.

kb = KnowledgeBase.open(settings)          # the store; the model and jieba load on first ask
result = kb.ask("2018年签署了哪些协议？")     # AskResult, .to_dict() is the JSON contract
for delta in (s := kb.ask_stream(q)): ...  # streamed text; s.result is the checked answer
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from kb.answer.anchors import missing_anchor
from kb.answer.answer import answer
from kb.answer.answerers import ANSWERERS
from kb.answer.asking import Asking
from kb.answer.citations import Answer
from kb.answer.compound import merge
from kb.answer.llm import LLMError
from kb.answer.result import AskResult
from kb.answer.verify import check
from kb.answer.which_article import answer_article
from kb.core.errors import InputError
from kb.core.filters import Filters
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.core.tokenize import Tokenizer
from kb.retrieve.embeddings import as_embedder, make_embedder
from kb.retrieve.followup import Turn, Understood, accept_condensed, understand_by_rules
from kb.retrieve.question import analyze
from kb.retrieve.retrieve import HybridRetriever, Retrieved, Snapshot
from kb.retrieve.split import split_question
from kb.store.access import Principal, can_read, change_access
from kb.store.audit import AuditLog
from kb.store.catalog import ChunkRecord, DocumentRecord, StoreError
from kb.store.records import Record, select, table_rows
from kb.store.store import Store
from kb.store.users import Users
from kb.store.vectors import VectorIndex

# Turns the model sees when condensing a follow-up: a follow-up points at the last few
# exchanges, and a long thread must not crowd out the question (nor cost tokens).
CONDENSE_TURNS = 6


class KnowledgeBase:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        embedder: Embedder | None = None,
        tokenizer: Tokenizer | None = None,
    ) -> None:
        """``embedder``/``tokenizer`` None: the ones settings name, loaded on first use, so
        listing documents, records, status or users never loads a model or jieba."""
        self.settings = settings
        self.store = store
        self._embedder = embedder
        self._tok = tokenizer
        # Its snapshots need neither; they are handed to it as they load.
        self._retriever = HybridRetriever(settings, store, embedder, tokenizer)
        self._loading = threading.Lock()  # one load, however many threads ask first
        self.users = Users(store.catalog, settings.auth)
        self.audit = AuditLog(store.catalog, settings.audit_retention_days)
        self._llm = None

    @classmethod
    def open(
        cls, settings: Settings, *, embedder: Any = None, vectors: VectorIndex | None = None
    ) -> KnowledgeBase:
        """``embedder``: any ``kb.core.protocols.Embedder`` (or llama-index ``BaseEmbedding``)
        instead of the one settings name; ``vectors``: a vector index instead of Chroma."""
        store = Store(settings, vectors)
        if embedder is None:
            # Refuse a store built with another model now, not at the first question.
            store.check_model(settings.embed_model)
        else:
            embedder = as_embedder(embedder)
            store.check_model(embedder.model_name)
        return cls(settings, store, embedder)

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use (the first question or search)."""
        if self._embedder is None:
            with self._loading:
                if self._embedder is None:
                    e = make_embedder(self.settings)
                    self.store.check_model(e.model_name)
                    self._retriever.embedder = e
                    self._embedder = e
        return self._embedder

    @property
    def tok(self) -> Tokenizer:
        """jieba with the corpus's terms, its dictionary loaded on first use."""
        if self._tok is None:
            with self._loading:
                if self._tok is None:
                    tok = Tokenizer(self.store.terms()).warm()
                    self._retriever.tok = tok
                    self._tok = tok
        return self._tok

    @property
    def retriever(self) -> HybridRetriever:
        """Hybrid search over the store, with the model and the tokenizer loaded."""
        _ = self.embedder, self.tok
        return self._retriever

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
        search: bool = True,
        snap: Snapshot | None = None,
    ):
        """The question analysed and what retrieval found (nothing when ``search`` is False);
        ``snap``: the view of the corpus ``who`` may read, when the caller holds it already."""
        question = (question or "").strip()
        if not question:
            raise InputError("question is empty")
        q = analyze(question, self.tok, self._known(snap or self._retriever.snapshot(who)))
        if not search:
            return q, Retrieved([])
        k = k or self.settings.retrieval.k
        # A list gathers items across the corpus. The pool grows with k (12, 40 at the default).
        return q, self.retriever.search(q, k * 5 + 10 if q.is_list else k * 2, filters, who)

    def _known(self, snap: Snapshot):
        """Whether the corpus of ``snap`` uses a word (every one of its search tokens)."""
        df = snap.bm25.df
        tok = self.tok

        def known(word: str) -> bool:
            toks = tok.tokens(word)
            return bool(toks) and all(df.get(t, 0) for t in toks)

        return known

    def records(self, user: Principal | None = None, **filters) -> list[Record]:
        """Policy records (agreements, plans, measures, events) of the documents ``user`` may
        read, merged across them; keyword filters as in ``kb.store.records.select`` (kind, year,
        party, text, dated)."""
        return select(self._retriever.snapshot(user).records, **filters)

    def record_rows(self, records: list[Record], user: Principal | None = None) -> list[dict]:
        """Table rows for records, each with the document and paragraph that states it."""
        snap = self._retriever.snapshot(user)
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

    def _extractive(self, a: Asking) -> Answer:
        return answer(a.q, a.passages, a.query_vector, a.snap, self.tok, self.settings.answer)

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
        a = self._begin(question, k, filters, user, audit, history)
        result = self._without_model(a)
        if result is None:
            client = self.llm_client()
            messages, n = client.messages(a.q.text, a.passages)
            try:
                reply = client.complete(messages)
            except LLMError as e:
                result = self._model_failed(a, e)
            else:
                result = self._from_model(a, reply, n)
        return self._finish(a, result)

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
        return StreamingAnswer(self, question, k, filters, user, audit, history)

    # ---- the steps of one question, shared by ask() and StreamingAnswer
    def _begin(self, question, k, filters, user, audit, history) -> Asking:
        """Understand (with a conversation) and retrieve: what every answer path needs."""
        asked, understood = None, None
        if history is not None:
            # Read as a follow-up first; what is answered (and audited) is the understood text.
            asked = (question or "").strip()
            understood = self.understand(asked, history)
            question = understood.text
        t0 = time.perf_counter()
        # Without a model, a question that asks several things is answered part by part
        # (kb.retrieve.split): each part is retrieved then, not the whole.
        parts = [] if self.settings.llm_enabled else split_question(question or "", self.tok.pos)
        snap = self.retriever.snapshot(user)  # one catalog check per question, shared below
        q, found = self._retrieve(question, k, filters, user, len(parts) < 2, snap)
        t1 = time.perf_counter()
        return Asking(
            question, asked, understood, user, filters, audit, q, found.passages, found.query_vector,
            snap=snap, started=t0, retrieved=t1, k=k, parts=parts if len(parts) > 1 else [],
        )  # fmt: skip

    def _without_model(self, a: Asking) -> AskResult | None:
        """The answer when no model call is needed, else None: the first answerer of
        ``kb.answer.answerers.ANSWERERS`` that answers."""
        return self._compound(a, a.parts) if a.parts else self._first_answer(a)

    def _first_answer(self, a: Asking) -> AskResult | None:
        # a year, title, name or topic the corpus never mentions
        a.missing = missing_anchor(a.q, a.snap, self.tok)
        for answerer in ANSWERERS:
            if (result := answerer.answer(self, a)) is not None:
                return result
        return None

    def _compound(self, a: Asking, parts: list[str]) -> AskResult:
        """A question that asks several things: each part answered on its own (an LLM, when
        configured, takes the whole question instead), the answers merged."""
        answers, passages = [], {}
        for part in parts:
            said = answer_article(part, answers, a.snap, a.q.lang)  # "这是条例第几条规定的"
            if said is None:
                q, found = self._retrieve(part, a.k, a.filters, a.user, snap=a.snap)
                sub = replace(a, q=q, passages=found.passages, query_vector=found.query_vector)
                said = self._first_answer(sub).answer
                for p in sub.passages:
                    passages.setdefault(p.chunk_id, p)
            answers.append(said)
        a.passages = list(passages.values())
        a.extra = {"parts": parts}
        return a.result(merge(parts, answers, a.q.lang), "extractive")

    def _model_failed(self, a: Asking, e: LLMError) -> AskResult:
        warning = f"大模型暂不可用（{e}），已改用抽取式回答。"
        ans = self._extractive(a)
        return a.result(ans, "extractive", [warning], fallback=warning)

    def _from_model(self, a: Asking, reply: str, n: int) -> AskResult:
        """The model's reply with every sentence checked against the ``n`` passages it saw;
        the extractive answer instead when none of its sentences is supported."""
        s = self.settings
        checked = check(
            reply, a.passages[:n], self.tok, unsupported=s.llm_unsupported,
            min_overlap=s.llm_min_overlap,
        )  # fmt: skip
        if checked.status == "answered" and not checked.supported_count:
            warning = "大模型的回答没有一句能被来源证实，已改用抽取式回答。"
            ans = self._extractive(a)
            warnings = [*checked.warnings, warning]
            return a.result(ans, "extractive", warnings, checked.unsupported, fallback=warning)
        reason = "模型判断语料不足以回答。" if checked.status == "not_found" else ""
        ans = Answer(checked.status, checked.text, checked.citations, reason)
        return a.result(ans, "llm", checked.warnings, checked.unsupported)

    def _finish(self, a: Asking, r: AskResult) -> AskResult:
        if a.understood is not None:
            r.asked, r.understood = a.asked, a.understood
        if a.audit:
            self.audit.append(
                a.user.name if a.user else "operator",
                "ask",
                question=a.question,
                status=r.status,
                cited=list(dict.fromkeys(c.doc_id for c in r.answer.citations)),
            )
        return r

    def status(self, user: Principal | None = None) -> dict:
        snap = self._retriever.snapshot(user)
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

    def __init__(self, kb: KnowledgeBase, question: str, k, filters, user, audit, history) -> None:
        self.kb = kb
        self._args = (question, k, filters, user, audit, None if history is None else list(history))
        self.result: AskResult | None = None

    def __iter__(self) -> Iterator[str]:
        kb = self.kb
        a = kb._begin(*self._args)
        self.result = kb._without_model(a)
        if self.result is not None:
            yield self.result.answer.text
        else:
            client = kb.llm_client()
            messages, n = client.messages(a.q.text, a.passages)
            parts: list[str] = []
            try:
                for delta in client.stream(messages):
                    parts.append(delta)
                    yield delta
            except LLMError as e:
                self.result = kb._model_failed(a, e)
            else:
                self.result = kb._from_model(a, "".join(parts), n)
            if self.result.fallback:
                yield from _instead(bool(parts), self.result.fallback, self.result.answer)
        kb._finish(a, self.result)


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
    "StoreError",
    "Turn",
    "Understood",
]
