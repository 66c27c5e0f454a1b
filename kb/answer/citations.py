"""What an answer is made of: its text, its status, and citations that each point to a passage
(document, page, section, paragraph) and quote the words it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.answer.candidates import Unit
from kb.retrieve.retrieve import Passage

# How an English question's answer opens before the Chinese sentences it quotes.
EN_SOURCES_LEAD = "From the (Chinese) sources: "


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    locator: str
    quote: str
    chunk_text: str
    chunk_id: str = ""
    date: str | None = None
    author: str | None = None
    paragraph: int = 0
    page: int | None = None
    ocr_confidence: float | None = None  # the quoted chunk was recognised by OCR
    gongwen: dict = field(default_factory=dict)  # the document's 公文 parts (发文字号 …)

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "locator": self.locator,
            "quote": self.quote,
            "chunk_text": self.chunk_text,
            "chunk_id": self.chunk_id,
            "date": self.date,
            "author": self.author,
            "paragraph": self.paragraph,
            "page": self.page,
            "ocr": self.ocr_confidence is not None,
            "ocr_confidence": self.ocr_confidence,
            "gongwen": self.gongwen,
        }


@dataclass
class Answer:
    status: str  # answered | not_found
    text: str
    citations: list[Citation] = field(default_factory=list)
    reason: str = ""


def locator(p: Passage) -> str:
    c = p.chunk
    parts = []
    if c.page:
        parts.append(f"第{c.page}页")
    if c.section:
        parts.append(c.section)
    if c.para_start:
        parts.append(
            f"¶{c.para_start}"
            if c.para_end in (0, c.para_start)
            else f"¶{c.para_start}–{c.para_end}"
        )
    return " / ".join(parts) or f"段{c.position + 1}"


# A passage cited without a sentence of its own is quoted by its opening: about two lines of
# Chinese, enough to find the place in the document (83fc609; a display length).
FALLBACK_QUOTE_CHARS = 120


def cite(n: int, u_or_p: Unit | Passage, quote: str | None = None) -> Citation:
    p = u_or_p.passage if isinstance(u_or_p, Unit) else u_or_p
    q = (
        quote
        if quote is not None
        else (u_or_p.quote if isinstance(u_or_p, Unit) else p.text[:FALLBACK_QUOTE_CHARS])
    )
    return Citation(
        n=n,
        doc_id=p.doc.doc_id,
        title=p.doc.title,
        source=p.doc.source,
        locator=locator(p),
        quote=q,
        chunk_text=p.text,
        chunk_id=p.chunk_id,
        date=p.doc.date,
        author=p.doc.author,
        paragraph=p.chunk.para_start,
        page=p.chunk.page,
        ocr_confidence=p.chunk.ocr_conf,
        gongwen=p.doc.gongwen,
    )
