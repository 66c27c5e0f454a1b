"""Domain terms found in a document, added to jieba's dictionary so BM25 keeps them whole:
titles in 《》, short quoted terms (“合创券”, “科创飞地”), and park/corridor/alliance names
(proper nouns followed by 软件园, 科创走廊, 联盟, ...)."""

from __future__ import annotations

import re

from kb.tokenize import Tokenizer

_TITLE = re.compile(r"《([^《》\n]{2,40})》")
_QUOTED = re.compile(r"[“\"]([^“”\"\n，,。；;：:！？!?]{2,12})[”\"]")
_SUFFIXES = (
    "软件园", "科技园", "产业园", "创新园", "科创走廊", "走廊", "联盟", "分园", "分中心",
    "科技城", "示范区", "创新中心", "实验室", "研究院",
)  # fmt: skip
_NAME_POS = {"ns", "nr", "nz", "nt", "eng", "j", "nrt", "nrfg", "x"}


def extract_terms(text: str, tok: Tokenizer) -> list[str]:
    terms: list[str] = []
    terms += [m.group(1).strip() for m in _TITLE.finditer(text)]
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
                and len(name) < 14
                and i - j <= 2
                and (words[j][1] in _NAME_POS or (words[j][0] == "科创" and w == "走廊"))
            ):
                name = words[j][0] + name
                j -= 1
            if name != w and len(name) >= 4 and re.fullmatch(r"[\w+\-]+", name):
                terms.append(name)
    return list(dict.fromkeys(t for t in terms if 2 <= len(t) <= 40))
