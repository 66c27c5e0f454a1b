"""Fit the evidence model (kb/data/evidence_model.json) on data nobody on this project wrote.

    .venv/bin/python -m evals.fit_evidence \
        --train evals/datasets/cmrc/train.yaml evals/datasets/policy/train.yaml \
        --dev evals/datasets/policy/dev.yaml realdocs evals/datasets/cmrc/dev.yaml \
        --choose-on 2 --weight policy=3 --max-false-refusals 0.05

1. Each split's corpus is ingested into a store of its own (the same cache `kb eval run` uses).
2. Every question is retrieved and featurised exactly as `kb ask` does (kb.answer.candidates).
3. Unit model: conditional logit (softmax over a question's candidates), label = the unit
   holds the answer: it contains an ``evidence`` phrase, or every ``must`` group (train).
4. Question model: logistic regression on the best evidence, label = some candidate unit
   holds the answer (train; a question naming a year or 《》 title the corpus lacks is refused
   before the model and left out).
5. Refusal threshold: on the first --choose-on dev sets pooled, the highest threshold whose
   false refusals (answerable questions refused, by the model or before it) stay at or below
   --max-false-refusals; the other dev sets are reported. ``realdocs`` names realdocs-v1
   (../shared) asked over corpus/ and its six documents.
``--weight NAME=W`` counts the questions of a dataset whose path contains NAME W times: the
policy set is small beside CMRC and is the kind of text the product answers.
The test splits are never read here; report on them with `kb eval run .../test.yaml`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from kb.answer.evidence import MODEL_PATH, QUESTION_FEATURES, UNIT_FEATURES, EvidenceModel
from kb.core.settings import Settings
from kb.core.text import norm

# L2 penalty (total, not per example) of the logistic regressions: small, only to keep
# Newton's method stable on features that separate the classes perfectly on a split.
L2 = 1.0


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 50, sw: np.ndarray | None = None
) -> np.ndarray:
    """Logistic regression by Newton's method (IRLS), ``sw`` weighting the examples; the bias
    column is not penalised."""
    w = np.zeros(x.shape[1])
    sw = np.ones(len(y)) if sw is None else sw
    pen = np.full(x.shape[1], l2)
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (sw * (p - y)) + pen * w
        hess = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit_conditional_logit(
    groups: list[tuple[np.ndarray, np.ndarray]],
    l2: float = L2,
    iters: int = 100,
    gw: list[float] | None = None,
) -> np.ndarray:
    """Weights of a softmax over each question's candidate units (McFadden's conditional
    logit), trained to put the mass on the units holding the answer: the answerer picks the
    best unit of a question, so this is the objective that matches it. Newton's method with
    step halving (features that are constant within a question make the problem flat)."""
    dim = groups[0][0].shape[1]

    def loss_grad_hess(w: np.ndarray, with_hess: bool = True):
        loss, grad = 0.5 * l2 * w @ w, l2 * w
        hess = np.eye(dim) * (l2 + 1e-6)
        for (x, y), g in zip(groups, gw or [1.0] * len(groups), strict=True):
            z = x @ w
            zmax = z.max()
            p = np.exp(z - zmax)
            norm_ = p.sum()
            p /= norm_
            t = y / y.sum()
            loss -= g * (t @ (z - zmax - np.log(norm_)))
            if with_hess:
                grad = grad + g * (x.T @ (p - t))
                xp = x.T @ p
                hess += g * ((x * p[:, None]).T @ x - np.outer(xp, xp))
        return loss, grad, hess

    w = np.zeros(dim)
    loss, grad, hess = loss_grad_hess(w)
    for _ in range(iters):
        step = np.linalg.solve(hess, grad)
        a = 1.0
        while a > 1e-4:
            new_loss = loss_grad_hess(w - a * step, with_hess=False)[0]
            if new_loss <= loss:
                break
            a /= 2
        if a <= 1e-4 or loss - new_loss < 1e-7:
            break
        w = w - a * step
        loss, grad, hess = loss_grad_hess(w)
    return w


def collect(dataset: Path, settings: Settings) -> list[dict]:
    """Per question: unit feature rows, unit labels, pool rows, and the dataset's label."""
    from evals.dataset import read_dataset
    from evals.runner import prepare_corpus, stage_corpus
    from kb.answer.anchors import missing_names, missing_year_or_title
    from kb.answer.answer import evidence_rows
    from kb.answer.candidates import (
        absent_share,
        featurize,
        question_flags,
        term_weights,
        units_of,
    )
    from kb.knowledge import KnowledgeBase

    ds = read_dataset(dataset)
    items = ds.items
    corpus = ds.corpus or stage_corpus(ds.corpus_parts, settings)
    kb = KnowledgeBase.open(prepare_corpus(corpus, settings)[0])
    out = []
    for it in tqdm(items, desc=dataset.stem, unit="题", file=sys.stderr):
        q, found = kb._retrieve(it.question, None, None)
        snap = kb.retriever.snapshot()
        units = [u for rank, p in enumerate(found.passages) for u in units_of(p, rank)]
        weights = term_weights(q, snap, kb.tok)
        f = featurize(q, units, snap, kb.tok, weights, query_vector=found.query_vector)
        x = f.x
        y = np.array([float(holds_answer(it, u.quote)) for u in units])
        rows = evidence_rows(q, units, f)
        absent = absent_share(q, snap, kb.tok, weights)
        out.append(
            {
                "x": x,
                "y": y,
                "rows": rows,
                "answerable": it.answerable,
                "absent": absent,
                # refused before the model: a year or 《》 title the corpus never mentions
                "hard": bool(missing_year_or_title(q, snap)),
                "unknown": float(bool(missing_names(q, snap))),
                "flags": question_flags(q),
            }
        )
    return out


