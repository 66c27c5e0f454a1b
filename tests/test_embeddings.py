"""Embedding and vector backends: the OpenAI-compatible endpoint against a real HTTP server
on loopback, a llama-index embedding and a vector index of the caller's own handed in."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from embedders import HashEmbedding

from ingest.embed import unit_plan
from ingest.pipeline import ingest
from kb.knowledge import KnowledgeBase
from kb.retrieve.embeddings import EmbeddingError, make_embedder
from kb.store.catalog import Catalog, StoreError
from kb.store.vectors import VectorIndex, VectorStore


class _Embeddings(BaseHTTPRequestHandler):
    """Speaks POST /v1/embeddings like any OpenAI-compatible server; vectors from HashEmbedding."""

    model = HashEmbedding()
    calls: list[int] = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        _Embeddings.calls.append(len(texts))
        vecs = self.model.passage_vectors(texts)
        out = {
            "object": "list",
            "model": body["model"],
            "data": [
                {"object": "embedding", "index": i, "embedding": v.tolist()}
                for i, v in enumerate(vecs)
            ],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


@pytest.fixture
def embed_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}/v1"
    srv.shutdown()


def test_openai_compatible_endpoint_ingests_and_answers(hash_settings, embed_server):
    s = hash_settings.model_copy(
        update={"embed_model": "openai:bge-m3", "embed_base_url": embed_server}
    )
    report = ingest(None, s)
    kb = KnowledgeBase.open(s)
    # each distinct sentence (and title/section line) of a document is embedded once
    cat = kb.store.catalog
    distinct = sum(len(unit_plan(d, cat.chunks(d.doc_id))[0]) for d in cat.documents())
    assert report.count("added") == 5 and sum(_Embeddings.calls) == distinct
    assert kb.store.catalog.get_meta("embed_model") == "openai:bge-m3"
    r = kb.ask("G60科创走廊是如何治理的？")
    assert r.status == "answered" and "联席会议" in r.answer.text
    v = kb.embedder.query_vector("长三角")
    assert v.shape == (384,) and abs(np.linalg.norm(v) - 1) < 1e-5


def test_endpoint_down_is_a_clear_error(hash_settings):
    s = hash_settings.model_copy(
        update={"embed_model": "openai:x", "embed_base_url": "http://127.0.0.1:9/v1"}
    )
    with pytest.raises(EmbeddingError, match="embedding endpoint failed"):
        make_embedder(s).passage_vectors(["长三角"])


def test_unknown_backend_is_refused(hash_settings):
    with pytest.raises(EmbeddingError, match="unknown embedding model"):
        make_embedder(hash_settings.model_copy(update={"embed_model": "word2vec"}))


def test_a_python_backend_that_cannot_be_loaded_is_named(hash_settings):
    s = hash_settings.model_copy(update={"embed_model": "py:no_such_module:Model"})
    with pytest.raises(EmbeddingError, match="py:no_such_module:Model"):
        make_embedder(s)


class _LlamaIndexModel:
    """Stands in for any llama-index ``BaseEmbedding`` integration: its two public calls,
    returning plain lists that are not unit length."""

    model_name = "li-hash"

    def __init__(self) -> None:
        self._inner = HashEmbedding()

    def get_query_embedding(self, query: str) -> list[float]:
        return (3 * self._inner.query_vector(query)).tolist()

    def get_text_embedding_batch(self, texts: list[str], **kw) -> list[list[float]]:
        return (3 * self._inner.passage_vectors(texts)).tolist()


def test_llama_index_embedding_is_adapted(hash_settings):
    from llama_index.core.base.embeddings.base import BaseEmbedding

    class Model(BaseEmbedding):  # a real BaseEmbedding subclass, as an integration is
        def _get_query_embedding(self, query):
            return _LlamaIndexModel().get_query_embedding(query)

        async def _aget_query_embedding(self, query):
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text):
            return _LlamaIndexModel().get_text_embedding_batch([text])[0]

    model = Model(model_name="li-hash")
    s = hash_settings.model_copy(update={"embed_model": "li-hash"})
    report = ingest(None, s, embedder=model)
    assert report.count("added") == 5 and not report.failed
    kb = KnowledgeBase.open(s, embedder=model)
    # named by class and model: llama-index calls every unnamed model "unknown"
    assert kb.store.catalog.get_meta("embed_model") == "llama-index:Model:li-hash"
    v = kb.embedder.query_vector("长三角")
    assert abs(np.linalg.norm(v) - 1) < 1e-5  # Chroma and the evidence model get unit vectors
    r = kb.ask("G60科创走廊是如何治理的？")
    assert r.status == "answered" and r.passages[0].rank_dense is not None


def test_backends_that_are_not_backends_are_refused_before_anything_is_stored(hash_settings):
    with pytest.raises(EmbeddingError, match="passage_vectors"):
        ingest(None, hash_settings, embedder=object())
    with pytest.raises(StoreError, match="not a vector index"):
        ingest(None, hash_settings, vectors=object(), rebuild=True)
    assert Catalog(hash_settings.catalog_path).documents() == []


class MemoryIndex:
    """A vector index of the caller's own: brute-force cosine over a dict, with the subset of
    Chroma's ``where`` language that ``Filters.where()`` writes."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[np.ndarray, dict]] = {}

    def upsert(self, ids, vectors, texts, metas) -> None:
        for i, v, m in zip(ids, vectors, metas, strict=True):
            self.rows[i] = (np.asarray(v, dtype=np.float32), dict(m))

    def delete(self, ids) -> None:
        for i in ids:
            self.rows.pop(i, None)

    def ids(self) -> set[str]:
        return set(self.rows)

    def count(self) -> int:
        return len(self.rows)

    def query(self, vector, n, filters=None):
        where = filters.where() if filters else None
        hits = [
            (i, float(np.dot(v, vector))) for i, (v, m) in self.rows.items() if _admits(where, m)
        ]
        return sorted(hits, key=lambda h: -h[1])[:n]


