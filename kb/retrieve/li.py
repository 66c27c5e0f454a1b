"""llama-index adapters for our embedder and retriever.

The query path does not import llama-index (about a second of start-up on these cores); these
thin wrappers give llama-index what it composes with when a caller wants it:
``embedder.as_llama_index()`` is a ``BaseEmbedding`` for its indexes, and
``retriever.as_llama_index()`` a ``BaseRetriever`` for its query engines and fusion.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

from kb.retrieve.retrieve import HybridRetriever, Passage


class LlamaIndexEmbedding(BaseEmbedding):
    """One of our embedders (``kb.core.protocols.Embedder``); async calls reuse the sync path."""

    _inner: Any = PrivateAttr(default=None)

    def __init__(self, inner: Any, **kw: Any) -> None:
        batch = getattr(inner, "embed_batch_size", 16)
        super().__init__(model_name=inner.model_name, embed_batch_size=batch, **kw)
        self._inner = inner

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner.query_vector(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._inner.passage_vectors([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._inner.passage_vectors(texts).tolist()


class LlamaIndexRetriever(BaseRetriever):
    """Our hybrid (BM25 + dense, fused) retriever behind llama-index's one interface."""

    def __init__(self, inner: HybridRetriever) -> None:
        super().__init__()
        self.inner = inner

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [to_node(p) for p in self.inner.search(query_bundle.query_str).passages]


def to_node(p: Passage) -> NodeWithScore:
    c = p.chunk
    node = TextNode(
        id_=c.chunk_id,
        text=c.text,
        metadata={
            "doc_id": c.doc_id,
            "title": p.doc.title,
            "source": p.doc.source,
            "section": c.section,
            "page": c.page,
            "paragraph": c.para_start,
        },
        start_char_idx=c.char_start,
        end_char_idx=c.char_end,
    )
    return NodeWithScore(node=node, score=p.score)
