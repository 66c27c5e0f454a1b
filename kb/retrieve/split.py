"""A question that asks several things ("……何时起施行？同时废止了哪部条例？", "……由多少个城市组成？
中心区面积是多少？", "how large a deficit was planned, and how much in bonds…") becomes one
question per thing asked, each carrying the topic the first one names, so that each part is
answered (and cited) on its own instead of the best-scoring part alone."""

from __future__ import annotations

import re

from kb.core.gongwen import FIELD_LABELS, LABELS
from kb.core.text import asked_in_english
from kb.retrieve.asks import HOW_BIG

# A clause asks something when it holds a question word, or asks yes or no by a verb and its
# negation ("能不能", "会不会", "有没有").
_ASKS_ZH = re.compile(
    rf"多少|几[个项家所位名条种倍岁天年月日次号点]|哪|什么|啥|谁|何时|何地|如何|怎样|怎么|是否|能否|多久|{HOW_BIG}|为何|为什么|有无"
    r"|(?P<verb>[\u4e00-\u9fff])不(?P=verb)|有没有"
)
_ASKS_EN = re.compile(r"\b(how|what|which|when|who|whom|where|why|whether)\b", re.I)
_TITLE = re.compile(r"《[^《》]*》")


def _asks(text: str) -> re.Match | None:
    """Where ``text`` asks something (_ASKS_ZH), outside the titles it names: "《……如何振兴？》
    一文中，" is no question of its own."""
    return _ASKS_ZH.search(_TITLE.sub(lambda m: "《" + "＿" * (len(m.group(0)) - 2) + "》", text))


