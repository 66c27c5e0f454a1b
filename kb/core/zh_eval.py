"""What the 评测 page shows in Chinese: each metric's name with a one-line explanation (shown
on hover), the metric groups, an answer's status, a preset and the reasons a question failed.
The stored names (``hit@5``, ``not_found``, "answer lacks: …") stay as they are in results.json,
`kb eval` and the report; this is how a user reads them."""

from __future__ import annotations

import re

# metric -> (name, what it measures); the metrics of evals.scoring.aggregate
METRICS: dict[str, tuple[str, str]] = {
    "hit@1": ("首位命中率", "排在第 1 位的检索段落含有参考证据的题目占比"),
    "hit@5": ("前5命中率", "前 5 个检索段落中至少有一段含参考证据的题目占比"),
    "mrr": ("平均倒数排名", "第一个含证据段落名次的倒数，各题平均；越接近 1，证据排得越靠前"),
    "ndcg@10": ("前10排序得分", "前 10 个检索段落的排序质量（NDCG）：含证据的段落越靠前越高"),
    "fully_correct": ("完全正确率", "该答的答了且含全部要点、该拒答的拒答了的题目占比"),
    "answerable_correct": ("可答题正确率", "应当回答的题目中完全正确的占比"),
    "must_recall": ("要点召回率", "回答包含的参考要点占全部要点的比例，各题平均"),
    "rouge_l": ("参考答案相似度", "回答与参考答案的最长公共子序列重合度（ROUGE-L），各题平均"),
    "refusal_precision": ("拒答准确率", "系统拒答的题目中确实无法回答的占比"),
    "refusal_recall": ("拒答召回率", "无法回答的题目中系统正确拒答的占比"),
    "lead_correct": ("首句正确率", "回答第一句就给出首要要点的题目占比"),
    "false_refusal_rate": ("误拒率", "应当回答的题目中被拒答的占比，越低越好"),
    "answer_chars_p50": ("回答长度中位数", "回答字数（不计引用标记和空白）的中位数"),
    "answer_chars_mean": ("平均回答长度", "回答字数（不计引用标记和空白）的平均值"),
    "citation_validity": ("引文有效率", "引文原文确实出现在所引文档中的比例"),
    "citation_support": ("引文支撑率", "已回答的可答题中，引文含有参考证据的占比"),
    "right_passage_cited": ("正确段落引用率", "有参考证据的可答题中，回答引用了含证据段落的占比"),
    "latency_retrieve_p50_ms": ("检索耗时中位数", "每题检索所用时间的中位数（毫秒）"),
    "latency_retrieve_p95_ms": ("检索耗时95分位", "95% 的题目检索用时不超过此值（毫秒）"),
    "latency_answer_p50_ms": ("作答耗时中位数", "每题生成回答所用时间的中位数（毫秒）"),
    "latency_answer_p95_ms": ("作答耗时95分位", "95% 的题目生成回答用时不超过此值（毫秒）"),
    "latency_total_p50_ms": ("总耗时中位数", "每题从提问到得到回答的时间中位数（毫秒）"),
    "latency_total_p95_ms": ("总耗时95分位", "95% 的题目从提问到回答用时不超过此值（毫秒）"),
}
# one question's scores (the per-question table), by their key in results.json
QUESTION_SCORES: dict[str, tuple[str, str]] = {
    "hit5": ("前5命中", "前 5 个检索段落中是否有含参考证据的段落：1 是，0 否"),
    "rr": ("倒数排名", "第一个含证据段落名次的倒数：第 1 位为 1，第 2 位为 0.5，没有为 0"),
    "must_recall": ("要点召回率", "本题回答包含的参考要点占全部要点的比例"),
    "lead_correct": ("首句正确", "回答第一句是否给出首要要点：1 是，0 否"),
    "rouge_l": ("参考答案相似度", "本题回答与参考答案的最长公共子序列重合度（ROUGE-L）"),
}
GROUPS = {
    "检索 retrieval": "检索",
    "回答 answers": "回答",
    "引用 citations": "引用",
    "长度 answer length (chars)": "回答长度（字）",
    "延迟 latency (ms)": "耗时（毫秒）",
}
STATUSES = {"answered": "已回答", "not_found": "已拒答"}
PRESETS = {"default": "默认（抽取式）", "llm": "大模型", "naive": "朴素基线"}
# the reasons evals.scoring gives, as patterns with their Chinese form
_REASONS = [
    (re.compile(r"status (\w+), expected (\w+)"),
     lambda m: f"应为{STATUSES.get(m[2], m[2])}，实际{STATUSES.get(m[1], m[1])}"),
    (re.compile(r"no retrieved passage \(top (\d+)\) contains the evidence"),
     lambda m: f"前 {m[1]} 个检索段落都不含参考证据"),
    (re.compile(r"answer lacks: (.*)", re.S), lambda m: f"回答缺少要点：{m[1]}"),
    (re.compile(r"the answer is one a reader marked wrong"), lambda m: "回答与读者标记为错误的答案相同"),
    (re.compile(r"citation quote not in its document: (.*)", re.S),
     lambda m: f"引文不在所引文档中：{m[1]}"),
    (re.compile(r"no citation carries the evidence"), lambda m: "没有一条引文含有参考证据"),
]  # fmt: skip


def metric(key: str) -> str:
    """A metric's Chinese name (an unknown key as it is)."""
    return METRICS.get(key, (key, ""))[0]


def metric_help(key: str) -> str:
    """What a metric measures, in one line ('' for an unknown key)."""
    return METRICS.get(key, (key, ""))[1]


def score(key: str) -> str:
    """One question's score (``hit5``, ``rr``, ...) by its Chinese name."""
    return QUESTION_SCORES.get(key, (key, ""))[0]


def score_help(key: str) -> str:
    return QUESTION_SCORES.get(key, (key, ""))[1]


def group(name: str) -> str:
    return GROUPS.get(name, name)


def status(value: str) -> str:
    return STATUSES.get(value, value)


def preset(value: str) -> str:
    return PRESETS.get(value, value)


def reason(text: str) -> str:
    """A failed question's reason in Chinese (one not known is shown as it is)."""
    for pattern, words in _REASONS:
        m = pattern.fullmatch(text)
        if m:
            return words(m)
    return text
