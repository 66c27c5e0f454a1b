"""A sentence is embedded once per store: a reposted document, or a new version of one, has
the model run only over what is new (issue 24), and the answers and citations are those a
fresh embedding gives."""

from __future__ import annotations

import sqlite3

import numpy as np
from embedders import HASH, HashEmbedding

from ingest.pipeline import ingest
from kb.core.units import chunk_unit_keys, split_units
from kb.store.schema import SCHEMA_VERSION
from kb.store.store import Store


class Counting(HashEmbedding):
    """HashEmbedding that remembers every text the model was asked to embed."""

    model_name = HASH

    def __init__(self) -> None:
        self.seen: list[str] = []

    def passage_vectors(self, texts):
        self.seen.extend(texts)
        return super().passage_vectors(texts)


def _unit_vectors_by_text(store: Store, doc_id: str) -> dict[str, np.ndarray]:
    chunks = store.catalog.chunks(doc_id)
    mats = store.catalog.unit_vectors(c.chunk_id for c in chunks)
    out = {}
    for c in chunks:
        for key, v in zip(chunk_unit_keys(c.text, c.kind), mats.get(c.chunk_id, []), strict=False):
            out[key] = v
    return out


def test_a_reposted_document_is_not_embedded_again(hash_settings):
    s = hash_settings
    first = Counting()
    report = ingest(None, s, embedder=first)
    assert report.texts_embedded == len(first.seen) > 0 and report.texts_reused == 0

    # the same notice reposted under another name, with a portal's own headline on top
    src = s.corpus_dir / "wujiang-collaborative-innovation-2023.txt"
    body = src.read_text(encoding="utf-8")
    repost = s.corpus_dir / "repost.txt"
    repost.write_text("【转载】吴江区协同创新情况通报\n\n" + body, encoding="utf-8")
    second = Counting()
    report = ingest([repost], s, embedder=second)
    assert report.count("added") == 1
    reused, embedded = report.texts_reused, report.texts_embedded
    assert embedded == len(second.seen)
    assert reused > 5 * embedded, (reused, embedded)  # only its headline and context lines
    assert all(t not in first.seen for t in second.seen)

    # the reposted document's sentences carry the vectors of the original's
    store = Store(s)
    doc = next(d for d in store.catalog.documents() if d.source.endswith("repost.txt"))
    orig = _unit_vectors_by_text(store, "wujiang-collaborative-innovation-2023")
    copy = _unit_vectors_by_text(store, doc.doc_id)
    shared = orig.keys() & copy.keys()
    assert len(shared) >= reused - 10
    for k in shared:
        assert np.allclose(orig[k], copy[k], atol=1e-3)
    # and the repost is found by dense retrieval like any document
    chunks = store.catalog.chunks(doc.doc_id)
    hits = store.vectors.query(HashEmbedding().query_vector(chunks[1].text), 5)
    assert {cid for cid, _ in hits} & {c.chunk_id for c in chunks}


def test_a_new_version_embeds_only_what_changed(hash_settings):
    s = hash_settings
    ingest(None, s, embedder=Counting())
    f = s.corpus_dir / "shanghai-software-park-2019.txt"
    f.write_text(
        f.read_text(encoding="utf-8")
        + "\n上海软件园新增一段关于量子计算合作的说明，涉及三家企业。\n",
        encoding="utf-8",
    )
    model = Counting()
    report = ingest(None, s, embedder=model)
    assert report.count("updated") == 1
    assert any("量子计算" in t for t in model.seen)
    assert report.texts_reused > 3 * report.texts_embedded
    # what the store now holds for the new version agrees with a fresh embedding of it
    store = Store(s)
    fresh = HashEmbedding()
    for c in store.catalog.chunks("shanghai-software-park-2019")[:5]:
        mats = store.catalog.unit_vectors([c.chunk_id])
        if c.chunk_id not in mats:
            continue
        want = fresh.passage_vectors([u.shown for u in split_units(c.text, c.kind)])
        assert np.allclose(mats[c.chunk_id], want, atol=1e-3)


def test_a_store_from_before_unit_keys_gets_them_when_opened(hash_settings):
    """Schema 7 adds the keys; a store written earlier has them filled in from its chunks,
    so its sentences are reused as well."""
    s = hash_settings
    ingest(None, s, embedder=Counting())
    with sqlite3.connect(s.catalog_path) as con:
        n_keys = con.execute("SELECT COUNT(*) FROM unit_keys").fetchone()[0]
        con.execute("DROP TABLE unit_keys")
        con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    assert n_keys > 0
    store = Store(s)
    with sqlite3.connect(s.catalog_path) as con:
        assert con.execute("SELECT COUNT(*) FROM unit_keys").fetchone()[0] == n_keys
        version = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        assert version == str(SCHEMA_VERSION)
    some = store.catalog.chunks("yrd-innovation-index-2023")[2]
    keys = chunk_unit_keys(some.text, some.kind)
    assert set(store.catalog.vectors_of_units(keys)) == set(keys)