def _loose(text: str) -> str:
    return norm(text).replace(",", "").replace("，", "")


def holds_answer(item, quote: str) -> bool:
    """The unit holds the answer: an evidence phrase (the policy set's sentences that answer;
    CMRC's evidence sentences), or an alternative of every must group (CMRC's answer spans)."""
    q = _loose(quote)
    if any(_loose(e) and (_loose(e) in q) for e in item.evidence):
        return True
    return bool(item.must) and all(any(_loose(a) and _loose(a) in q for a in g) for g in item.must)


def question_rows(data: list[dict], model: EvidenceModel) -> tuple[np.ndarray, np.ndarray]:
    from kb.answer.candidates import question_row

    qx, qy = [], []
    for d in data:
        rows = d["rows"]
        probs = model.unit_probs(d["x"][rows]) if rows else np.zeros(0)
        qx.append(question_row(d["x"][rows], probs, d["absent"], d["unknown"], *d["flags"]))
        qy.append(float(bool(rows) and d["y"][rows].any()))
    return np.array(qx), np.array(qy)


def choose_threshold(
    p_ans: np.ndarray, answerable: np.ndarray, max_false: float, refused: np.ndarray | None = None
) -> float:
    """Highest threshold refusing at most max_false of the answerable questions, counting
    those ``refused`` anyway (before the model) among them."""
    refused = np.zeros(len(p_ans), bool) if refused is None else refused
    pos = np.sort(p_ans[answerable & ~refused])
    if not len(pos):
        return 0.5
    # this many answerable may fall below
    k = int(np.floor(max_false * answerable.sum())) - int((answerable & refused).sum())
    k = max(k, 0)
    return float(pos[k]) if k < len(pos) else float(pos[-1])


def lead_unit_holds_answer(d: dict, model: EvidenceModel) -> float:
    """1.0 when the question's best candidate unit holds the answer."""
    rows = d["rows"]
    return float(d["y"][rows][int(np.argmax(model.unit_probs(d["x"][rows])))])


def _weights(specs: list[str]) -> dict[str, float]:
    out = {}
    for spec in specs:
        name, _, w = spec.partition("=")
        out[name] = float(w)
    return out


def _weight_of(path: Path, weights: dict[str, float]) -> float:
    return next((w for name, w in weights.items() if name in str(path)), 1.0)


def dev_report(dev: list[dict], model: EvidenceModel, threshold: float) -> dict:
    """What the model does on a dev set at a threshold: refusals, and whether the best unit of
    an answered question holds the answer."""
    dqx, _ = question_rows(dev, model)
    p_dev = np.array([model.answerable_prob(r) for r in dqx])
    ans = np.array([d["answerable"] for d in dev])
    hard = np.array([d["hard"] for d in dev])
    refused = (p_dev < threshold) | hard
    lead_ok, oracle, lead_answered = [], [], []
    for d, r in zip(dev, refused, strict=True):
        if not d["answerable"]:
            continue
        oracle.append(float(bool(d["rows"]) and d["y"][d["rows"]].any()))
        hit = 0.0
        if d["rows"]:
            hit = lead_unit_holds_answer(d, model)
            lead_ok.append(hit)
        lead_answered.append(0.0 if r else hit)
    return {
        "questions": len(dev),
        "false_refusals": round(float(refused[ans].mean()), 4),
        "refusal_recall": round(float(refused[~ans].mean()), 4) if (~ans).any() else None,
        "lead_unit_holds_answer": round(float(np.mean(lead_ok)), 4),
        # ... and the question is answered (not refused): what lead_correct measures
        "lead_unit_answered": round(float(np.mean(lead_answered)), 4),
        "answer_among_candidates": round(float(np.mean(oracle)), 4),
    }


