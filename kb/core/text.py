"""Chinese-aware text helpers shared by ingest and retrieval: normalisation for matching,
sentence splitting with offsets, numbers, years and 《》 titles in text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

# A word of one character carries no meaning of its own ("年", "数" are in too many headers
# and sentences): overlap checks and column names count words of two characters or more.
MIN_WORD_CHARS = 2
_WS = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")

# Sentence terminators. Half-width ; ! ? appear in our corpus between CJK clauses.
_TERMINATORS = set("。！？；!?;")
_CLOSERS = set("”’」』）)】\"'")
_OPEN_TITLE, _CLOSE_TITLE = "《", "》"


# A year in Chinese numerals, as formal texts and old reports write it ("一九五八年").
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


# Full-width digits ("１９９４年", as older documents print them) are ASCII ones to the
# year patterns; one character each, so offsets stay valid.
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


# A Chinese term an English question quotes or puts in brackets ("(地方标准化指导性技术文件)").
_QUOTED = re.compile(r"[\"“「『(（《][^\"”」』)）》]*[\"”」』)）》]")


def asked_in_english(text: str) -> bool:
    """Whether a question is asked in English: Latin letters, and no Chinese outside the terms
    it quotes or brackets."""
    rest = _QUOTED.sub(" ", text)
    return not has_cjk(rest) and any("a" <= c.lower() <= "z" for c in rest)


def simplified(text: str) -> str:
    """Traditional characters as simplified ones ("計劃" -> "计划"), one character each, so
    offsets stay valid: a document printed in traditional characters (an older report, a Hong
    Kong clipping) matches a question asked in simplified ones. Matching only."""
    return text.translate(_t2s())


@lru_cache(maxsize=1)
def _t2s() -> dict[int, str]:
    """OpenCC's character table (TSCharacters, Apache-2.0, shipped in opencc-purepy): each
    traditional character to its first simplified one in the basic CJK block; characters that
    are simplified already (像, 沈) stay."""
    table = {}
    path = files("opencc_purepy") / "dicts" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        to = next((v for v in values.split() if len(v) == 1 and "\u4e00" <= v <= "\u9fff"), "")
        if len(key) == 1 and to and to != key:
            table[ord(key)] = to
    return table


def arabic_years(text: str) -> str:
    """ "一九五八年" and "１９５８年" -> "1958年", the length kept (offsets into the text stay
    valid)."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text.translate(_WIDE_DIGITS))


def norm(text: str) -> str:
    """Matching form: NFKC (full-/half-width folded), simplified characters, lower case, no
    whitespace, no thousands separators, years in digits. Used for comparisons only; stored
    text keeps its form."""
    t = arabic_years(simplified(unicodedata.normalize("NFKC", text))).lower()
    t = _DIGIT_SPACE.sub("", t)  # "1 262" (thin-space thousands) -> "1262"
    t = _THOUSANDS.sub("", t)
    return _WS.sub("", t)


