"""What to ask next, without a model: follow-up questions drawn from the cited documents'
records and headings, and "您是不是要问……" for a question with a typo that the documents
cannot match.

Every suggestion is asked before it is offered (without the audit trail, and without calling
an LLM) and kept only if the documents the user may read answer it: a suggestion never
leads to a refusal.

The typo check is by characters: where a character of the question meets neither of its
neighbours anywhere in the documents, the character the documents hold most often between
those two neighbours takes its place (one substitution per correction). It needs no word list
and names no word of a corpus.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from typing import TYPE_CHECKING

from kb.core.tokenize import STOPWORDS

if TYPE_CHECKING:
    from kb.core.tokenize import Tokenizer
    from kb.knowledge import KnowledgeBase
    from kb.store.access import Principal

MAX_SUGGESTIONS = 3
MAX_TRIED = 4  # candidates asked at most, per answer (each is one in-process question)
# A heading's enumerator ("一、", "（二）", "3.") is not part of its topic.
_ENUMERATOR = re.compile(
    r"^\s*([（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、])\s*"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ACTIONS = {"agreement": "签署", "plan": "发布", "measure": "印发"}


def _topic(section: str) -> str:
    """The last heading of a section path, as a topic ("（二）突破关键技术" → "突破关键技术")."""
    last = section.split(" / ")[-1].strip()
    return _ENUMERATOR.sub("", last).strip(" ：:,，")


def candidates(kb: KnowledgeBase, turn: dict, user: Principal | None) -> list[str]:
    """Follow-ups in order of preference, records and headings in turn: the records the
    cited passages mention and the answer does not name (when each was made), then those
    of the cited documents; the headings beside the cited passages', then the documents'
    other headings."""
    cites = turn.get("citations", [])
    docs = list(dict.fromkeys(c["doc_id"] for c in cites))
    if not docs:
        return []
    snap = kb.retriever.snapshot(user)
    answer, chunks = turn.get("answer", ""), {c.get("chunk_id") for c in cites}
    near: list[str] = []
    far: list[str] = []
    for r in snap.records:
        if r.title and r.title not in answer and set(r.doc_ids) & set(docs):
            verb = _ACTIONS.get(r.kind) or r.action or "提出"
            mentioned = any(m.chunk_id in chunks for m in r.mentions)
            (near if mentioned else far).append(f"《{r.title}》是什么时候{verb}的？")
    records = near + far
    return _interleave(records, _headings(snap, docs, chunks, answer))


def _headings(snap, docs: list[str], chunks: set, answer: str) -> list[str]:
    """ "<heading>的主要内容是什么？" for the headings of the cited documents, those under the
    same parent as a cited passage first; not the cited ones, nor one the answer names."""
    cited = {snap.chunks[c].section for c in chunks if c in snap.chunks}
    parents = {sec.rsplit(" / ", 1)[0] for sec in cited if sec and " / " in sec}
    near: list[str] = []
    far: list[str] = []
    for c in (c for doc_id in docs for c in snap.doc_chunks(doc_id)):  # in document order
        if not c.section or c.section in cited:
            continue
        topic = _topic(c.section)
        doc = snap.docs.get(c.doc_id)
        if not (4 <= len(topic) <= 24) or topic in answer or (doc and topic == doc.title):
            continue
        sibling = " / " in c.section and c.section.rsplit(" / ", 1)[0] in parents
        (near if sibling else far).append(f"{topic}的主要内容是什么？")
    return list(dict.fromkeys(near + far))


def _interleave(a: list[str], b: list[str]) -> list[str]:
    out = [x for pair in zip(a, b, strict=False) for x in pair]
    n = min(len(a), len(b))
    return list(dict.fromkeys(out + a[n:] + b[n:]))


def answered(kb: KnowledgeBase, question: str, user: Principal | None) -> bool:
    """The documents answer ``question`` (asked unaudited). With an LLM configured no model
    is called: the answer must come without one, or the evidence clear the threshold."""
    if not kb.settings.llm_enabled:
        return kb.ask(question, user=user, audit=False).answer.status == "answered"
    from kb.probe import probe

    o = probe(kb, question, user=user, audit=False)["outcome"]
    if o["status"] != "to_model":
        return o["status"] == "answered"
    return o["answerable"] is not None and o["answerable"] >= o["threshold"]


def follow_ups(
    kb: KnowledgeBase, turn: dict, user: Principal | None, asked: list[str] = ()
) -> list[str]:
    """Up to ``MAX_SUGGESTIONS`` follow-ups that are answered, none already asked."""
    done = {q.strip() for q in [*asked, turn.get("question", "")]}
    out: list[str] = []
    for q in [c for c in candidates(kb, turn, user) if c not in done][:MAX_TRIED]:
        if answered(kb, q, user):
            out.append(q)
            if len(out) == MAX_SUGGESTIONS:
                break
    return out


_TEXT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # snapshot -> its text


def _text(snap) -> str:
    """The user's documents as one string, searched in C (made on the first typo check)."""
    text = _TEXT.get(snap)
    if text is None:
        text = _TEXT[snap] = "\n".join(c.text for c in snap.chunks.values())
    return text


