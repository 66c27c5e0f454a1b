"""Which files an ingest reads: folders walked, links and special files passed over with a
reason, and each file's source name (its path relative to the project root)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from kb.core.settings import Settings


def source_of(path: Path, settings: Settings) -> str:
    """Path relative to the project root (posix), or absolute when outside it."""
    p = path.resolve()
    try:
        return p.relative_to(settings.project_root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def source_of_link(path: Path, settings: Settings) -> str:
    """Like source_of, without following a final symbolic link (to name what was skipped),
    and printable: bytes of a name that are not UTF-8 are shown as ``\\xff``."""
    p = path.parent.resolve() / path.name
    try:
        return printable(p.relative_to(settings.project_root.resolve()).as_posix())
    except ValueError:
        return printable(p.as_posix())


def printable(name: str) -> str:
    """A path as text that can be stored and shown: a name that is not UTF-8 (it reaches
    Python as lone surrogates) has its odd bytes written as ``\\xff``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _not_utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


LINK = "符号链接（不跟随：请直接指定它指向的文件）"
OUTSIDE = "指向文件夹以外的符号链接"
NOT_UTF8 = "文件名不是 UTF-8 编码（请重命名：按原样无法保存或显示）"


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(files to ingest, folders scanned, (path, reason) skipped). Hidden files and the
    manifest are passed over. Nothing from outside a scanned folder is read: a symbolic link
    leading out of it is skipped, and so is anything not a regular file (a device, FIFO or
    socket would block or leak), each with a reason. A file named directly is read only
    when it is a regular file itself, not a link to one (a folder named through a link is
    scanned as that folder). A file whose name is not UTF-8 is skipped, with a reason."""
    files: list[Path] = []
    roots: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in paths:
        if p.is_dir():
            roots.append(p)
            _walk(p, files, skipped)
        elif p.is_symlink():
            skipped.append((p, LINK))
        elif p.exists() and (why := _not_regular(p)) is not None:
            skipped.append((p, why))
        elif _not_utf8(p):
            skipped.append((p, NOT_UTF8))
        else:
            files.append(p)  # a missing file is reported by the reader step
    # One entry per file: a link inside the folder and its target are the same document.
    unique = {f.resolve(): f for f in reversed(files)}
    return list(reversed(unique.values())), roots, skipped


def _walk(folder: Path, files: list[Path], skipped: list[tuple[Path, str]]) -> None:
    root = folder.resolve()
    for dirpath, dirnames, names in os.walk(folder):  # does not descend into linked folders
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in dirnames:
            if (here / d).is_symlink() and not _inside(here / d, root):
                skipped.append((here / d, OUTSIDE))
        for name in sorted(names):
            f = here / name
            if name.startswith(".") or name in ("manifest.yaml", "manifest.yml"):
                continue
            if f.is_symlink() and not _inside(f, root):
                skipped.append((f, OUTSIDE))
            elif (why := _not_regular(f)) is not None:
                skipped.append((f, why))
            elif _not_utf8(f):
                skipped.append((f, NOT_UTF8))
            else:
                files.append(f)


def _inside(link: Path, root: Path) -> bool:
    try:
        link.resolve(strict=True).relative_to(root)
        return True
    except (OSError, ValueError, RuntimeError):  # dangling, outside, or a loop
        return False


def _not_regular(path: Path) -> str | None:
    """Why a path is not a readable regular file (after following a link), or None."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return "无法读取（没有读取权限）" if isinstance(e, PermissionError) else "无法读取"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "经由链接指向的文件夹（不跟随）"
    kind = "FIFO" if stat.S_ISFIFO(mode) else "套接字" if stat.S_ISSOCK(mode) else "设备"
    return f"不是普通文件（{kind}）"
