"""A speech or letter (a work report delivered to a congress) has no title line: the
salutation it opens with, the report its opening says it delivers and the year its file name
gives stand for one (ingest.metadata.infer_title, ingest.prepare.describe)."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.dates import file_name_year

# A salutation opens a speech or letter ("各位代表！", "同志们："): short, ending in ！ or ：.
SALUTATION = re.compile(r"^.{1,10}[！!：:]$")
# ... or the first sentence runs on from it ("各位代表，现在，我代表国务院，作政府工作报告").
_RUN_ON = re.compile(r"^.{1,10}?[，,]")
# Characters a page may hide in a line ("各位代表：\u200d"): zero-width spaces and joiners.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def text_lines(text: str) -> list[str]:
    """The text's non-empty lines, stripped, without invisible characters."""
    lines = (_INVISIBLE.sub("", ln).strip() for ln in text.split("\n"))
    return [ln for ln in lines if ln]


# A speech says what it is early on, after the salutation (the 1950s reports within 200
# characters, wrapped over several lines).
SPEECH_OPENING_CHARS = 300
SPEECH_NAME_MIN = 4  # "工作报告": shorter names nothing
# "我代表/受……委托/根据……的决定，向大会作（提出）……报告" and "……向大会报告……工作": what a
# speech delivers.
_DELIVERS = re.compile(
    r"我(?:现在)?(?:代表|受|根据)([^，。；,]{2,24}?)(?:的委托|的决定)?[，,]?(?:现在)?(?:向[^，。；,]{1,30}?)?"
    r"(?:[作做]|提出)(关于[^。；]{2,80}?的[报報]告|[^，。；,\s]{0,12}?[报報]告)"
    r"|我(?:现在)?(?:代表|受)([^，。；,]{2,24}?)[，,]?(?:现在)?向[^，。；,]{1,30}?[报報]告"
    r"([^，。；,\s]{0,12}?工作)"
)


def speech_opening(lines: list[str]) -> str | None:
    """What a speech says after its salutation (its first SPEECH_OPENING_CHARS), or None when
    ``lines`` (text_lines's) open with none: a salutation on a line of its own, or one its
    first sentence runs on from when that sentence says what it delivers ("我代表国务院……作
    ……报告"): an ordinary text's first clause is no salutation."""
    if not lines:
        return None
    if SALUTATION.match(lines[0]):
        return "".join(lines[1:])[:SPEECH_OPENING_CHARS]
    m = _RUN_ON.match(lines[0])
    if m:
        opening = "".join(lines)[m.end() :][:SPEECH_OPENING_CHARS]
        if _DELIVERS.search(opening):
            return opening
    return None


def speech_name(opening: str) -> str:
    """The report a speech's opening says it delivers: "政府工作报告" from "我代表国务院向大会
    作政府工作报告", "……向大会报告本届政府过去五年的工作" or "我代表国务院……报告过去五年的
    工作"; a bare "工作报告" takes the body ("中央人民政府工作报告"); '' when the opening names
    none."""
    m = _DELIVERS.search(opening)
    if not m:
        return ""
    if m.group(4):  # "报告……工作": the State Council's is the 政府工作报告 by its name
        government = "政府" in m.group(4) or m.group(3) == "国务院"
        return "政府工作报告" if government else m.group(3) + "工作报告"
    body, name = m.group(1), m.group(2)
    if len(name) < SPEECH_NAME_MIN:  # a bare "报告": says nothing
        return ""
    return body + name if name in ("工作报告", "工作報告") else name


def is_speech(text: str) -> bool:
    """Whether the text opens as a speech or letter does: with a salutation (speech_opening),
    whether or not its opening says what it delivers ("各位代表：\n刚刚过去的１９８４年……")."""
    return speech_opening(text_lines(text[:2000])) is not None


def with_year(title: str, path: Path | None) -> str:
    """A speech's name with the year its file name gives, when the name has none: fifty
    years of 政府工作报告 must not share one title."""
    year = file_name_year(path.stem) if path is not None else None
    if not title or year is None or re.search(r"\d{4}|[〇一二三四五六七八九零]{4}年", title):
        return title
    return f"{title}（{year}年）"
