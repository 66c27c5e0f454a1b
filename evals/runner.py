"""Run an eval dataset through the same code path as `kb ask` and score it.

Presets: ``default`` (the configured knowledge base) and ``naive`` (what llama-index defaults
give without an LLM: SentenceSplitter 1024 tokens, dense-only top-2, no jieba BM25; the
"answer" is the retrieved text, which is what such a user reads).

A dataset may bring its own corpus (GUIDE §4), or `kb eval run --corpus DIR` gives one: it is
ingested into a KB_HOME of its own, ``<KB_HOME>/eval-corpora/<content hash>``, once; a later
run with the same files, embedding model, pipeline version and chunk settings reuses it."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from evals.dataset import DatasetError, EvalItem
from evals.history import CLI_RUNS, new_run_dir
from evals.metrics import (
    answer_chars,
    hit_at,
    lead_correct,
    mean,
    must_found,
    ndcg_at,
    percentile,
    reciprocal_rank,
    relevance,
    rouge_l,
)
from kb.core.settings import Settings
from kb.core.text import norm

PRESETS = ("default", "naive", "llm")
DEPTH = 10  # passages scored for retrieval metrics


class Backend:
    """What the runner needs: ask a question, read a document's text."""

    name = "default"

    def ask(self, question: str):  # -> kb.knowledge.AskResult
        raise NotImplementedError

    def document_text(self, doc_id: str) -> str:
        raise NotImplementedError

    def snapshot_info(self) -> dict:
        return {}


class KBBackend(Backend):
    """The knowledge base as ``user`` sees it (None: the operator, every document). Eval
    questions are not written to the audit trail: they are nobody's questions."""

    def __init__(self, kb, k: int | None = None, user=None) -> None:
        self.kb = kb
        self.k = k
        self.user = user
        self._texts: dict[str, str] = {}

    def ask(self, question: str):
        return self.kb.ask(question, k=self.k, user=self.user, audit=False)

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            d = self.kb.document(doc_id, self.user)
            self._texts[doc_id] = d.text if d else ""
        return self._texts[doc_id]

    def snapshot_info(self) -> dict:
        return self.kb.status(self.user)


def score_question(item: EvalItem, result, doc_text: Callable[[str], str]) -> dict:
    d = result.to_dict()
    passages = [p.text for p in result.passages[:DEPTH]]
    row: dict = {
        "id": item.id,
        "question": item.question,
        "tags": item.tags,
        "answerable": item.answerable,
        "status": d["status"],
        "answer": d["answer"],
        "citations": d["citations"],
        "passages": [
            {"doc_id": p.doc.doc_id, "chunk_id": p.chunk_id, "text": p.text}
            for p in result.passages[:DEPTH]
        ],
        "timings_ms": d["timings_ms"],
        "mode": d["mode"],
        "warnings": d.get("warnings", []),
        "unsupported_sentences": d.get("unsupported_sentences", []),
        "reasons": [],
    }
    reasons = row["reasons"]
    status_ok = (d["status"] == "answered") == item.answerable
    if not status_ok:
        reasons.append(
            f"status {d['status']}, expected {'answered' if item.answerable else 'not_found'}"
        )

    if item.answerable and item.evidence:
        rels = relevance(passages, item.evidence)
        row.update(
            hit1=hit_at(rels, 1),
            hit5=hit_at(rels, 5),
            rr=reciprocal_rank(rels, DEPTH),
            ndcg=ndcg_at(rels, DEPTH),
        )
        if not any(rels):
            reasons.append("no retrieved passage (top 10) contains the evidence")
    if item.answerable and item.must:
        found = must_found(d["answer"], item.must)
        row["must"] = found
        row["must_recall"] = sum(found) / len(found)
        missing = [g[0] for g, ok in zip(item.must, found, strict=True) if not ok]
        if missing:
            reasons.append("answer lacks: " + ", ".join(missing))
        row["lead_correct"] = lead_correct(d["answer"], d["status"], item.must)
    if d["status"] == "answered":
        row["answer_chars"] = answer_chars(d["answer"])
    row["fully_correct"] = status_ok and (not item.answerable or all(row.get("must", [True])))
    if item.reference_answer:
        row["rouge_l"] = rouge_l(d["answer"], item.reference_answer)

    valid = [norm(c["quote"]) in norm(doc_text(c["doc_id"])) for c in d["citations"]]
    row["citations_valid"] = valid
    bad = [c["n"] for c, ok in zip(d["citations"], valid, strict=True) if not ok]
    if bad:
        reasons.append(f"citation quote not in its document: {bad}")
    if item.answerable and item.evidence and d["status"] == "answered":
        ev = [norm(e) for e in item.evidence]
        row["supported"] = any(
            any(e in norm(c["quote"]) or e in norm(c["chunk_text"]) for e in ev)
            for c in d["citations"]
        )
        if not row["supported"]:
            reasons.append("no citation carries the evidence")
    return row


