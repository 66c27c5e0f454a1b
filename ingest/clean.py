"""Cleaning: drop extraction debris, normalise whitespace, and keep a map from every character
of the cleaned text back to its offset in the extracted text, so citations can point into the
original. Only whole debris lines are removed and only whitespace is changed, so any span of
the cleaned text is the original text up to whitespace."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that are never body text.
_DEBRIS = [
    re.compile(r"^(首页|当前位置|您的位置|你的位置)\s*[>＞»›/].*"),  # breadcrumbs
    re.compile(r"\b[\w-]+_\d+\.s?html?\b|/?\w*property-->|<!--|-->"),  # stray file/HTML tokens
    re.compile(r"^\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*$"),  # lone page numbers
    re.compile(r"^第\s*\d+\s*页(\s*[/／共]\s*\d+\s*页?)?$"),  # "第3页 / 共10页"
    re.compile(r"^.{2,60}\t+\.*\s*\d{1,3}$"),  # table-of-contents entries "标题\t01"
    re.compile(r"^(分享到|打印本页|关闭窗口|扫一扫|【\s*(打印|关闭)\s*】).*"),
]
# A comment form or site footer: everything from its first line on is dropped when it sits in
# the last part of the document.
_FOOTER = re.compile(
    r"^(留下一个回复|发表评论|发表回复|你的email不会被公开|您的电子邮箱地址不会被公开|最后编辑[:：]|"
    r"版权所有|Copyright ©|责任编辑[:：])"
)
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b]+")


@dataclass
class CleanDoc:
    text: str
    offsets: list[int]  # offsets[i] = index in the extracted text of text[i]
    dropped: list[str]  # debris lines removed (for reports and tests)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start or not self.offsets:
            return (self.offsets[start] if start < len(self.offsets) else 0,) * 2
        return self.offsets[start], self.offsets[end - 1] + 1


def is_debris(line: str) -> bool:
    # Long lines are body text even if they mention a file name.
    return len(line) <= 200 and any(p.search(line) for p in _DEBRIS)


def clean(raw: str) -> CleanDoc:
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in raw.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1

    # Footer: first footer marker in the last 30% of the text.
    cut = len(lines)
    for i, (off, line) in enumerate(lines):
        if off >= 0.7 * len(raw) and _FOOTER.match(line.strip()):
            cut = i
            break
    dropped = [ln for _, ln in lines[cut:] if ln.strip()]

    out: list[str] = []
    offsets: list[int] = []
    blank_pending = False
    for off, line in lines[:cut]:
        stripped = line.strip()
        if not stripped:
            blank_pending = True
            continue
        if is_debris(stripped):
            dropped.append(stripped)
            continue
        if out:
            sep = "\n\n" if blank_pending else "\n"
            for ch in sep:
                out.append(ch)
                offsets.append(off - 1 if off else 0)
        blank_pending = False
        lead = len(line) - len(line.lstrip())
        i = 0
        while i < len(stripped):
            m = _SPACE_RUN.match(stripped, i)
            if m:
                out.append(" ")
                offsets.append(off + lead + i)
                i = m.end()
                continue
            out.append(stripped[i])
            offsets.append(off + lead + i)
            i += 1
    return CleanDoc("".join(out), offsets, dropped)
