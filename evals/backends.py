"""What an eval asks: the knowledge base as configured (presets ``default`` and ``llm``) or
the llama-index defaults it is measured against (``naive``), behind one small interface."""

from __future__ import annotations

import hashlib
import time

from kb.core.errors import InputError
from kb.core.protocols import Embedder
from kb.core.settings import Settings

PRESETS = ("default", "naive", "llm")


class Backend:
    """What the runner needs: ask a question, read a document's text."""

    name = "default"
    user = None  # the kb.store.access.Principal whose access the answers get; None: all

    def ask(self, question: str):  # -> kb.knowledge.AskResult
        raise NotImplementedError

    def document_access(self) -> dict[str, list[str] | None]:
        """doc_id -> the groups that may read it (None: every user), for the run's record;
        a document missing here is recorded as readable by admins only."""
        return {}

    def document_text(self, doc_id: str) -> str:
        raise NotImplementedError

    def snapshot_info(self) -> dict:
        return {}


class KBBackend(Backend):
    """The knowledge base as ``user`` sees it (None: the operator, every document). Eval
    questions are not written to the audit trail: they are nobody's questions."""

    def __init__(self, kb, k: int | None = None, user=None) -> None:
        self.kb = kb
        self.k = k
        self.user = user
        self._texts: dict[str, str] = {}

    def ask(self, question: str):
        return self.kb.ask(question, k=self.k, user=self.user, audit=False)

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            d = self.kb.document(doc_id, self.user)
            self._texts[doc_id] = d.text if d else ""
        return self._texts[doc_id]

    def snapshot_info(self) -> dict:
        return self.kb.status(self.user)

    def document_access(self) -> dict[str, list[str] | None]:
        return {d.doc_id: d.access for d in self.kb.documents(None)}


def make_backend(preset: str, settings: Settings, k: int | None = None, user=None) -> Backend:
    """``user``: a kb.store.access.Principal whose access the answers get (None: every document)."""
    from kb.knowledge import KnowledgeBase

    if preset == "default":
        return KBBackend(KnowledgeBase.open(settings), k, user)
    if preset == "llm":
        if not settings.llm_enabled:
            raise InputError("preset llm needs KB_LLM_BASE_URL and KB_LLM_MODEL")
        return KBBackend(KnowledgeBase.open(settings), k, user)
    if preset == "naive":
        return NaiveBackend(settings)
    raise InputError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")


class NaiveBackend(Backend):
    """llama-index defaults: SentenceSplitter (1024 tokens), in-memory vector index, top-2."""

    name = "naive"

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        from llama_index.core import (
            Document,
            StorageContext,
            VectorStoreIndex,
            load_index_from_storage,
        )
        from llama_index.core.node_parser import SentenceSplitter

        from ingest.limits import ReadLimits
        from ingest.pipeline import discover, source_of
        from ingest.read.file import read_file
        from kb.retrieve.embeddings import as_embedder, make_embedder
        from kb.retrieve.li import LlamaIndexEmbedding

        self.settings = settings
        self.embedder = as_embedder(embedder) if embedder else make_embedder(settings)
        files, _, _ = discover([settings.corpus_dir])
        max_args = (int(settings.max_file_mb * 1e6), settings.max_pdf_pages)
        docs = []
        self._texts: dict[str, str] = {}
        h = hashlib.sha256(self.embedder.model_name.encode())
        for f in files:
            try:
                text = read_file(f, *max_args, limits=ReadLimits.of(settings)).text
            except Exception:
                continue
            src = source_of(f, settings)
            self._texts[src] = text
            h.update(src.encode() + text.encode())
            docs.append(Document(text=text, metadata={"source": src}, id_=src))
        cache = settings.home / "naive" / h.hexdigest()[:16]
        embed_model = LlamaIndexEmbedding(self.embedder)
        if (cache / "docstore.json").exists():
            index = load_index_from_storage(
                StorageContext.from_defaults(persist_dir=str(cache)), embed_model=embed_model
            )
        else:
            nodes = SentenceSplitter().get_nodes_from_documents(docs)
            index = VectorStoreIndex(nodes, embed_model=embed_model)
            index.storage_context.persist(persist_dir=str(cache))
        self.retriever = index.as_retriever(similarity_top_k=2)
        self.n_nodes = len(index.docstore.docs)

    def ask(self, question: str):
        from kb.answer.citations import Answer, Citation
        from kb.core.text import sentences
        from kb.knowledge import AskResult
        from kb.retrieve.retrieve import Passage
        from kb.store.catalog import ChunkRecord, DocumentRecord

        t0 = time.perf_counter()
        hits = self.retriever.retrieve(question)
        t1 = time.perf_counter()
        passages, cites = [], []
        for i, h in enumerate(hits, 1):
            src = h.node.metadata.get("source", "")
            text = h.node.get_content()
            doc = DocumentRecord(doc_id=src, source=src, title=src)
            passages.append(Passage(ChunkRecord(h.node.node_id, src, i, text), doc, h.score or 0.0))
            first = next((s for s in sentences(text) if len(s) >= 8), text[:80])
            cites.append(Citation(i, src, src, src, f"node {i}", first, text, h.node.node_id))
        answer_text = "\n\n".join(f"{p.text}[{i}]" for i, p in enumerate(passages, 1))
        t2 = time.perf_counter()
        timings = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "total": (t2 - t0) * 1000,
        }
        return AskResult(
            question, Answer("answered", answer_text, cites), passages, "naive", timings
        )

    def document_text(self, doc_id: str) -> str:
        return self._texts.get(doc_id, "")

    def document_access(self) -> dict[str, list[str] | None]:
        # The files are read where they lie; their access is what the store says of the
        # same source (a file the store does not hold is left to admins).
        from kb.store.catalog import Catalog
        from kb.store.db import open_database

        s = self.settings
        docs = (
            Catalog(open_database(s)).documents()
            if s.database_url or s.catalog_path.is_file()
            else []
        )
        return {d.source: d.access for d in docs if d.source in self._texts}

    def snapshot_info(self) -> dict:
        return {
            "documents": len(self._texts),
            "chunks": self.n_nodes,
            "embed_model": self.embedder.model_name,
        }
