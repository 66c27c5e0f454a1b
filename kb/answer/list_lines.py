"""A list read line by line after the line that announces it ("经费来源包括：" / "第八条 市场
主体的一般登记事项包括："): items too short to be units ("（一）名称；", "社会捐赠和资助；")
become units of their own, each quotable from its chunk."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.answer.candidates import Unit
from kb.answer.markers import marker
from kb.retrieve.retrieve import Passage

CLAUSE_END = ("；", ";")
# An item of a list without numbers is a short line; a longer one is prose after the colon.
UNMARKED_ITEM_CHARS = 80


def _unit(text: str, c, doc, at: int) -> Unit:
    """A line of chunk ``c`` at offset ``at`` as a unit of its own, quoted as written."""
    return Unit(text, text, "", Passage(c, doc, 0.0), 0, at)


def _lines(m: re.Match, c) -> Iterator[tuple[str, int]]:
    """The non-blank lines of chunk ``c`` after the match ``m``, stripped, with their offsets."""
    for line in re.finditer(r"(?m)^[ \t]*(\S[^\n]*?)[ \t]*$", c.text[m.end() :]):
        yield line.group(1), m.end() + line.start(1)


def unmarked(m: re.Match, c, doc) -> list[Unit]:
    """The lines of a list without numbers after the announcing line ``m`` of chunk ``c``
    ("经费来源包括：" / "政府财政支持；" / "社会捐赠和资助；" / "其他合法来源。"): short lines
    ending in "；", to the one that ends the sentence; [] for fewer than two."""
    out = []
    for t, at in _lines(m, c):
        if marker(t) is not None or len(t) > UNMARKED_ITEM_CHARS:
            return []
        out.append(_unit(t, c, doc, at))
        if t.endswith(("。", ".")):
            break
        if not t.endswith(CLAUSE_END):
            return []
    else:
        return []
    return out if len(out) >= 2 else []


def numbered(m: re.Match, c, doc) -> list[Unit]:
    """The numbered lines after the announcing line ``m`` of chunk ``c``, one item each
    ("（一）名称；" / "（二）主体类型；" / … / "（六）……姓名。"), numbered from one in one
    marker family, to the item that ends the sentence; [] for fewer than two, or when the
    chunk ends before the list does (the units after the line read it then)."""
    out: list[Unit] = []
    family = None
    for t, at in _lines(m, c):
        mk = marker(t)
        if mk is None or mk[1] != len(out) + 1 or mk[0] != (family or mk[0]):
            return []
        family = mk[0]
        out.append(_unit(t, c, doc, at))
        if t.endswith(("。", ".")):
            return out if len(out) >= 2 else []
    return []


def from_line(m: re.Match, c, doc, units: list[Unit]) -> list[Unit]:
    """The line ``m`` found in chunk ``c`` as a unit, then the document's ``units`` after it."""
    said = m.group(0).strip()
    head = _unit(said, c, doc, m.start() + m.group(0).index(said))
    after = (c.position, m.end())
    return [head, *(u for u in units if (u.passage.chunk.position, u.offset) >= after)]