def corrections(q: str, text: str, tok: Tokenizer) -> list[str]:
    """Questions that differ from ``q`` in one Chinese character. Where ``q``'s character
    meets neither neighbour anywhere in ``text``, each character ``text`` holds beside one
    of those neighbours is tried. It is kept when the corrected question then has a word of
    two or more characters through it that ``text`` holds and jieba knows, and a stretch of
    4 or more characters through it that ``text`` holds; the longest stretch first."""
    out: list[tuple[int, int, str]] = []
    words = tok.cut(q)
    for i in range(1, len(q) - 1):
        a, x, b = q[i - 1], q[i], q[i + 1]
        if not (_CJK.match(a) and _CJK.match(x) and _CJK.match(b)):
            continue
        if a + x in text or x + b in text or _asked_in_words(_word_at(words, i), tok):
            continue  # the character fits a neighbour, or is how questions are asked
        tried = Counter(m[1] for m in re.finditer(re.escape(a) + f"({_CJK.pattern})", text))
        tried.update(m[1] for m in re.finditer(f"({_CJK.pattern})" + re.escape(b), text))
        for y, n in tried.most_common(40):
            q2 = q[:i] + y + q[i + 1 :]
            stretch = _stretch(q2, i, text)
            if stretch >= 4 and _makes_a_word(_word_at(tok.cut(q2), i), text, tok):
                out.append((stretch, n, q2))
    best: dict[int, tuple] = {}  # one correction per position: its likeliest
    for entry in sorted(out, reverse=True):
        best.setdefault(_changed_at(q, entry[2]), entry)
    return [q2 for *_, q2 in sorted(best.values(), reverse=True)]


def _changed_at(q: str, q2: str) -> int:
    return next(i for i, (x, y) in enumerate(zip(q, q2, strict=True)) if x != y)


def _stretch(q: str, i: int, text: str, longest: int = 8) -> int:
    """The length of the longest stretch of ``q`` through position ``i`` that ``text`` holds."""
    for n in range(min(longest, len(q)), 1, -1):
        if any(q[s : s + n] in text for s in range(max(0, i - n + 1), min(i, len(q) - n) + 1)):
            return n
    return 0


def _word_at(words: list[str], i: int) -> str:
    """The word of ``words`` (a cut of the question) that holds position ``i``."""
    start = 0
    for w in words:
        if start <= i < start + len(w):
            return w
        start += len(w)
    return ""


def _asked_in_words(word: str, tok: Tokenizer) -> bool:
    """The character is in a function or question word (是, 多少, 哪些: the stopword list) or
    in a word jieba knows of two or more characters: it was written so, however rarely the
    documents put it beside its neighbours."""
    return word in STOPWORDS or (len(word) >= 2 and tok.freq(word) > 0)


def _makes_a_word(word: str, text: str, tok: Tokenizer) -> bool:
    """The corrected question has here a word of 2+ characters that jieba knows and ``text``
    holds (a typo fixed makes a word; a word broken makes none)."""
    return len(word) >= 2 and word in text and tok.freq(word) > 0


def did_you_mean(kb: KnowledgeBase, question: str, user: Principal | None) -> str | None:
    """A corrected question the documents answer, for a question they did not."""
    text = _text(kb.retriever.snapshot(user))
    for q in corrections(question, text, kb.tok)[:MAX_TRIED]:
        if answered(kb, q, user):
            return q
    return None


def for_turn(kb: KnowledgeBase, turn: dict, user: Principal | None, asked=()) -> dict:
    """What to offer under an answer: ``did_you_mean`` (a corrected question, when the
    question has a typo) and ``suggestions`` (follow-ups, when it was answered)."""
    out: dict = {}
    fixed = did_you_mean(kb, turn.get("question", ""), user)
    if fixed:
        out["did_you_mean"] = fixed
    if turn.get("status") == "answered":
        out["suggestions"] = follow_ups(kb, turn, user, list(asked))
    return out
