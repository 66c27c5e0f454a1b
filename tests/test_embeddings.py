"""Embedding backends: the OpenAI-compatible one against a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from ingest.embed import unit_plan
from ingest.pipeline import ingest
from kb.answer.knowledge import KnowledgeBase
from kb.retrieve.embeddings import EmbeddingError, HashEmbedding, make_embedder


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