def aggregate(rows: list[dict]) -> dict[str, float | None]:
    def vals(key):
        return [r[key] for r in rows if key in r]

    refused = [r for r in rows if r["status"] == "not_found"]
    unanswerable = [r for r in rows if not r["answerable"]]
    answerable = [r for r in rows if r["answerable"]]
    false_refusals = [r for r in answerable if r["status"] == "not_found"]
    chars = vals("answer_chars")
    correct_refusals = [r for r in refused if not r["answerable"]]
    all_valid = [v for r in rows for v in r["citations_valid"]]
    t = {
        stage: [r["timings_ms"].get(stage, 0.0) for r in rows]
        for stage in ("retrieve", "answer", "total")
    }
    m = {
        "hit@1": mean(vals("hit1")),
        "hit@5": mean(vals("hit5")),
        "mrr": mean(vals("rr")),
        "ndcg@10": mean(vals("ndcg")),
        "fully_correct": mean([float(r["fully_correct"]) for r in rows]),
        "must_recall": mean(vals("must_recall")),
        "rouge_l": mean(vals("rouge_l")),
        "refusal_precision": (len(correct_refusals) / len(refused)) if refused else None,
        "refusal_recall": (len(correct_refusals) / len(unanswerable)) if unanswerable else None,
        "lead_correct": mean(vals("lead_correct")),
        "false_refusal_rate": (len(false_refusals) / len(answerable)) if answerable else None,
        "answer_chars_p50": percentile(chars, 50) if chars else None,
        "answer_chars_mean": mean(chars),
        "citation_validity": (sum(all_valid) / len(all_valid)) if all_valid else None,
        "citation_support": mean([float(v) for v in vals("supported")]),
    }
    for stage, xs in t.items():
        m[f"latency_{stage}_p50_ms"] = percentile(xs, 50)
        m[f"latency_{stage}_p95_ms"] = percentile(xs, 95)
    return m


METRIC_GROUPS = {
    "检索 retrieval": ["hit@1", "hit@5", "mrr", "ndcg@10"],
    "回答 answers": ["fully_correct", "must_recall", "rouge_l", "refusal_precision", "refusal_recall",
                   "lead_correct", "false_refusal_rate"],
    "引用 citations": ["citation_validity", "citation_support"],
    "长度 answer length (chars)": ["answer_chars_p50", "answer_chars_mean"],
    "延迟 latency (ms)": [
        "latency_retrieve_p50_ms", "latency_retrieve_p95_ms", "latency_answer_p50_ms",
        "latency_answer_p95_ms", "latency_total_p50_ms", "latency_total_p95_ms",
    ],
}  # fmt: skip
# Not shares in 0..1 (reports scale their bars to the largest value instead).
UNBOUNDED = ("latency_", "answer_chars_")
# A rise is a regression (comparisons colour it so); answer length is neither better nor worse.
LOWER_IS_BETTER = ("latency_", "false_refusal_rate")
NEUTRAL = ("answer_chars_",)


def run_eval(
    items: list[EvalItem],
    backend: Backend,
    *,
    config: dict,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    rows = []
    t0 = time.perf_counter()
    for i, item in enumerate(
        tqdm(items, desc="评测", unit="题", disable=not progress, file=sys.stderr), 1
    ):
        result = backend.ask(item.question)
        rows.append(score_question(item, result, backend.document_text))
        if on_progress:
            on_progress(i, len(items))
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "config": config,
        "corpus": backend.snapshot_info(),
        "questions_total": len(items),
        "seconds": round(time.perf_counter() - t0, 2),
        "metrics": aggregate(rows),
        "questions": rows,
    }


def make_backend(preset: str, settings: Settings, k: int | None = None, user=None) -> Backend:
    """``user``: a kb.access.Principal whose access the answers get (None: every document)."""
    from kb.answer.knowledge import KnowledgeBase

    if preset == "default":
        return KBBackend(KnowledgeBase.open(settings), k, user)
    if preset == "llm":
        if not settings.llm_enabled:
            raise ValueError("preset llm needs KB_LLM_BASE_URL and KB_LLM_MODEL")
        return KBBackend(KnowledgeBase.open(settings), k, user)
    if preset == "naive":
        return NaiveBackend(settings)
    raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")


