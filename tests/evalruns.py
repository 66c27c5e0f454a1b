"""A tiny eval dataset whose second version flips two questions, and a private copy of the
session's ingested store, for the 评测 page tests (AppTest and the browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.core.settings import Settings

FLIP_FAIL = "火星基地"  # in no answer: a must group naming it always fails


def tiny_dataset(path: Path, flipped: bool = False) -> Path:
    """Three questions: a refusal, and the G60 question twice with must groups that swap
    between the versions, so 'gov' goes pass → fail and 'gov2' fail → pass (the G60 answer
    names 联席会议, tests/test_app.py)."""
    gov, gov2 = (FLIP_FAIL, "联席会议") if flipped else ("联席会议", FLIP_FAIL)
    path.write_text(
        f"""\
- id: refuse
  question: 2030年签署了哪些协议？
  answerable: false
- id: gov
  question: G60科创走廊是如何治理的？
  must: [[{gov}]]
- id: gov2
  question: G60科创走廊是如何治理的？
  must: [[{gov2}]]
""",
        encoding="utf-8",
    )
    return path


def private_home(settings: Settings, dest: Path) -> Settings:
    """The session's ingested store copied to ``dest`` (no re-ingest), without its eval runs
    and eval corpora: a page test sees exactly the runs it makes."""
    shutil.copytree(settings.home, dest, ignore=shutil.ignore_patterns("eval-runs", "eval-corpora"))
    return settings.model_copy(update={"home": dest})
