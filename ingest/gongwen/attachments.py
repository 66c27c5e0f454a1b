"""A 公文's 附件 (attachments): the list after the body, or the titles under "附件1" headings."""

from __future__ import annotations

import re

from ingest.gongwen.lines import is_title_end

_ATTACH_HEAD = re.compile(r"^附\s*件\s*(?P<n>\d{1,2})?\s*[:：]?\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})\s*[.．、]\s*(?P<name>\S.*)$")


def attachments(lines: list[str]) -> tuple[list[str], str]:
    """The 附件 list ("附件：1．……  2．……") or, failing that, the names under standalone
    "附件1" headings; and the line(s) that state it."""
    for i, line in enumerate(lines):
        m = _ATTACH_HEAD.match(line)
        if not m or not m.group("rest") or m.group("n"):
            continue
        items, quoted = [], [line]
        rest = m.group("rest")
        first = _ITEM.match(rest)
        items.append((first.group("name") if first else rest).strip())
        if first:
            for nxt in lines[i + 1 : i + 30]:
                mi = _ITEM.match(nxt)
                if not mi:
                    break
                items.append(mi.group("name").strip())
                quoted.append(nxt)
        items = [re.sub(r"[。；;]$", "", x) for x in items if x]
        if items and all(len(x) <= 80 for x in items):
            return items, "\n".join(quoted)
    # attachment sections: "附件1" (or "附件") alone on a line, the attachment's title next
    found = []
    for i, line in enumerate(lines[:-1]):
        if re.fullmatch(r"附\s*件\s*\d{0,2}", line) and is_title_end(lines[i + 1]):
            found.append(lines[i + 1].lstrip("#").strip())
    return list(dict.fromkeys(found)), ""
