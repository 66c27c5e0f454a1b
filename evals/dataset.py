"""Eval datasets (GUIDE §4): load, validate, and the matching rules the metrics share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml


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


def _yaml_lines(text: str) -> list[dict[str, int]]:
    """Per item: field name -> 1-based line, and '' -> the item's own line."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    out = []
    for node in getattr(root, "value", []) or []:
        lines = {"": node.start_mark.line + 1}
        if isinstance(node, yaml.MappingNode):
            for k, _ in node.value:
                lines[str(k.value)] = k.start_mark.line + 1
        out.append(lines)
    return out


def _error(path: Path, i: int, row, ln: dict[str, int], msg: str, field: str = "") -> DatasetError:
    line = ln.get(field) or ln.get("", "?")
    label = f"item {i + 1}" + (
        f" ({row.get('id')})" if isinstance(row, dict) and row.get("id") else ""
    )
    return DatasetError(
        f"{path}:{line}: {label}" + (f", field '{field}'" if field else "") + f": {msg}"
    )


def load_dataset(path: Path) -> list[EvalItem]:
    """Load and validate; errors name the file, the line, the item and the field."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows, lines = [], []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DatasetError(f"{path}:{n}: not valid JSON: {e.msg}") from e
                lines.append({"": n})
    else:
        try:
            rows = yaml.safe_load(text) or []
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise DatasetError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from e
        lines = _yaml_lines(text)
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: expected a list of questions")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        ln = lines[i] if i < len(lines) else {}

        if not isinstance(row, dict):
            raise _error(path, i, row, ln, "expected a mapping with id and question")
        for key in row:
            if key not in _KEYS:
                raise _error(
                    path, i, row, ln, f"unknown field (known: {', '.join(sorted(_KEYS))})", key
                )
        for req in ("id", "question"):
            if not str(row.get(req) or "").strip():
                raise _error(path, i, row, ln, "missing or empty", req)
        if str(row["id"]) in seen:
            raise _error(path, i, row, ln, "duplicate id", "id")
        seen.add(str(row["id"]))
        must = row.get("must") or []
        if not isinstance(must, list) or not all(
            isinstance(g, (list, str, int, float)) for g in must
        ):
            raise _error(
                path, i, row, ln, "must be a list of groups (each a list of alternatives)", "must"
            )
        for key in ("evidence", "tags"):
            if not isinstance(row.get(key) or [], list):
                raise _error(path, i, row, ln, "must be a list", key)
        if not isinstance(row.get("answerable", True), bool):
            raise _error(path, i, row, ln, "must be true or false", "answerable")
        items.append(
            EvalItem(
                id=str(row["id"]),
                question=str(row["question"]),
                reference_answer=str(row.get("reference_answer") or ""),
                must=[[str(a) for a in (g if isinstance(g, list) else [g])] for g in must],
                evidence=[str(e) for e in row.get("evidence") or []],
                answerable=row.get("answerable", True),
                tags=[str(t) for t in row.get("tags") or []],
            )
        )
    return items
