"""Citation check for generated answers, on Chinese text. We do not trust the model's [n]:

- numbers that name no source are dropped (and reported);
- each sentence is tested against the passages it cites: its numbers, dates, 《》 titles and
  named entities must occur there, and enough of its key words (``llm_min_overlap``);
- unsupported sentences are marked visibly or removed (``llm_unsupported``);
- each citation's quote becomes the passage sentence that best supports the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.answer.citations import FALLBACK_QUOTE_CHARS, Citation, cite
from kb.answer.prompts import NOT_FOUND_TOKEN
from kb.core.text import MIN_WORD_CHARS, norm, numbers_in, split_sentences, titles_in
from kb.core.tokenize import Tokenizer
from kb.retrieve.retrieve import Passage

_MARKS = re.compile(r"\s*\[(\d+)\]")
# Set with the citation check (19e5066) by judgement, and held by tests/test_llm.py; no eval
# run tuned them (the LLM preset needs a model this machine does not have).
# A one-digit number ("1.", "第3") is a list mark more often than a fact: facts have two.
MIN_FACT_DIGITS = 2
# A source sentence shorter than this is a label, not a quote.
MIN_QUOTE_CHARS = 6
# In choosing the quote, a number of the claim found in a sentence counts half a word: the
# words say what the sentence is about, a number may recur in other sentences.
NUMBER_WEIGHT = 0.5
# A sentence this short without facts or [n] ("综上所述，", "具体如下：") needs no source.
CONNECTIVE_MAX = 20
_ENTITY_POS = {"ns", "nr", "nt", "nz", "nrt", "nrfg"}
UNSUPPORTED_MARK = "（⚠ 未经来源证实）"


@dataclass
class Checked:
    text: str
    citations: list[Citation]
    status: str  # answered | not_found
    unsupported: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    supported_count: int = 0


def _claims_of(text: str) -> list[tuple[str, list[int], str]]:
    """(sentence without markers, cited numbers, separator after it) in order; markers after
    the final punctuation belong to the sentence before them."""
    out: list[tuple[str, list[int], str]] = []
    spans = split_sentences(text)
    for i, (s, e) in enumerate(spans):
        sent = text[s:e]
        nums = [int(n) for n in _MARKS.findall(sent)]
        claim = _MARKS.sub("", sent).strip()
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        sep = "\n" if "\n" in text[e:nxt] else ""
        if not claim and out:  # a sentence made only of markers: "…。[2]" split after 。
            out[-1] = (out[-1][0], out[-1][1] + nums, sep or out[-1][2])
            continue
        if claim:
            out.append((claim, nums, sep))
    return out


def _hard_facts(claim: str, tok: Tokenizer) -> list[str]:
    facts = [n for n in numbers_in(claim) if len(n) >= MIN_FACT_DIGITS or not n.isdigit()]
    facts += titles_in(claim)
    facts += [w for w, f in tok.pos(claim) if f in _ENTITY_POS and len(w) >= MIN_WORD_CHARS]
    return list(dict.fromkeys(facts))


def _overlap(claim: str, source_n: str, tok: Tokenizer) -> float:
    words = [w for w in tok.words(claim) if len(w) >= MIN_WORD_CHARS]
    if not words:
        return 1.0
    return sum(1 for w in words if norm(w) in source_n) / len(words)


def _best_quote(claim: str, p: Passage, tok: Tokenizer) -> str:
    words = {w for w in tok.words(claim) if len(w) >= MIN_WORD_CHARS}
    best, score = "", -1.0
    for s, e in split_sentences(p.text):
        sent = p.text[s:e]
        if len(sent) < MIN_QUOTE_CHARS:
            continue
        sn = norm(sent)
        sc = sum(1 for w in words if norm(w) in sn) + NUMBER_WEIGHT * sum(
            1 for n in numbers_in(claim) if n in sn
        )
        if sc > score:
            best, score = sent, sc
    return best or p.text[:FALLBACK_QUOTE_CHARS]


def check(
    answer: str,
    passages: list[Passage],
    tok: Tokenizer,
    *,
    unsupported: str = "mark",
    min_overlap: float = 0.5,
) -> Checked:
    text = answer.strip()
    if text.startswith(NOT_FOUND_TOKEN):
        reason = text[len(NOT_FOUND_TOKEN) :].strip(" ：:，,")
        return Checked("语料无法回答这个问题。" + (reason or ""), [], "not_found")
    warnings: list[str] = []
    renumber: dict[int, int] = {}
    cites: list[Citation] = []
    out_sentences: list[str] = []
    unsupported_list: list[str] = []
    supported = 0
    bad_numbers: set[int] = set()
    for claim, nums, sep in _claims_of(text):
        valid = [n for n in dict.fromkeys(nums) if 1 <= n <= len(passages)]
        bad_numbers |= {n for n in nums if not 1 <= n <= len(passages)}
        facts = _hard_facts(claim, tok)
        if not valid:
            # A short connective without facts needs no source; anything else does.
            if not facts and len(claim) <= CONNECTIVE_MAX and not nums:
                out_sentences.append(claim + sep)
                continue
            ok = False
        else:
            src = norm("".join(passages[n - 1].text for n in valid))
            ok = all(norm(f) in src for f in facts) and _overlap(claim, src, tok) >= min_overlap
        if not ok:
            unsupported_list.append(claim)
            if unsupported == "mark":
                out_sentences.append(claim + UNSUPPORTED_MARK + sep)
            continue
        supported += 1
        marks = []
        for n in valid:
            if n not in renumber:
                renumber[n] = len(renumber) + 1
                cites.append(
                    cite(
                        renumber[n], passages[n - 1], quote=_best_quote(claim, passages[n - 1], tok)
                    )
                )
            marks.append(f"[{renumber[n]}]")
        out_sentences.append(claim + "".join(marks) + sep)
    if bad_numbers:
        warnings.append(f"模型引用了不存在的来源编号 {sorted(bad_numbers)}，已删除。")
    if unsupported_list:
        verb = "已标注" if unsupported == "mark" else "已删除"
        warnings.append(f"{len(unsupported_list)} 句回答无法在所引来源中得到证实，{verb}。")
    return Checked(
        "".join(out_sentences).strip(), cites, "answered", unsupported_list, warnings, supported
    )
