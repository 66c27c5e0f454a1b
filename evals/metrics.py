"""Metric definitions, small and pure so an independent scorer can reproduce them.

Retrieval (answerable questions that list `evidence`): a ranked passage is relevant when its
text contains any evidence phrase (matching ignores whitespace, full/half width and thousands
separators). hit@k: a relevant passage in the top k. MRR: 1/rank of the first relevant passage
in the top 10 (0 if none). nDCG@10: binary gains, DCG = Σ rel_i / log2(i + 1) over the top 10,
normalised by the ideal ordering of the relevant passages that were retrieved in the top 10
(0 when none was).

Answers: a question is fully correct when its status is right (answered iff answerable) and,
if answerable, every `must` group has an alternative in the answer. must recall: the share of
must groups found, averaged over answerable questions that have must groups. ROUGE-L: F1 of
the longest common subsequence of jieba tokens (punctuation and [n] markers removed) between
the answer and `reference_answer`, averaged over questions that have one. Refusal precision:
correct not_found / all not_found; refusal recall: correct not_found / unanswerable questions.
False refusal rate: answerable questions answered not_found / answerable questions.

Lead: lead_correct is 1 when the answer's first sentence carries an alternative of the first
`must` group (0 when refused), averaged over answerable questions that have must groups. The
first sentence: [n] markers removed, a leading list header dropped (a first line ending in
"：" or ":" followed by more lines, e.g. "语料中共找到 3 条相关记载："), then the English prefix
"From the (Chinese) sources: " and a list item's "1. " numbering, then the first span of
kb.core.text.split_sentences. Answer length: characters of the answer in matching form
(kb.core.text.norm, [n] markers removed: no whitespace), over answers with status answered;
reported as the nearest-rank median (answer_chars_p50) and the mean (answer_chars_mean).

Citations: validity is the share of citations whose quote is text of the cited document;
support is the share of answered, answerable questions with evidence where some cited quote
or cited chunk contains an evidence phrase.
"""

from __future__ import annotations

import math
import re
import statistics

import jieba

from kb.core.text import norm, split_sentences

_MARK = re.compile(r"\[\d+\]")
_PUNCT = re.compile(r"^[\W_]+$")
_EN_PREFIX = re.compile(r"^\s*From the (?:\(Chinese\) |Chinese )?sources:\s*", re.I)
_ITEM_NUMBER = re.compile(r"^\s*\d{1,3}\.\s+")


def relevance(texts: list[str], evidence: list[str]) -> list[int]:
    ev = [norm(e) for e in evidence if e.strip()]
    return [1 if any(e in norm(t) for e in ev) else 0 for t in texts]


def hit_at(rels: list[int], k: int) -> float:
    return 1.0 if any(rels[:k]) else 0.0


def reciprocal_rank(rels: list[int], depth: int = 10) -> float:
    for i, r in enumerate(rels[:depth], 1):
        if r:
            return 1.0 / i
    return 0.0


def ndcg_at(rels: list[int], k: int = 10) -> float:
    top = rels[:k]
    dcg = sum(r / math.log2(i + 1) for i, r in enumerate(top, 1))
    ideal = sum(1 / math.log2(i + 1) for i in range(1, sum(top) + 1))
    return dcg / ideal if ideal else 0.0


def rouge_tokens(text: str) -> list[str]:
    t = _MARK.sub("", text)
    return [w for w in jieba.lcut(norm(t)) if w.strip() and not _PUNCT.match(w)]


def rouge_l(candidate: str, reference: str) -> float:
    a, b = rouge_tokens(candidate), rouge_tokens(reference)
    if not a or not b:
        return 0.0
    # LCS by dynamic programming over token lists (one row at a time).
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    lcs = prev[-1]
    if not lcs:
        return 0.0
    p, r = lcs / len(a), lcs / len(b)
    return 2 * p * r / (p + r)


def must_found(answer: str, groups: list[list[str]]) -> list[bool]:
    a = norm(_MARK.sub("", answer))
    return [any(norm(alt) in a for alt in g) for g in groups]


def lead_sentence(answer: str) -> str:
    """The first sentence of an answer, as lead_correct reads it (see the module docstring)."""
    text = _MARK.sub("", answer).strip()
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and first.rstrip().endswith(("：", ":")):
        text = rest.strip()
    text = _EN_PREFIX.sub("", text, count=1)
    text = _ITEM_NUMBER.sub("", text, count=1)
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else ""


def lead_correct(answer: str, status: str, groups: list[list[str]]) -> float:
    """1.0 when the first answer sentence carries an alternative of the first must group."""
    if status != "answered" or not groups:
        return 0.0
    return 1.0 if must_found(lead_sentence(answer), groups[:1])[0] else 0.0


def answer_chars(answer: str) -> int:
    """Answer length in matching form: [n] markers removed, kb.core.text.norm (no whitespace)."""
    return len(norm(_MARK.sub("", answer)))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return 0.0
    v = sorted(values)
    return v[max(0, min(len(v) - 1, math.ceil(p / 100 * len(v)) - 1))]


def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None
