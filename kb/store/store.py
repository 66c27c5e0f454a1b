"""The store: catalog + vectors + BM25 + domain terms, opened together and checked against
the embedding model they were built with. Under KB_HOME by default (SQLite, Chroma, BM25
files); with KB_DATABASE_URL all of it is in PostgreSQL (pgvector), shared by replicas, and
each process builds BM25 in memory from the tokens the catalog stores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kb.core.settings import Settings
from kb.core.tokenize import load_terms
from kb.store.bm25 import BM25Index
from kb.store.catalog import Catalog, StoreError
from kb.store.db import Database, open_database
from kb.store.vectors import VectorIndex, VectorStore


class Store:
    def __init__(self, settings: Settings, vectors: VectorIndex | None = None) -> None:
        """``vectors``: the vector index to use instead of the Chroma collection settings name."""
        self.settings = settings
        settings.home.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(open_database(settings))
        self._vectors = vectors

    @property
    def shared(self) -> bool:
        """The store is in a database that other processes and machines share."""
        return self.catalog.db.dialect == "postgresql"

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:  # opened on first use: `kb docs list` needs no Chroma
            if self.shared and not self.settings.chroma_url:
                from kb.store.pgvectors import PgVectors

                self._vectors = PgVectors(self.catalog.db)
            else:
                self._vectors = VectorStore(self.settings)
        return self._vectors

    def check_model(self, model_name: str, *, writing: bool = False) -> None:
        """Refuse to mix embedding models in one store."""
        stored = self.catalog.get_meta("embed_model")
        if stored is None:
            if writing:
                self.catalog.set_meta(embed_model=model_name)
            return
        if stored != model_name:
            raise StoreError(
                f"the store in {self.settings.home} was built with embedding model {stored!r}, "
                f"but {model_name!r} is configured; set KB_EMBED_MODEL={stored} or rebuild "
                f"with `kb ingest --rebuild`"
            )

    def is_empty(self) -> bool:
        return self.catalog.counts()["chunks"] == 0

    def load_bm25(self) -> BM25Index:
        if self.shared:  # each process builds it from the catalog (kb.retrieve.retrieve)
            return BM25Index.of_chunks(self.catalog.chunks())
        return BM25Index.load(self.settings.bm25_path)

    def terms(self) -> list[str]:
        if self.shared:
            return json.loads(self.catalog.get_meta("terms") or "[]")
        return load_terms(self.settings.userdict_path)

    def save_terms(self, terms: list[str]) -> None:
        if self.shared:
            self.catalog.set_meta(terms=json.dumps(sorted(set(terms)), ensure_ascii=False))
            return
        path: Path = self.settings.userdict_path
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(sorted(set(terms))) + "\n", encoding="utf-8")
        tmp.replace(path)


def wipe(settings: Settings, vectors: VectorIndex | None = None) -> None:
    """Delete everything the store holds (for --rebuild); ``vectors``: the index handed in
    instead of Chroma, emptied."""
    from kb.store.vectors import chroma_client

    if settings.database_url:
        store = Store(settings, vectors)
        if vectors is None and not settings.chroma_url:
            from kb.store.pgvectors import PgVectors

            PgVectors(store.catalog.db).clear()
        else:
            store.vectors.delete(sorted(store.vectors.ids()))
        store.catalog.clear_content()  # users, access and the audit trail are kept
        return
    if vectors is not None:
        vectors.delete(sorted(vectors.ids()))
        dropped = True  # Chroma is not this store's: left alone
    else:
        # Through the client, embedded too: a client this process already holds on the folder
        # keeps working (removing the folder under it leaves it writing to a deleted database).
        try:
            chroma_client(settings).delete_collection(settings.collection)
            dropped = True
        except Exception:
            dropped = False  # no collection yet, or an unreadable folder: removed below
    try:
        # Users, document access and the audit trail outlive a rebuild of the content.
        Catalog(settings.catalog_path).clear_content()
    except Database.errors:  # an unreadable catalog file: nothing in it can be kept
        for q in settings.catalog_path.parent.glob(settings.catalog_path.name + "*"):
            q.unlink(missing_ok=True)
    for p in (
        settings.bm25_path,
        settings.userdict_path,
        *([] if dropped or settings.chroma_url else [settings.chroma_path]),
    ):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            for q in p.parent.glob(p.name + "*"):  # sqlite -wal/-shm files too
                q.unlink(missing_ok=True)


__all__ = ["Store", "StoreError", "wipe"]
