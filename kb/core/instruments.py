"""How an instrument (a regulation, notice, 办法) is named when another document refers to it:
its 发文字号 in any bracket form, and its title in the forms a reference takes (the issuing
notice around it, 〈〉 or 《》 inside, a 试行/修订 note, the year of an annual notice). Ingest
reads relations with these (ingest/relations.py), kb/store/lifecycle.py resolves them."""

from __future__ import annotations

import re
import unicodedata

_OPEN = re.escape("〔[［(（【{｛")
_CLOSE = re.escape("〕]］)）】}｝")
# 发文字号: 沪府办规〔2025〕15号, as OCR and reposts also write it ([2025], (2025), 【2025】)
DOC_NUMBER = re.compile(
    rf"(?P<org>[\u4e00-\u9fff]{{1,14}}?)\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]"
    r"\s*第?\s*(?P<seq>\d{1,5})\s*号"
)


def normalise_number(m: re.Match) -> str:
    return f"{m.group('org')}〔{m.group('year')}〕{int(m.group('seq'))}号"


def norm_number(text: str) -> str | None:
    """'穗府办规[2019]13号' -> '穗府办规〔2019〕13号'; None when ``text`` holds no number."""
    m = DOC_NUMBER.search(text or "")
    return normalise_number(m) if m else None


# "关于印发〈X〉的通知" names X: the notice that issues an instrument is referred to by either
_ISSUING = re.compile(
    r"^(?P<org>.*?)(?:关于)?(?:印发|转发|发布|颁布|修订印发|重新印发)[〈《<]?(?P<x>.+?)[〉》>]?的?(?:通知|决定|公告|令)$"
)
_NOTE = re.compile(r"[（(][^（）()]{1,20}[)）]")  # （试行）（2020年修订）
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")


def norm_title(title: str) -> str:
    """A title as references are compared: NFKC, no spaces, 〈〉 and <> as 《》 removed, the
    issuing notice around it dropped ("关于印发〈X〉的通知" -> X)."""
    t = unicodedata.normalize("NFKC", title or "")
    t = re.sub(r"\s+", "", t).strip("《》")
    m = _ISSUING.match(t)
    if m and len(m.group("x")) >= 4:
        t = m.group("x")
    return re.sub(r"[〈〉<>《》\"“”]", "", t)


def core_title(title: str) -> str:
    """What two versions of an instrument share: the normalised title without notes in
    brackets and without years (the 2024 and 2025 notices on one standard, an 办法 and its
    试行 version)."""
    return _YEAR.sub("", _NOTE.sub("", norm_title(title)))
