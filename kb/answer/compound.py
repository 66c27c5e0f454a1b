"""One answer from the answers to the parts of a question that asks several things
(kb.retrieve.split): each part's text in turn, their citations numbered once across the whole
(a passage cited by two parts keeps one number), answered when any part is."""

from __future__ import annotations

import re
from dataclasses import replace

from kb.answer.citations import EN_SOURCES_LEAD, Answer, Citation

_MARK = re.compile(r"\[(\d+)\]")


def merge(parts: list[str], answers: list[Answer], lang: str = "zh") -> Answer:
    cites: list[Citation] = []
    seen: dict[tuple[str, str], int] = {}
    texts: list[str] = []
    reasons: list[str] = []
    for part, ans in zip(parts, answers, strict=True):
        if ans.status != "answered":
            reasons.append(ans.reason)
            texts.append(_refused_line(part, ans, lang))
            continue
        renum: dict[int, int] = {}
        for c in ans.citations:
            key = (c.chunk_id or c.doc_id, c.quote)
            if key not in seen:
                seen[key] = len(cites) + 1
                cites.append(replace(c, n=seen[key]))
            renum[c.n] = seen[key]
        for line in _renumber(ans.text, renum).split("\n"):
            # two parts answered by the same sentence or 公文 header; a header with the
            # document's number after one without ("《……》（国办函〔1996〕16号）")
            if line in texts or _header_again(line, texts) or _listed_again(line, texts):
                continue
            # a part that says what an earlier one said and more: said once, in full
            longer = [i for i, t in enumerate(texts) if t and line.startswith(t)]
            if longer:
                texts[longer[0]] = line
            elif line := _new_sentences(line, texts):
                texts.append(line)
    if not cites:
        # Nothing answered: the first part's refusal (with its nearest passages) speaks for all.
        first = answers[0]
        return Answer("not_found", first.text, first.citations, first.reason)
    return Answer("answered", "\n".join(texts), cites, "；".join(r for r in reasons if r))


# A 公文 answer's first line: the document's title, and its number when not asked.
_HEADER = re.compile(r"《[^《》]+》(?:（[^（）]*）)?")


def _header_again(line: str, texts: list[str]) -> bool:
    if not _HEADER.fullmatch(line):
        return False
    title = line[: line.index("》") + 1]
    return any(_HEADER.fullmatch(t) and t.startswith(title) for t in texts)


# A cited sentence of an extractive answer: its text and its markers.
_CITED = re.compile(r"[^\[\]]+?(?:\[\d+\])+")
_LISTED = re.compile(r"^\d+\. ")


def _listed_again(line: str, texts: list[str]) -> bool:
    """Whether ``line`` is a numbered item an earlier part listed under another number (two
    parts answered by one list of disagreeing sources)."""
    if not _LISTED.match(line):
        return False
    item = _LISTED.sub("", line)
    return any(_LISTED.match(t) and _LISTED.sub("", t) == item for t in texts)


def _new_sentences(line: str, texts: list[str]) -> str:
    """``line`` without the cited sentences an earlier part's answer gave already, word for
    word and with the same markers (two parts answered by one sentence and another each);
    a numbered list item is left whole."""
    if _LISTED.match(line):
        return line
    lead = EN_SOURCES_LEAD if line.startswith(EN_SOURCES_LEAD) else ""
    said = "\n".join(texts).replace(EN_SOURCES_LEAD, "")
    body = line[len(lead) :]
    kept = [s for s in _CITED.findall(body) if s not in said]
    if _CITED.sub("", body).strip():
        return line  # words no marker cites: kept as they are
    return lead + "".join(kept) if kept else ""


def _renumber(text: str, renum: dict[int, int]) -> str:
    return _MARK.sub(lambda m: f"[{renum.get(int(m.group(1)), m.group(1))}]", text)


def _refused_line(part: str, ans: Answer, lang: str) -> str:
    reason = ans.reason or "语料中没有相关记载。"
    if lang == "en":
        return f"({part.strip()} — not answered by the corpus: {reason})"
    return f"（“{part.strip().rstrip('？?')}”：{reason}）"