def char_grams(text: str, n: int) -> set[str]:
    """The character n-grams of ``text``."""
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def shorter_share(a: set[str], b: set[str]) -> float:
    """Share of the smaller of two gram sets that the other holds (0 when either is empty):
    how much of a shorter text a longer one repeats."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def bigram_cover(name: str, text: str) -> float:
    """Share of ``name``'s character bigrams found in ``text`` (both in matching form): how
    much of a title or name a question spells out, in any order and with words left out."""
    grams = char_grams(name, 2)
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


# An abbreviation keeps its full name's characters in order, a few apart: 职代会 of
# 职工代表大会, 大运会 of 大学生夏季运动会 (four apart; 4 answers one more question of policy
# train than 3, and changes nothing on the other sets).
ABBREVIATION_GAP = 4


def in_order(parts, gap: int) -> re.Pattern:
    """``parts`` (strings, or the characters of one) in order, at most ``gap`` characters
    apart: an abbreviation's full name (职代会: 职工代表大会), a compound with a word put
    between its parts (工业产值: 工业总产值)."""
    return re.compile(f".{{0,{gap}}}".join(map(re.escape, parts)))


def contains(haystack: str, needle: str) -> bool:
    """Whitespace/width/thousands-insensitive substring test."""
    n = norm(needle)
    return bool(n) and n in norm(haystack)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def letters(text: str) -> str:
    """``text`` normalised, Chinese characters, letters and digits only: a title as a question
    may spell it, without its punctuation or spaces."""
    return "".join(c for c in norm(text) if is_cjk(c) or c.isalnum())


def has_cjk(text: str) -> bool:
    return any(is_cjk(c) for c in text)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``: split on 。！？； (and half-width forms) and line
    breaks, never inside 《》 titles or between the digits of a number; closing quotes and
    brackets stay with their sentence. Spans are stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    depth = 0
    i = 0

    def emit(s: int, e: int) -> None:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))

    while i < n:
        ch = text[i]
        if ch == _OPEN_TITLE:
            depth += 1
        elif ch == _CLOSE_TITLE and depth:
            depth -= 1
        elif ch == "\n":
            emit(start, i)
            start = i + 1
            depth = 0
        elif ch in _TERMINATORS and depth == 0:
            # ";" or "?" between digits is not a sentence end.
            if ch in ";!?" and 0 < i < n - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                i += 1
                continue
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            emit(start, j)
            start = j
            i = j
            continue
        elif (
            ch == "." and depth == 0 and i + 2 < n and text[i + 1] == " " and text[i + 2].isupper()
        ):
            emit(start, i + 1)  # English sentence end: ". X"
            start = i + 1
        i += 1
    emit(start, n)
    return spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# What follows a figure, never a year: its magnitude or unit.
NOT_A_YEAR_AFTER = "[万亿千百余多吨斤亩人个家项件台辆]"
# not a figure that reads like one ("化肥达到1988万吨", "施用1988吨", "2000多人")
YEAR_RE = re.compile(
    rf"(?<![\d.])((?:19|20)\d{{2}})(?=年|[-–—~～至到/]|\s|$|[^\d])(?!{NOT_A_YEAR_AFTER})"
)
NUMBER_RE = re.compile(r"\d+(?:[.,，]\d+)*(?:\.\d+)?")


def years_in(text: str) -> list[int]:
    """Four-digit years 1900–2099 mentioned in text (in order, unique)."""
    seen: list[int] = []
    for m in YEAR_RE.finditer(arabic_years(unicodedata.normalize("NFKC", text))):
        y = int(m.group(1))
        if y not in seen:
            seen.append(y)
    return seen


def numbers_in(text: str) -> list[str]:
    """Numbers as written (NFKC, thousands separators removed), e.g. ['262.48', '2022']."""
    t = unicodedata.normalize("NFKC", text)
    t = _DIGIT_SPACE.sub("", t)
    out = []
    for m in NUMBER_RE.finditer(t):
        v = m.group(0).replace(",", "").replace("，", "")
        if v not in out:
            out.append(v)
    return out


@lru_cache(maxsize=1)
def _encoder():
    # llama-index bundles the cl100k_base file; get_tokenizer points tiktoken at it (offline).
    from llama_index.core.utils import get_tokenizer

    return get_tokenizer()


def count_tokens(text: str) -> int:
    """Tokens in cl100k_base, the unit of chunk sizes and prompt budgets."""
    return len(_encoder()(text))


# ---------------------------------------------------------------- 《》 titles
# The one rule for a title in 《》 (书名号), used wherever a title is read: the question
# (kb.retrieve.question), the answer and its check (kb.answer.answer, kb.answer.verify), records and dictionary
# terms at ingest (ingest/records/: extract, find and dates, ingest/terms.py).
#
# Between the brackets: anything but another bracket or a line break, so a 《 left open (a
# typo, a cut PDF line) does not swallow the prose up to the next title's 》.
# TITLE_MIN_CHARS: a title may have one character (the magazine 《瞄》 of the CMRC dev set);
# an empty 《》 names nothing.
# TITLE_MAX_CHARS: the longest title in the YRD corpus has 35 characters and in the CMRC dev
# corpus 57 (one of its 796 titles has 117: a whole citation with journal and pages); an
# official title seldom passes 60. Longer text between 《》 is prose, not a name.
TITLE_MIN_CHARS = 1
TITLE_MAX_CHARS = 80


@lru_cache(maxsize=8)
def title_pattern(max_len: int = TITLE_MAX_CHARS) -> re.Pattern[str]:
    """《…》 with the title (no brackets) as group 1."""
    return re.compile(rf"《([^《》\n]{{{TITLE_MIN_CHARS},{max_len}}})》")


TITLE_RE = title_pattern()


def titles_in(text: str, max_len: int = TITLE_MAX_CHARS) -> list[str]:
    """The 《》 titles in ``text``, in order, without brackets (as written: not normalised).
    ``max_len`` lowers the limit for a use that wants only short titles."""
    return title_pattern(max_len).findall(text)


def find_loose(haystack: str, needle: str) -> tuple[int, int] | None:
    """(start, end) of ``needle`` in ``haystack`` where the two may differ in whitespace only
    (a quote taken from cleaned text, found again in a chunk that wraps it differently)."""
    chars = [c for c in needle if not c.isspace()]
    if not chars:
        return None
    m = re.search(r"\s*".join(re.escape(c) for c in chars), haystack)
    return (m.start(), m.end()) if m else None