# A later clause that only asks what the earlier one rests on ("依据是什么", "条例是怎么说的")
# asks of the same thing: it stays with it.
_ASKS_BASIS = re.compile(r"(?:依据|根据)(?:是什么|是哪些?)?|(?:怎么|如何|怎样)(?:说|讲|规定)的?")
# ...whoever says it: "上海推进国际贸易中心建设的条例是怎么说的"
_BASIS_OF = re.compile(r"^.*?(?:的|是|有)?(?=(?:依据|根据|怎么|如何|怎样))")
# Where a Chinese question may be cut: after a question mark or semicolon, and at a comma when
# the clauses on both sides ask something ("什么时候开始实施，有效期到何时"); at an enumeration
# comma before a question word when the clause before has a verb of its own (_own_verb).
_CUT_ZH = re.compile(
    r"(?<=[？?；;])|(?<=[，,])|(?<=、)(?=哪[一个天年些位家里]|什么|多少|几|何时|谁)"
)
# English: "…?" or ", and how much…" / "; what…"; and, where the question opens with the
# document it is about ("Under …, "), which each part then carries, ", and within how many
# days…" (without that opening, "…, and to which body was it addressed?" needs the first part's
# words to say what "it" is).
_WH_EN = r"(?:how|what|which|when|who|whom|where)\b"
# ", which regulation did they repeal": a comma before a wh-word whose clause asks with its
# own verb (not a relative clause, "…, which is …") opens another question.
_AUX_EN = r"(?:did|does|do|is|are|was|were|must|can|could|should|shall|will|may|has|have)\b"
# ", from what date do they take effect" too: a preposition may open the clause (not before
# "which": ", on which agency heads are required to…" is a relative clause).
_PREP_EN = r"(?:within|in|to|by|for|from|at|on|under|with|of|after|before)"
_ASKS_AGAIN_EN = (
    rf",\s+(?=(?:(?:{_PREP_EN}\s+)?what|which)\s+\w+(?:\s+\w+)?\s+{_AUX_EN}"
    rf"|(?:when|where|who)\s+{_AUX_EN})"
)
_CUT_EN = re.compile(rf"(?<=\?)\s+|,?\s+and\s+(?={_WH_EN})|;\s*|{_ASKS_AGAIN_EN}", re.I)
# "and to about what figure …": a hedge between the preposition and the question word
_ABOUT_EN = r"(?:about|roughly|approximately|around)\s+"
_CUT_EN_PREP = re.compile(
    rf"(?<=\?)\s+|,?\s+and\s+(?=(?:{_PREP_EN}\s+)?(?:{_ABOUT_EN})?{_WH_EN})|;\s*|{_ASKS_AGAIN_EN}",
    re.I,
)
# What a later part inherits from the first: its words before the question word, without the
# function words that tie them to it ("……中心区由" -> "……中心区").
_TRAILING = re.compile(r"[由是为在有的对把将了应要并且还以及和与及从自于按第、，,\s]+$")
_EN_TOPIC = re.compile(
    r"^(?:according to|under|in|by|for|as (?:set out|stated) in)\b[^,]*,\s*", re.I
)
# A document an English question names: "the Shanghai Regulations on the Work of the Special
# Committees of the Municipal People's Congress", "the 2019 Government Work Report",
# "Zhejiang's regulation on the Yiwu … Zone". EN_DOC_WORDS: the kinds of document, also read
# (in any case) by kb.answer.years for the year a question gives its document.
EN_DOC_WORDS = (
    r"(?:Regulations?|Measures|Law|Provisions|Rules|Opinions?|Notice|Circular|Plan|Programme|"
    r"Program|Report|Outline|Guidelines?|Decision|Reply|Methods)"
)
# after a possessive, legislation in lower case too ("Zhejiang's regulation on …"); not a
# "reply" or "notice": "the General Office's 2004 reply letter on …" goes on past the word
_EN_LAW_WORDS = r"(?:regulations?|measures|provisions|rules|law|methods)"
_EN_DOC = re.compile(
    rf"\b(?:the\s+(?:[A-Z0-9][\w'’.-]*\s+)*{EN_DOC_WORDS}"
    rf"|(?:the\s+)?(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*['’]s\s+(?:[A-Z0-9][\w'’.-]*\s+)*"
    rf"(?:{EN_DOC_WORDS}|{_EN_LAW_WORDS}))\b"
    rf"(?:\s+(?:on|for|of|concerning)\s+(?:(?:the|of|and|for|on|in)\s+|[A-Z0-9][\w'’.-]*\s*)+)?"
)
# ", and into which mobile app …": where a clause that names all it asks about may be cut off.
_AND_PREP_WH = re.compile(rf",?\s+and\s+(?=(?:{_PREP_EN}|into)\s+(?:what|which)\b)", re.I)
# A later part that refers back ("from what date does it take effect"), and the question words
# that open the first part ("When did", "How many … were") before what it is about.
_EN_BACK = re.compile(
    r"\b(?:it|its|they|them|their|the\s+(?:notice|document|letter|reply|regulations?|measures"
    r"|plan|law|rules|provisions|decision|report|circular|opinions?))\b",
    re.I,
)
_EN_ASKING = re.compile(rf"^(?:how\s+\w+|{_WH_EN})(?:\s+{_AUX_EN})?\s*", re.I)
# A modal verb: its clause says what the question asks someone must or may do.
# Not inside a word that holds the same character (主要, 得分, 能力, 需求).
_MODAL = re.compile(
    r"(?<![主重需必纲摘只])要(?![求点素件])|(?<![获取记值懂觉使])得(?![分奖到])"
    r"|(?<![可功性职技效才智节])能(?![力耗源级])|可以|应当|应该|需(?![求])|必须"
)
# A part this short is a fragment of its neighbour ("分别是多少"), not a question of its own.
MIN_PART_CHARS = 4
MIN_PART_WORDS = 4


# The article asked of what was said before ("这是第几条规定的", "办法哪一条管这个", "which
# article is this in"): a question word for an article, and a word pointing back
# (kb.answer.which_article answers it).
ASKS_ARTICLE = re.compile(
    r"第几条|哪一?条(?!路|线|河|街|渠道|途径)|哪个条款|\b(?:which|what) (?:article|provision)\b",
    re.I,
)
POINTS_BACK = re.compile(r"这|该|此|上述|以上|上面|前述|\b(?:this|these|that|those|it)\b", re.I)
# Words of a clause that asks only "which article of the document" ("细则是哪一条定的", "条例哪条
# 规定的"): it names no subject of its own, so it points back as "这是第几条" does.
_ARTICLE_FILLER = re.compile(r"[是的了定规管按据依照根在里中本]")


