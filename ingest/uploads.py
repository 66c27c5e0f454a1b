"""Uploaded files: names sanitised, type checked by content as well as by name, size limited,
saved under ``KB_HOME/uploads/`` with their metadata in that folder's manifest, ready for
``ingest`` (which reads that folder by default too). Nothing is written outside it."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ingest.errors import ReadError
from ingest.formats import by_suffix
from ingest.limits import ReadLimits, check_directory, check_package
from ingest.metadata import ManifestEntry, read_yaml
from kb.core.settings import Settings
from kb.core.zh import validation

_BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE = re.compile(r"[^\w.\-（）()《》]+")
# An upload's metadata fields as the 上传 page names them (a refusal names the field).
FIELDS = {"title": "标题", "doc_type": "类型", "date": "日期", "author": "发布机构/作者",
          "access": "可读的组"}  # fmt: skip


@dataclass
class Upload:
    name: str
    data: bytes
    title: str | None = None
    doc_type: str | None = None
    date: str | None = None
    author: str | None = None
    access: list[str] | None = None  # groups that may read it; None: every user


@dataclass
class Saved:
    original: str
    path: Path | None
    error: str = ""


def sanitize_name(name: str) -> str:
    """A safe base name: no folders (../../x), no control or bidi characters, no hidden files."""
    name = unicodedata.normalize("NFKC", name or "")
    name = _BIDI.sub("", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip("._-")[:80] or "upload"
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())[:8]
    return f"{stem}.{suffix}" if suffix else stem


def check_content(name: str, data: bytes, max_bytes: int) -> str:
    """Reason the file is refused, or '' when it looks like what its name says."""
    suffix = Path(name).suffix.lower()
    fmt = by_suffix(name)
    if fmt is None:
        return f"不支持的文件类型 {suffix or '（无扩展名）'}"
    if not data:
        return "空文件"
    if len(data) > max_bytes:
        return f"文件大小为 {len(data) / 1e6:.1f} MB，超过 {max_bytes / 1e6:g} MB 的上限（KB_MAX_FILE_MB）"
    return fmt.check(data, suffix)  # the content is what the name says (ingest/formats.py)


def save_uploads(uploads: list[Upload], settings: Settings) -> list[Saved]:
    folder = settings.uploads_dir.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "manifest.yaml"
    manifest = (
        read_yaml(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else None
    )
    entries = {e["file"]: e for e in (manifest or {}).get("documents", [])}
    limits = ReadLimits.of(settings)
    out: list[Saved] = []
    for up in uploads:
        name = sanitize_name(up.name)
        # A package's part count first: checking its content lists every part it names.
        docx = name.endswith(".docx")
        reason = _refusal(check_directory, up.data, limits) if docx else ""
        reason = reason or check_content(name, up.data, limits.max_bytes)
        if not reason and docx:
            reason = _refusal(check_package, up.data, limits)
        entry = {
            k: v
            for k, v in dict(
                file=name,
                title=up.title,
                doc_type=up.doc_type,
                date=up.date,
                author=up.author,
                access=up.access,  # in the manifest: the file carries its access with it
            ).items()
            if v
        }
        if not reason:
            try:
                ManifestEntry.model_validate(entry)
            except ValidationError as e:
                first = e.errors()[0]
                msg = validation(first)
                field = ".".join(map(str, first["loc"]))
                reason = f"文档信息「{FIELDS.get(field, field)}」有误：{msg}"
        if reason:
            out.append(Saved(up.name, None, reason))
            continue
        target = folder / name
        n = 2
        while target.exists() and target.read_bytes() != up.data:
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
            n += 1
        if target.resolve().parent != folder:  # belt and braces: never outside uploads/
            out.append(Saved(up.name, None, "文件名不安全"))
            continue
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(fd, "wb") as f:
            f.write(up.data)
        os.replace(tmp, target)
        entry["file"] = target.name
        # The same bytes under the same name again: one document, whose earlier access is
        # kept (a re-upload without groups never makes it public).
        entries[target.name] = _merged(entries.get(target.name), entry)
        out.append(Saved(up.name, target))
    if entries:
        tmp = manifest_path.with_suffix(".tmp")
        tmp.write_text(
            yaml.safe_dump(
                {"documents": list(entries.values())}, allow_unicode=True, sort_keys=False
            ),
            encoding="utf-8",
        )
        os.replace(tmp, manifest_path)
    return out


def _refusal(check, data: bytes, limits: ReadLimits) -> str:
    """Why ``check`` refuses a Word package at upload (unpacked in blocks, nothing kept),
    or ''."""
    try:
        check(data, limits)
    except ReadError as e:
        return str(e)
    return ""


def _merged(old: dict | None, new: dict) -> dict:
    """The manifest entry of a file uploaded again with the same bytes: the new metadata,
    its access never widened to everyone: a restricted file stays restricted (to both
    uploads' groups when both name some); a public one is restricted if the new upload says
    so (whoever uploads the same bytes again could already read them)."""
    if not old:
        return new
    merged = {**old, **new}
    groups = [*(old.get("access") or []), *(new.get("access") or [])]
    if old.get("access"):
        merged["access"] = list(dict.fromkeys(groups))
    return merged
