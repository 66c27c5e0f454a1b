"""Citable units of a chunk: the sentences of running text, and the rows of a Markdown table
(with its column headers). Ingest embeds each unit once (sentence vectors) and the answerer
scores the same units, so both must cut a chunk the same way: this module is that one rule."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kb.core import tables
from kb.core.text import split_sentences

TERMINAL = tuple("。！？；!?;…")
# Lengths in characters, set by judgement when the rules were written (83fc609, 4079d05)
# and kept by the answer tests; no eval run tuned them.
# A numbered lead ("1.组织协调机制。") names the point the next sentence makes: a few words.
NUMBERED_LEAD_MAX = 12
# A line this short without a sentence end is a heading or a label, not a claim; a numbered
# paragraph ("一、对……给予补贴。") longer than this that ends a sentence is a claim.
HEADING_MAX = 30
_NUMBERED_LEAD = re.compile(rf"^\d{{1,2}}[.、．][^。]{{1,{NUMBERED_LEAD_MAX}}}。$")
_CAPTION = re.compile(r"^(图|表|注释?)\s*[\d\s:：]|^(图|表)\s")  # figure/table captions
_HEADING_LIKE = re.compile(
    r"^(#{1,6}\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])"
)
# A sentence shorter than this carries no claim of its own (a label, a fragment).
MIN_UNIT_CHARS = 8
# A contact line ("区教育局中学教育科联系电话：020-38622522") says whom to call at which number,
# however short: a claim, not a label (policy dev6: such lines had been headings).
_CONTACT = re.compile(
    r"^[^：:。；]{0,24}(?:电话|热线)[^：:。；]{0,4}[：:]\s*[（(]?\d[\d\-－—–（）()、/ 转]{4,}$"
)


@dataclass(frozen=True)
class UnitSpan:
    start: int  # offsets in the chunk text; text[start:end] is the verbatim quote
    end: int
    shown: str  # what an answer shows (a table row as "列：值；…")
    header: tuple[str, ...] = ()  # a table's column headers
    cells: tuple[str, ...] = ()  # a table row's cells, aligned with header


def _row_shown(header: list[str], cells: list[str]) -> str:
    parts = []
    for i, c in enumerate(cells):
        if not c:
            continue
        h = header[i] if i < len(header) else ""
        parts.append(f"{h}：{c}" if h and h != c else c)
    return "；".join(parts)


def split_units(text: str, kind: str = "text") -> list[UnitSpan]:
    """The units of a chunk, in order. Headings, captions and fragments are not units; a
    numbered lead ("1.组织协调机制。") joins the sentence after it."""
    if kind == "table":
        table = tables.parse(text)
        return [
            UnitSpan(r.start, r.end, _row_shown(table.header, r.values), tuple(table.header),
                     tuple(r.values))
            for r in table.rows
            if any(r.values)
        ]  # fmt: skip
    out: list[UnitSpan] = []
    lead: int | None = None
    for s, e in split_sentences(text):
        sent = text[s:e]
        if _NUMBERED_LEAD.match(sent):
            lead = s
            continue
        if (
            len(sent) < MIN_UNIT_CHARS
            # "一、对……给予补贴。" is a 公文's numbered paragraph and "（一）违反法律的；" an
            # article's item, not headings: a numbered line that ends a sentence says something
            or (_HEADING_LIKE.match(sent) and not sent.endswith(TERMINAL))
            or _CAPTION.match(sent)
            or (
                len(sent) <= HEADING_MAX
                and not sent.endswith(TERMINAL)
                and not _CONTACT.match(sent)
            )
        ):
            lead = None
            continue
        if lead is not None and "\n" not in text[lead:s]:
            s = lead
        lead = None
        out.append(UnitSpan(s, e, text[s:e]))
    return out


def unit_key(shown: str) -> str:
    """What a unit's text is known by when its vector is looked up for reuse: 64 bits of its
    hash (no collision is expected below billions of distinct sentences)."""
    return hashlib.blake2b(shown.encode("utf-8"), digest_size=8).hexdigest()


def chunk_unit_keys(text: str, kind: str | None) -> list[str]:
    """The keys of a chunk's units, in the order its unit vectors are stored."""
    return [unit_key(u.shown) for u in split_units(text, kind or "text")]
