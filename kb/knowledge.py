"""The library's front door: open the store once, then ``ask`` as often as needed.

kb = KnowledgeBase.open(settings)          # models and stores loaded once
result = kb.ask("2018年签署了哪些协议？")     # AskResult, .to_dict() is the JSON contract
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kb.answer import Answer, answer
from kb.catalog import StoreError
from kb.embeddings import make_embedder
from kb.question import analyze
from kb.retrieve import HybridRetriever, Passage
from kb.settings import Settings
from kb.store import Store
from kb.tokenize import Tokenizer
from kb.vectors import Filters


@dataclass
class AskResult:
    question: str
    answer: Answer
    passages: list[Passage]
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.answer.status

    def to_dict(self) -> dict:
        d = {
            "question": self.question,
            "status": self.answer.status,
            "answer": self.answer.text,
            "citations": [c.to_dict() for c in self.answer.citations],
            "mode": self.mode,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
        if self.warnings:
            d["warnings"] = self.warnings
        return d


class KnowledgeBase:
    def __init__(self, settings: Settings, store: Store, embedder, tokenizer: Tokenizer) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.tok = tokenizer
        self.retriever = HybridRetriever(settings, store, embedder, tokenizer)

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

    def ask(
        self, question: str, *, k: int | None = None, filters: Filters | None = None
    ) -> AskResult:
        question = (question or "").strip()
        if not question:
            raise ValueError("question is empty")
        t0 = time.perf_counter()
        q = analyze(question, self.tok)
        k = k or self.settings.retrieval.k
        # A list question gathers items from across the corpus, not just the top passages.
        n = max(k * 5, 40) if q.is_list else max(k * 2, 12)
        passages = self.retriever.search(q, n, filters)
        t1 = time.perf_counter()
        snap = self.retriever.snapshot()
        ans = answer(q, passages, snap, self.tok, self.settings.answer)
        t2 = time.perf_counter()
        timings = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "total": (t2 - t0) * 1000,
        }
        return AskResult(question, ans, passages, "extractive", timings)

    def status(self) -> dict:
        counts = self.store.catalog.counts()
        return {
            **counts,
            "embed_model": self.store.catalog.get_meta("embed_model"),
            "last_ingest": self.store.catalog.get_meta("last_ingest"),
            "home": str(self.settings.home),
        }


__all__ = ["KnowledgeBase", "AskResult", "Filters", "StoreError"]