def asks_article_back(part: str) -> bool:
    """Whether ``part`` asks the article of what was asked before it: it points back, or its
    last clause is only a kind of document and the question word for an article."""
    text = part.strip().rstrip("？?。 ")
    ask = ASKS_ARTICLE.search(text)
    if not ask:
        return False
    clause = re.split(r"[，,；;]", text)[-1]
    # from the kind named last before the question word: a topic carried over may run into it
    kinds = list(_DOC_KIND.finditer(text, 0, ask.start()))
    if kinds and kinds[-1].start() >= len(text) - len(clause):
        clause = text[kinds[-1].start() :]
    rest = _DOC_KIND.sub("", ASKS_ARTICLE.sub("", clause))
    return bool(POINTS_BACK.search(part)) or not _ARTICLE_FILLER.sub("", rest).strip()


def split_question(text: str, pos=None) -> list[str]:
    """The parts of a question that asks several things, each a question of its own; a
    question that asks one thing is returned whole (a one-element list). ``pos``: the
    tokenizer's part-of-speech reading (Tokenizer.pos), to find the topic later parts inherit."""
    text = text.strip()
    if not asked_in_english(text):
        return _split_zh(text, pos)
    return _split_en(text)


def _own_verb(piece: str, pos) -> bool:
    """Whether what ``piece`` asks has a verb of its own after its question word ("哪天由……
    通过的、"), so that a question word after its "、" asks another thing ("哪天起施行")."""
    m = _asks(piece)
    return bool(m and pos) and any(
        not f.startswith(_NOUN_PHRASE) for _, f in pos(piece[m.end() :].rstrip("、"))
    )


# Tags of a noun phrase's words (商业/n 卫星/n, 颗/m, 天/q); a verb or preposition is more
# (通过 reads as a preposition)
_NOUN_PHRASE = ("n", "m", "q", "x", "u", "b", "f")


def _split_zh(text: str, pos=None) -> list[str]:
    pieces: list[str] = []
    for p in _CUT_ZH.split(text):
        if pieces and pieces[-1].count("《") > pieces[-1].count("》"):
            pieces[-1] += p  # a title's own punctuation ("《……如何振兴？》") cuts nothing
        elif pieces and pieces[-1].endswith("、") and not _own_verb(pieces[-1], pos):
            pieces[-1] += p  # "多少颗商业卫星、多少发商业火箭": one question listing its slots
        elif p.strip():
            pieces.append(p)
    parts: list[str] = []
    opening = ""  # clauses that open a new question ("去收费的场馆，" before "哪些人……？")
    opened: set[int] = set()  # the parts that open with a clause of their own
    for p in pieces:
        core = p.strip().rstrip("，,")
        if parts and parts[-1].rstrip().endswith(("？", "?")) and not _asks(core):
            opening += p  # after a whole question, a clause that asks nothing opens the next
            continue
        own = bool(opening)
        p, opening = opening + p, ""
        # after a whole question, "这是第几条规定的" asks of it, whatever words that one asked by
        back = parts and parts[-1].rstrip().endswith(("？", "?")) and asks_article_back(core)
        if (
            parts
            and not back
            and (
                not _asks(core)
                or _ASKS_BASIS.fullmatch(_BASIS_OF.sub("", core.rstrip("？?")))
                or len(core) < MIN_PART_CHARS
                or not _asks(parts[-1])
            )
        ):
            parts[-1] += p  # a clause that asks nothing belongs to its neighbour
        else:
            if own:
                opened.add(len(parts))
            parts.append(p)
    if opening:
        parts[-1] += opening
    parts = [p.strip().rstrip("，,、") for p in parts if p.strip()]
    if len(parts) < 2:
        return [text]
    first = parts[0]
    m = _asks(first)
    topic = _TRAILING.sub("", first[: m.start()]) if m else ""
    # "……退休年龄了，社保要交够多少年": a clause that asks what someone must or may do is the
    # first question's own; the later ones inherit the clauses before it
    head, _, last = topic.rpartition("，")
    # "《……》的文号是什么？……", "……通知，文号和成文日期是什么？……": a 公文 part the first
    # asks is no subject of the later parts
    last = _PARTS_ASKED.sub("", last)
    if head and (not last or _MODAL.search(last)):
        topic = head + "，"
    elif pos is not None and last:
        # a clause that only says what is done ("夏秋两季加起来打算收") leaves the subject to the
        # clauses before it: "其中正税部分是多少" is of "1956年向农民征的公粮"
        topic = head + "，" * bool(head) + (_subject(last, pos) or ("" if head else last))
    else:
        topic = head + "，" * bool(head) + last
    titles = "".join(re.findall(r"《[^《》]+》", first))
    out = [first]
    for i, p in enumerate(parts[1:], 1):
        if re.search(r"《[^《》]+》", p) or (topic and topic in p):
            out.append(p)
        elif _own_document(p) or i in opened:  # of the topic, only the places it leaves out
            out.append("".join(w for w in _places(topic, pos) if w not in p) + p)
        elif head and last and _restates(p, topic, pos):
            # "在广州申领电子居住证，审核期限是几个工作日？电子居住证的有效期是多长？": the later
            # part names the subject itself; what the first asks of it (审核期限) is not its own
            out.append(head + "，" + p)
        elif topic and len(topic) <= 60 and asks_article_back(p):
            # "是哪一条规定的" stays a clause of its own: it asks the article of the part before
            out.append(topic.rstrip("，, ") + "，" + p)
        elif topic and len(topic) <= 60:
            # "占GDP" + "2020年……": a space keeps the two from reading as one name
            out.append(topic + " " * (topic[-1:].isascii() and p[:1].isascii()) + p)
        else:
            out.append(titles + p)
    return out


