"""Eval datasets (the format: README "Contracts"): load, validate, and the matching rules the metrics share.

A dataset is a YAML list of questions, JSONL with the same keys, or a YAML mapping
``{corpus: PATH, questions: [...]}`` for a dataset that brings its own corpus (PATH is a folder
relative to the dataset file; the runner ingests it into a KB_HOME of its own)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.core.errors import KBError


class DatasetError(KBError, ValueError):
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
    kind: str = ""  # fact, numeric, date, list, gongwen, article, english, unanswerable…
    doc: str = ""  # the file the answer is in (file name inside the corpus)
    # answers a reader marked wrong (👎 feedback): giving one of them again is not correct
    wrong_answers: list[str] = field(default_factory=list)


_KEYS = set(EvalItem.__dataclass_fields__)


# libyaml when present (parses the 1,300-question CMRC files ~10x faster); same results.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str):
    """(data, node tree) from one parse; the tree carries the line numbers."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def _yaml_lines(root) -> tuple[list[dict[str, int]], dict[str, int]]:
    """Per item: field name -> 1-based line, and '' -> the item's own line; and for a
    top-level mapping, its keys -> line."""
    top: dict[str, int] = {}
    seq = root
    if isinstance(root, yaml.MappingNode):
        seq = None
        for k, v in root.value:
            top[str(k.value)] = k.start_mark.line + 1
            if k.value == "questions":
                seq = v
    out = []
    for node in seq.value if isinstance(seq, yaml.SequenceNode) else []:
        lines = {"": node.start_mark.line + 1}
        if isinstance(node, yaml.MappingNode):
            for k, _ in node.value:
                lines[str(k.value)] = k.start_mark.line + 1
        out.append(lines)
    return out, top


def _error(path: Path, i: int, row, ln: dict[str, int], msg: str, field: str = "") -> DatasetError:
    line = ln.get(field) or ln.get("", "?")
    label = f"item {i + 1}" + (
        f" ({row.get('id')})" if isinstance(row, dict) and row.get("id") else ""
    )
    return DatasetError(
        f"{path}:{line}: {label}" + (f", field '{field}'" if field else "") + f": {msg}"
    )


@dataclass
class Dataset:
    """A loaded dataset: its questions and, when it brings one, its corpus folder."""

    path: Path
    items: list[EvalItem]
    corpus: Path | None = None  # resolved against the dataset file's folder
    # ``corpus: [PATH, ...]``: files and folders the runner stages into one corpus folder
    # (documents read where they lie, e.g. ../shared, without copying them into the project)
    corpus_parts: list[Path] = field(default_factory=list)


_TOP_KEYS = ("corpus", "questions")


def load_dataset(path: Path) -> list[EvalItem]:
    """Load and validate; errors name the file, the line, the item and the field."""
    return read_dataset(path).items


def read_dataset(path: Path) -> Dataset:
    """Load and validate a YAML list, a YAML mapping ``{corpus: PATH, questions: [...]}``
    (PATH relative to the dataset file), or JSONL. Errors name file, line, item and field."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    corpus: Path | list[Path] | None = None
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
            rows, root = _parse_yaml(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise DatasetError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from e
        rows = rows or []
        lines, top = _yaml_lines(root)
        if isinstance(rows, dict):
            rows, corpus = _unwrap(path, rows, top)
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: expected a list of questions")
    items = _items(path, rows, lines)
    if isinstance(corpus, list):
        return Dataset(path, items, None, corpus)
    return Dataset(path, items, corpus)


def _unwrap(path: Path, doc: dict, top: dict[str, int]) -> tuple[list, Path | list[Path] | None]:
    """The questions and the resolved corpus folder of a top-level mapping."""

    def err(key: str, msg: str) -> DatasetError:
        return DatasetError(f"{path}:{top.get(key, 1)}: field '{key}': {msg}")

    for key in doc:
        if key not in _TOP_KEYS:
            raise err(str(key), f"unknown top-level field (known: {', '.join(_TOP_KEYS)})")
    if not isinstance(doc.get("questions"), list):
        raise err("questions", "expected a list of questions")
    corpus = None
    if isinstance(doc.get("corpus"), list):
        parts = [(path.parent / str(p)).resolve() for p in doc["corpus"]]
        missing = [str(p) for p in parts if not p.exists()]
        if not parts or missing:
            raise err("corpus", f"not found: {', '.join(missing[:3]) or 'empty list'}")
        return doc["questions"], parts
    if doc.get("corpus") is not None:
        if not isinstance(doc["corpus"], str) or not doc["corpus"].strip():
            raise err("corpus", "expected a folder path (relative to the dataset file)")
        corpus = (path.parent / doc["corpus"]).resolve()
        if not corpus.is_dir():
            raise err("corpus", f"folder not found: {corpus}")
    return doc["questions"], corpus


def _items(path: Path, rows: list, lines: list[dict[str, int]]) -> list[EvalItem]:
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
        for key in ("evidence", "tags", "wrong_answers"):
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
                kind=str(row.get("kind") or ""),
                doc=str(row.get("doc") or ""),
                wrong_answers=[str(a) for a in row.get("wrong_answers") or []],
            )
        )
    return items
