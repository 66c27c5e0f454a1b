"""A subject raised to a national strategy, as kb/data/strategy_events.yaml words it: the
verbs (as a text has them -> as a record is named) and the subjects (record name -> words
that refer to it). Its own small module: the catalog imports it, and must not pay for the
query glossary's tables (about 80 ms)."""

from __future__ import annotations

from pathlib import Path

import yaml

_TABLE = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "strategy_events.yaml").read_text(encoding="utf-8")
)
STRATEGY_VERBS: dict[str, str] = _TABLE["verbs"]
STRATEGY_SUBJECTS: dict[str, list[str]] = _TABLE["subjects"]
# Unquoted YAML (on, no, 2024) would load as a non-string and silently never match.
if not all(isinstance(k, str) and isinstance(v, str) for k, v in STRATEGY_VERBS.items()) or not all(
    isinstance(k, str) and isinstance(v, list) and all(isinstance(w, str) for w in v)
    for k, v in STRATEGY_SUBJECTS.items()
):
    raise ValueError("strategy_events.yaml: verbs map strings to strings, subjects to lists")
del _TABLE