# A 公文 part a question may ask by name (文号, 成文日期, 落款日期 …), the longest first.
_PART_WORDS = {w for v in (*FIELD_LABELS.values(), *LABELS.values()) for w in v.split("|")}
_PART_LABEL = "|".join(sorted(_PART_WORDS, key=len, reverse=True))
_PARTS_ASKED = re.compile(rf"[的，,]?(?:{_PART_LABEL})(?:[和与及、](?:{_PART_LABEL}))*$")


# A document by its kind ("汕头这部预防与化解纠纷的条例"), and the words that point at it
# without naming it ("这部", "该").
_DOC_KIND = re.compile(r"条例|办法|规定|细则|通知|意见|决定|报告|规划|纲要|方案|批复|复函|答复")
_POINTING = re.compile(r"[这那该此本][部份个项]?|的|[是在按据照]")
_BACK_ZH = re.compile(r"[它其]")


def _restates(part: str, topic: str, pos) -> bool:
    """Whether ``part`` names, before its question word, a noun of two characters or more
    that ``topic`` names too: it says itself what it asks about."""
    m = _asks(part)
    if m is None or pos is None:
        return False
    return any(f.startswith("n") and len(w) >= 2 and w in topic for w, f in pos(part[: m.start()]))


def _own_document(part: str) -> bool:
    """Whether a later part names the document it asks of in words of its own before its
    question word ("汕头这部预防与化解纠纷的条例从哪天起施行"): it inherits nothing ("这部条例
    从哪天起施行" does, naming none)."""
    m = _asks(part)
    before = part[: m.start()] if m else ""
    kind = _DOC_KIND.search(before)
    if kind is None or _BACK_ZH.search(before):  # "它依据的……办法": of what the first names
        return False
    return len(_POINTING.sub("", before[: kind.start()])) >= MIN_PART_CHARS


def _places(text: str, pos) -> list[str]:
    """The places ``text`` names, as the tagger tags them (none without a tagger)."""
    return [w for w, f in pos(text) if f.startswith("ns")] if pos is not None and text else []


# What a question says of its subject before the question word: adverbs, verbs, numerals,
# pronouns ("联席会议*一般一年碰*几次头"), which the next question does not say; a verb used
# as a noun (建设, 发展: vn) names the subject.
_PREDICATE_TAGS = ("v", "d", "a", "b", "m", "q", "r", "p", "u", "c", "t", "f")
_NUMERAL = re.compile(r"[一二两三四五六七八九十百千万几半每多]")


