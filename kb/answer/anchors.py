"""What a question relies on that the corpus never mentions (a year, a 《》 title, a proper
name, its topic), or that the documents of the answering sentences never name (a rare name as
its topic, a place): the answerers refuse on it rather than answer from passages about
something else."""

from __future__ import annotations

import re

import numpy as np

from kb.answer.candidates import Unit
from kb.answer.named_doc import of_named
from kb.answer.years import year_in
from kb.core.places import place_and_organ
from kb.core.text import ABBREVIATION_GAP, in_order, is_cjk, norm
from kb.retrieve.question import NAME_DOTS, Question, dotted_name_shown
from kb.retrieve.retrieve import Snapshot

# A word jieba's dictionary counts at most this often is a name or a term of art (紫堇, 魔弹,
# 气炉), not a common word a corpus may put otherwise (游客, 连任). Chosen on CMRC dev with the
# policy splits: 30 to 300 refuse the same questions; 30 refuses one unanswerable fewer.
RARE_WORD = 100
# What a topic is not made of (jieba's tags): pronouns and demonstratives (这张, 那份), numerals,
# conjunctions, prepositions, particles, verbs and adverbs (如果, 快到).
_NOT_TOPIC = ("r", "m", "c", "p", "u", "v", "d")
# Characters the segmenter glues to the end of a name it does not know: copulas, prepositions,
# particles, conjunctions.
_GLUED = "是在的了和与及为被把将从对向"
# A proper name (person, place, organisation, other), as the tagger tags it.
_NAME_TAGS = ("nr", "ns", "nt", "nz")


def missing_anchor(q: Question, snap: Snapshot, tok) -> str:
    """A year, a 《》 title, a proper name or the topic the question relies on that neither
    any passage nor any document's title or date mentions. ``tok``: the Tokenizer."""
    names = missing_names(q, snap)
    named = f"语料中没有提到“{names[0]}”。" if names else ""
    return missing_year_or_title(q, snap) or named or missing_topic(q, snap, tok)


def missing_in_corpus(q: Question, snap: Snapshot, tok) -> str:
    """The refusal when a year, a 《》 title, a dotted name or a rare topic the question relies
    on is nowhere in the corpus ('' when none is missing): the answerer's first check."""
    return (
        missing_year_or_title(q, snap) or missing_full_name(q, snap, tok)
        or missing_topic(q, snap, tok)
    )  # fmt: skip


def missing_topic(q: Question, snap: Snapshot, tok) -> str:
    """The refusal when a Chinese question's topic, its first key word, is a rare word the
    corpus never writes ("紫堇属植物的果实是什么", "相武台下车站属于哪个公司"): not the word,
    not two of its characters side by side, not a full name it abbreviates, not a synonym of
    it. Nothing in the corpus is about it, however well other sentences match the rest.
    ``tok``: the Tokenizer (the dictionary's frequencies and tags); '' when none is missing."""
    topic = _rare_topic(q, tok)
    if topic is None or snap.bm25.df.get(topic[0]):
        return ""
    word, at, _ = topic
    synonyms = q.expansions.get(word, [])[1:]
    if len(_unmentioned(synonyms, snap)) < len(synonyms):
        return ""
    n = norm(word)
    pairs = [n[i : i + 2] for i in range(len(n) - 1)]
    abbreviation = in_order(n, ABBREVIATION_GAP)
    if any(abbreviation.search(t) or any(p in t for p in pairs) for t in _texts(snap)):
        return ""
    return f"语料中没有提到“{_span(q, at, word, snap)}”。"


def keep_about(q: Question, pool: list[Unit], probs: np.ndarray, there, snap: Snapshot, tok):
    """(``probs`` with the units of other documents at 0, their scores too; the refusal when
    none is left, else ''): a sentence of a document that never names the question's topic (a
    rare name), or of one about another place (``there``: placed's documents of the place
    asked, None when the question names none), does not answer; nor one of another document
    than the one the question asks by (of_named)."""
    about = topic_docs(q, {u.passage.doc.doc_id for u in pool}, snap, tok)
    for docs, why in ((about, "topic"), (there, "place")):
        if docs is None:
            continue
        probs = np.where([u.passage.doc.doc_id in docs for u in pool], probs, 0.0)
        for u, pr in zip(pool, probs, strict=True):
            u.score = float(pr)
        if not probs.any():
            if why == "topic":
                return probs, f"检索到的段落都没有提到“{topic_name(q, tok)}”。"
            return probs, "检索到的段落都不是关于问题所问地方的。"
    return of_named(q, pool, probs, snap), ""


