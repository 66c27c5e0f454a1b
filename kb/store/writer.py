"""Writing a document's chunks to the store: the text each chunk is indexed and embedded by,
its vector metadata, re-embedding missing chunks and rebuilding BM25 from the catalog.

Shared by the ingest pipeline and `kb doctor`, so both write the same thing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.store.bm25 import BM25Index
from kb.store.catalog import ChunkRecord, DocumentRecord

if TYPE_CHECKING:
    from kb.core.protocols import Embedder
    from kb.core.tokenize import Tokenizer
    from kb.store.store import Store


def index_text(section: str, text: str) -> str:
    """What BM25 tokenises: the section path gives a passage its context
    ("第三章 重点任务 > 1.组织协调")."""
    return f"{section}\n{text}" if section else text


def embed_text(doc: DocumentRecord, c: ChunkRecord) -> str:
    """A chunk embedded as it stands: title, section path, text."""
    return f"{doc.title}\n{index_text(c.section, c.text)}"


def vector_meta(doc: DocumentRecord, c: ChunkRecord) -> dict:
    """The metadata stored with a chunk's vector (what search filters on)."""
    return {
        "doc_id": doc.doc_id,
        "doc_type": doc.doc_type,
        "year": doc.year,
        "position": c.position,
        "page": c.page,
        "section": c.section[:500],
    }


def reembed(store: Store, embedder: Embedder, chunk_ids: set[str]) -> int:
    """Embed the listed catalog chunks from their stored text and upsert their vectors;
    returns how many were written."""
    docs = {d.doc_id: d for d in store.catalog.documents()}
    chunks = [c for c in store.catalog.chunks() if c.chunk_id in chunk_ids]
    vecs = embedder.passage_vectors([embed_text(docs[c.doc_id], c) for c in chunks])
    store.vectors.upsert(
        [c.chunk_id for c in chunks], vecs, [c.text for c in chunks],
        [vector_meta(docs[c.doc_id], c) for c in chunks],
    )  # fmt: skip
    return len(chunks)


def rebuild_bm25(
    store: Store,
    tok: Tokenizer,
    new_terms: set[str],
    old_terms: set[str],
    fresh_docs: set[str] = frozenset(),
) -> None:
    """Build BM25 from the catalog. Chunks of documents written in this run were tokenised
    with every new term already; older chunks are re-tokenised only if they contain one. A
    shared store keeps no index file: only the tokens and terms are brought up to date."""
    if store.shared and not new_terms:
        store.catalog.set_meta(bm25_generation=str(store.catalog.generation()))
        return
    records = store.catalog.chunks()
    if new_terms:
        lowered = [t.lower() for t in new_terms]
        stale = [
            r for r in records
            if r.doc_id not in fresh_docs and any(t in r.text.lower() for t in lowered)
        ]  # fmt: skip
        if stale:
            for r in stale:
                r.tokens = tok.tokens(index_text(r.section, r.text))
            with store.catalog.connect() as con:
                con.executemany(
                    "UPDATE chunks SET tokens = ? WHERE chunk_id = ?",
                    [(" ".join(r.tokens), r.chunk_id) for r in stale],
                )
        store.save_terms(sorted(old_terms | new_terms))
    if not store.shared:  # a shared store's readers build it from the catalog's tokens
        BM25Index.of_chunks(records).save(store.settings.bm25_path)
    store.catalog.set_meta(bm25_generation=str(store.catalog.generation()))
