"""A sentence that says the asked thing of something else, in the same words around it: "每年
新增或更新的出租车里新能源车要占多少" is not answered by "每年新增或者更新的城市公共汽车中新能源或
者清洁能源汽车的比例应当达到百分之五十以上". The question's noun is nowhere in the sentence or its
context, and the words on either side of it in the question frame another noun in the sentence:
the document gives the value for a neighbour of the thing asked, not for it. Both sides must
frame it: with one side ("玉米的最低收购价" against "粮食最低收购价"), 13 answers of the policy
development sets were lost to colloquial wording (老师 for 教员, 客厅 for 起居室) for 2 near
misses caught."""

from __future__ import annotations

from kb.answer.candidates import Unit
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.asks import QWORD_ZH, SLOT_FILLER, is_measure
from kb.retrieve.question import Question

# The tags of a noun a question asks about (出租车/n, 农资/j, 中级工/nz), and of the words of
# the noun phrase a sentence puts in its place (城市/ns 公共汽车/n: a place may narrow it there).
_ASKED = ("n", "j", "nz", "nt")  # "n" takes in nr: the tagger calls 玉米 a name
_NOT_ASKED = ("ns",)
_FRAMED = ("n", "b", "j", "vn", "l", "nz", "nt", "ns", "a", "f")
# Words that join a noun to its frame without being part of either (出租车*里*新能源车).
_JOIN = frozenset("的 之 里 中 内 上 下 和 与 及 或 或者".split())
_JOIN_LONGEST_FIRST = tuple(sorted(_JOIN, key=len, reverse=True))  # 或者 before 或


def substituted(q: Question, u: Unit, tok) -> tuple[str, str]:
    """(the question's noun, the noun the sentence frames in its place), or ('', '')."""
    tagged = None
    asked = [(norm(w), f) for w, f in tok.pos(q.text)]
    for w, left, right, sentence in _unnamed(q, u, asked):
        if not left:
            continue
        tagged = tagged or spans(tok.pos(sentence))
        for other in _between(tagged, sentence, left, right):
            if other not in q.text:
                return w, other
    return "", ""


# How many other nouns the sentence must frame in turn where the question frames its noun:
# one could be a colloquial word's formal name (老师 for 教员), two are the asked one's
# neighbours.
_IN_TURN = 2


def in_turn(q: Question, u: Unit, tok) -> tuple[str, str]:
    """(the question's noun, the nouns the sentence frames in turn in its place), or ('', ''):
    "玉米最低收购价每50公斤提高多少" is not answered by "小麦最低收购价每50公斤提高5到7元，水稻
    最低收购价每50公斤提高9到23元": two other nouns, one after another, before the word that
    follows the asked one. Not where the question itself frames as many ("产粮大县和产棉大县"
    against "商品粮大县、优质棉大县"), nor nouns sharing a character with the asked one (its
    formal name may: 商品粮 of 产粮)."""
    tagged = None
    asked = [(norm(w), f) for w, f in tok.pos(q.text)]
    for w, _, right, sentence in _unnamed(q, u, asked):
        tagged = tagged or spans(tok.pos(sentence))
        others = [o for o in _before(tagged, right) if o not in q.text and not set(o) & set(w)]
        framed = len(set(_before(spans(asked), right)))
        if len(set(others)) >= max(_IN_TURN, framed + 1):
            return w, "、".join(dict.fromkeys(others))
    return "", ""


def _unnamed(q: Question, u: Unit, asked: list[tuple[str, str]]):
    """(noun, the content word before it or '', the one after it, the sentence in matching
    form) for each noun of the question (``asked``: its words and tags, in matching form) that
    neither the sentence, its context nor its document's title names, with a word after it
    the title does not hold."""
    sentence = norm(u.text)
    around = norm(f"{u.passage.doc.title}\n{u.passage.chunk.section}\n{u.prev}\n{u.text}")
    title = norm(u.passage.doc.title)
    for i, (w, f) in enumerate(asked):
        if not _asked_noun(w, f) or w in title or _named(q, w, around):
            continue
        left, right = _neighbour(asked, i, -1), _neighbour(asked, i, 1)
        if right and right not in title:
            yield w, ("" if left in title else left), right, sentence


