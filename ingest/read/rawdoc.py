"""What a reader returns: a document's text as extracted, with its pages, OCR spans and the
metadata hints the file itself carries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDoc:
    text: str
    kind: str  # txt | md | html | pdf | docx | image
    pages: list[int] = field(default_factory=list)  # offset in text where page i+1 starts
    hints: dict = field(default_factory=dict)  # title, author, date found in the file itself
    # Text recognised by OCR: (start, end, mean confidence) per paragraph, offsets in ``text``;
    # and page number -> mean confidence for each page that was OCR'd.
    ocr_spans: list[tuple[int, int, float]] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)
