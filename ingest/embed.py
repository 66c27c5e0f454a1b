"""A prepared document's catalog rows and vectors: chunk records with their BM25 tokens, the
distinct texts to embed, and chunk vectors pooled from their sentences' vectors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ingest.prepare import Prepared
from kb.core.tokenize import Tokenizer
from kb.core.units import split_units
from kb.store.catalog import ChunkRecord, DocumentRecord
from kb.store.records import Mention
from kb.store.writer import embed_text, index_text


@dataclass
class Stored:
    """A document written to the catalog before its vectors: found by its words already."""

    prepared: Prepared
    records: list[ChunkRecord]
    mentions: list[Mention]
    # unit key -> vector of the version this one replaces: unchanged sentences keep theirs
    reuse: dict[str, np.ndarray] = field(default_factory=dict)
    relations: list = field(default_factory=list)  # what it says of other documents


@dataclass
class Embedded:
    """A document's vectors, ready to write: its chunk vectors and unit vectors."""

    prepared: Prepared
    records: list[ChunkRecord]
    vectors: list[np.ndarray]
    mentions: list[Mention]
    unit_vecs: dict[str, np.ndarray]


def chunk_records(p: Prepared, tok: Tokenizer) -> list[ChunkRecord]:
    # The content hash with the document: two files of the same bytes (a notice saved twice
    # under two names) are two documents, and their chunks two sets of rows.
    prefix = hashlib.sha256(f"{p.doc.doc_id}\0{p.doc.sha256}".encode()).hexdigest()[:16]
    out = []
    for c in p.chunks:
        out.append(
            ChunkRecord(
                chunk_id=f"{prefix}-{c.position:05d}",  # deterministic: document, content, position
                doc_id=p.doc.doc_id,
                position=c.position,
                text=c.text,
                section=c.section,
                page=c.page,
                para_start=c.para_start,
                para_end=c.para_end,
                char_start=c.start,
                char_end=c.end,
                n_tokens=c.n_tokens,
                kind=c.kind,
                tokens=tok.tokens(index_text(c.section, c.text)),
                ocr_conf=c.ocr_conf,
            )
        )
    return out


def unit_plan(doc: DocumentRecord, records: list[ChunkRecord]) -> tuple[list[str], list]:
    """The distinct texts to embed for a document, and per chunk the rows of its units and of
    its context line (title + section). Overlapping chunks share sentences: each distinct
    text is embedded once, which keeps ingest no dearer than embedding whole chunks."""
    texts: dict[str, int] = {}
    rows = []
    for c in records:
        units = [texts.setdefault(u.shown, len(texts)) for u in split_units(c.text, c.kind)]
        if units:
            context = f"{doc.title}\n{c.section}".strip()
            rows.append((units, texts.setdefault(context, len(texts))))
        else:  # a heading or fragment only: the chunk as it stands
            rows.append(([], texts.setdefault(embed_text(doc, c), len(texts))))
    return list(texts), rows


def chunk_vectors(
    records: list[ChunkRecord], rows: list, embedded: np.ndarray
) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    """A chunk's vector is the normalised mean of its unit vectors and its context line's
    vector (sentence vectors pooled, as in late chunking), so the chunk is never embedded
    a second time; the unit vectors are kept for the answerer."""
    vectors, unit_vecs = [], {}
    for c, (units, ctx) in zip(records, rows, strict=True):
        m = embedded[units + [ctx]]
        v = m.mean(axis=0)
        vectors.append(v / (np.linalg.norm(v) or 1.0))
        if units:
            unit_vecs[c.chunk_id] = embedded[units]
    return vectors, unit_vecs


def text_vectors(
    texts: list[str],
    keys: list[str],
    known: Callable[[list[str]], dict[str, np.ndarray]],
    embed: Callable[[list[str]], np.ndarray],
    batch: int,
    progress: Callable[[int], None] = lambda n: None,
) -> tuple[np.ndarray, int]:
    """The texts' vectors and how many were embedded: a text whose key ``known`` finds (the
    same sentence in another document, or in the version being replaced) keeps its vector;
    the rest are embedded shortest first, so a batch holds texts of like length (5-15% faster
    with e5-small here, benchmarks/throughput.py). ``progress(n)`` follows each
    batch with the number of texts done; ``keys`` are the texts' ``unit_key``."""
    have = known(keys)
    todo = sorted((i for i, k in enumerate(keys) if k not in have), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 0), dtype=np.float32)
    fresh: dict[int, np.ndarray] = {}
    for b in range(0, len(todo), batch):
        part = todo[b : b + batch]
        fresh.update(
            zip(part, np.asarray(embed([texts[i] for i in part]), dtype=np.float32), strict=True)
        )
        progress(len(texts) - len(todo) + len(fresh))
    rows = [fresh[i] if i in fresh else have[k] for i, k in enumerate(keys)]
    if rows:
        out = np.vstack(rows).astype(np.float32)
    return out, len(todo)
