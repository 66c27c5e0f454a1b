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
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.ocr import OcrOptions  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402
from ingest.readers import read_file  # noqa: E402
from kb.embeddings import make_embedder  # noqa: E402
from kb.settings import Settings  # noqa: E402
from kb.store import Store  # noqa: E402
from kb.text import norm  # noqa: E402
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
    ap.add_argument("--pages", type=int, default=50, help="pages in the scan")
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime threads (0 = per core)")
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    rng = random.Random(12)
    pages = [page_blocks(rng, i + 1) for i in range(args.pages)]
    tmp = Path(tempfile.mkdtemp(prefix="kb-ocr-bench-"))
    corpus = tmp / "corpus"
    corpus.mkdir()
    pdf = save_scanned_pdf(corpus / "scan.pdf", pages)
    print(f"scan: {args.pages} A4 pages at 150 dpi, {pdf.stat().st_size / 1e6:.1f} MB")

    from ingest.ocr import engine

    t = time.perf_counter()
    engine(args.threads)
    print(f"OCR engine load: {time.perf_counter() - t:.2f} s")

    times: list[float] = []
    last = [time.perf_counter()]

    def on_page(i: int, n: int) -> None:
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now

    last[0] = time.perf_counter()
    doc = read_file(pdf, 10**9, 10_000, OcrOptions(threads=args.threads, on_page=on_page))
    total = sum(times)
    source = "".join(t for blocks in pages for how, t in blocks)
    print(
        f"OCR: {total:.1f} s for {len(times)} pages = {60 * len(times) / total:.1f} pages/min "
        f"(median {sorted(times)[len(times) // 2]:.2f} s/page, slowest {max(times):.2f} s)"
    )
    print(
        f"recognised characters: {len(norm(doc.text))} of {len(norm(source))}; "
        f"accuracy {accuracy(source, doc.text):.4f}; mean confidence "
        f"{sum(doc.ocr_pages.values()) / len(doc.ocr_pages):.4f}"
    )
    if args.skip_ingest:
        return

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
    print(
        f"ingest of the {args.pages}-page scan: {full:.1f} s ({rep.chunks} chunks); stages: "
        + ", ".join(f"{k} {v:.1f}" for k, v in rep.timings_s.items() if k != "total")
    )
    print(
        f"embedding the chunks alone: {embed_only:.1f} s; OCR is read_chunk (reading includes it)"
    )


if __name__ == "__main__":
    main()
