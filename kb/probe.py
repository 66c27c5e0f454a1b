"""The retrieval test (检索测试): one question through the path ``KnowledgeBase.ask`` takes, with
what the answer hides shown — how the question was read, each passage's BM25, dense and fused
scores, each candidate sentence's evidence score, the refusal threshold, and why the question
was answered or refused. Staff diagnostics (the app's 检索测试 page, ``POST /v1/retrieve``);
it reads the documents ``user`` may read and nothing else, and changes no ranking or answer.

    probe(kb, "2025年上海的GDP是多少？", k=5, filters=None, user=who) -> dict

The dict (JSON-able; its contract is ``kb.core.contract.RetrieveResponse``):

- ``question``: as asked; ``understood_as``: as analysed (normalised).
- ``analysis``: ``Question.analysis()`` as in the /v1/ask answer — language, asks (the kind
  of answer), slot, subject, years, titles, names, article, lists, terms (each with its
  expansions), and ``parts`` when the question asks several things (each answered on its own).
- ``retrieval``: the settings in force — k, candidates (passages the answerer considers:
  more than k), fusion, rrf_k, bm25_weight, dense_weight, number_boost.
- ``passages``: what retrieval found, best first, each with rank (from 1, within its part),
  part (1-based index into ``parts``; null for a whole question), chunk_id, doc_id, title,
  locator, section, paragraph, page, score (the fused score that ranks it, after the boost
  for the question's years and numbers), fused (before that boost), bm25 and bm25_rank,
  dense (cosine) and dense_rank (null when not in that list), text, and ``sentences``: the
  candidate sentences of the extractive answerer (``kb.answer.explain.Sentence``: text,
  eligible, score — its share of the evidence —, keywords, dense, type_fit).
- ``parts``: per part, its question, answerable, best_score and decided_by (empty list for a
  whole question).
- ``outcome``: status (answered | not_found | to_model: an LLM would write the answer, and
  the test does not call it), answered_by (extractive | records | gongwen | lifecycle |
  compound | llm), answer (its text; "" for to_model), reason (what a refusal says was
  missing), threshold (the refusal threshold), answerable (the question's answerable
  probability; null when not reached), best_score (the best sentence's evidence score),
  decided_by (the extractive answerer's deciding check, ``kb.answer.explain.DECIDERS``),
  explanation (one Chinese sentence: "可回答概率 0.21 低于拒答阈值 0.31，因此拒答：…").
- ``timings_ms``: retrieve and total.
"""

from __future__ import annotations

import time
from typing import Any

from kb.answer.anchors import missing_anchor
from kb.answer.answerers import ANSWERERS
from kb.answer.asking import Asking
from kb.answer.citations import locator
from kb.answer.explain import Evidence, explain
from kb.answer.result import AskResult
from kb.core.filters import Filters
from kb.retrieve.retrieve import Passage
from kb.store.access import Principal

__all__ = ["probe", "analysis_rows", "explanation", "ASKS_ZH", "DECIDED_ZH", "FUSION_ZH"]

# How the extractive answerer's deciding check reads, when it refuses before the model.
DECIDED_ZH = {
    "no_passages": "没有检索到任何段落",
    "anchor": "问题中的年份或书名在语料中从未出现",
    "unknown_topic": "问题所问的对象（首个关键词）是语料中从未出现的生僻词",
    "unknown_name": "问题提到的名称在语料中从未出现",
    "no_sentences": "检索到的段落中没有可引用的句子",
    "place": "检索到的段落所在文件都没有提到问题所问的地方",
    "quantity": "没有一个句子给出问题所问的数量（或所问地方的数量）",
    "no_eligible": "没有一个句子符合问题的条件（所问的年份，或列举的事物）",
    "article": "问题指明了条款，直接引用该条全文",
    "model": "证据模型",
    "typed": "问题问的是数量或年份，而最相关的句子都没有给出所问的数值",
    "topic": "问题所问的对象是个专名，而最相关句子所在的文件都没有提到它",
    "announced": "证据模型判为难以回答，但文件中有一行引出了问题所问的清单，按清单逐项作答",
    "defined": "证据模型判为难以回答，但有一句以问题所问的术语开头并说明它是什么，按定义作答",
}
ANSWERED_BY_ZH = {
    "records": "导入时抽取的政策记录（协议、规划、措施、事件）",
    "gongwen": "公文要素（发文字号、施行日期等）",
    "dateline": "讲话标题下注明日期和会议的一行（如“——2023年3月5日在……会议上”）",
    "fields": "文件中标注的字段（如“失效日期：”“主 任：”）",
    "lifecycle": "文档之间的废止、修订关系",
}
FUSION_ZH = {"rrf": "倒数排名融合（RRF）", "relative_score": "归一化得分加权"}
ASKS_ZH = {
    "fact": "事实", "list": "列举", "definition": "定义", "amount": "金额", "percent": "比例",
    "duration": "期限", "year": "年份", "date": "时间", "number": "数字", "org": "机构",
    "person": "人物", "place": "地点", "yesno": "是否", "phone": "电话号码",
}  # fmt: skip


