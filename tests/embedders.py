"""A fast deterministic embedder for tests that do not judge retrieval quality, loaded the way
a user plugs in their own backend: ``KB_EMBED_MODEL=py:embedders:HashEmbedding`` (the tests
folder is on the Python path of the test session and of every process it starts)."""

from __future__ import annotations

import hashlib

import numpy as np

HASH = "py:embedders:HashEmbedding"


class HashEmbedding:
    """Bag of character uni/bi-grams hashed into 384 dims, L2-normalised. Deterministic and
    about 1000x faster than a model: lexical similarity only."""

    dim: int = 384
    model_name: str = HASH
    embed_batch_size: int = 16

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = "".join(text.split()).lower()
        grams = list(t) + [t[i : i + 2] for i in range(len(t) - 1)]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def query_vector(self, text: str) -> np.ndarray:
        return self._vec(text)

    def passage_vectors(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim))


class QueryDown(HashEmbedding):
    """Ingests like HashEmbedding; at question time its (remote) endpoint is down."""

    def query_vector(self, text: str) -> np.ndarray:
        from kb.core.errors import EmbeddingError

        raise EmbeddingError("embedding endpoint failed: http://10.1.2.3:8080 refused")