class NaiveBackend(Backend):
    """llama-index defaults: SentenceSplitter (1024 tokens), in-memory vector index, top-2."""

    name = "naive"

    def __init__(self, settings: Settings, embedder=None) -> None:
        from llama_index.core import (
            Document,
            StorageContext,
            VectorStoreIndex,
            load_index_from_storage,
        )
        from llama_index.core.node_parser import SentenceSplitter

        from ingest.pipeline import discover, source_of
        from ingest.readers import read_file
        from kb.retrieve.embeddings import make_embedder

        self.embedder = embedder or make_embedder(settings)
        files, _, _ = discover([settings.corpus_dir])
        docs = []
        self._texts: dict[str, str] = {}
        h = hashlib.sha256(self.embedder.model_name.encode())
        for f in files:
            try:
                text = read_file(f, int(settings.max_file_mb * 1e6), settings.max_pdf_pages).text
            except Exception:
                continue
            src = source_of(f, settings)
            self._texts[src] = text
            h.update(src.encode() + text.encode())
            docs.append(Document(text=text, metadata={"source": src}, id_=src))
        cache = settings.home / "naive" / h.hexdigest()[:16]
        embed_model = self.embedder.as_llama_index()
        if (cache / "docstore.json").exists():
            index = load_index_from_storage(
                StorageContext.from_defaults(persist_dir=str(cache)), embed_model=embed_model
            )
        else:
            nodes = SentenceSplitter().get_nodes_from_documents(docs)
            index = VectorStoreIndex(nodes, embed_model=embed_model)
            index.storage_context.persist(persist_dir=str(cache))
        self.retriever = index.as_retriever(similarity_top_k=2)
        self.n_nodes = len(index.docstore.docs)

    def ask(self, question: str):
        from kb.answer.answer import Answer, Citation
        from kb.answer.knowledge import AskResult
        from kb.core.text import sentences
        from kb.retrieve.retrieve import Passage
        from kb.store.catalog import ChunkRecord, DocumentRecord

        t0 = time.perf_counter()
        hits = self.retriever.retrieve(question)
        t1 = time.perf_counter()
        passages, cites = [], []
        for i, h in enumerate(hits, 1):
            src = h.node.metadata.get("source", "")
            text = h.node.get_content()
            doc = DocumentRecord(doc_id=src, source=src, title=src)
            passages.append(Passage(ChunkRecord(h.node.node_id, src, i, text), doc, h.score or 0.0))
            first = next((s for s in sentences(text) if len(s) >= 8), text[:80])
            cites.append(Citation(i, src, src, src, f"node {i}", first, text, h.node.node_id))
        answer_text = "\n\n".join(f"{p.text}[{i}]" for i, p in enumerate(passages, 1))
        t2 = time.perf_counter()
        timings = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "total": (t2 - t0) * 1000,
        }
        return AskResult(
            question, Answer("answered", answer_text, cites), passages, "naive", timings
        )

    def document_text(self, doc_id: str) -> str:
        return self._texts.get(doc_id, "")

    def snapshot_info(self) -> dict:
        return {
            "documents": len(self._texts),
            "chunks": self.n_nodes,
            "embed_model": self.embedder.model_name,
        }


def parse_gates(gates: tuple[str, ...] | list[str]) -> dict[str, float]:
    out = {}
    for g in gates:
        if "=" not in g:
            raise ValueError(f"--fail-under expects METRIC=VALUE, got {g!r}")
        k, v = g.split("=", 1)
        known = [n for names in METRIC_GROUPS.values() for n in names]
        if k.strip() not in known:
            raise ValueError(f"unknown metric {k.strip()!r}; known: {', '.join(known)}")
        try:
            out[k.strip()] = float(v)
        except ValueError as e:
            raise ValueError(f"--fail-under {g!r}: {v!r} is not a number") from e
    return out


def check_gates(metrics: dict, gates: dict[str, float]) -> list[str]:
    """Failed gates as messages; an unknown metric name is an error, not a pass."""
    failed = []
    for name, floor in gates.items():
        if name not in metrics:
            raise ValueError(f"unknown metric {name!r}; known: {', '.join(sorted(metrics))}")
        value = metrics[name]
        if value is None or value < floor:
            failed.append(f"{name} = {value if value is None else round(value, 4)} < {floor}")
    return failed


EVAL_CORPORA = "eval-corpora"  # under settings.home: one KB_HOME per corpus content hash
CORPUS_MARKER = "eval-corpus.json"  # written into that home after a complete ingest


class CorpusError(DatasetError):
    """A dataset's corpus folder is missing, empty, or did not ingest completely."""


def _corpus_files(corpus: Path) -> list[tuple[str, Path]]:
    """(relative posix path, file), sorted; hidden files and folders skipped as ingest does."""
    out = []
    for f in corpus.rglob("*"):
        rel = f.relative_to(corpus)
        if f.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append((rel.as_posix(), f))
    return sorted(out)


