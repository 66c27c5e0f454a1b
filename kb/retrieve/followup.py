"""Follow-up questions read together with the conversation, by rules that work offline.

"那2011年呢？" after "2022年……总指数是多少分？" becomes "2011年……总指数是多少分？"; "它的五个一级
指标是什么？" gets the previous question's subject; "其中江苏呢？" / "what about Anhui?" puts a
place into the previous question. A question that carries no follow-up cue (a leading
pronoun, an elliptical "……呢", "what about …") is a new topic and is left exactly as asked.

The rules are about Chinese and English grammar (pronouns, the 呢 ellipsis, copulas and
question words), never about the words of any one corpus. With an LLM configured the model
condenses the question instead (kb.knowledge), and these rules are its fallback.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from kb.core.glossary import EN_ZH
from kb.core.text import YEAR_RE, has_cjk
from kb.core.tokenize import Tokenizer


@dataclass(frozen=True)
class Turn:
    """One earlier exchange; ``understood_as`` when the caller kept how it was read. The API's
    Turn (kb.api.schemas) mirrors these fields, each ``doc`` its description."""

    question: str
    answer: str = ""
    understood_as: str | None = field(
        default=None,
        metadata={"doc": "How this turn was understood (the earlier reply's understood_as)."},
    )


@dataclass
class Understood:
    text: str  # the question that will be answered
    method: str = "as_asked"  # as_asked | rules | llm
    inherited: list[str] = field(default_factory=list)  # what came from earlier turns
    warning: str = ""  # why the model's reading was not used, when it was tried

    @property
    def changed(self) -> bool:
        return self.method != "as_asked"


_END = "？?。.!！ \t"
# A time phrase opening a question: "2022年", "2011-2022年", "2023年5月", "近年来".
_LEAD_TIME = re.compile(
    r"^(?:(?:19|20)\d{2}\s*(?:[-—–~至到]\s*(?:(?:19|20)?\d{2}))?\s*年?(?:\d{1,2}月)?(?:\d{1,2}日)?"
    r"|近年来|近年|目前|当前|今年|去年)[，,\s]*"
)
# "那2011年呢" / "其中江苏呢" / "至于示范区呢": the elliptical follow-up, X is what changes.
_ZH_ELLIPSIS = re.compile(
    r"(?:那么|那|还有|另外|其中|至于|换成|如果是|若是)?[，,\s]*(?P<x>.{1,24}?)(?:的情况|方面)?呢"
)
# A pronoun or demonstrative opening the question: what it points to is in the previous turn.
_ZH_PRONOUN = re.compile(
    r"(?:那么|那)?[，,\s]*(?P<p>它们|它|他们|其(?![中他它余次实])|该|此|这些|这个|这项|这一|这份|这|上述|以上)"
    r"(?P<rest>.+)"
)
_ZH_BARE = {"它们", "它", "他们", "其"}
_ZH_MEASURE = re.compile(r"^(?:个|项|份|些|一|条|部|次|家)")
# Words a Chinese question turns on: the subject is what stands before them.
_ZH_PREDICATE = set(
    """是 有 为 由 如何 怎么 怎样 怎么样 什么 多少 哪些 哪个 哪 几 第几 何时 何 何种 哪里 在哪
    在哪里 包括 包含 是否 能否 共有 一共 分别 主要 将 被 把 有没有 为什么 为何 吗""".split()
)
_ZH_QUESTION_WORDS = re.compile(r"什么|多少|哪|几|何|怎|如何|吗|谁|是否")
# jieba tags that end a noun phrase: preposition, adverb, conjunction, pronoun, particle
# (by first letter); interjection, onomatopoeia, modal, time word (whole tag).
_FUNCTION_FIRST = set("pdcru")
_FUNCTION_TAGS = {"e", "o", "y", "t", "tg"}

_EN_ELLIPSIS = re.compile(
    r"(?:(?:and|so|but|ok|okay)[, ]+)?(?:(?:what|how)\s+about|and)\s+(?:in\s+|for\s+)?(?P<x>.+)",
    re.I,
)
_EN_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|these|those)\b", re.I)
_EN_LEAD = re.compile(
    r"^(?:what|which|how|when|where|who|whom|why)\b(?:\s+\w+)??\s+"
    r"(?:is|are|was|were|does|do|did|has|have|had|can|will|should)\s+",
    re.I,
)
_EN_CUT = re.compile(
    r"\s+(?:in|on|at|for|by|from|to|with|during|since|governed|\w+ed|\w+en)\b.*$", re.I
)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().rstrip(_END)


def _ending(text: str) -> str:
    """The question mark the original used (full width for Chinese)."""
    return "？" if has_cjk(text) else "?"


def _zh_place(word: str, tok: Tokenizer) -> bool:
    """One place name ("江苏", "安徽省"), not a longer name that starts with one."""
    pos = tok.pos(word)
    return (
        bool(pos)
        and pos[0][1] == "ns"
        and (len(pos) == 1 or (len(pos) == 2 and pos[1][0] in ("省", "市", "区", "县")))
    )


def _to_zh(x: str) -> str:
    """An English name the glossary translates ("Anhui" -> "安徽"), else unchanged."""
    alts = EN_ZH.get(x.lower().removeprefix("the ").strip())
    return alts[0] if alts else x


@dataclass
class _Frame:
    """The parts of a previous (Chinese) question that a follow-up can change or point to."""

    text: str
    time: str  # the opening time phrase, or ""
    subject: str  # what the question is about, or ""
    referent: str  # what "它们/这些N" point to in a list question ("2018年签署的协议"), or ""
    list_noun: str  # N of "哪些N", or ""


def _zh_frame(prev: str, tok: Tokenizer) -> _Frame:
    m = _LEAD_TIME.match(prev)
    time = m.group(0).rstrip("，, ") if m else ""
    body = prev[m.end() :] if m else prev
    pos = tok.pos(body)
    # The subject is the noun phrase the question opens with: "G60科创走廊" of "G60科创走廊是
    # 如何治理的", "于乐" of "于乐的职业是什么" (the possessor: "那Z呢" asks Z的职业).
    j = 0
    while j < len(pos) and _nominal(*pos[j]):
        j += 1
    subject = "".join(w for w, _ in pos[:j]).rstrip()
    subject = subject if len(subject) >= 2 else ""
    words = [w for w, _ in pos]
    list_noun = referent = ""
    i = next((k for k, w in enumerate(words) if w in ("哪些", "哪几")), None)
    if i is not None:
        after = [w for w, f in pos[i + 1 :] if f.startswith("n")]
        verb = "".join(w for w, f in pos[j:i] if f == "v")
        if after:
            list_noun = after[0]
            referent = f"{time}{subject}{verb}的{list_noun}" if verb else f"{time}{list_noun}"
    return _Frame(prev, time, subject, referent, list_noun)


def _nominal(word: str, flag: str) -> bool:
    """Whether a token can belong to the opening noun phrase. jieba cuts a name it does not
    know into odd pieces ("伊维卡·奥利/奇", "卫视/卡式/台"), so single characters of any
    content tag stay in; function words, question words and two-character verbs end it."""
    if word in _ZH_PREDICATE or _ZH_QUESTION_WORDS.search(word):
        return False
    if flag == "x":  # jieba's tag for words it does not know, and for punctuation
        return bool(re.fullmatch(r"[\w·・ ]+", word))  # the space of "El Torito"
    if flag[:1] in _FUNCTION_FIRST or flag in _FUNCTION_TAGS:
        return False
    # A verb or a direction word ("位于", "以前") of two characters is no piece of a name.
    return not (flag[:1] in ("v", "f") and flag != "vn" and len(word) >= 2)


def _zh_ellipsis(x: str, frame: _Frame, tok: Tokenizer, inherited: list[str]) -> str | None:
    prev = frame.text
    years = YEAR_RE.findall(x)
    if years and _LEAD_TIME.fullmatch(x.strip()):
        new_time = x.strip() if x.strip().endswith(("年", "月", "日")) else f"{x.strip()}年"
        inherited.append(f"问题：{prev}")
        if frame.time:
            return new_time + prev[len(frame.time) :].lstrip("，, ")
        old = YEAR_RE.search(prev)
        if old:
            return prev[: old.start()] + years[0] + prev[old.end() :]
        return new_time + prev
    if _ZH_QUESTION_WORDS.search(x):
        return None  # "为什么呢" is not an ellipsis of the previous question
    x = _to_zh(x)
    if _zh_place(x, tok):
        places = [w for w, f in tok.pos(prev) if f == "ns"]
        if places and places[0] in prev:
            inherited.append(f"问题：{prev}")
            return prev.replace(places[0], x, 1)
    elif frame.subject:
        inherited.append(f"问题：{prev}")
        return frame.time + x + prev[len(frame.time) :].lstrip("，, ")[len(frame.subject) :]
    inherited.append(f"问题：{prev}")
    body = prev[len(frame.time) :] if frame.time else prev
    return f"{frame.time}{x}{body}"


def _zh_pronoun(p: str, rest: str, frame: _Frame, inherited: list[str]) -> str | None:
    """ "它/其/该N" become the previous subject. Its year stays behind: in "2022年X是多少分"
    the year qualifies the score asked about, not X. "这些N" after "哪些N" become the
    listed items, which carry their year ("2018年签署的协议")."""
    if p in _ZH_BARE:
        target = frame.subject or frame.referent
        if not target:
            return None
        inherited.append(f"指代：{p} → {target}")
        joiner = "的" if p == "其" and not rest.startswith("的") else ""
        return f"{target}{joiner}{rest}"
    # "这部规划" drops its measure word; "这条例" and "该项目" must keep theirs: try both.
    for noun_part in dict.fromkeys((rest, _ZH_MEASURE.sub("", rest))):
        for target in (frame.subject, frame.referent):
            if not target:
                continue
            # "该指数" points to a subject that is an 指数; "这些协议" to the 协议 listed.
            for n in range(min(len(noun_part), 6), 1, -1):
                noun = noun_part[:n]
                if target.endswith(noun) or (target == frame.referent and noun == frame.list_noun):
                    said = rest[: len(rest) - len(noun_part) + n]
                    inherited.append(f"指代：{p}{said} → {target}")
                    return target + noun_part[n:]
    return None


def _en_subject(prev: str) -> str:
    m = _EN_LEAD.match(prev)
    if not m:
        return ""
    return _EN_CUT.sub("", prev[m.end() :]).strip()


def _resolve_en(q: str, prev: str, tok: Tokenizer, inherited: list[str]) -> str | None:
    m = _EN_ELLIPSIS.fullmatch(q)
    if m:
        x = re.sub(r"^the\s+", "", m.group("x").strip(), flags=re.I)
        if has_cjk(prev):
            frame = _zh_frame(prev, tok)
            return _zh_ellipsis(x, frame, tok, inherited)
        inherited.append(f"question: {prev}")
        if YEAR_RE.fullmatch(x) and YEAR_RE.search(prev):
            return YEAR_RE.sub(x, prev, count=1)
        subject = _en_subject(prev)
        if subject and not YEAR_RE.fullmatch(x):
            return prev.replace(subject, f"the {x}" if subject.lower().startswith("the ") else x)
        return f"{prev} ({x})"
    p = _EN_PRONOUN.search(q)
    if not p or re.search(r"(?<!^)\b[A-Z][a-z]+", q[1:]):
        return None  # no pronoun, or the question names its own subject
    subject = _zh_frame(prev, tok).subject if has_cjk(prev) else _en_subject(prev)
    if not subject:
        return None
    word = p.group(1).lower()
    repl = f"{subject}'s" if word in ("its", "their") and not has_cjk(subject) else subject
    inherited.append(f"reference: {p.group(1)} → {subject}")
    return q[: p.start()] + repl + q[p.end() :]


def resolve(question: str, previous: str | None, tok: Tokenizer) -> Understood:
    """``question`` read after ``previous`` (the previous question as understood)."""
    q = _clean(question)
    if not previous or not q:
        return Understood(question.strip())
    prev = _clean(previous)
    inherited: list[str] = []
    if has_cjk(q):
        frame = _zh_frame(prev, tok) if has_cjk(prev) else _Frame(prev, "", "", "", "")
        text = None
        m = _ZH_ELLIPSIS.fullmatch(q)
        if m:
            text = _zh_ellipsis(m.group("x").strip(), frame, tok, inherited)
        elif (p := _ZH_PRONOUN.fullmatch(q)) is not None:
            text = _zh_pronoun(p.group("p"), p.group("rest"), frame, inherited)
    else:
        text = _resolve_en(q, prev, tok, inherited)
    if not text or _clean(text) == q:
        return Understood(question.strip())
    return Understood(_clean(text) + _ending(text), "rules", inherited)


def understand_by_rules(question: str, history: Iterable[Turn], tok: Tokenizer) -> Understood:
    """Fold the conversation: each earlier question as it was understood, then this one."""
    previous: str | None = None
    for turn in history:
        previous = turn.understood_as or resolve(turn.question, previous, tok).text
    return resolve(question, previous, tok)


_LABEL = re.compile(r"^(?:改写后的问题|改写后|问题|question|rewritten question)\s*[:：]\s*", re.I)


def accept_condensed(text: str | None, question: str) -> str | None:
    """The model's rewrite, or None when it is no usable question: empty, an explanation over
    several lines, a refusal, or far longer than a question with its context needs."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not lines or len(lines) > 2:
        return None
    out = _LABEL.sub("", lines[0]).strip(" \"'“”「」")
    if not out or "【" in out or len(out) > max(120, 4 * len(question.strip())):
        return None
    return out
