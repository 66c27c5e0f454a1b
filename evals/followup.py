"""How the follow-up rules (kb.retrieve.followup) fare on questions we did not write: CMRC 2018.

CMRC gives several questions per titled passage (read from evals/datasets/cmrc, the
passages the splits write to their corpus; withheld passages have no title there). From them, three checks per split:
- **pronoun**: a question opening with the passage title T ("锣鼓经起源于何时？") is asked as
  "它起源于何时？" after another question of the passage that names T; the rules must give
  back the original question (the subject found in a question they have never seen).
- **ellipsis**: after a question opening with T, "那<T'>呢？" (T' the title of another
  passage) must give that question with T replaced by T'.
- **topic switch**: a question of one passage asked after a question of another must be
  left exactly as asked (a new topic is not polluted by the old one).

python -m evals.followup [--split test] [--show 10]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from kb.core.tokenize import Tokenizer
from kb.retrieve.followup import resolve

CMRC = Path(__file__).parent / "datasets" / "cmrc"


@dataclass
class Check:
    total: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(what)

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0


def _norm(q: str) -> str:
    return unicodedata.normalize("NFKC", q).strip().rstrip("？?。.!！ ")


def passages(cmrc: Path, split: str) -> list[tuple[str, list[str]]]:
    """(title, questions) of the titled passages of one split (evals/build_cmrc.py's files:
    the titles from the corpus manifest, the questions grouped by their passage)."""
    manifest = yaml.safe_load((cmrc / "corpus" / split / "manifest.yaml").read_text("utf-8"))
    titles = {d["file"].removesuffix(".txt"): d.get("title", "") for d in manifest["documents"]}
    data = yaml.safe_load((cmrc / f"{split}.yaml").read_text(encoding="utf-8"))
    grouped: dict[str, list[str]] = {}
    for q in data["questions"]:
        context = re.sub(r"_QUERY_\d+$", "", q["id"])
        if len(_norm(titles.get(context, ""))) >= 2:
            grouped.setdefault(context, []).append(_norm(q["question"]))
    return [(_norm(titles[c]), qs) for c, qs in grouped.items()]


def run(cmrc: Path, split: str) -> dict[str, Check]:
    tok = Tokenizer()
    checks = {"pronoun": Check(), "ellipsis": Check(), "topic_switch": Check()}
    items = passages(cmrc, split)
    for i, (title, qs) in enumerate(items):
        openers = [q for q in qs if q.startswith(title) and len(q) > len(title) + 2]
        for q2 in openers:
            q1 = next((q for q in qs if q != q2 and title in q), None)
            if q1 is None:
                continue
            follow = "它" + q2[len(title) :]
            got = _norm(resolve(follow + "？", q1, tok).text)
            checks["pronoun"].add(got == q2, f"{q1} | {follow} -> {got}")
        other = items[(i + 1) % len(items)][0]
        for q1 in openers[:1]:
            got = _norm(resolve(f"那{other}呢？", q1, tok).text)
            checks["ellipsis"].add(got == other + q1[len(title) :], f"{q1} | 那{other}呢 -> {got}")
        if i + 1 < len(items) and qs and items[i + 1][1]:
            q1, q2 = qs[-1], items[i + 1][1][0]
            got = _norm(resolve(q2 + "？", q1, tok).text)
            checks["topic_switch"].add(got == q2, f"{q1} | {q2} -> {got}")
    return checks


@click.command()
@click.option("--split", type=click.Choice(["train", "dev", "test"]), default="test")
@click.option("--cmrc", type=click.Path(path_type=Path, exists=True), default=CMRC)
@click.option("--show", default=0, help="Print this many misses of each check.")
def main(split: str, cmrc: Path, show: int) -> None:
    checks = run(cmrc, split)
    click.echo(f"CMRC 2018 {split} split: follow-up rules")
    for name, c in checks.items():
        click.echo(f"  {name:<13} {c.right:>4}/{c.total:<4} {c.rate:.3f}")
        for m in c.misses[:show]:
            click.echo(f"      miss: {m}")


if __name__ == "__main__":
    main()
