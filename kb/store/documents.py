"""The rows of the catalog (kb/store/catalog.py): a document with its metadata and 公文 parts,
and a chunk with its place in the document and its BM25 tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

# A document written before its vectors carries this before its file hash: an ingest that
# finds it re-reads the file (the hash differs) and embeds it (ingest/stages.py).
PENDING = "pending:"


@dataclass
class DocumentRecord:
    doc_id: str
    source: str  # path relative to the project root, or a URL
    title: str
    doc_type: str = "unknown"
    date: str | None = None
    year: int | None = None
    author: str | None = None
    publication: str | None = None
    region: str | None = None
    sha256: str = ""
    n_chars: int = 0
    n_chunks: int = 0
    ingested_at: str = ""
    text: str = ""  # extracted text (what quotes are checked against)
    extra: dict = field(default_factory=dict)
    # 公文 parts (schema 5; see ingest/gongwen/parse.py): None when the document is not one
    doc_number: str | None = None  # 发文字号, brackets normalised to 〔〕
    issuer: str | None = None  # 发文机关
    recipients: str | None = None  # 主送机关
    signed_date: str | None = None  # 成文日期 YYYY-MM-DD
    effective_date: str | None = None  # 施行日期
    expiry_date: str | None = None  # 有效期至 (last day in force)
    attachments: list[str] = field(default_factory=list)  # 附件 names
    # Groups that may read it (None: every user). Kept in doc_access by source, so it is
    # written with the document, survives re-ingest and changes without re-embedding.
    access: list[str] | None = None

    @property
    def gongwen(self) -> dict:
        """The 公文 parts that are known, keyed by field name."""
        return {k: getattr(self, k) for k in GONGWEN_FIELDS if getattr(self, k)}

    @property
    def ocr(self) -> dict:
        """{"pages": {page: confidence}, "confidence": mean} when some pages were OCR'd."""
        return self.extra.get("ocr") or {}

    @property
    def state(self) -> str:
        """ "read": stored and found by its words, its vectors still to come (an ingest is
        embedding it, or was killed before it did: the next ingest finishes it);
        "embedded": found by meaning too."""
        return "read" if self.sha256.startswith(PENDING) else "embedded"


@dataclass
class ChunkRecord:
    chunk_id: str
    doc_id: str
    position: int
    text: str
    section: str = ""
    page: int | None = None
    para_start: int = 0
    para_end: int = 0
    char_start: int = 0
    char_end: int = 0
    n_tokens: int = 0
    kind: str = "text"  # text | table
    tokens: list[str] = field(default_factory=list)  # BM25 tokens (jieba)
    ocr_conf: float | None = None  # mean OCR confidence of its text; None: not OCR'd (schema 5)


GONGWEN_FIELDS = (
    "doc_number", "issuer", "recipients", "signed_date", "effective_date", "expiry_date",
    "attachments",
)  # fmt: skip
