"""Eval datasets (GUIDE §4): load, validate, and the matching rules the metrics share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.text import norm


class DatasetError(ValueError):
    pass


@dataclass
class EvalItem:
    id: str
    question: str
    reference_answer: str = ""
    must: list[list[str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    answerable: bool = True
    tags: list[str] = field(default_factory=list)


_KEYS = set(EvalItem.__dataclass_fields__)


def load_dataset(path: Path) -> list[EvalItem]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DatasetError(f"{path}:{n}: not valid JSON: {e.msg}") from e
    else:
        rows = yaml.safe_load(text) or []
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: expected a list of questions")
    items = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise DatasetError(f"{path}: item {i}: expected a mapping")
        unknown = set(row) - _KEYS
        if unknown:
            raise DatasetError(
                f"{path}: item {i} ({row.get('id', '?')}): unknown field(s) {sorted(unknown)}"
            )
        for req in ("id", "question"):
            if not row.get(req):
                raise DatasetError(f"{path}: item {i}: missing field '{req}'")
        must = [
            [str(a) for a in (g if isinstance(g, list) else [g])] for g in row.get("must") or []
        ]
        items.append(
            EvalItem(
                id=str(row["id"]),
                question=str(row["question"]),
                reference_answer=str(row.get("reference_answer") or ""),
                must=must,
                evidence=[str(e) for e in row.get("evidence") or []],
                answerable=bool(row.get("answerable", True)),
                tags=[str(t) for t in row.get("tags") or []],
            )
        )
    return items


def must_ok(answer: str, groups: list[list[str]]) -> list[bool]:
    """Per must-group: does any alternative appear in the answer (width/space/thousands-insensitive)."""
    a = norm(answer)
    return [any(norm(alt) in a for alt in g) for g in groups]


def evidence_rank(texts: list[str], evidence: list[str]) -> int | None:
    """1-based rank of the first text containing any evidence phrase."""
    ev = [norm(e) for e in evidence]
    for i, t in enumerate(texts, 1):
        nt = norm(t)
        if any(e in nt for e in ev):
            return i
    return None
