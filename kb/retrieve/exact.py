"""Exact dense search over the snapshot's chunk vectors.

Chroma's HNSW graph is rebuilt each time a collection under its sync threshold is opened, and
in some builds a vector far from the rest (a short English line in a Chinese report) cannot be
reached at any search breadth: the same question then got other passages, and another answer,
from one process to the next (realdocs-v1 x32: the 5th nearest chunk missing in about one open
of three, ef_search 400 and 400 results asked alike). Scoring every chunk the snapshot holds is
exact and the same every time, and costs milliseconds at the corpus sizes we serve (18,000
chunks: benchmarks/ask_latency.py --with-policy). The vectors are read from the index once per
snapshot; a new snapshot keeps the rows of chunks whose text did not change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ChunkVectors:
    """Unit-length vectors of chunks in the order of ``ids``; a chunk with no vector yet (its
    document is still being embedded) has a zero row and never matches."""

    def __init__(self, ids: Sequence[str], matrix: np.ndarray, has: np.ndarray) -> None:
        self.ids = list(ids)
        self.matrix = matrix
        self.has = has
        self._row = {cid: i for i, cid in enumerate(self.ids)}

    @classmethod
    def load(
        cls,
        ids: Sequence[str],
        texts: dict[str, str],
        read,
        previous: ChunkVectors | None = None,
        previous_texts: dict[str, str] | None = None,
    ) -> ChunkVectors:
        """The vectors of ``ids``: a row of ``previous`` where the chunk's text is the same
        (``texts``/``previous_texts``: chunk id to text), the rest by ``read(ids)`` (the vector
        index's ``embeddings``: chunk id to vector, absent when it has none)."""
        found: dict[str, np.ndarray] = {}
        if previous is not None and previous_texts is not None:
            for cid in ids:
                i = previous._row.get(cid)
                if i is not None and previous.has[i] and previous_texts.get(cid) == texts.get(cid):
                    found[cid] = previous.matrix[i]
        todo = [cid for cid in ids if cid not in found]
        if todo:
            found.update(read(todo))
        dim = next((len(v) for v in found.values()), 0)
        matrix = np.zeros((len(ids), dim), dtype=np.float32)
        has = np.zeros(len(ids), dtype=bool)
        for i, cid in enumerate(ids):
            v = found.get(cid)
            if v is not None:
                norm = float(np.linalg.norm(v))
                if norm > 0:
                    matrix[i] = np.asarray(v, dtype=np.float32) / norm
                    has[i] = True
        return cls(ids, matrix, has)

    def subset(self, ids: Sequence[str]) -> ChunkVectors:
        """These vectors for ``ids`` (all of them among this one's), in their order."""
        rows = np.fromiter((self._row[cid] for cid in ids), dtype=np.int64, count=len(ids))
        return ChunkVectors(ids, self.matrix[rows], self.has[rows])

    def top(
        self, vector: np.ndarray, n: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``n`` nearest chunks, best first, among the rows
        ``mask`` admits (None: all); ties by position, so the order never varies."""
        if not len(self.ids) or not self.matrix.shape[1]:
            return []
        q = np.asarray(vector, dtype=np.float32)
        q = q / (float(np.linalg.norm(q)) or 1.0)
        ok = self.has if mask is None else self.has & mask
        # not BLAS: its threads, left spinning on two cores, slowed the next question's e5
        # encoding fourfold (benchmarks/ask_latency.py --with-policy: p50 45 -> 120 ms)
        sims = np.einsum("ij,j->i", self.matrix, q)
        sims[~ok] = -np.inf
        k = min(n, int(ok.sum()))
        if k <= 0:
            return []
        # the k best (ties at the k-th kept whole), then in order of score and row
        cut = np.partition(sims, len(sims) - k)[len(sims) - k]
        rows = np.flatnonzero(sims >= cut)
        order = rows[np.lexsort((rows, -sims[rows]))][:k]
        return [(self.ids[i], float(sims[i])) for i in order]
