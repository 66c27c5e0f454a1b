"""CLI cold-start times (issue 14), each command a fresh process as from the shell.

    .venv/bin/python benchmarks/cli_start.py [--runs 5] [--home .kb]

Prints the median (and min/max) wall time and the median CPU time of `kb --help`, `kb ask` on the ingested store
(loads the model, the store and jieba's dictionary; a copy of --home, ingested first if
empty), and `kb ask` through a running `kb serve` (KB_SERVER_URL), against the targets:
`kb --help` <= 0.5 s, `kb ask` cold <= 2.5 s. Exits 1 when a target is missed.

Where the time goes: `python -X importtime -m kb.cli ask "…" 2> imports.txt`; the loading
itself (model, Chroma, jieba, BM25) is what `KnowledgeBase.open` and the first ask do.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serving import kb, kb_env, kb_serve, load_average, store_copy  # noqa: E402

QUESTIONS = [
    "2018年签署了哪些协议？",
    "G60科创走廊是如何治理的？",
    "吴江区2022年的研发投入是多少？",
    "上海市软件园区有哪些？",
    "长三角科技创新共同体的建设目标是什么？",
]
TARGETS = {"kb --help": 0.5, "kb ask (cold)": 2.5}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU (user + system) tells a slow command from a busy
    machine."""
    cpu = _children_cpu()
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[2:])} failed ({r.returncode}):\n{r.stderr}")
    return took, _children_cpu() - cpu


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def measure(cmds: list[list[str]], env: dict[str, str], runs: int) -> list[tuple[float, float]]:
    timed(cmds[0], env)  # warm-up, not counted: bytecode and jieba's dictionary cache written
    return [timed(cmds[i % len(cmds)], env) for i in range(runs)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per command")
    ap.add_argument("--home", type=Path, default=ROOT / ".kb", help="an ingested KB_HOME")
    args = ap.parse_args()
    print(f"load average before: {load_average()}")
    rows: dict[str, list[tuple[float, float]]] = {}
    with store_copy(args.home) as home:
        env = kb_env(home)
        rows["kb --help"] = measure([kb("--help")], env, args.runs)
        asks = [kb("ask", q) for q in QUESTIONS]
        rows["kb ask (cold)"] = measure(asks, env, args.runs)
        rows["kb ask --json (cold)"] = measure([[*a, "--json"] for a in asks], env, args.runs)
        log = Path(tempfile.mkdtemp(prefix="kb-bench-log-")) / "serve.log"
        with kb_serve(home, log) as url:
            remote = kb_env(home, KB_SERVER_URL=url)
            rows["kb ask via KB_SERVER_URL"] = measure(asks, remote, args.runs)
    print(f"load average after:  {load_average()}")
    print(
        f"\n{'command':28s} {'median':>7s} {'min':>6s} {'max':>6s} {'CPU':>6s}  target (n={args.runs})"
    )
    missed = []
    for name, runs in rows.items():
        wall = [w for w, _ in runs]
        med = statistics.median(wall)
        cpu = statistics.median(c for _, c in runs)
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"<= {target:.1f} s  {'ok' if med <= target else 'MISSED'}"
            if med > target:
                missed.append(name)
        print(f"{name:28s} {med:6.2f}s {min(wall):5.2f}s {max(wall):5.2f}s {cpu:5.2f}s  {verdict}")
    if missed:
        raise SystemExit(f"targets missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
