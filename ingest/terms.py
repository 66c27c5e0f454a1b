"""Domain terms found in a document, added to jieba's dictionary so BM25 keeps them whole:
titles in 《》, short quoted terms (“合创券”, “科创飞地”), and park/corridor/alliance names
(proper nouns followed by 软件园, 科创走廊, 联盟, ...)."""

from __future__ import annotations

import re

from kb.core.text import titles_in
from kb.core.tokenize import MAX_TERM_CHARS, Tokenizer

# A quoted term is a coined name (a voucher's or a platform's name in “”): up to 12 characters
# and no clause punctuation. Longer quotes are speech or slogans, not names. Set when this
# module was written (83fc609) by reading the corpus's quotes, not by an eval run.
QUOTED_MAX_CHARS = 12
_QUOTED = re.compile(rf"[“\"]([^“”\"\n，,。；;：:！？!?]{{2,{QUOTED_MAX_CHARS}}})[”\"]")
_SUFFIXES = (
    "软件园", "科技园", "产业园", "创新园", "科创走廊", "走廊", "联盟", "分园", "分中心",
    "科技城", "示范区", "创新中心", "实验室", "研究院",
)  # fmt: skip
_NAME_POS = {"ns", "nr", "nz", "nt", "eng", "j", "nrt", "nrfg", "x"}
# A park name is the suffix word with at most two proper-noun words before it (浦东 + 软件园,
# G60 + 科创 + 走廊; walking back stops once the name has 14 characters), and at least 4
# characters (a bare "软件园" or "X园" is no name). Judgement when this module was written
# (83fc609), not an eval run.
NAME_MAX_WORDS = 2
NAME_MIN_CHARS, NAME_MAX_CHARS = 4, 14


def extract_terms(text: str, tok: Tokenizer) -> list[str]:
    terms: list[str] = []
    terms += [t.strip() for t in titles_in(text, max_len=MAX_TERM_CHARS)]
    terms += [m.group(1).strip() for m in _QUOTED.finditer(text) if not m.group(1).isdigit()]
    for line in text.split("\n"):
        if not any(s in line for s in _SUFFIXES):
            continue
        words = tok.pos(line)
        for i, (w, _) in enumerate(words):
            if not w.endswith(_SUFFIXES):
                continue
            name = w
            j = i - 1
            # Walk back over up to two proper-noun tokens: 浦东 + 软件园, G60 + 科创 + 走廊.
            while (
                j >= 0
                and len(name) < NAME_MAX_CHARS
                and i - j <= NAME_MAX_WORDS
                and (words[j][1] in _NAME_POS or (words[j][0] == "科创" and w == "走廊"))
            ):
                name = words[j][0] + name
                j -= 1
            if name != w and len(name) >= NAME_MIN_CHARS and re.fullmatch(r"[\w+\-]+", name):
                terms.append(name)
    return list(dict.fromkeys(t for t in terms if 2 <= len(t) <= MAX_TERM_CHARS))