def _admits(where: dict | None, meta: dict) -> bool:
    if not where:
        return True
    if "$and" in where:
        return all(_admits(w, meta) for w in where["$and"])
    ((key, cond),) = where.items()
    ((op, want),) = cond.items() if isinstance(cond, dict) else (("$eq", cond),)
    have = meta.get(key)
    return {
        "$eq": lambda: have == want,
        "$in": lambda: have in want,
        "$nin": lambda: have not in want,
        "$gte": lambda: have is not None and have >= want,
        "$lte": lambda: have is not None and have <= want,
    }[op]()


def test_a_vector_index_of_ones_own_gives_what_chroma_gives(hash_settings, tmp_path):
    from kb.core.filters import Filters

    index = MemoryIndex()
    assert isinstance(index, VectorIndex) and isinstance(VectorStore(hash_settings), VectorIndex)
    mine = hash_settings.model_copy(update={"home": tmp_path / "mine"})
    assert not ingest(None, mine).failed  # first into Chroma under this KB_HOME
    in_chroma = VectorStore(mine).count()
    assert in_chroma > 0
    # rebuilt with an index of its own: that index is filled, the Chroma folder left alone
    assert not ingest(None, mine, vectors=index, rebuild=True).failed
    assert VectorStore(mine).count() == in_chroma
    assert index.count() == Catalog(mine.catalog_path).counts()["chunks"] == in_chroma
    assert not ingest(None, hash_settings).failed
    a = KnowledgeBase.open(mine, vectors=index)
    b = KnowledgeBase.open(hash_settings)
    for q, f in [
        ("G60科创走廊是如何治理的？", None),
        ("长三角一体化发展的目标是什么？", None),
        ("软件园有哪些企业？", Filters(doc_types=["park_profile"])),
        ("2019年发生了什么？", Filters(year_from=2019, year_to=2019)),
    ]:
        ra, rb = a.ask(q, filters=f), b.ask(q, filters=f)
        assert ra.to_dict()["answer"] == rb.to_dict()["answer"], q
        dense = [(p.chunk.chunk_id, p.rank_dense) for p in ra.passages]
        assert dense == [(p.chunk.chunk_id, p.rank_dense) for p in rb.passages], q
        assert any(p.rank_dense for p in ra.passages), q