def _before(tagged, right: str) -> list[str]:
    """The nouns ``tagged`` (spans) writes right before each ``right`` (join words passed
    over)."""
    text = "".join(w for _, _, w, _ in tagged)
    out, at = [], text.find(right)
    while at >= 0:
        words = [t for t in tagged if t[1] <= at]
        edge = at
        while words and words[-1][1] == edge and words[-1][2] in _JOIN:
            edge = words.pop()[0]
        if words and words[-1][1] == edge and _asked_noun(words[-1][2], words[-1][3]):
            out.append(words[-1][2])
        at = text.find(right, at + 1)
    return out


def _asked_noun(w: str, f: str) -> bool:
    return (
        len(w) >= 2
        and not QWORD_ZH.search(w)  # "多长时间" asks, it names nothing
        and f.startswith(_ASKED)
        and not f.startswith(_NOT_ASKED)
        and all(map(is_cjk, w))
        and w not in SLOT_FILLER
        and not is_measure(w)
    )


def _named(q: Question, w: str, around: str) -> bool:
    """Whether the sentence or its context names ``w``: itself, an alternative the glossary
    gives, or its characters in order a few apart (a short form written in full: 职代会 in
    "职工代表大会")."""
    if any(norm(a) in around for a in q.alternatives(w) or [w]):
        return True
    return bool(in_order(w, ABBREVIATION_GAP).search(around))


def _neighbour(asked: list[tuple[str, str]], i: int, step: int) -> str:
    """The content word next to the ``i``-th word of the question on one side (``step``), join
    words passed over; '' when none or when it is punctuation or a question word's filler."""
    j = i + step
    while 0 <= j < len(asked) and asked[j][0] in _JOIN:
        j += step
    if not 0 <= j < len(asked):
        return ""
    w, f = asked[j]
    if len(w) < 2 or not all(map(is_cjk, w)) or w in SLOT_FILLER or f.startswith(("r", "m")):
        return ""
    return w


def _between(tagged, sentence: str, left: str, right: str) -> list[str]:
    """The noun phrases the sentence frames between ``left`` and ``right`` (join words at
    either end passed over): what it says the question's frame of."""
    out, at = [], sentence.find(left)
    while at >= 0:
        phrase, end = _phrase(tagged, at + len(left))
        rest = sentence[end:]
        for j in _JOIN_LONGEST_FIRST:
            if rest.startswith(j) and not rest.startswith(right):
                rest = rest[len(j) :]
                break
        if len(phrase) >= 2 and rest.startswith(right):
            out.append(phrase)
        at = sentence.find(left, at + 1)
    return out


def _phrase(tagged, edge: int) -> tuple[str, int]:
    """(the run of noun-phrase words of ``tagged`` from character ``edge`` on, after the join
    words there, where it ends); ('', edge) when the edge falls inside a word or the run holds
    no noun."""
    words = [(a, b, w, f) for a, b, w, f in tagged if a >= edge]
    if not words or words[0][0] != edge:
        return "", edge
    while words and words[0][2] in _JOIN:
        words.pop(0)
    run = []
    for _, b, w, f in words:
        if w in _JOIN or not f.startswith(_FRAMED) or not all(map(is_cjk, w)):
            break
        run.append((b, w, f))
    if not any(f.startswith(("n", "j", "vn")) for _, _, f in run):
        return "", edge
    return "".join(w for _, w, _ in run), run[-1][0]


def spans(tagged: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, word, tag) of each word the tagger read, by character."""
    out, at = [], 0
    for w, f in tagged:
        out.append((at, at + len(w), w, f))
        at += len(w)
    return out