def topic_docs(q: Question, docs: set[str], snap: Snapshot, tok) -> set[str] | None:
    """Of ``docs``, those that mention the question's topic when the topic is a rare name or a
    word the dictionary lacks (a term of art: "大鳞大眼鲷的俗名是什么"), or a name of several
    pieces the question opens with ("九龙酒店的地址是哪里"); None when the question has no such
    topic. A sentence of a document that never names it is about something else, however
    well it matches the rest. A name of rare characters (Question.rare) the question opens with
    is such a topic ("郭麐在哪一年去世"); one that qualifies what is asked after it ("擅自砍伐
    尖鳍鲌栖息地的树木") is not."""
    rare = _leading_rare(q)
    if rare:
        return _naming(docs, snap, lambda t: norm(rare) in t)
    topic, pieces = _topic_or_name(q, tok)
    if topic is None:
        if not pieces:
            return None
        # written in full or with a word put inside (宁波养犬条例: 宁波市养犬管理条例), its
        # last pieces left out ("宁波养犬条例规定": 规定 is what the regulation does; "华北陆块
        # 面积": 面积 is what is asked of it), down to its first piece when that is rare
        least = 1 if len(pieces[0]) >= 2 and tok.freq(pieces[0]) <= RARE_WORD else 2
        patterns = [
            in_order(norm("".join(pieces[:n])), ABBREVIATION_GAP)
            for n in range(len(pieces), least - 1, -1)
        ]
        return _naming(docs, snap, lambda t: any(p.search(t) for p in patterns))
    word, _, tags = topic
    if tok.freq(word) > 0 and not all(f.startswith(_NAME_TAGS) for f in tags):
        return None  # a common noun (科研人员) a document may put otherwise (科学研究)
    organ = place_and_organ(norm(word))
    if organ:  # "北京市政府": a document of 北京 (its 市人民政府 is written bare)
        return _naming(docs, snap, lambda t: organ[0] in t)
    # the segmenter glues a name to the word after it ("潘淑是", "钟惺在"): the name alone
    forms = [norm(w).rstrip(_GLUED) or norm(w) for w in q.expansions.get(word, [word])]
    patterns = [] if tok.freq(word) else _short_forms(q.text, word)

    def names(t: str) -> bool:
        bare = t.translate(_QUOTES)  # a name quoted in part is the name ("“七五” 计划")
        return any(f in bare for f in forms) or any(p.search(t) for p in patterns)

    return _naming(docs, snap, names)


_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")


# The items of an enumeration ("乌鲁木齐、昌吉、石河子"): a few characters each, joined by 、/和.
_ITEM = r"[^、，,。；;：:\s]{0,5}"
_JOIN = r"[、和及与]"


def _joint_abbreviation(word: str) -> re.Pattern | None:
    """How a text writes in full a name that abbreviates several ("乌昌石" of "乌鲁木齐、昌吉、
    石河子", "长株潭" of "长沙、株洲、湘潭"): each character of it in one item of an enumeration,
    in order. None for a word of other than 3-4 Chinese characters (two would match by chance)."""
    if not 3 <= len(word) <= 4 or not all(is_cjk(c) for c in word):
        return None
    return re.compile(_JOIN.join(f"{_ITEM}{re.escape(c)}{_ITEM}" for c in word))


def _short_forms(text: str, word: str) -> list[re.Pattern]:
    """How a text may write in full a word the dictionary lacks (_joint_abbreviation,
    _abbreviation), with the character the segmenter glued to the next word ("综保/区里")."""
    at = text.find(word)
    glued = text[at + len(word) : at + len(word) + 1] if at >= 0 else ""
    found = [_joint_abbreviation(norm(word).rstrip(_GLUED))]
    return [p for p in (*found, *map(_abbreviation, {norm(word), norm(word + glued)})) if p]


def _abbreviation(word: str) -> re.Pattern | None:
    """How a text writes in full a short word ("综合保税区" for 综保区): its characters in order,
    at most two apart. None unless of 3-4 Chinese characters (two would match by chance)."""
    if not 3 <= len(word) <= 4 or not all(is_cjk(c) for c in word):
        return None
    return re.compile("[\u4e00-\u9fff]{0,2}".join(map(re.escape, word)))


def _naming(docs: set[str], snap: Snapshot, names) -> set[str]:
    """Of ``docs``, those whose title or a chunk (in matching form) ``names`` (a test)."""
    return {
        d for d in docs
        if names(norm(snap.docs[d].title))
        or any(names(snap.normed(c.chunk_id)) for c in snap.doc_chunks(d))
    }  # fmt: skip


# The tags of the pieces a name is made of: nouns of any kind, morphemes ("颊", "鲷").
_NAME_PIECES = ("n", "g", "j")
_PLACE_SUFFIXES = frozenset("市省区县镇")


