"""The dense side: a Chroma collection (embedded on disk, or a `chroma run` server).

We talk to chromadb directly rather than through llama-index's ChromaVectorStore: its
``add`` is not an upsert (re-running an interrupted ingest must be idempotent) and it stores
a JSON copy of every node in the metadata. Embeddings are always passed in: Chroma's
default embedding function would try to download a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from kb.core.filters import Filters
from kb.core.settings import Settings, redact_url
from kb.store.catalog import StoreError

_BATCH = 500
# HNSW search breadth. Chroma's default (100) missed the nearest neighbour of a 941-chunk
# collection in about half the processes that opened it (the graph is rebuilt at open until
# sync_threshold vectors are stored), so the same question got other passages run to run;
# 400 found it in 8 of 8 (kb ask p95 then 108 ms on the corpus, 157 ms beside the policy
# corpus: benchmarks/last_run.txt). Not enough for a vector far from the rest, unreachable in
# some builds of the graph at any breadth: retrieval now scores every chunk itself
# (kb.retrieve.exact, from ``embeddings``); ``query`` serves other callers.
EF_SEARCH = 400


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        u = urlparse(settings.chroma_url)
        if not u.hostname:
            raise StoreError(f"KB_CHROMA_URL is not a URL: {redact_url(settings.chroma_url)!r}")
        return chromadb.HttpClient(
            host=u.hostname,
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


@runtime_checkable
class VectorIndex(Protocol):
    """What the library needs of a vector database: Chroma here (``VectorStore``); another
    one, or a test double, is handed in as ``Store(settings, vectors=...)``."""

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metas: Sequence[dict]
    ) -> None:
        """Insert or replace (an interrupted ingest is re-run over what it wrote)."""

    def delete(self, ids: Sequence[str]) -> None: ...

    def ids(self) -> set[str]: ...

    def count(self) -> int: ...

    def query(
        self, vector: np.ndarray, n: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first, among vectors ``filters.where()`` admits."""


class VectorStore:
    """A Chroma collection as a ``VectorIndex``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        try:
            self.client = chroma_client(settings)
            self.col = self._collection()
        except StoreError:
            raise
        except Exception as e:  # connection refused, bad path, ...
            where = redact_url(settings.chroma_url) if settings.chroma_url else settings.chroma_path
            raise StoreError(f"cannot open Chroma at {where}: {e}") from e

    def _collection(self):
        col = self.client.get_or_create_collection(
            self.settings.collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
        )
        hnsw = (col.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search", EF_SEARCH) < EF_SEARCH:  # a store made before the change
            col.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        return col

    def _retry(self, call):
        """Run call(collection); when `kb ingest --rebuild` (here or in another process) has
        replaced the collection, reopen it by name once and run again."""
        from chromadb.errors import NotFoundError

        try:
            return call(self.col)
        except NotFoundError:
            self.col = self._collection()
            return call(self.col)

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metas: Sequence[dict]
    ) -> None:
        for i in range(0, len(ids), _BATCH):
            part = slice(i, i + _BATCH)
            self._retry(
                lambda col, part=part: col.upsert(
                    ids=list(ids[part]),
                    embeddings=np.asarray(vectors[part], dtype=np.float32),
                    documents=list(texts[part]),
                    metadatas=[{k: v for k, v in m.items() if v is not None} for m in metas[part]],
                )
            )

    def update_meta(self, ids: Sequence[str], metas: Sequence[dict]) -> None:
        """New metadata for stored vectors (a document re-described, not re-embedded); not
        part of ``VectorIndex``: an index without it keeps the metadata it has."""
        for i in range(0, len(ids), _BATCH):
            part = slice(i, i + _BATCH)
            self._retry(
                lambda col, part=part: col.update(
                    ids=list(ids[part]),
                    metadatas=[{k: v for k, v in m.items() if v is not None} for m in metas[part]],
                )
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self._retry(lambda col, i=i: col.delete(ids=ids[i : i + _BATCH]))

    def ids(self) -> set[str]:
        return set(self._retry(lambda col: col.get(include=[]))["ids"])

    def count(self) -> int:
        return self._retry(lambda col: col.count())

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` (those it has): what exact search scores
        (kb.retrieve.exact); not part of ``VectorIndex``: an index without it is searched
        with ``query``."""
        held = self.ids()  # Chroma fails on an id it does not hold (a document being embedded)
        ids = [i for i in ids if i in held]
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            res = self._retry(lambda col, part=part: col.get(ids=part, include=["embeddings"]))
            out.update(
                (cid, np.asarray(v, dtype=np.float32))
                for cid, v in zip(res["ids"], res["embeddings"], strict=True)
            )
        return out

    def query(
        self, vector: np.ndarray, n: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        total = self.count()
        if total == 0:
            return []
        res = self._retry(
            lambda col: col.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=min(n, total),
                where=filters.where() if filters else None,
                include=["distances"],
            )
        )
        return [
            (i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=False)
        ]
