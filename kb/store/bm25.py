"""The lexical side: bm25s over jieba tokens, persisted with the tokenizer's name and the chunk
ids it covers. Saved to a fresh folder and swapped in with a rename, so readers never see a
half-written index."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np

from kb.core.faults import checkpoint
from kb.core.tokenize import TOKENIZER_NAME
from kb.store.catalog import ChunkRecord, StoreError


class BM25Index:
    def __init__(self, ids: list[str], model: bm25s.BM25 | None, df: dict[str, int]) -> None:
        self.ids = ids
        self.model = model
        self.df = df
        self.n = len(ids)
        self.pos = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], token_lists: list[list[str]]) -> BM25Index:
        df: Counter[str] = Counter()
        for toks in token_lists:
            df.update(set(toks))
        model = None
        if ids:
            model = bm25s.BM25()
            # An empty token list would make bm25s drop the row; keep rows aligned with ids.
            model.index([t or ["\u0000"] for t in token_lists], show_progress=False)
        return cls(ids, model, dict(df))

    @classmethod
    def of_chunks(cls, chunks: Iterable[ChunkRecord]) -> BM25Index:
        """The index of catalog chunks, from the tokens the catalog stores for them."""
        rows = list(chunks)
        return cls.build([c.chunk_id for c in rows], [c.tokens for c in rows])

    def idf(self, token: str) -> float:
        """Smoothed IDF; 0 for tokens that occur in no chunk."""
        d = self.df.get(token, 0)
        if not d:
            return 0.0
        return math.log(1 + (self.n - d + 0.5) / (d + 0.5))

    def scores(self, tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        if self.model is None:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in tokens if t in self.df]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        s = np.asarray(self.model.get_scores(known), dtype=np.float32)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        return s

    def top(
        self, tokens: list[str], n: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        s = self.scores(tokens, mask)
        if not len(s):
            return []
        n = min(n, len(s))
        idx = np.argpartition(-s, n - 1)[:n]
        idx = idx[np.argsort(-s[idx], kind="stable")]
        return [(self.ids[i], float(s[i])) for i in idx if s[i] > 0]

    # ---- persistence
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob(".bm25-*"):  # from a save that was killed (one writer)
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=path.parent))
        if self.model is not None:
            self.model.save(str(tmp / "model"), show_progress=False)
        meta = {"tokenizer": TOKENIZER_NAME, "ids": self.ids, "df": self.df}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        checkpoint("bm25")
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        meta_file = path / "meta.json"
        if not meta_file.exists():
            return cls([], None, {})
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("tokenizer") != TOKENIZER_NAME:
            raise StoreError(
                f"{path}: BM25 index was built with tokenizer {meta.get('tokenizer')!r}, "
                f"this program uses {TOKENIZER_NAME!r}; run `kb ingest --rebuild`"
            )
        model = None
        if meta["ids"]:
            model = bm25s.BM25.load(str(path / "model"), show_progress=False, verbosity=0)
        return cls(meta["ids"], model, meta["df"])