def probe(
    kb: Any,
    question: str,
    k: int | None = None,
    filters: Filters | None = None,
    user: Principal | None = None,
    *,
    audit: bool = True,
) -> dict:
    """The retrieval test of ``question`` for ``user`` (``kb``: a ``KnowledgeBase``); audited
    as "retrieve" unless ``audit`` is False. Raises ``InputError`` for an empty question."""
    # The same understanding and retrieval as kb.ask (no conversation, not audited as an ask).
    a: Asking = kb._begin(question, k, filters, user, False, None)
    runs = [(a.q, list(a.passages), a.query_vector)]
    if a.parts:  # each part is retrieved on its own, as kb.ask answers it
        runs = [_retrieved(kb, a, part) for part in a.parts]
    cfg = kb.settings.answer
    evidence = [explain(q, ps, vec, a.snap, kb.tok, cfg) for q, ps, vec in runs]
    by, result = _answer(kb, a)
    passages = [
        _passage(p, rank, i + 1 if a.parts else None, ev)
        for i, ((_, ps, _), ev) in enumerate(zip(runs, evidence, strict=True))
        for rank, p in enumerate(ps, 1)
    ]
    outcome = _outcome(by, result, evidence[0] if not a.parts else None)
    outcome["threshold"] = evidence[0].threshold
    outcome["explanation"] = explanation(outcome, len(a.parts))
    out = {
        "question": (question or "").strip(),
        "understood_as": a.q.text,
        "analysis": a.q.analysis() | ({"parts": a.parts} if a.parts else {}),
        "retrieval": _settings(kb, a, len(passages)),
        "passages": passages,
        "parts": [
            {"question": part, **_summary(ev)} for part, ev in zip(a.parts, evidence, strict=False)
        ],
        "outcome": outcome,
        "timings_ms": {
            "retrieve": round((a.retrieved - a.started) * 1000, 1),
            "total": round((time.perf_counter() - a.started) * 1000, 1),
        },
    }
    if audit:
        kb.audit.append(
            user.name if user else "operator", "retrieve", question=out["question"],
            status=outcome["status"], cited=list(dict.fromkeys(p["doc_id"] for p in passages)),
        )  # fmt: skip
    return out


def _retrieved(kb: Any, a: Asking, part: str):
    q, found = kb._retrieve(part, a.k, a.filters, a.user, snap=a.snap)
    return q, found.passages, found.query_vector


def _answer(kb: Any, a: Asking) -> tuple[str, AskResult | None]:
    """(which answerer answered, its result) as ``KnowledgeBase.ask`` reaches it without a
    model (its ``_without_model``, naming the answerer); ("llm", None) when the model would
    write the answer."""
    if a.parts:
        return "compound", kb._compound(a, a.parts)
    a.missing = missing_anchor(a.q, a.snap, kb.tok)
    for answerer in ANSWERERS:
        result = answerer.answer(kb, a)
        if result is not None:
            return answerer.name, result
    return "llm", None


def _passage(p: Passage, rank: int, part: int | None, ev: Evidence) -> dict:
    c = p.chunk
    return {
        "rank": rank, "part": part, "chunk_id": c.chunk_id, "doc_id": p.doc.doc_id,
        "title": p.doc.title, "locator": locator(p), "section": c.section,
        "paragraph": c.para_start or None, "page": c.page,
        "score": _r(p.score), "fused": _r(p.fused_score), "bm25": _r(p.bm25_score),
        "bm25_rank": p.rank_bm25, "dense": _r(p.dense_score), "dense_rank": p.rank_dense,
        "text": c.text, "sentences": [s.to_dict() for s in ev.sentences if s.rank == rank],
    }  # fmt: skip


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _summary(ev: Evidence) -> dict:
    best = ev.best
    return {
        "answerable": None if ev.answerable is None else round(ev.answerable, 4),
        "best_score": None if best is None else round(best, 4),
        "decided_by": ev.decided_by,
    }