def _leading_name(q: Question, tok) -> list[str]:
    """The name a Chinese question opens with when the segmenter reads it as several pieces
    (颊 + 鳞 + 雀 + 鲷, 九龙 + 酒店, 圣公会 + 三一堂): its nouns from the start up to the first
    other word, places before them left out (the rest is what is asked about: 广州市 +
    人社局 is the bureau, which a page may name without its city), when one piece at least is
    tagged a name, is a morpheme or is a word the dictionary lacks; [] when it is one word
    (the rare-word topic's case), dictionary words only ("员工月薪", "单位招人": officials
    describe as well as name) or none."""
    if q.lang != "zh":
        return []
    pieces: list[tuple[str, str]] = []
    for w, f in tok.pos(q.text):
        if not f.startswith(_NAME_PIECES):
            break
        pieces.append((w, f))
    # places first, with their 市/省/区/县 as a piece of its own or glued to the next one
    # ("江南" + "市" + "新建道路", "江南" + "市新建" + "道路")
    while pieces and (pieces[0][1].startswith("ns") or pieces[0][0] in _PLACE_SUFFIXES):
        pieces = pieces[1:]
        if pieces and len(pieces[0][0]) > 1 and pieces[0][0][0] in _PLACE_SUFFIXES:
            pieces[0] = (pieces[0][0][1:], pieces[0][1])
    if pieces:  # the segmenter glues a particle to an unknown last piece ("棕榈蝮是")
        w, f = pieces[-1]
        pieces[-1] = (w.rstrip(_GLUED) or w, f)
    named = any(f.startswith(_NAME_TAGS) or f in ("g", "ng") or not tok.freq(w) for w, f in pieces)
    return [w for w, _ in pieces] if len(pieces) >= 2 and named else []


def _leading_rare(q: Question) -> str:
    """The name of rare characters (Question.rare) before every other key word, or ''."""
    first = min((at for t in q.terms if (at := q.text.lower().find(t)) >= 0), default=0)
    return next((r for r in q.rare if 0 <= q.text.find(r) <= first), "")


def topic_name(q: Question, tok) -> str:
    """The topic ``topic_docs`` looks for as the question writes it: its word to the end of
    the tagger's piece it ends in, and the one-character nouns after it (大鳞大眼 + 鲷); or the
    leading name (梧桐苑小区), or the name of rare characters it opens with."""
    if rare := _leading_rare(q):
        return rare
    topic, pieces = _topic_or_name(q, tok)
    if topic is None:
        return "".join(pieces)
    word = q.terms[0]
    at = q.text.find(word)
    end, start = at + len(word), 0
    for w, f in tok.pos(q.text):
        if start < end < start + len(w) or (start == end and len(w) == 1 and f.startswith("n")):
            end = start + len(w)
        start += len(w)
    return q.text[at:end]


def _topic_or_name(q: Question, tok):
    """(the rare-word topic, None when the leading name stands for it; the leading name's
    pieces). A rare word the leading name ends with is one of its pieces (麦 + 银汉鱼): the
    name in full tells it from its kin (溪银汉鱼), the rare word alone does not."""
    topic, pieces = _rare_topic(q, tok), _leading_name(q, tok)
    return (None if topic is None or topic[0] in pieces[1:] else topic), pieces


def _rare_topic(q: Question, tok) -> tuple[str, int, list[str]] | None:
    """(word, where the question writes it, the tags over it) of a Chinese question's topic,
    its first key word, when it is a rare word of two or more characters that no pronoun, verb,
    particle or the like makes part of; None otherwise."""
    if q.lang != "zh" or not q.terms:
        return None
    word = q.terms[0]
    if len(word) < 2 or word.isascii() or tok.freq(word) > RARE_WORD:
        return None
    at = q.text.find(word)
    tags = _tags_over(q.text, at, len(word), tok) if at >= 0 else []
    if not tags or any(f.startswith(_NOT_TOPIC) for f in tags):
        return None
    return word, at, tags


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


# A code: letters and digits run together (41R, K310UD12, G60, E23P), an identifier a text
# writes as the question does; not an English ordinal (14th) nor a quantity in a unit (50mg,
# 10km: a text may put 50毫克).
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*(?:[A-Za-z][0-9]|[0-9][A-Za-z])[A-Za-z0-9]*")
_NOT_CODE = re.compile(
    r"\d+(?:st|nd|rd|th|s)|\d+(?i:km|kg|mg|cm|mm|ml|kwh|kw|mw|gw|kv|gb|mb|tb|hz|mhz|ghz)|\d+[mgtsh]"
)


def codes_in(text: str) -> list[str]:
    """The codes ``text`` writes (_CODE)."""
    return [c for c in _CODE.findall(text) if not _NOT_CODE.fullmatch(c)]


