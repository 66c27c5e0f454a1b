"""An enumerated item's marker ("一是", "（二）", "3.", "第四，", "⑤") and the number it gives."""

from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
# Marker families: the pattern of an item's start and how to read its number.
_FAMILIES: tuple[tuple[str, re.Pattern], ...] = (
    ("shi", re.compile(rf"^(?:其)?([{_CN}]+)是")),
    ("di", re.compile(rf"^第([{_CN}]+)[，,、：:]")),
    ("paren_cn", re.compile(rf"^[（(]([{_CN}]+)[）)]")),
    ("cn_dun", re.compile(rf"^([{_CN}]+)、")),
    ("arabic", re.compile(r"^(\d{1,2})[.、．](?!\d)")),
    ("paren_ar", re.compile(r"^[（(](\d{1,2})[）)]")),
    ("circled", re.compile(r"^([①-⑳])")),
)


def item_number(token: str) -> int:
    """The number a marker's token reads as ("十二": 12, "③": 3), 0 when none."""
    if token.isdigit():
        return int(token)
    if token in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(token) + 1
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN.index(token[1]) + 1
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (_CN.index(tens) + 1) * 10 + (_CN.index(ones) + 1 if ones else 0)
    return _CN.index(token) + 1 if len(token) == 1 and token in _CN else 0


def marker(text: str) -> tuple[str, int] | None:
    """(family, number) of an item's marker at the start of ``text``, or after a colon inside
    it ("……表现在四个方面：一是……")."""
    for t in (text, text.split("：", 1)[1] if "：" in text else ""):
        t = t.strip()
        for fam, pat in _FAMILIES:
            m = pat.match(t)
            if m:
                n = item_number(m.group(1))
                if n:
                    return fam, n
    return None
