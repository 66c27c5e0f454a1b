"""The one document a question asks by its title ("按照江南市城市绿化条例，专项资金每年安排多少
万元"): its sentences answer, not another plan's."""

from __future__ import annotations

import numpy as np

from kb.answer.candidates import Unit
from kb.retrieve.named import named_document as named
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Snapshot


def named_document(q: Question, snap: Snapshot) -> str:
    """The one document the question asks by (kb.retrieve.named); '' when none or several."""
    return named(q.text, snap.docs.values())


def of_named(q: Question, pool: list[Unit], probs: np.ndarray, snap: Snapshot) -> np.ndarray:
    """``probs`` with the units of other documents at 0 (their scores too) when the question
    asks by one document's title and a unit of that document is still a candidate: "按照江南市
    城市绿化条例，专项资金每年安排多少万元" is not answered by another plan's sums."""
    named = named_document(q, snap)
    own = np.array([u.passage.doc.doc_id == named for u in pool]) if named else None
    if own is None or not (own & (probs > 0)).any():
        return probs
    out = np.where(own, probs, 0.0)
    for u, pr in zip(pool, out, strict=True):
        u.score = float(pr)
    return out
