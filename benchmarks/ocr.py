"""OCR benchmark (run by hand, not in CI):

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ocr.py [--pages 50] [--threads 0]

Renders full A4 pages of Chinese policy text at 150 dpi (fonts-wqy-zenhei, the layout of
tests/scans.py) into an image-only PDF, then reports:
  - OCR pages per minute on this machine (render + detect + recognise + layout),
  - character accuracy of the recognised text against the source (in-order matches),
  - the ingest cost of the whole scan (OCR, chunking, embedding with the bundled e5 model),
    stage by stage, beside embedding the same chunks alone.
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.ocr.engine import OcrOptions  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from ingest.read.file import read_file  # noqa: E402
from kb.core.settings import Settings  # noqa: E402
from kb.core.text import norm  # noqa: E402
from kb.retrieve.embeddings import make_embedder  # noqa: E402
from kb.store.store import Store  # noqa: E402
from tests.scans import save_scanned_pdf  # noqa: E402

SUBJECTS = [
    "各区人民政府",
    "市发展改革委",
    "市科技局",
    "市财政局",
    "市经济信息化委",
    "各开发区管委会",
]
ACTS = [
    "应当加强统筹协调",
    "要完善工作机制",
    "须按季度报送进展",
    "应建立考核评价制度",
    "要强化资金保障",
]
AIMS = [
    "推动数字经济与实体经济深度融合", "提升科技成果转化效率", "优化营商环境",
    "支持中小企业专精特新发展", "加快建设长三角协同创新体系", "促进人才跨区域流动",
]  # fmt: skip
NUMBERS = ["对符合条件的项目给予最高{}万元补助", "每年安排专项资金{}亿元", "新增高新技术企业{}家"]


def page_blocks(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """A full page: a heading and paragraphs of policy sentences (about 24 lines)."""
    blocks = [("center", f"第{n}部分 重点任务")]
    for _ in range(5):
        sentences = []
        for _ in range(3):
            s = f"{rng.choice(SUBJECTS)}{rng.choice(ACTS)}，{rng.choice(AIMS)}"
            s += "，" + rng.choice(NUMBERS).format(rng.randint(10, 900)) + "。"
            sentences.append(s)
        blocks.append(("para", "".join(sentences)))
    return blocks


def accuracy(source: str, recognised: str) -> float:
    a, b = norm(source), norm(recognised)
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(x.size for x in m.get_matching_blocks()) / len(a)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=50, help="pages in the scan that is ingested")
    ap.add_argument("--ocr-pages", type=int, default=10, help="pages read for speed and accuracy")
    ap.add_argument("--threads", type=int, default=0, help="pages read at once (0 = per core)")
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    rng = random.Random(12)
    pages = [page_blocks(rng, i + 1) for i in range(args.pages)]
    tmp = Path(tempfile.mkdtemp(prefix="kb-ocr-bench-"))
    corpus = tmp / "corpus"
    corpus.mkdir()
    sample = save_scanned_pdf(tmp / "sample.pdf", pages[: args.ocr_pages])

    from ingest.ocr.engine import engine

    t = time.perf_counter()
    with engine():
        pass
    print(f"OCR engine load: {time.perf_counter() - t:.2f} s")

    t, cpu = time.perf_counter(), time.process_time()
    doc = read_file(sample, 10**9, 10_000, OcrOptions(threads=args.threads))
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    n = args.ocr_pages
    source = "".join(t for blocks in pages[:n] for how, t in blocks)
    print(
        f"OCR of {n} A4 pages at 150 dpi ({len(norm(source)) // n} characters a page): "
        f"{wall:.1f} s = {60 * n / wall:.1f} pages/min; {cpu / n:.2f} CPU-seconds a page"
    )
    print(
        f"accuracy {accuracy(source, doc.text):.4f} (source characters recognised in order); "
        f"mean confidence {sum(doc.ocr_pages.values()) / len(doc.ocr_pages):.4f}"
    )
    if args.skip_ingest:
        return

    pdf = save_scanned_pdf(corpus / "scan.pdf", pages)
    s = Settings(home=tmp / "kb", corpus_dir=corpus, project_root=tmp, progress=False)
    s = s.model_copy(update={"ocr_threads": args.threads})
    embedder = make_embedder(s)
    embedder.passage_vectors(["预热"])
    t = time.perf_counter()
    rep = ingest(None, s, embedder=embedder)
    full = time.perf_counter() - t
    chunks = Store(s).catalog.chunks()
    texts = [c.text for c in chunks]
    t = time.perf_counter()
    for i in range(0, len(texts), s.embed_batch):
        embedder.passage_vectors(texts[i : i + s.embed_batch])
    embed_only = time.perf_counter() - t
    read = rep.timings_s.get("read_chunk", 0.0)
    print(
        f"ingest of a {args.pages}-page scan ({pdf.stat().st_size / 1e6:.1f} MB): {full:.1f} s, "
        f"{rep.chunks} chunks; reading incl. OCR {read:.1f} s "
        f"({60 * args.pages / read:.1f} pages/min); stages: "
        + ", ".join(f"{k} {v:.1f}" for k, v in rep.timings_s.items() if k != "total")
    )
    print(f"embedding the same chunks alone: {embed_only:.1f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
