"""Plain text and Markdown (.txt, .md): decoded (ingest/read/decode.py), a saved page's YAML
front matter read as hints, and a web clipping reduced to its article (ingest/read/webclip.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ingest.limits import ReadLimits
from ingest.read.decode import decode_text
from ingest.read.rawdoc import RawDoc
from ingest.read.webclip import reduce_clipping

if TYPE_CHECKING:
    from ingest.ocr.engine import OcrOptions


def read_text(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return _plain_text(data, limits, markdown=False)


def read_markdown(data: bytes, limits: ReadLimits, ocr: OcrOptions) -> RawDoc:
    return _plain_text(data, limits, markdown=True)


def _plain_text(data: bytes, limits: ReadLimits, markdown: bool) -> RawDoc:
    text, hints = front_matter(decode_text(data))
    text = reduce_clipping(text, markdown, limits.max_html_tags)
    return RawDoc(text, "md" if markdown else "txt", hints=hints)


_FRONT = re.compile(r"\A\s*---[ \t]*\n(.{0,4000}?)\n---[ \t]*\n", re.S)
_FRONT_KEY = re.compile(r"^(title|date|author)\s*:\s*(.+?)\s*$", re.M | re.I)


def front_matter(text: str) -> tuple[str, dict]:
    """A saved page's YAML front matter ("---\ntitle: …\ndate: …\n---"): its title, date
    and author as hints, and the text without it (its lines are no sentences of the page)."""
    m = _FRONT.match(text)
    if not m or not _FRONT_KEY.search(m.group(1)):
        return text, {}
    hints = {k.lower(): v.strip("'\"") for k, v in _FRONT_KEY.findall(m.group(1))}
    return text[m.end() :], hints