def fit(train: list[tuple[list[dict], float]]) -> EvidenceModel:
    """Unit model, then question model, on the collected train sets and their weights."""
    groups, gw = [], []
    for data, w in train:
        for d in data:
            x, y = d["x"][d["rows"]], d["y"][d["rows"]]
            if d["rows"] and y.any():  # questions whose answer is a candidate
                groups.append((x, y))
                gw.append(w)
    uw = fit_conditional_logit(groups, gw=gw)
    uw[0] = 0.0  # the bias cancels in a softmax
    model = EvidenceModel(uw, np.zeros(len(QUESTION_FEATURES)), 0.5)
    # Questions a year or title the corpus lacks refuses never reach the question model.
    qxs, qys, sws = [], [], []
    for data, w in train:
        qx, qy = question_rows([d for d in data if not d["hard"]], model)
        qxs.append(qx)
        qys.append(qy)
        sws.append(np.full(len(qy), w))
    model.question_weights = fit_logistic(
        np.vstack(qxs), np.concatenate(qys), sw=np.concatenate(sws)
    )
    model.source = {"units_in_questions_with_an_answer": int(sum(len(y) for _, y in groups)),
                    "positive_units": int(sum(y.sum() for _, y in groups))}  # fmt: skip
    return model


def _realdocs(settings: Settings) -> Path:
    from evals.policy import realdocs_dataset

    settings.home.mkdir(parents=True, exist_ok=True)
    return realdocs_dataset(settings.home / "realdocs-v1.yaml")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--train", type=Path, nargs="+", default=[Path("evals/datasets/cmrc/train.yaml")]
    )
    ap.add_argument("--dev", type=Path, nargs="+", default=[Path("evals/datasets/cmrc/dev.yaml")])
    ap.add_argument(
        "--weight", nargs="*", default=[], help="NAME=W: weight of datasets whose path holds NAME"
    )
    ap.add_argument(
        "--choose-on", type=int, default=1, help="the first N dev sets, pooled, set the threshold"
    )
    ap.add_argument("--home", type=Path, default=Path(".kb-fit"))
    ap.add_argument("--max-false-refusals", type=float, default=0.03)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    settings = Settings(home=args.home)
    weights = _weights(args.weight)

    # "realdocs": ../shared/datasets/realdocs-v1's questions over corpus/ and its documents
    labels = [str(p) for p in args.dev]
    args.dev = [_realdocs(settings) if str(p) == "realdocs" else p for p in args.dev]
    train = [(collect(p, settings), _weight_of(p, weights)) for p in args.train]
    devs = [collect(p, settings) for p in args.dev]
    model = fit(train)
    pooled = [d for data in devs[: args.choose_on] for d in data]
    dqx, _ = question_rows(pooled, model)
    p_dev = np.array([model.answerable_prob(r) for r in dqx])
    ans = np.array([d["answerable"] for d in pooled])
    hard = np.array([d["hard"] for d in pooled])
    model.threshold = choose_threshold(p_dev, ans, args.max_false_refusals, hard)
    reports = {
        name: dev_report(d, model, model.threshold) for name, d in zip(labels, devs, strict=True)
    }
    source = {
        "script": "evals/fit_evidence.py",
        "created": time.strftime("%Y-%m-%d"),
        "train": {"datasets": {str(p): {"questions": len(d), "weight": w}
                               for p, (d, w) in zip(args.train, train, strict=True)},
                  **model.source},
        "dev": reports,
        "operating_point": f"false refusals <= {args.max_false_refusals} on "
        + " + ".join(labels[: args.choose_on]),
        "l2": L2,
    }  # fmt: skip
    args.out.write_text(
        json.dumps(
            {
                "unit_features": list(UNIT_FEATURES),
                "unit_weights": [round(float(v), 5) for v in model.unit_weights],
                "question_features": list(QUESTION_FEATURES),
                "question_weights": [round(float(v), 5) for v in model.question_weights],
                "threshold": round(model.threshold, 5),
                "source": source,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(json.dumps(source, ensure_ascii=False, indent=1))
    for name, w in zip(UNIT_FEATURES, model.unit_weights, strict=True):
        print(f"  unit {name:10s} {w:+.3f}")
    for name, w in zip(QUESTION_FEATURES, model.question_weights, strict=True):
        print(f"  question {name:8s} {w:+.3f}")


if __name__ == "__main__":
    main()