def missing_year_or_title(q: Question, snap: Snapshot) -> str:
    """A year, a 《》 title or a code the question relies on that the corpus never mentions:
    exact strings, so their absence settles the question."""
    for y in q.years:
        if (
            snap.bm25.df.get(str(y), 0) == 0
            and not any(d.year == y or str(y) in d.title for d in snap.docs.values())
            and not any(year_in(c.text, y) for c in snap.chunks.values())
        ):
            return f"语料中没有关于{y}年的记载。"
    titles = [t for t in _unmentioned(q.titles, snap) if not _spelled_otherwise(t, snap)]
    missing = titles or _unmentioned(codes_in(q.text), snap)
    return f"语料中没有提到“{missing[0]}”。" if missing else ""


def _spelled_otherwise(title: str, snap: Snapshot) -> bool:
    """Whether a title or a chunk writes ``title`` with other punctuation ("长三角“短中之短”如何
    振兴？" as "长三角_短中之短_如何振兴？"): its letters and digits, in order, with nothing
    between. Read only when the title is not found as written."""
    key = [ch for ch in norm(title) if ch.isalnum() and ch != "_"]
    if len(key) < 4:
        return False
    spelled = re.compile(r"[\W_]*".join(map(re.escape, key)))
    return any(spelled.search(norm(d.title)) for d in snap.docs.values()) or any(
        spelled.search(snap.normed(cid)) for cid in snap.chunks
    )


def missing_names(q: Question, snap: Snapshot) -> list[str]:
    """Proper names of the question (as the word segmenter tags them) that no passage or
    title mentions. The tagger also cuts names wrongly ("工业上乙二醛" gives "上乙二醛"), so
    an unknown name is evidence for refusing, weighed by the question model, not a verdict."""
    unknown = _unmentioned(q.names, snap)
    if not unknown:
        return []
    texts = _texts(snap)
    return [n for n in unknown if not _written_in_full(norm(n), texts) and not _organ_of(n, snap)]


def _organ_of(name: str, snap: Snapshot) -> bool:
    """Whether ``name`` is a place's organ (place_and_organ) and one document names the place
    (with or without its 省/市) and writes the organ, in full or abbreviated (政府 of 人民政府)."""
    parts = place_and_organ(norm(name))
    if not parts:
        return False
    place, organ = parts[0], in_order(parts[1], ABBREVIATION_GAP)
    for doc_id, doc in snap.docs.items():
        texts = [snap.normed(c.chunk_id) for c in snap.doc_chunks(doc_id)]
        if any(place in t for t in [norm(doc.title), *texts]) and any(
            organ.search(t) for t in texts
        ):
            return True
    return False


def _written_in_full(name: str, texts: list[str]) -> bool:
    """Whether a text writes the full name ``name`` abbreviates (人社局: 人力资源社会保障局)."""
    if not all(is_cjk(c) for c in name):
        return False
    full = in_order(name, ABBREVIATION_GAP)
    return any(full.search(t) for t in texts)


def _texts(snap: Snapshot) -> list[str]:
    """Every title and chunk of the corpus, normalised."""
    return [norm(d.title) for d in snap.docs.values()] + [snap.normed(cid) for cid in snap.chunks]


def _unmentioned(names: list[str], snap: Snapshot) -> list[str]:
    titles = [norm(d.title) for d in snap.docs.values()]
    out = []
    for name in names:
        n = norm(name)
        if "·" in n:  # a text may write the dot otherwise, or not at all
            dots = re.compile(f"[{NAME_DOTS}.]?".join(map(re.escape, n.split("·"))))
            mentioned = lambda t, dots=dots: bool(dots.search(t))  # noqa: E731
        else:
            mentioned = lambda t, n=n: n in t  # noqa: E731
        if (
            snap.bm25.df.get(name, 0) == 0
            and not any(mentioned(t) for t in titles)
            and not any(mentioned(snap.normed(cid)) for cid in snap.chunks)
        ):
            out.append(name)
    return out


def missing_full_name(q: Question, snap: Snapshot, tok) -> str:
    """The refusal when a transliterated name of the question, written with its dot
    ("约瑟夫·洛克"), or a name of rare characters ("颊鳞雀鲷", Question.rare) is nowhere in the
    corpus: its pieces alone (约瑟夫, 洛克; 雀鲷) name others. On CMRC dev and train every such
    question (38 dotted, 24 rare) asked what the corpus does not say. ``tok``: the Tokenizer,
    to show the name as written."""
    dotted = _unmentioned([n for n in q.names if "·" in n], snap)
    if dotted:
        return f"语料中没有提到“{dotted_name_shown(dotted[0], tok.pos(q.text))}”。"
    rare = _unmentioned(q.rare, snap)
    return f"语料中没有提到“{rare[0]}”。" if rare else ""
