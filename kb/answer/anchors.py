"""What a question relies on that the corpus never mentions (a year, a 《》 title, a proper
name, its topic): the answerers refuse on it rather than answer from passages about something
else."""

from __future__ import annotations

from kb.answer.candidates import year_in
from kb.core.text import in_order, norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Snapshot

# A word jieba's dictionary counts at most this often is a name or a term of art (紫堇, 魔弹,
# 气炉), not a common word a corpus may put otherwise (游客, 连任). Chosen on CMRC dev with the
# policy splits: 30 to 300 refuse the same questions; 30 refuses one unanswerable fewer.
RARE_WORD = 100
# What a topic is not made of (jieba's tags): pronouns and demonstratives (这张, 那份), numerals,
# conjunctions, prepositions, particles, verbs and adverbs (如果, 快到).
_NOT_TOPIC = ("r", "m", "c", "p", "u", "v", "d")
# An abbreviation keeps its full name's characters in order, a few apart (职代会: 职工代表大会).
_ABBREVIATION_GAP = 3


def missing_anchor(q: Question, snap: Snapshot, tok) -> str:
    """A year, a 《》 title, a proper name or the topic the question relies on that neither
    any passage nor any document's title or date mentions. ``tok``: the Tokenizer."""
    names = missing_names(q, snap)
    named = f"语料中没有提到“{names[0]}”。" if names else ""
    return missing_year_or_title(q, snap) or named or missing_topic(q, snap, tok)


def missing_topic(q: Question, snap: Snapshot, tok) -> str:
    """The refusal when a Chinese question's topic, its first key word, is a rare word the
    corpus never writes ("紫堇属植物的果实是什么", "相武台下车站属于哪个公司"): not the word,
    not two of its characters side by side, not a full name it abbreviates, not a synonym of
    it. Nothing in the corpus is about it, however well other sentences match the rest.
    ``tok``: the Tokenizer (the dictionary's frequencies and tags); '' when none is missing."""
    if q.lang != "zh" or not q.terms:
        return ""
    word = q.terms[0]
    if len(word) < 2 or word.isascii() or tok.freq(word) > RARE_WORD or snap.bm25.df.get(word):
        return ""
    at = q.text.find(word)
    if at < 0 or any(f.startswith(_NOT_TOPIC) for f in _tags_over(q.text, at, len(word), tok)):
        return ""
    synonyms = q.expansions.get(word, [])[1:]
    if len(_unmentioned(synonyms, snap)) < len(synonyms):
        return ""
    n = norm(word)
    pairs = [n[i : i + 2] for i in range(len(n) - 1)]
    abbreviation = in_order(n, _ABBREVIATION_GAP)
    texts = [norm(d.title) for d in snap.docs.values()]
    texts += [snap.normed(cid) for cid in snap.chunks]
    if any(abbreviation.search(t) or any(p in t for p in pairs) for t in texts):
        return ""
    return f"语料中没有提到“{_span(q, at, word, snap)}”。"


def _tags_over(text: str, at: int, size: int, tok) -> list[str]:
    """The tags of the segmenter's pieces of ``text`` that overlap ``text[at:at+size]``."""
    flags, start = [], 0
    for w, f in tok.pos(text):
        if start < at + size and start + len(w) > at:
            flags.append(f)
        start += len(w)
    return flags


def _span(q: Question, at: int, word: str, snap: Snapshot) -> str:
    """The topic as the question writes it: the word and the key words right after it that the
    corpus never mentions either (相武 + 台下)."""
    end = at + len(word)
    for t in q.terms[1:]:
        if not q.text.startswith(t, end) or not _unmentioned([t], snap):
            break
        end += len(t)
    return q.text[at:end]


def missing_year_or_title(q: Question, snap: Snapshot) -> str:
    """A year or a 《》 title the question relies on that the corpus never mentions: exact
    strings, so their absence settles the question."""
    for y in q.years:
        if (
            snap.bm25.df.get(str(y), 0) == 0
            and not any(d.year == y or str(y) in d.title for d in snap.docs.values())
            and not any(year_in(c.text, y) for c in snap.chunks.values())
        ):
            return f"语料中没有关于{y}年的记载。"
    missing = _unmentioned(q.titles, snap)
    return f"语料中没有提到“{missing[0]}”。" if missing else ""


def missing_names(q: Question, snap: Snapshot) -> list[str]:
    """Proper names of the question (as the word segmenter tags them) that no passage or
    title mentions. The tagger also cuts names wrongly ("工业上乙二醛" gives "上乙二醛"), so
    an unknown name is evidence for refusing, weighed by the question model, not a verdict."""
    return _unmentioned(q.names, snap)


def _unmentioned(names: list[str], snap: Snapshot) -> list[str]:
    titles = [norm(d.title) for d in snap.docs.values()]
    out = []
    for name in names:
        n = norm(name)
        if (
            snap.bm25.df.get(name, 0) == 0
            and not any(n in t for t in titles)
            and not any(n in snap.normed(cid) for cid in snap.chunks)
        ):
            out.append(name)
    return out
