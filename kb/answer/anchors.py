"""What a question relies on that the corpus never mentions (a year, a 《》 title, a proper
name): the answerers refuse on it rather than answer from passages about something else."""

from __future__ import annotations

from kb.answer.candidates import year_in
from kb.core.text import norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Snapshot


def missing_anchor(q: Question, snap: Snapshot) -> str:
    """A year, a 《》 title or a proper name the question relies on that neither any passage
    nor any document's title or date mentions."""
    names = missing_names(q, snap)
    return missing_year_or_title(q, snap) or (f"语料中没有提到“{names[0]}”。" if names else "")


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
