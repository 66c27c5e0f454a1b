"""What leaves the library, as one set of models: the answer object, a document with its 公文
parts, a chunk, a record. The CLI's ``--json``, the API (its ``response_model``s) and the client
all give these shapes; ``kb schema`` prints them as JSON Schema (the published contract), and
tests/test_contract.py validates every output against it.

Unknown keys are refused (``extra="forbid"``): a producer that adds a field must add it here
first, so the contract never drifts from what is sent."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Out):
    n: int = Field(description="The [n] marker in the answer.")
    doc_id: str
    title: str
    source: str = Field(description="The file relative to the project root, or a URL.")
    locator: str = Field(description="Page / section / paragraph, e.g. 第3页 / 二、(一) / ¶12.")
    quote: str = Field(description="Verbatim text of the cited document (whitespace may differ).")
    chunk_text: str = Field(description="The whole retrieved chunk.")
    chunk_id: str | None = None
    date: str | None = None
    author: str | None = None
    paragraph: int | None = None
    page: int | None = None
    ocr: bool = False
    ocr_confidence: float | None = None
    gongwen: dict[str, Any] | None = Field(None, description="公文 parts of the document.")


class _RecordBase(_Out):
    record_id: str
    kind: Literal["agreement", "plan", "measure", "event"]
    kind_label: str
    title: str
    name: str
    date: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
    year: int | None
    action: str
    parties: list[str]
    date_zh: str
    statement: str


class Mention(_Out):
    kind: str
    title: str
    name: str
    date: str | None
    date_source: str
    action: str
    parties: list[str]
    doc_id: str
    chunk_id: str
    start: int
    end: int
    quote: str
    source: str | None = None
    doc_title: str | None = None


class Record(_RecordBase):
    """An agreement, plan, measure or event, with the sentences that state it."""

    mentions: list[Mention]


class AnswerRecord(_RecordBase):
    """A record an answer lists, with the answer's [n] markers that cite it."""

    citations: list[int]


class AskResponse(_Out):
    """The answer object: `kb ask --json`, /v1/ask, the result event of /v1/ask/stream."""

    question: str
    status: Literal["answered", "not_found"]
    answer: str = Field(description="Text with [1] [2] markers.")
    citations: list[Citation]
    mode: Literal["extractive", "llm"]
    timings_ms: dict[str, float]
    understood_as: str | None = Field(None, description="The question as read in context.")
    warnings: list[str] | None = None
    analysis: dict[str, Any] | None = Field(None, description="How the question was read.")
    unsupported_sentences: list[str] | None = None
    records: list[AnswerRecord] | None = None


class Document(_Out):
    doc_id: str
    title: str
    doc_type: str
    date: str | None
    year: int | None
    author: str | None
    publication: str | None
    region: str | None
    source: str
    n_chunks: int
    n_chars: int
    ingested_at: str
    sha256: str
    state: Literal["read", "embedded"] = Field(
        description="read: found by its words, its vectors still to come; embedded: by meaning too."
    )
    doc_number: str | None = Field(description="发文字号")
    issuer: str | None = Field(description="发文机关")
    recipients: str | None = Field(description="主送机关")
    signed_date: str | None = Field(description="成文日期")
    effective_date: str | None = Field(description="施行日期")
    expiry_date: str | None = Field(description="有效期至")
    attachments: list[str] = Field(description="附件")
    access: list[str] | None = Field(description="Groups that may read it; null: every user.")
    ocr: dict[str, Any] | None = Field(description="OCR'd pages and their confidence.")
    status: DocStatus | None = Field(None, description="Given when a status was asked for.")


State = Literal["in_force", "not_yet", "expired", "repealed"]
RelationKind = Literal["repeals", "replaces", "amends", "amended_by", "implements"]


class DocStatus(_Out):
    state: State = Field(description="现行有效 / 尚未施行 / 已失效 / 已废止 on as_of.")
    label: str
    as_of: str
    since: str | None = Field(description="When that state began (施行, 失效 or 废止).")
    sentence: str = Field(description="One line saying so, naming the repealing document.")


class RelationLink(_Out):
    kind: RelationKind
    label: str
    doc_id: str = Field(description="The document that states it.")
    target: str = Field(description="The document it names: 《title》 or 发文字号.")
    target_doc_id: str | None = Field(
        description="That document here; null: not in the collection."
    )
    effective: str | None
    quote: str = Field(description="The sentence that states it, verbatim.")
    chunk_id: str | None


class Lifecycle(DocStatus):
    notes: list[str] = Field(description="Conflicts: a cycle, two documents replacing one.")
    states: list[RelationLink] = Field(description="What this document says of others.")
    stated_by_others: list[RelationLink]
    versions: list[str] = Field(description="Documents sharing its core title (other versions).")


class DiffPart(_Out):
    label: str = Field(description="第五条, or 第3段 for a document without articles.")
    number: int | None
    text: str