def corpus_key(corpus: Path, settings: Settings) -> str:
    """16 hex digits of sha256 over the corpus files (relative paths and bytes, manifest
    included) and what shapes the index: embedding model, pipeline version, chunk settings
    (and the Chroma server, whose collection lives outside the home)."""
    from ingest.pipeline import PIPELINE_VERSION

    files = _corpus_files(corpus)
    if not files:
        raise CorpusError(f"corpus folder has no files: {corpus}")
    h = hashlib.sha256()
    for rel, f in files:
        data = f.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    for part in (
        settings.embed_model,
        PIPELINE_VERSION,
        settings.chunk.model_dump_json(),
        settings.chroma_url or "",
    ):
        h.update(b"\0" + part.encode())
    return h.hexdigest()[:16]


def prepare_corpus(
    corpus: Path, settings: Settings, *, ingest: bool = True
) -> tuple[Settings, dict]:
    """Settings for a knowledge base holding only ``corpus``, ingested into
    ``settings.home / "eval-corpora" / <corpus_key>`` unless a complete ingest is already there,
    and what the results record about it (corpus_dir, corpus_home, corpus_ingested)."""
    corpus = Path(corpus).resolve()
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus}")
    key = corpus_key(corpus, settings)
    home = settings.home / EVAL_CORPORA / key
    update: dict = {"home": home, "corpus_dir": corpus}
    if settings.chroma_url:  # a shared server: keep the eval vectors out of the main collection
        update["collection"] = f"{settings.collection}-eval-{key}"
    run_settings = settings.model_copy(update=update)
    info: dict = {"corpus_dir": str(corpus), "corpus_home": str(home), "corpus_ingested": False}
    marker = home / CORPUS_MARKER
    if not ingest or marker.exists():
        return run_settings, info

    from ingest.pipeline import ingest as run_ingest

    if settings.progress:
        print(f"导入评测语料 {corpus} → {home}", file=sys.stderr)
    report = run_ingest([corpus], run_settings)
    if report.failed:
        shown = "; ".join(f"{f.source}: {f.reason}" for f in report.failed[:5])
        more = f" (and {len(report.failed) - 5} more)" if len(report.failed) > 5 else ""
        raise CorpusError(
            f"corpus {corpus}: {len(report.failed)} file(s) failed to ingest: {shown}{more}"
        )
    summary = {
        "corpus_dir": str(corpus),
        "key": key,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "documents": report.documents,
        "chunks": report.chunks,
        "seconds": round(report.timings_s.get("total", 0.0), 2),
    }
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(marker)
    info.update(corpus_ingested=True, ingest=report.to_dict() | {"files": len(report.files)})
    return run_settings, info


def evaluate(
    dataset: Path,
    settings: Settings,
    backend: Backend | Callable[[Settings], Backend] | None = None,
    *,
    preset: str = "default",
    k: int | None = None,
    corpus: Path | None = None,
    out_dir: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[dict, Path]:
    """Load a dataset, run it, write the three outputs; shared by `kb eval run` and the app.

    ``backend`` is a Backend, a function building one from settings, or None (make_backend of
    ``preset``). When the dataset brings a corpus, or ``corpus`` overrides it, the questions are
    asked of a knowledge base holding only that corpus (see prepare_corpus): a function or None
    is given its settings; a ready Backend, which reads the configured knowledge base, is
    replaced by make_backend(preset, ...) on them."""
    from evals.dataset import read_dataset

    ds = read_dataset(dataset)
    corpus_dir = corpus or ds.corpus
    run_settings, corpus_info = settings, {}
    if corpus_dir is not None:
        run_settings, corpus_info = prepare_corpus(corpus_dir, settings, ingest=preset != "naive")
        if isinstance(backend, Backend):
            backend = None
    if backend is None:
        backend = make_backend(preset, run_settings, k)
    elif not isinstance(backend, Backend):
        backend = backend(run_settings)
    config = {
        "dataset": str(dataset),
        "preset": preset,
        "k": k or settings.retrieval.k,
        **corpus_info,
        "settings": run_settings.public_dump(),
    }
    results = run_eval(
        ds.items,
        backend,
        config=config,
        progress=settings.progress and on_progress is None,
        on_progress=on_progress,
    )
    out_dir = out_dir or new_run_dir(settings.project_root / CLI_RUNS, dataset, preset)
    write_outputs(results, out_dir)
    return results, out_dir


def write_outputs(results: dict, out: Path) -> None:
    from evals.report import render_html, render_markdown

    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(render_markdown(results), encoding="utf-8")
    (out / "report.html").write_text(render_html(results), encoding="utf-8")
    # Last and atomic: a folder with results.json is a complete run (evals.history lists it).
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(out / "results.json")
