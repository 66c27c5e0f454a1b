"""What the chat's suggestions cost and how often they are right (run by hand, not in CI).

    KB_HOME=/tmp/kb .venv/bin/python benchmarks/suggestions.py [--dataset evals/datasets/yrd.yaml]

On the store of KB_HOME (ingested first if needed), for each question of the dataset:
- **typos:** one Chinese character of the question replaced by another character drawn, with
  a fixed seed, from the store's own text (so a typo is as likely to be a common character as
  it is in the documents). Reported: how often "您是不是要问……" brings back the question as
  written (recall), how often it offers something else (wrong), and how often it offers
  anything for the question as written (false alarms: a correction nobody needed).
- **follow-ups:** how many are offered after an answered question, and the time
  ``kb.suggest.for_turn`` adds to an answer (each suggestion is asked first).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.dataset import load_dataset  # noqa: E402
from ingest.pipeline import ensure_ingested  # noqa: E402
from kb import suggest  # noqa: E402
from kb.core.settings import Settings  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


def typo(question: str, text: str, rng: random.Random) -> str | None:
    spots = [i for i in range(1, len(question) - 1) if CJK.match(question[i])]
    if not spots:
        return None
    i = rng.choice(spots)
    while True:
        y = text[rng.randrange(len(text))]
        if CJK.match(y) and y != question[i]:
            return question[:i] + y + question[i + 1 :]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default=str(ROOT / "evals/datasets/yrd.yaml"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    settings = Settings(progress=False)
    ensure_ingested(settings, quiet=True)
    kb = KnowledgeBase.open(settings)
    questions = [it.question for it in load_dataset(Path(args.dataset))]
    text = suggest._text(kb.retriever.snapshot(None))
    rng = random.Random(args.seed)
    kb.ask(questions[0], audit=False)  # warm: models and indexes

    alarms = sum(bool(suggest.did_you_mean(kb, q, None)) for q in questions)
    right = wrong = none = 0
    for q in questions:
        bad = typo(q, text, rng)
        if bad is None:
            continue
        fixed = suggest.did_you_mean(kb, bad, None)
        right += fixed == q
        wrong += bool(fixed) and fixed != q
        none += not fixed
    typos = right + wrong + none

    offered, costs = [], []
    for q in questions:
        turn = kb.ask(q, audit=False).to_dict()
        t0 = time.perf_counter()
        extra = suggest.for_turn(kb, turn, None)
        costs.append((time.perf_counter() - t0) * 1000)
        if turn["status"] == "answered":
            offered.append(len(extra.get("suggestions", [])))
    costs.sort()
    print(f"{len(questions)} questions of {Path(args.dataset).name}; store {settings.home}")
    print(f"typos: {typos} questions with one character replaced (seed {args.seed})")
    print(f"  corrected to the question as written: {right} ({right / typos:.3f})")
    print(f"  offered another question:             {wrong} ({wrong / typos:.3f})")
    print(f"  no correction offered:                {none} ({none / typos:.3f})")
    print(f"false alarms on the questions as written: {alarms} of {len(questions)}")
    print(
        f"follow-ups after {len(offered)} answered questions: mean {statistics.mean(offered):.2f},"
        f" none for {offered.count(0)}"
    )
    print(
        f"time added to an answer: p50 {statistics.median(costs):.0f} ms, "
        f"p95 {costs[int(0.95 * (len(costs) - 1))]:.0f} ms"
    )


if __name__ == "__main__":
    main()
