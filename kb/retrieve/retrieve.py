"""Hybrid retrieval: BM25 over jieba tokens + dense (Chroma), fused by reciprocal rank (or
normalised scores), with filters and a boost for passages carrying the question's years.

``search`` is the call our answerer uses (its passages and query vector, ``Retrieved``);
``as_llama_index()`` (or ``retrieve``) gives the same retriever as a llama-index
``BaseRetriever`` (``kb.retrieve.li``), so it composes with llama-index query engines without
the query path importing llama-index.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass, replace

import numpy as np

from kb.core.filters import Filters
from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.core.text import norm
from kb.core.tokenize import Tokenizer
from kb.retrieve.duplicates import distinct_top
from kb.retrieve.exact import ChunkVectors
from kb.retrieve.named import named_hits
from kb.retrieve.question import Question, analyze
from kb.store.access import Principal, hidden_ids
from kb.store.bm25 import BM25Index
from kb.store.catalog import ChunkRecord, DocumentRecord
from kb.store.lifecycle import Lifecycle
from kb.store.records import Record, merge
from kb.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class Passage:
    chunk: ChunkRecord
    doc: DocumentRecord
    score: float  # what ranks it: the fused score, boosted for the question's years/numbers
    rank_bm25: int | None = None
    rank_dense: int | None = None
    # Each list's own score (BM25; cosine similarity) and the fused one before the boost, as
    # ``search`` found them (None: not in that list, or not from ``search``): diagnostics only.
    bm25_score: float | None = None
    dense_score: float | None = None
    fused_score: float | None = None

    @property
    def chunk_id(self) -> str:
        return self.chunk.chunk_id

    @property
    def text(self) -> str:
        return self.chunk.text


@dataclass(frozen=True)
class Retrieved:
    """What ``HybridRetriever.search`` found: the passages, best first, and the question's
    embedding (None when dense retrieval is off or the corpus is empty), which the answerer
    matches against sentence vectors (``kb.answer.candidates.featurize``)."""

    passages: list[Passage]
    query_vector: np.ndarray | None = None


def _bm25(store: Store, generation: int, chunks: dict[str, ChunkRecord]) -> BM25Index:
    """The saved BM25 index, or, when it lags the catalog, one built here from the tokens the
    catalog stores (the same the saved one is built from): an ingest still running, or one
    killed before it saved the index, leaves every committed document findable by its words
    instead of answering from part of the corpus. A shared store (PostgreSQL) keeps no index
    file: every replica builds it so, when the generation changes."""
    if store.shared:
        return BM25Index.of_chunks(chunks.values())
    index = store.load_bm25()
    if store.catalog.get_meta("bm25_generation") == str(generation):
        return index
    if set(index.ids) == set(chunks):
        return index  # the catalog changed elsewhere (access, records): same chunks
    # Expected while an ingest embeds (its documents are stored first): not a warning.
    log.info("BM25 index lags the catalog (%d of %d chunks): built from the catalog",
             len(index.ids), len(chunks))  # fmt: skip
    return BM25Index.of_chunks(chunks.values())


class Snapshot:
    """The catalog's chunks and documents in memory, with the BM25 index built from them.
    Rebuilt only when the catalog generation changes (after an ingest)."""

    def __init__(self, store: Store, previous: Snapshot | None = None) -> None:
        self.generation = store.catalog.generation()
        self.docs = {d.doc_id: d for d in store.catalog.documents()}
        chunks = store.catalog.chunks()
        self.chunks = {c.chunk_id: c for c in chunks}
        self.bm25: BM25Index = _bm25(store, self.generation, self.chunks)
        rows = [self.chunks.get(cid) for cid in self.bm25.ids]
        self._row_doc = [r.doc_id if r else "" for r in rows]
        self._norm_cache: dict[str, str] = {}
        self._by_doc: dict[str, list[ChunkRecord]] | None = None
        self._unit_cache: dict[str, np.ndarray | None] = {}
        self._store = store
        self._records: list[Record] | None = None
        self._lifecycle: Lifecycle | None = None
        self.hidden: frozenset[str] = frozenset()  # documents this view leaves out
        self._views: dict[frozenset[str], Snapshot] = {}
        self._views_lock = threading.Lock()
        # Chunk vectors for exact dense search, read on first use (rows of ``previous`` kept
        # for unchanged chunks); a view takes its rows from the snapshot it restricts.
        self._vectors: ChunkVectors | None = None
        self._previous = (  # its vectors and chunks only: no chain of snapshots kept alive
            (previous._vectors, previous.chunks)
            if previous is not None and previous._vectors is not None
            else None
        )
        self._base: Snapshot | None = None
        self._unreadable = False

    def vectors(self) -> ChunkVectors | None:
        """The chunk vectors in BM25 row order, or None when the vector index cannot hand
        them out (it is then searched with its own ``query``)."""
        if self._vectors is None:
            if self._base is not None:
                base = self._base.vectors()
                if base is None:
                    return None
                self._vectors = base.subset(self.bm25.ids)
                return self._vectors
            read = getattr(self._store.vectors, "embeddings", None)
            if read is None:
                return None
            with self._views_lock:
                if self._vectors is None and not self._unreadable:
                    rows, chunks = self._previous or (None, {})
                    try:
                        self._vectors = ChunkVectors.load(
                            self.bm25.ids,
                            {cid: c.text for cid, c in self.chunks.items()},
                            read,
                            rows,
                            {cid: c.text for cid, c in chunks.items()},
                        )
                    except Exception as e:  # noqa: BLE001 - the index's own search still works
                        # Chroma after a killed ingest can list an id whose vector it cannot
                        # hand out (tests/test_reliability.py): search with its ``query`` then
                        log.warning("chunk vectors unreadable (%s): the vector index searches", e)
                        self._unreadable = True
                    self._previous = None  # its rows are taken: let them go
        return self._vectors

    def view(self, who: Principal | None) -> Snapshot:
        """The corpus as ``who`` may see it: without the documents they may not read, as if
        those had never been ingested (their own BM25 statistics, records and term counts),
        so a restricted document cannot influence ranking, refusals or records."""
        hidden = hidden_ids(who, self.docs.values())
        if not hidden:
            return self
        with self._views_lock:
            v = self._views.get(hidden)
            if v is None:
                if len(self._views) >= 16:  # one per combination of groups; bound memory
                    self._views.clear()
                v = self._views[hidden] = self._restricted(hidden)
        return v

    def _restricted(self, hidden: frozenset[str]) -> Snapshot:
        v = copy.copy(self)
        v.hidden = hidden
        v.docs = {k: d for k, d in self.docs.items() if k not in hidden}
        v.chunks = {cid: c for cid, c in self.chunks.items() if c.doc_id not in hidden}
        v.bm25 = BM25Index.of_chunks(v.chunks[cid] for cid in self.bm25.ids if cid in v.chunks)
        v._row_doc = [v.chunks[cid].doc_id for cid in v.bm25.ids]
        v._records = None
        v._lifecycle = None
        v._by_doc = None
        v._views = {}
        v._views_lock = threading.Lock()
        v._vectors, v._previous, v._base = None, None, self
        return v

    @property
    def unembedded(self) -> int:
        """Documents of this view found by their words only: their vectors are still to come
        (an ingest is embedding them)."""
        return sum(1 for d in self.docs.values() if d.state == "read")

    @property
    def records(self) -> list[Record]:
        """Policy records (merged mentions), loaded on first use."""
        if self._records is None:
            mentions = [m for m in self._store.catalog.mentions() if m.doc_id not in self.hidden]
            records = merge(mentions)
            self._party_text = norm("\n".join(p for r in records for p in r.parties))
            self._records = records
        return self._records

    @property
    def lifecycle(self) -> Lifecycle:
        """Which of this view's documents are in force (relations loaded on first use)."""
        if self._lifecycle is None:
            self._lifecycle = Lifecycle(list(self.docs.values()), self._store.catalog.relations())
        return self._lifecycle

    def is_party(self, word: str) -> bool:
        """Some record names ``word`` (or a party containing it) as a party."""
        _ = self.records
        return bool(word) and norm(word) in self._party_text

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        if filters is None or filters.empty():
            return None
        ok = []
        for doc_id in self._row_doc:
            d = self.docs.get(doc_id)
            ok.append(bool(d) and filters.admits_doc(d))
        return np.asarray(ok, dtype=bool)

    def unit_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Unit (sentence) vectors of chunks, read from the catalog on first use."""
        missing = [c for c in dict.fromkeys(chunk_ids) if c not in self._unit_cache]
        if missing:
            if len(self._unit_cache) > 20_000:  # bound memory on a large store
                self._unit_cache.clear()
            found = self._store.catalog.unit_vectors(missing)
            for c in missing:
                self._unit_cache[c] = found.get(c)
        return {c: v for c in chunk_ids if (v := self._unit_cache.get(c)) is not None}

    def doc_chunks(self, doc_id: str) -> list[ChunkRecord]:
        """A document's chunks in reading order (indexed once per snapshot)."""
        if self._by_doc is None:
            by_doc: dict[str, list[ChunkRecord]] = {}
            for c in self.chunks.values():
                by_doc.setdefault(c.doc_id, []).append(c)
            for cs in by_doc.values():
                cs.sort(key=lambda c: c.position)
            self._by_doc = by_doc
        return self._by_doc.get(doc_id, [])

    def normed(self, chunk_id: str) -> str:
        t = self._norm_cache.get(chunk_id)
        if t is None:
            t = self._norm_cache[chunk_id] = norm(self.chunks[chunk_id].text)
        return t


