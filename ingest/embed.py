"""A prepared document's catalog rows and vectors: chunk records with their BM25 tokens, the
distinct texts to embed, and chunk vectors pooled from their sentences' vectors."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass
class Embedded:
    """A document's vectors, ready to write: its chunk vectors and unit vectors."""

    prepared: Prepared
    records: list[ChunkRecord]
    vectors: list[np.ndarray]
    mentions: list[Mention]
    unit_vecs: dict[str, np.ndarray]


def chunk_records(p: Prepared, tok: Tokenizer) -> list[ChunkRecord]:
    prefix = p.doc.sha256[:16]
    out = []
    for c in p.chunks:
        out.append(
            ChunkRecord(
                chunk_id=f"{prefix}-{c.position:05d}",  # deterministic: content hash + position
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