def _subject(clause: str, pos) -> str:
    """``clause`` without what it says of its subject: up to its last noun ("国务院那个职教部际
    联席会议", not "……一般一年碰"); a year or date ("到2025年") stays, a clause whose last word
    left is no noun is kept whole, and one of such words alone is "" (it names no subject)."""
    words = list(pos(clause))
    # the tagger reads normalised text: cut the clause as written where lengths agree
    written = len(clause) == sum(len(w) for w, _ in words)
    while words and _predicate(words):
        words.pop()
    if not words:
        return ""
    if not (words[-1][1].startswith(("n", "j", "l", "eng", "vn")) or _dated(words)):
        return clause
    kept = sum(len(w) for w, _ in words)
    return clause[:kept] if written else "".join(w for w, _ in words)


def _dated(words: list[tuple[str, str]]) -> bool:
    """Whether the last word is a number or date ("2025", the 年 of "2025年")."""
    w = words[-1][0]
    return any(c.isdigit() for c in w) or (len(words) > 1 and words[-2][0][-1:].isdigit())


def _predicate(words: list[tuple[str, str]]) -> bool:
    """Whether the last word says something of the subject rather than names it."""
    w, flag = words[-1]
    if flag == "vn" or not flag.startswith(_PREDICATE_TAGS):
        return False
    if len(words) > 1 and words[-2][0] == "的" and flag.startswith("v"):
        return False  # after 的 a verb names a thing: "提案的*答复*"
    if _dated(words):
        return False  # a year or date: "到2025年"
    return not flag.startswith("m") or bool(_NUMERAL.search(w))  # "号" of 字号 is no numeral


def _standalone(part: str) -> list[str]:
    """``part`` cut before ", and into which mobile app must … be merged": a clause after a
    preposition that says all it asks about, with no "it" or "they" for the clause before
    ("…, and to which body was it addressed" stays: "it" is the letter asked about before)."""
    m = _AND_PREP_WH.search(part)
    rest = part[m.end() :] if m else ""
    if m is None or _EN_BACK.search(rest) or len(rest.split()) <= MIN_PART_WORDS:
        return [part]
    return [part[: m.start()], rest]


def _split_en(text: str) -> list[str]:
    # "When was Zhejiang's regulation on … adopted, and from what date …": a question that
    # names its document may be cut where one that opens with it is; each part asks of it
    cut = _CUT_EN_PREP if _EN_TOPIC.match(text) or _EN_DOC.search(text) else _CUT_EN
    parts: list[str] = []
    opening = ""  # "In the 1995 report, " asks nothing: it opens the question after it
    pieces = [p.strip(" ,;") for p in cut.split(text) if p and p.strip(" ,;")]
    for p in (q for piece in pieces for q in _standalone(piece)):
        if not _ASKS_EN.search(p):
            opening += p + ", "
        else:
            parts.append(opening + p)
            opening = ""
    if len(parts) < 2 or any(len(p.split()) < MIN_PART_WORDS for p in parts):
        return [text]  # "…, and with whom?": a fragment asks of the clause before it
    m = _EN_TOPIC.match(parts[0])
    topic = m.group(0).strip() if m else ""
    if not topic and (named := _EN_DOC.search(parts[0])):
        # "When were the Shanghai Regulations on … adopted, …, and how many members …": the
        # later parts are asked of the document the first names
        topic = f"Under {named.group(0).strip()},"
    out = [parts[0]]
    for p in parts[1:]:
        q = p if p.endswith("?") else p + "?"
        own = _EN_TOPIC.match(p) or _EN_DOC.search(p)
        if not topic and not own and _EN_BACK.search(p):
            # "When did … adopt its decision on …, from what date does it take effect": "it"
            # is what the first part asks about, whose words this part then carries
            q = f"Regarding {_EN_ASKING.sub('', parts[0])}, {q}"
        out.append(f"{topic} {q}".strip() if topic and not own else q)
    return out
