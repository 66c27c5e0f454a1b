"""Dense retrieval scores every chunk: the nearest passages by cosine, the same in every process
that opens the store, and the vectors a changed document was given, not those it had."""

from __future__ import annotations

import numpy as np

from ingest.pipeline import ingest
from kb.knowledge import KnowledgeBase
from kb.retrieve.exact import ChunkVectors
from kb.store.vectors import VectorStore


def test_the_nearest_chunks_are_found_exactly_and_in_a_fixed_order():
    m = np.array([[1, 0], [0.6, 0.8], [0.6, 0.8], [0, 1], [0, 0]], dtype=np.float32)
    has = np.array([True, True, True, True, False])
    v = ChunkVectors(["a", "b", "c", "d", "e"], m, has)
    # b and c tie: the earlier row first, every time; e has no vector yet and never matches
    assert [cid for cid, _ in v.top(np.array([0.6, 0.8]), 5)] == ["b", "c", "d", "a"]
    mask = np.array([True, False, True, True, True])
    assert [cid for cid, _ in v.top(np.array([0.6, 0.8]), 2, mask)] == ["c", "d"]
    assert v.subset(["d", "a"]).top(np.array([1.0, 0.0]), 1) == [("a", 1.0)]


def test_a_new_snapshot_reads_only_the_vectors_of_changed_chunks():
    read: list[list[str]] = []

    def index(ids):
        read.append(list(ids))
        return {cid: np.array([1.0, float(len(cid))]) for cid in ids}

    old = ChunkVectors.load(["a", "b"], {"a": "x", "b": "y"}, index)
    new = ChunkVectors.load(
        ["a", "b", "c"], {"a": "x", "b": "y changed", "c": "z"}, index, old, {"a": "x", "b": "y"}
    )
    assert read == [["a", "b"], ["b", "c"]]
    assert new.has.all() and np.allclose(np.linalg.norm(new.matrix, axis=1), 1.0)


def test_dense_passages_are_the_exact_nearest_and_follow_a_changed_document(hash_settings):
    assert not ingest(None, hash_settings).failed
    kb = KnowledgeBase.open(hash_settings)
    kb.ask("warm")  # loads the embedder
    r = kb._retriever
    stored = VectorStore(hash_settings)
    ids = sorted(stored.ids())
    vecs = stored.embeddings(ids)
    m = np.stack([vecs[i] / np.linalg.norm(vecs[i]) for i in ids])
    for q in (
        "G60科创走廊是如何治理的？",
        "软件园有哪些企业？",
        "Which parks host software firms?",
    ):
        found = r.search(q)
        dense = sorted((p.rank_dense, p.chunk_id) for p in found.passages if p.rank_dense)
        qv = r.search_vector(_q(kb, q), found.query_vector)
        best = [ids[i] for i in np.argsort(-(m @ (qv / np.linalg.norm(qv))), kind="stable")]
        assert dense[0][1] == best[0], q
        assert {cid for _, cid in dense} <= set(best[: max(rank for rank, _ in dense)]), q
    # a sentence of a document replaced: the same chunk, new text, its new vector searched
    path = next(hash_settings.corpus_dir.glob("shanghai-software-park-*.txt"))
    text = path.read_text(encoding="utf-8")
    line = next(t for t in text.split("\n") if "近年来" in t)
    new = "园区试行夜间无人机快递配送，覆盖全部楼宇。"
    path.write_text(text.replace(line, "  " + new, 1), encoding="utf-8")
    assert not ingest(None, hash_settings).failed
    hits = [p for p in r.search(new).passages if p.rank_dense == 1]
    assert hits and new in hits[0].text, [p.text[:40] for p in hits]


def _q(kb, text):
    from kb.retrieve.question import analyze

    return analyze(text, kb.tok)