class HybridRetriever:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        embedder: Embedder | None,
        tokenizer: Tokenizer | None,
    ) -> None:
        """``embedder``/``tokenizer`` may be None until the first search (``KnowledgeBase``
        sets them as they load): snapshots need neither."""
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.tok = tokenizer
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()

    # ---- snapshot management
    def snapshot(self, who: Principal | None = None) -> Snapshot:
        """The current corpus as ``who`` may see it (None: the operator, everything)."""
        gen = self.store.catalog.generation()
        snap = self._snap
        if snap is None or snap.generation != gen:
            with self._lock:
                if self._snap is None or self._snap.generation != gen:
                    if self.tok is not None:  # else it loads with the terms of then
                        self.tok.add_terms(self.store.terms())
                    self._snap = Snapshot(self.store, self._snap)
                snap = self._snap
        return snap.view(who)

    # ---- llama-index interface
    def as_llama_index(self):
        """This retriever as a llama-index ``BaseRetriever``."""
        from kb.retrieve.li import LlamaIndexRetriever

        return LlamaIndexRetriever(self)

    def retrieve(self, query):
        """llama-index's ``retrieve``: a question (str or ``QueryBundle``) to ``NodeWithScore``s."""
        return self.as_llama_index().retrieve(query)

    # ---- our interface
    def search(
        self,
        question: str | Question,
        k: int | None = None,
        filters: Filters | None = None,
        who: Principal | None = None,
    ) -> Retrieved:
        cfg = self.settings.retrieval
        q = question if isinstance(question, Question) else analyze(question, self.tok)
        k = k or cfg.k
        n = max(cfg.candidates, k)
        snap = self.snapshot(who)
        if not snap.chunks:
            return Retrieved([])
        if filters is not None:
            filters = filters.resolve(snap.docs.values())  # issuer, in force: document ids
        if snap.hidden:  # Chroma leaves them out before ranking: they take no top-n slot
            filters = replace(filters or Filters(), exclude_doc_ids=sorted(snap.hidden))

        bm25_hits = snap.bm25.top(q.search_tokens, n, snap.mask(filters))
        dense_hits: list[tuple[str, float]] = []
        vec = sought = None
        if cfg.dense_weight > 0:
            vec = self.embedder.query_vector(q.text)
            sought = self.search_vector(q, vec)
            dense_hits = self._dense(snap, sought, n, filters)

        fused = fuse(
            bm25_hits, dense_hits, cfg.fusion, cfg.rrf_k, cfg.bm25_weight, cfg.dense_weight
        )
        ranks_b = {cid: i + 1 for i, (cid, _) in enumerate(bm25_hits)}
        ranks_d = {cid: i + 1 for i, (cid, _) in enumerate(dense_hits)}
        scores_b, scores_d = dict(bm25_hits), dict(dense_hits)
        wanted = [str(y) for y in q.years] + [
            x for x in q.numbers if len(x) >= 3 and x not in {str(y) for y in q.years}
        ]
        out: list[Passage] = []
        for cid, fused_score in fused:
            c = snap.chunks.get(cid)
            if c is None:
                continue  # vector or BM25 row the catalog no longer lists (interrupted ingest)
            score = fused_score
            if wanted and cfg.number_boost:
                t = snap.normed(cid)
                hit = sum(1 for w in wanted if w in t)
                score *= 1 + cfg.number_boost * hit / len(wanted)
            out.append(Passage(c, snap.docs[c.doc_id], score, ranks_b.get(cid), ranks_d.get(cid),
                               scores_b.get(cid), scores_d.get(cid), fused_score))  # fmt: skip
        out.sort(key=lambda p: -p.score)
        top = distinct_top(out, k, snap.normed)
        # Each retriever's own best hits always reach the answerer: fusion must not bury a
        # passage that one side ranks first and the other misses (English questions, rare terms).
        have = {p.chunk_id for p in top}
        by_id = {p.chunk_id: p for p in out}
        for cid, _ in bm25_hits[:2] + dense_hits[:2]:
            if cid not in have and cid in by_id:
                top.append(by_id[cid])
                have.add(cid)
        # The document the question names (by title, or a report by its year): its own best
        # passages, however many copies of them rank above (kb.retrieve.named).
        dense = None if sought is None else lambda n, f: self._dense(snap, sought, n, f)
        low = min((p.score for p in top), default=0.0)
        for cid in named_hits(q, snap, filters, top, dense):
            c = snap.chunks[cid]
            top.append(by_id.get(cid) or Passage(c, snap.docs[c.doc_id], low))
        return Retrieved(top, vec)

    def _dense(self, snap: Snapshot, sought: np.ndarray, n: int, filters: Filters | None):
        exact = snap.vectors()
        if exact is not None:  # every chunk scored: the same passages every time
            return exact.top(sought, n, snap.mask(filters))
        return [h for h in self.store.vectors.query(sought, n, filters) if h[0] in snap.chunks]

    def search_vector(self, q: Question, vec: np.ndarray) -> np.ndarray:
        """What dense search looks for: the question's embedding ``vec``, for an English
        question averaged with that of its Chinese terms: the small multilingual model meets
        Chinese passages better through both (gold passage in the dense top 10 for 71% of the
        English questions of the policy dev, train and dev2 splits and realdocs-v1 alone, 85%
        averaged)."""
        if q.lang != "en" or not q.terms:
            return vec
        both = vec + self.embedder.query_vector(" ".join(q.terms))
        return both / (np.linalg.norm(both) or 1.0)


def fuse(
    bm25: list[tuple[str, float]],
    dense: list[tuple[str, float]],
    method: str,
    rrf_k: int,
    w_bm25: float,
    w_dense: float,
) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    if method == "rrf":
        for w, hits in ((w_bm25, bm25), (w_dense, dense)):
            for rank, (cid, _) in enumerate(hits):
                scores[cid] = scores.get(cid, 0.0) + w / (rrf_k + rank + 1)
    else:  # relative_score: min-max normalised scores, weighted sum
        for w, hits in ((w_bm25, bm25), (w_dense, dense)):
            if not hits:
                continue
            vals = [s for _, s in hits]
            lo, hi = min(vals), max(vals)
            for cid, s in hits:
                scores[cid] = scores.get(cid, 0.0) + w * ((s - lo) / (hi - lo) if hi > lo else 1.0)
    return sorted(scores.items(), key=lambda x: -x[1])
