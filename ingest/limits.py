"""What reading one file may cost, from the settings, and the checks that hold a file to it.

Every limit is checked while the file is read, never from what the file says about itself:
the size from ``stat`` before the first byte is read (and the read stops at the limit should
the file grow meanwhile), hashing in blocks, a Word package's parts counted as they are
unpacked (a zip header may declare any size), a PDF's decoded streams counted by
ingest/read/pdf_budget.py. A file over a limit is refused with a message naming the limit and the
``KB_*`` setting that raises it; the rest of the ingest goes on.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReadError, unreadable
from kb.core.settings import Settings

_BLOCK = 1 << 20


def _default(name: str):
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class ReadLimits:
    """The per-file limits in bytes and counts (Settings holds them in MB)."""

    max_bytes: int = int(_default("max_file_mb") * 1e6)
    max_pages: int = _default("max_pdf_pages")
    max_inflated: int = int(_default("max_inflated_mb") * 1e6)
    max_xml: int = int(_default("max_xml_mb") * 1e6)
    max_parts: int = _default("max_archive_parts")
    max_html_tags: int = _default("max_html_tags")
    max_chars: int = _default("max_text_chars")
    max_seconds: float = _default("max_read_seconds")

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(
            max_bytes=int(settings.max_file_mb * 1e6),
            max_pages=settings.max_pdf_pages,
            max_inflated=int(settings.max_inflated_mb * 1e6),
            max_xml=int(settings.max_xml_mb * 1e6),
            max_parts=settings.max_archive_parts,
            max_html_tags=settings.max_html_tags,
            max_chars=settings.max_text_chars,
            max_seconds=settings.max_read_seconds,
        )


def mb(n: int) -> str:
    return f"{n / 1e6:g} MB"


def _too_big(size: int, limits: ReadLimits) -> ReadError:
    return ReadError(
        f"文件大小为 {size / 1e6:.1f} MB，超过 {mb(limits.max_bytes)} 的上限（KB_MAX_FILE_MB）"
    )


def check_chars(n: int, limits: ReadLimits, where: str = "") -> None:
    """Refuse a file whose text is longer than the limit (``where``: how far it got, e.g.
    "（读到第 3 页时）")."""
    if n > limits.max_chars:
        raise ReadError(f"文本超过 {limits.max_chars:,} 个字符的上限（KB_MAX_TEXT_CHARS）{where}")


def check_size(path: Path, limits: ReadLimits) -> int:
    """The file's size from ``stat``, refused over the limit before anything is read."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _too_big(size, limits)
    return size


def read_capped(path: Path, limits: ReadLimits) -> bytes:
    """The file's bytes, its size checked first; at most the limit is ever read (a file that
    grows after the check, or one whose size ``stat`` does not tell, stops there)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limits.max_bytes:
            raise _too_big(size, limits)
        data = f.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise _too_big(len(data), limits)
    return data


def update_with_file(h, path: Path, limits: ReadLimits) -> None:
    """Feed the file to the hash ``h`` block by block (never the whole file in memory)."""
    read = 0
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            read += len(block)
            if read > limits.max_bytes:
                raise _too_big(read, limits)
            h.update(block)


# ---------------------------------------------------------------- zip packages (.docx)
def check_package(data: bytes, limits: ReadLimits, kind: str = "Word 文件") -> None:
    """Refuse a zip package (a .docx) that lists too many parts, or whose parts unpack to more
    than the limits: each part is unpacked in blocks and counted as it comes (its declared
    size is not trusted), all parts against ``max_inflated`` and the XML parts, which a
    reader parses into a tree, against ``max_xml``. Nothing is kept."""
    check_directory(data, limits, kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml_types = _xml_types(zf, limits, kind)
            total = xml = 0
            for info in zf.infolist():
                parsed = _is_xml(info.filename, xml_types)
                with zf.open(info) as part:
                    while block := part.read(_BLOCK):
                        total += len(block)
                        xml += len(block) if parsed else 0
                        _check_counts(total, xml, info.filename, limits, kind)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as e:
        raise unreadable(f"不是有效的 {kind}（zip 压缩包已损坏）", e) from e
    except (RuntimeError, NotImplementedError, ValueError) as e:  # encrypted, odd method
        raise unreadable(f"{kind}无法解压（已加密或压缩方式不受支持）", e) from e


def _check_counts(total: int, xml: int, name: str, limits: ReadLimits, kind: str) -> None:
    if total > limits.max_inflated:
        raise ReadError(
            f"{kind}解压后超过 {mb(limits.max_inflated)} 的上限（KB_MAX_INFLATED_MB），"
            f"解压到部件 {name} 时超出，疑似压缩炸弹"
        )
    if xml > limits.max_xml:
        raise ReadError(
            f"{kind}的 XML 解压后超过 {mb(limits.max_xml)} 的上限（KB_MAX_XML_MB），"
            f"解压到部件 {name} 时超出，疑似压缩炸弹"
        )


def check_directory(data: bytes, limits: ReadLimits, kind: str = "Word 文件") -> None:
    """The part count and directory size from the end record, before zipfile builds its
    table of parts (a 50 MB file can list a million empty parts)."""
    end = getattr(zipfile, "_EndRecData", None)
    if end is None:  # not in this Python: zipfile's own table is the only check
        return
    try:
        rec = end(io.BytesIO(data))
    except (OSError, ValueError, zipfile.BadZipFile):
        return  # zipfile says what is wrong with it
    if not rec:
        return
    parts, size = rec[zipfile._ECD_ENTRIES_TOTAL], rec[zipfile._ECD_SIZE]
    # a part's directory entry is 46 bytes and its name: 300 bytes each is generous
    if parts > limits.max_parts or size > limits.max_parts * 300:
        raise ReadError(
            f"{kind}列出 {parts} 个部件（目录 {size / 1e6:.1f} MB），超过 {limits.max_parts} "
            "个部件的上限（KB_MAX_ARCHIVE_PARTS）"
        )


_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _xml_types(zf: zipfile.ZipFile, limits: ReadLimits, kind: str) -> dict:
    """Part name -> whether its content type is XML, from ``[Content_Types].xml`` (what a
    reader goes by, whatever the part is named); the extension defaults under key ``*.ext``."""
    try:
        info = zf.getinfo("[Content_Types].xml")
    except KeyError:
        return {}
    with zf.open(info) as f:
        raw = f.read(limits.max_xml + 1)
    _check_counts(len(raw), len(raw), info.filename, limits, kind)
    from lxml import etree

    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return {}
    out: dict = {}
    for el in root:
        ctype = (el.get("ContentType") or "").lower()
        if el.tag == f"{_CT}Default" and el.get("Extension"):
            out["*." + el.get("Extension").lower()] = "xml" in ctype
        elif el.tag == f"{_CT}Override" and el.get("PartName"):
            out[el.get("PartName").lstrip("/").lower()] = "xml" in ctype
    return out


def _is_xml(name: str, types: dict) -> bool:
    """Whether a reader parses the part: by its declared content type, else by its name (a
    part of unknown type counts as XML, the costlier kind)."""
    name = name.lower()
    if name in types:
        return types[name]
    ext = "*." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    return types.get(ext, True)
