"""Document metadata: from ``corpus/manifest.yaml`` when the file has an entry, otherwise
inferred from the text (title from the first heading, date from the text)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DOC_TYPES = ("plan", "agreement", "index_report", "park_profile", "news", "research")


class ManifestError(ValueError):
    pass


class ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    id: str | None = None
    title: str | None = None
    doc_type: str | None = Field(None, description=f"one of {', '.join(DOC_TYPES)}")
    date: str | None = None
    author: str | None = None
    publication: str | None = None
    region: str | None = None
    origin: str | None = None
    access: list[str] | None = Field(
        None, description="Groups that may read the document; absent: every user."
    )

    @field_validator("doc_type")
    @classmethod
    def _type(cls, v: str | None) -> str | None:
        if v is not None and v not in DOC_TYPES:
            raise ValueError(f"doc_type must be one of {', '.join(DOC_TYPES)}, not {v!r}")
        return v

    @field_validator("access", mode="before")
    @classmethod
    def _access(cls, v):
        if v is None:
            return None
        from kb.access import parse_groups

        groups = parse_groups(v if isinstance(v, list | str) else str(v))
        if not groups:
            raise ValueError("access must name at least one group (leave it out for everyone)")
        return groups

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v):
        if v is None:
            return None
        v = str(v)
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
            raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {v!r}")
        return v


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Entries keyed by resolved file path. Errors name the manifest and the entry."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}: not valid YAML: {e}") from e
    docs = data.get("documents", []) if isinstance(data, dict) else data
    if not isinstance(docs, list):
        raise ManifestError(f"{path}: expected a 'documents:' list")
    out: dict[str, ManifestEntry] = {}
    for i, raw in enumerate(docs):
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise ManifestError(f"{path}: entry {i + 1} ({loc}): {first['msg']}") from e
        out[str((path.parent / entry.file).resolve())] = entry
    return out


_DATE_PATTERNS = [
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"^((?:19|20)\d{2})\s*\n\s*(\d{2})-(\d{2})\s*$", re.M),  # "2023\n02-16" page headers
]


def infer_date(text: str, hint: str | None = None) -> str | None:
    head = text[:600]
    for pat in _DATE_PATTERNS:
        m = pat.search(head)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    if hint:
        m = re.match(r"((?:19|20)\d{2})(?:-(\d{2}))?(?:-(\d{2}))?", hint)
        if m:
            return "-".join(g for g in m.groups() if g)
    m = re.search(r"^\s*((?:19|20)\d{2})\s", head)  # "2023 长三角区域协同创新指数"
    return m.group(1) if m else None


def infer_title(text: str, hint: str | None = None) -> str:
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("#"):
            return s.lstrip("#").strip()[:120]
    if hint:
        return hint[:120]
    for line in text.split("\n"):
        s = line.strip()
        if 4 <= len(s) <= 60 and not re.fullmatch(r"[\d\s年月日:：/-]+", s):
            return s
    return text.strip()[:40]


def infer_type(title: str, text: str) -> str:
    t = title
    if re.search(r"协议|备忘录|协定", t):
        return "agreement"
    if re.search(r"规划|纲要|行动计划|方案|意见|措施", t):
        return "plan"
    if re.search(r"指数|报告|白皮书|年鉴", t):
        return "index_report"
    if re.search(r"软件园|产业园|科技园|园区|开发区", t):
        return "park_profile"
    if re.search(r"本报(记者|讯)|记者|通讯员|新华社", text[:800]):
        return "news"
    return "research"


def make_doc_id(path: Path, taken: set[str]) -> str:
    stem = re.sub(r"[^\w-]+", "-", path.stem.strip().lower()).strip("-") or "doc"
    if stem not in taken:
        return stem
    return f"{stem}-{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"
