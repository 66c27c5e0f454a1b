"""`kb doctor` (a surface, like the CLI): check that catalog, Chroma and BM25 describe the same chunks, and repair.

The catalog is the source of truth. Repairs: vectors it does not list are deleted, chunks
missing from Chroma are re-embedded from their stored text, BM25 is rebuilt when its ids
differ, records extracted by older rules are re-extracted; leftovers of interrupted BM25 saves
are removed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from kb.core.protocols import Embedder
from kb.core.settings import Settings
from kb.store.db import ingest_lock
from kb.store.store import Store


@dataclass
class Report:
    catalog_chunks: int = 0
    vector_ids: int = 0
    bm25_ids: int = 0
    orphan_vectors: list[str] = field(default_factory=list)
    missing_vectors: list[str] = field(default_factory=list)
    bm25_mismatch: bool = False
    bm25_duplicates: int = 0
    stale_temp: list[str] = field(default_factory=list)
    records_stale: bool = False  # extracted by older rules (or never): re-extract
    # Documents stored before their vectors ("read"): an ingest is embedding them, or was
    # killed first; `kb ingest` finishes them. Their chunks are not missing vectors.
    unembedded: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.orphan_vectors
            or self.missing_vectors
            or self.bm25_mismatch
            or self.stale_temp
            or self.records_stale
        )

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "catalog_chunks": self.catalog_chunks,
            "vector_ids": self.vector_ids,
            "bm25_ids": self.bm25_ids,
            "orphan_vectors": len(self.orphan_vectors),
            "missing_vectors": len(self.missing_vectors),
            "bm25_mismatch": self.bm25_mismatch,
            "stale_temp": self.stale_temp,
            "records_stale": self.records_stale,
            "unembedded_documents": len(self.unembedded),
            "repaired": self.repaired,
        }


def diagnose(store: Store) -> Report:
    from ingest.records.extract import RECORDS_VERSION

    s = store.settings
    catalog = store.catalog.chunk_ids()
    vectors = store.vectors.ids()
    bm25 = store.load_bm25()
    r = Report(len(catalog), len(vectors), len(bm25.ids))
    r.orphan_vectors = sorted(vectors - catalog)
    r.unembedded = sorted(d.doc_id for d in store.catalog.documents() if d.state == "read")
    waiting = {c.chunk_id for d in r.unembedded for c in store.catalog.chunks(d)}
    r.missing_vectors = sorted(catalog - vectors - waiting)
    r.bm25_duplicates = len(bm25.ids) - len(set(bm25.ids))
    r.bm25_mismatch = set(bm25.ids) != catalog or r.bm25_duplicates > 0
    r.records_stale = bool(catalog) and store.catalog.get_meta("records_version") != RECORDS_VERSION
    r.stale_temp = sorted(p.name for p in s.home.glob(".bm25-*") if p.is_dir()) + sorted(
        p.name for p in s.home.glob("bm25.old")
    )
    return r


def repair(settings: Settings, embedder: Embedder | None = None) -> Report:
    """Diagnose and fix, holding the ingest lock so no ingest runs meanwhile."""
    from ingest.records.extract import reextract
    from kb.core.tokenize import Tokenizer
    from kb.retrieve.embeddings import as_embedder, make_embedder
    from kb.store.writer import rebuild_bm25, reembed

    with ingest_lock(settings):
        store = Store(settings)
        r = diagnose(store)
        if r.orphan_vectors:
            store.vectors.delete(r.orphan_vectors)
            r.repaired.append(f"删除 {len(r.orphan_vectors)} 个目录中不存在的向量")
        if r.missing_vectors:
            embedder = as_embedder(embedder) if embedder else make_embedder(settings)
            store.check_model(embedder.model_name)
            n = reembed(store, embedder, set(r.missing_vectors))
            r.repaired.append(f"重新向量化 {n} 个缺失的段落块")
        if r.bm25_mismatch:
            rebuild_bm25(store, Tokenizer(store.terms()), set(), set(store.terms()))
            r.repaired.append("重建 BM25 索引")
        if r.records_stale:
            reextract(store, Tokenizer(store.terms()))
            r.repaired.append("按当前规则重新抽取政策记录")
        for name in r.stale_temp:
            shutil.rmtree(settings.home / name, ignore_errors=True)
        if r.stale_temp:
            r.repaired.append(f"清理 {len(r.stale_temp)} 个中断保存留下的临时目录")
        after = diagnose(store)
        after.repaired = r.repaired
        return after