class DiffSegment(_Out):
    op: Literal["equal", "delete", "insert"]
    text: str


class DiffChange(_Out):
    kind: Literal["modified", "inserted", "deleted", "renumbered"]
    label: str
    old: DiffPart | None
    new: DiffPart | None
    segments: list[DiffSegment]


class DocRef(_Out):
    doc_id: str
    title: str


class Diff(_Out):
    old: DocRef
    new: DocRef
    by_articles: bool
    summary: str
    counts: dict[str, int]
    changes: list[DiffChange]


class Chunk(_Out):
    chunk_id: str
    position: int
    section: str
    page: int | None
    paragraphs: list[int] = Field(description="First and last paragraph.")
    ocr_confidence: float | None
    text: str


class DocumentWithChunks(Document):
    chunks: list[Chunk]
    lifecycle: Lifecycle | None = None


class Failure(_Out):
    source: str
    reason: str
    at: str = Field(description="When the last ingest of the file failed.")


class Documents(_Out):
    documents: list[Document]
    failed: list[Failure] | None = Field(
        None, description="Files that could not be ingested, with the reason (admins only)."
    )


class Records(_Out):
    records: list[Record]


class Health(_Out):
    status: Literal["ok"]
    auth_required: bool


class ProbeSentence(_Out):
    """A candidate sentence (or table row) of the extractive answerer."""

    rank: int = Field(description="Its passage's rank.")
    text: str
    eligible: bool = Field(description="May answer (its year fits, not filler): scored.")
    score: float | None = Field(description="Its share of the evidence (over the eligible ones).")
    keywords: float = Field(description="IDF-weighted share of the question's key words in it.")
    dense: float = Field(description="Cosine of its vector and the question's.")
    type_fit: bool | None = Field(description="Holds the kind of answer asked (null: none asked).")


class ProbePassage(_Out):
    rank: int
    part: int | None = Field(description="1-based index into parts; null: the whole question.")
    chunk_id: str
    doc_id: str
    title: str
    locator: str
    section: str
    paragraph: int | None
    page: int | None
    score: float = Field(description="The fused score that ranks it, after the year/number boost.")
    fused: float | None = Field(description="The fused score before that boost.")
    bm25: float | None
    bm25_rank: int | None
    dense: float | None = Field(description="Cosine similarity to the question.")
    dense_rank: int | None
    text: str
    sentences: list[ProbeSentence]


Decider = Literal[
    "no_passages", "anchor", "unknown_topic", "unknown_name", "no_sentences", "place", "quantity",
    "no_eligible", "article", "model", "typed", "topic", "parts", "announced", "defined",
]  # fmt: skip


class ProbeVerdict(_Out):
    answerable: float | None = Field(description="The question's answerable probability.")
    best_score: float | None = Field(description="The best sentence's evidence score.")
    decided_by: Decider = Field(description="The extractive answerer's deciding check.")


class ProbePart(ProbeVerdict):
    question: str


class ProbeOutcome(ProbeVerdict):
    status: Literal["answered", "not_found", "to_model"]
    answered_by: Literal[
        "extractive", "records", "gongwen", "dateline", "fields", "lifecycle", "compound", "llm"
    ]
    answer: str
    reason: str = Field(description="What a refusal says is missing.")
    threshold: float = Field(description="Answerable probability below which it refuses.")
    explanation: str = Field(description="Why it answered or refused, in Chinese.")


class RetrieveResponse(_Out):
    """The retrieval test (/v1/retrieve, kb.probe): what ask would do, with its scores."""

    question: str
    understood_as: str
    analysis: dict[str, Any] = Field(description="How the question was read (as AskResponse's).")
    retrieval: dict[str, Any] = Field(description="k, candidates and the fusion settings.")
    passages: list[ProbePassage]
    parts: list[ProbePart]
    outcome: ProbeOutcome
    timings_ms: dict[str, float]


PUBLISHED = (
    AskResponse, Document, DocumentWithChunks, Documents, Record, Records, Health, Lifecycle, Diff,
    RetrieveResponse,
)  # fmt: skip


def document_json(d) -> dict:
    """A DocumentRecord as the contract's Document."""
    keys = [k for k in Document.model_fields if k not in ("ocr", "status")]
    return {k: getattr(d, k) for k in keys} | {"ocr": d.ocr or None}


def chunk_json(c) -> dict:
    return {
        "chunk_id": c.chunk_id, "position": c.position, "section": c.section, "page": c.page,
        "paragraphs": [c.para_start, c.para_end], "ocr_confidence": c.ocr_conf, "text": c.text,
    }  # fmt: skip


def schema() -> dict:
    """The JSON Schema of every published shape, under ``$defs``."""
    from pydantic.json_schema import models_json_schema

    _, top = models_json_schema(
        [(m, "serialization") for m in PUBLISHED], title="YRD policy knowledge base contract"
    )
    return top