def _outcome(by: str, result: AskResult | None, ev: Evidence | None) -> dict:
    summary = _summary(ev) if ev is not None else {
        "answerable": None, "best_score": None, "decided_by": "parts",
    }  # fmt: skip
    if result is None:
        return {"status": "to_model", "answered_by": by, "answer": "", "reason": "", **summary}
    ans = result.answer
    return {"status": ans.status, "answered_by": by, "answer": ans.text,
            "reason": ans.reason if ans.status != "answered" else "", **summary}  # fmt: skip


def explanation(o: dict, parts: int = 0) -> str:
    """The outcome in one plain Chinese sentence (``o``: the probe's ``outcome``)."""
    t, p, why = (
        o["threshold"],
        o["answerable"],
        o["reason"] or "语料中没有找到能回答这个问题的内容。",
    )
    said = f"可回答概率 {p:.2f}" if p is not None else ""
    if o["answered_by"] == "compound":
        return f"问题包含 {parts} 个小问，已逐一检索、作答后合并（各小问的判断见下）。"
    if o["status"] == "to_model":
        verdict = f"（抽取式回答的{said}，拒答阈值 {t:.2f}）" if said else ""
        return (
            f"已配置大模型：由大模型依据这些段落作答并逐句核验来源，检索测试不调用大模型{verdict}。"
        )
    if o["answered_by"] in ANSWERED_BY_ZH:
        if o["status"] != "answered":
            return f"由{ANSWERED_BY_ZH[o['answered_by']]}判断，因此拒答：{why}"
        return f"由{ANSWERED_BY_ZH[o['answered_by']]}作答，证据模型未参与。"
    decided = o["decided_by"]
    if decided == "model" and p is not None:
        if o["status"] == "answered":
            return f"{said} 不低于拒答阈值 {t:.2f}，因此作答。"
        return f"{said} 低于拒答阈值 {t:.2f}，因此拒答：{why}"
    if decided == "typed" and p is not None:
        return f"{said} 不低于拒答阈值 {t:.2f}，但{DECIDED_ZH[decided]}，因此拒答：{why}"
    if o["status"] == "answered":
        return f"{DECIDED_ZH.get(decided, decided)}，因此作答。"
    model = f"（证据模型的{said}，拒答阈值 {t:.2f}，未参与决定。）" if said else ""
    return f"{DECIDED_ZH.get(decided, decided)}，因此拒答：{why}{model}"


def _settings(kb: Any, a: Asking, n: int) -> dict:
    cfg = kb.settings.retrieval
    return {
        "k": a.k or cfg.k, "candidates": n, "fusion": cfg.fusion, "rrf_k": cfg.rrf_k,
        "bm25_weight": cfg.bm25_weight, "dense_weight": cfg.dense_weight,
        "number_boost": cfg.number_boost,
    }  # fmt: skip


def analysis_rows(d: dict) -> list[tuple[str, str]]:
    """(label, value) of what the question analysis understood, in Chinese, for the page
    (``d``: a probe's dict); empty values left out."""
    a = d["analysis"]

    def words(xs) -> str:
        return "、".join(str(x) for x in xs or [])

    terms = [
        t + (f"（扩展：{'、'.join(alts[1:])}）" if len(alts) > 1 else "")
        for t, alts in (a.get("terms") or {}).items()
    ]
    rows = [
        ("理解为", d["understood_as"]),
        ("语言", {"zh": "中文", "en": "英文"}.get(a.get("language"), a.get("language") or "")),
        ("问题类型", ASKS_ZH.get(a.get("asks"), a.get("asks") or "")),
        ("所问", words(a.get("slot"))),
        ("主题词", words(a.get("subject"))),
        ("年份", words(a.get("years"))),
        ("书名", words(a.get("titles"))),
        ("专名", words(a.get("names"))),
        ("条款", a.get("article") or ""),
        ("列举对象", a.get("lists") or ""),
        ("关键词", "；".join(terms)),
        ("拆分的小问", " / ".join(a.get("parts") or [])),
    ]
    return [(k, v) for k, v in rows if v]
