"""Hostile-input benchmark (run by hand, not in CI): issue 25's promise that no input makes
`kb ingest` exceed 1 GB of memory or run unbounded.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/hostile_inputs.py [--only pdf] [--keep]

Builds each hostile file (small on disk) in a temporary folder and ingests it with the real
CLI, one process per file: `kb ingest FILE --json` with a fresh KB_HOME, its own
KB_CORPUS_DIR, KB_PROGRESS=false and the default embedder (the bundled e5-small, no
network). For each file it measures
  - the child's peak resident memory (ru_maxrss of the process, from os.wait4),
  - wall seconds from start to exit (CLI start and model load included),
  - whether the file was refused, and the reason the JSON report gives.
A case passes when the process stays within 1024 MB and 180 s and leaves a JSON report;
the control (a normal Chinese .txt) must also be ingested, not refused. A watchdog kills a
child past --kill-mb of RSS or --kill-s seconds (a fail), so a broken limit cannot take the
machine down. Exits 1 if any case fails.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / ".venv" / "bin" / "kb"
MAX_MB, MAX_S = 1024, 180.0  # KB_MAX_READ_SECONDS (120) + start-up and one page
BODY = "关于推进长三角区域合作的通知。各市要加强协作，共同推进一体化发展。"
SUBJECTS = ["各区人民政府", "市发展改革委", "市科技局", "市财政局", "各开发区管委会"]
AIMS = ["推动数字经济与实体经济深度融合", "提升科技成果转化效率", "优化营商环境",
        "支持中小企业专精特新发展", "加快建设长三角协同创新体系"]  # fmt: skip


# --- the hostile files ------------------------------------------------------------------


def _write_docx(path: Path, xml_mb: int = 0, media_mb: int = 0) -> None:
    """A real Word file (python-docx) rewritten at deflate level 9: with ``xml_mb`` its body
    is that many MB of empty paragraphs (the costliest XML to parse), with ``media_mb`` it
    carries a picture of that many MB of zeros. Streamed, so the builder stays small."""
    import docx

    d = docx.Document()
    d.add_paragraph(BODY)
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in src.namelist():
            data = src.read(name)
            if name != "word/document.xml" or not xml_mb:
                z.writestr(name, data)
                continue
            head = data.decode().split("<w:body>")[0] + "<w:body>"
            with z.open(name, "w", force_zip64=True) as part:
                part.write(head.encode())
                block = b"<w:p/>" * (1_000_000 // 6)  # 1 MB of empty paragraphs
                for _ in range(xml_mb):
                    part.write(block)
                part.write(b"</w:body></w:document>")
        if media_mb:
            with z.open("word/media/image1.jpeg", "w", force_zip64=True) as part:
                for _ in range(media_mb):
                    part.write(b"\0" * 1_000_000)


def _sparse(path: Path, gb: int = 3) -> None:
    with open(path, "wb") as f:
        f.truncate(gb * 10**9)


def _stream(w, data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return w._add_object(stream.flate_encode())


def _font(w):
    from pypdf.generic import DictionaryObject, NameObject

    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })  # fmt: skip
    fonts = DictionaryObject({NameObject("/F1"): w._add_object(font)})
    return DictionaryObject({NameObject("/Font"): fonts})


def _pdf_shared(path: Path, pages: int = 2000, mb: float = 0.9) -> None:
    """``pages`` pages (the most KB_MAX_PDF_PAGES allows) that all draw one content stream
    of ``mb`` MB: a file of a few hundred KB whose pages add up to pages × mb MB."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    w = PdfWriter()
    text = b"BT /F1 12 Tf 72 720 Td (Yangtze River Delta cooperation plan) Tj ET\n"
    shared = _stream(w, text + b"0 0 m 1 1 l S\n" * int(mb * 1e6 // 14))
    resources = w._add_object(_font(w))
    for _ in range(pages):
        page = w.add_blank_page(612, 792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = resources
    with open(path, "wb") as f:
        w.write(f)


def _zlib_zeros(n: int) -> bytes:
    c = zlib.compressobj(9)
    block = b"\0" * 1_000_000
    return b"".join(c.compress(block) for _ in range(n // len(block))) + c.flush()


def _pdf_flate(path: Path, mb: int = 500) -> None:
    """One page whose content stream is ``mb`` MB of zeros behind /FlateDecode (~0.5 MB)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    w = PdfWriter()
    content = StreamObject()
    content._data = _zlib_zeros(mb * 1_000_000)
    content[NameObject("/Filter")] = NameObject("/FlateDecode")
    page = w.add_blank_page(612, 792)
    page[NameObject("/Contents")] = w._add_object(content)
    page[NameObject("/Resources")] = _font(w)
    with open(path, "wb") as f:
        w.write(f)


def _html(path: Path, tags: int = 1_000_000) -> None:
    body = "<b></b>" * (tags // 2)  # an opening and a closing tag each
    path.write_text(f"<html><body><p>{BODY}</p>{body}</body></html>", encoding="utf-8")


def _chinese(chars: int, seed: int = 25) -> str:
    """Policy-like Chinese paragraphs, ``chars`` characters in all."""
    rng = random.Random(seed)
    out, n = [], 0
    while n < chars:
        p = "".join(
            f"{rng.choice(SUBJECTS)}要{rng.choice(AIMS)}，每年安排专项资金{rng.randint(1, 99)}亿元。"
            for _ in range(6)
        )
        out.append(p + "\n\n")
        n += len(p) + 2
    return "".join(out)[:chars]


def _long_txt(path: Path, chars: int = 3_000_000) -> None:
    path.write_text(_chinese(chars), encoding="utf-8")


def _control(path: Path) -> None:
    path.write_text("# 长三角区域合作通知\n\n" + _chinese(1500), encoding="utf-8")


# name, file name, builder, must be ingested (the control) or may be refused
CASES = [
    ("docx-xml-bomb", "bomb.docx", lambda p: _write_docx(p, xml_mb=240), False),
    ("docx-zero-bomb", "pictures.docx", lambda p: _write_docx(p, media_mb=300), False),
    ("sparse-3GB-txt", "huge.txt", _sparse, False),
    ("pdf-shared-2000p", "shared.pdf", _pdf_shared, False),
    ("pdf-flate-500MB", "flate.pdf", _pdf_flate, False),
    ("html-1M-tags", "tags.html", _html, False),
    ("txt-3M-chars", "long.txt", _long_txt, False),
    ("control-txt", "notice.txt", _control, True),
]


# --- running one ingest -------------------------------------------------------------------


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_ingest(folder: Path, path: Path, kill_mb: float, kill_s: float) -> dict:
    """`kb ingest PATH --json` in its own process; its peak RSS (os.wait4), wall time, exit
    status and JSON report. Killed (with its group) past ``kill_mb`` or ``kill_s``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_HOME=str(folder / "home"), KB_CORPUS_DIR=str(path.parent), KB_PROGRESS="false")
    out, err = folder / "stdout.json", folder / "stderr.txt"
    killed = ""
    t = time.perf_counter()
    with open(out, "wb") as o, open(err, "wb") as e:
        child = subprocess.Popen(
            [str(KB), "ingest", str(path), "--json"],
            cwd=folder, env=env, stdout=o, stderr=e, start_new_session=True,
        )  # fmt: skip
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - t
            if not killed and _rss_mb(child.pid) > kill_mb:
                killed = f"killed: RSS over {kill_mb:.0f} MB after {elapsed:.0f} s"
            elif not killed and elapsed > kill_s:
                killed = f"killed: still running after {kill_s:.0f} s"
            if killed:
                os.killpg(child.pid, signal.SIGKILL)
            time.sleep(0.05)
    seconds = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    try:
        report = json.loads(out.read_text(encoding="utf-8"))
    except ValueError:
        report = None
    return {
        "peak_mb": usage.ru_maxrss / 1024,  # KB on Linux
        "seconds": seconds,
        "rc": child.returncode,
        "report": report,
        "killed": killed,
        "stderr": err.read_text(encoding="utf-8", errors="replace"),
    }


def judge(run: dict, must_ingest: bool) -> tuple[str, str, bool]:
    """(refused?, what happened, passed) for one run."""
    ok = run["peak_mb"] <= MAX_MB and run["seconds"] <= MAX_S and not run["killed"]
    if run["killed"]:
        return "?", run["killed"], False
    files = (run["report"] or {}).get("files") or []
    if not files:
        tail = run["stderr"].strip().splitlines()[-1:] or [""]
        return "?", f"no JSON report (exit {run['rc']}): {tail[0]}", False
    f = files[0]
    if f["status"] == "failed":
        return "yes", f["reason"], ok and not must_ingest
    return "no", f"{f['status']}, {f.get('chunks', 0)} chunks", ok


# --- the table ----------------------------------------------------------------------------


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.2f} MB"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    ap.add_argument("--kill-mb", type=float, default=4096, help="watchdog: RSS that kills")
    ap.add_argument("--kill-s", type=float, default=240, help="watchdog: seconds that kill")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min) on "
          f"{os.cpu_count()} cores")  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="kb-hostile-"))
    rows, failed = [], 0
    try:
        for name, filename, build, must_ingest in CASES:
            if args.only not in name:
                continue
            folder = tmp / name
            (folder / "corpus").mkdir(parents=True)
            path = folder / "corpus" / filename
            t = time.perf_counter()
            build(path)
            built = time.perf_counter() - t
            run = run_ingest(folder, path, args.kill_mb, args.kill_s)
            refused, what, passed = judge(run, must_ingest)
            failed += not passed
            row = (name, _size(path), refused, what[:80], run["peak_mb"], run["seconds"],
                   "PASS" if passed else "FAIL")  # fmt: skip
            rows.append(row)
            print(f"  {name}: built in {built:.1f} s, {row[-1]}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"files kept in {tmp}", file=sys.stderr)
    print(f"{'case':<17} {'on disk':>9} refused  {'peak MB':>7} {'s':>6}  result  reason")
    for name, size, refused, what, peak, secs, verdict in rows:
        print(f"{name:<17} {size:>9} {refused:<7}  {peak:7.0f} {secs:6.1f}  {verdict:<6}  {what}")
    print(f"bounds: {MAX_MB} MB peak RSS, {MAX_S:.0f} s a file; {failed} of {len(rows)} failed")
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this script's own peak while building the files: {self_peak:.0f} MB)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
