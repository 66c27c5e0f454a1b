"""Scoring an eval run: each question's row (retrieval, answer and citation checks, with the
reasons it fell short), the run's metrics, their groups as reports show them, and the
``--fail-under`` gates on them."""

from __future__ import annotations

from collections.abc import Callable

from evals.dataset import EvalItem
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
from kb.core.errors import InputError
from kb.core.text import norm

DEPTH = 10  # passages scored for retrieval metrics


def score_question(item: EvalItem, result, doc_text: Callable[[str], str]) -> dict:
    d = result.to_dict()
    passages = [p.text for p in result.passages[:DEPTH]]
    row: dict = {
        "id": item.id,
        "question": item.question,
        "tags": item.tags,
        "kind": item.kind,
        "doc": item.doc,
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
    # the same answer a reader marked wrong is still wrong, whatever else it holds
    repeated = norm(d["answer"]) in {norm(a) for a in item.wrong_answers}
    if repeated:
        reasons.append("the answer is one a reader marked wrong")
    row["fully_correct"] = (
        status_ok and not repeated and (not item.answerable or all(row.get("must", [True])))
    )
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
        "answerable_correct": mean([float(r["fully_correct"]) for r in answerable]),
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
        # answerable questions with evidence whose answer cites it (a refusal cites nothing)
        "right_passage_cited": mean(
            [float(r.get("supported", False)) for r in answerable if "hit1" in r]
        ),
    }
    for stage, xs in t.items():
        m[f"latency_{stage}_p50_ms"] = percentile(xs, 50)
        m[f"latency_{stage}_p95_ms"] = percentile(xs, 95)
    return m


METRIC_GROUPS = {
    "检索 retrieval": ["hit@1", "hit@5", "mrr", "ndcg@10"],
    "回答 answers": ["fully_correct", "answerable_correct", "must_recall", "rouge_l", "refusal_precision", "refusal_recall",
                   "lead_correct", "false_refusal_rate"],
    "引用 citations": ["citation_validity", "citation_support", "right_passage_cited"],
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


def by_kind(rows: list[dict]) -> dict[str, dict]:
    """Fully correct per question kind (the dataset's ``kind``; unanswerable ones counted as
    refused or not), for reports that ask "how are English questions doing"."""
    out: dict[str, dict] = {}
    for r in rows:
        k = out.setdefault(r.get("kind") or "-", {"n": 0, "correct": 0})
        k["n"] += 1
        k["correct"] += int(r["fully_correct"])
    return {k: v | {"share": round(v["correct"] / v["n"], 3)} for k, v in sorted(out.items())}


def parse_gates(gates: tuple[str, ...] | list[str]) -> dict[str, float]:
    out = {}
    for g in gates:
        if "=" not in g:
            raise InputError(f"--fail-under expects METRIC=VALUE, got {g!r}")
        k, v = g.split("=", 1)
        known = [n for names in METRIC_GROUPS.values() for n in names]
        if k.strip() not in known:
            raise InputError(f"unknown metric {k.strip()!r}; known: {', '.join(known)}")
        try:
            out[k.strip()] = float(v)
        except ValueError as e:
            raise InputError(f"--fail-under {g!r}: {v!r} is not a number") from e
    return out


def check_gates(metrics: dict, gates: dict[str, float]) -> list[str]:
    """Failed gates as messages; an unknown metric name is an error, not a pass."""
    failed = []
    for name, floor in gates.items():
        if name not in metrics:
            raise InputError(f"unknown metric {name!r}; known: {', '.join(sorted(metrics))}")
        value = metrics[name]
        if value is None or value < floor:
            failed.append(f"{name} = {value if value is None else round(value, 4)} < {floor}")
    return failed
