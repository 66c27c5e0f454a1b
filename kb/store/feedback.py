"""Readers' 👍/👎 on answers, kept in the catalog with the answer they judged, and the eval
questions admins make of them (``as_eval_item``), exported as a dataset `kb eval run`
reads (``dataset_yaml``).

A 👍 on an answer becomes an answerable question whose reference answer is that answer and
whose evidence is what it cited (quotes are document text, so the evidence is too); a 👍 on
a refusal, a question to refuse. A 👎 keeps the answer as one known to be wrong
(``wrong_answers``): a later run that gives it again is not correct. The admin may say what
the right answer must contain, and whether the question should be refused.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import yaml

from kb.store.catalog import Catalog

UP, DOWN = 1, 0
_MARKERS = re.compile(r"\[\d+\]")


@dataclass
class FeedbackEntry:
    id: int
    user: str
    conversation: str | None
    seq: int | None
    question: str
    turn: dict
    rating: int
    comment: str
    at: str
    eval_item: dict | None

    @property
    def cited_docs(self) -> list[str]:
        """The cited documents' files, in order of first citation."""
        out: list[str] = []
        for c in self.turn.get("citations", []):
            name = str(c.get("source") or "").rsplit("/", 1)[-1]
            if name and name not in out:
                out.append(name)
        return out


_COLS = 'id, "user", conversation, seq, question, turn, rating, comment, at, eval_item'


def _entry(r) -> FeedbackEntry:
    return FeedbackEntry(
        int(r[0]), r[1], r[2], r[3], r[4], json.loads(r[5]), int(r[6]), r[7] or "", r[8],
        json.loads(r[9]) if r[9] else None,
    )  # fmt: skip


class FeedbackLog:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def give(
        self,
        user: str,
        turn: dict,
        rating: int,
        comment: str = "",
        conversation: str | None = None,
        seq: int | None = None,
    ) -> int:
        """Record (or change) ``user``'s judgement of an answer; one per turn of a conversation."""
        if rating not in (UP, DOWN):
            raise ValueError("rating is 1 (👍) or 0 (👎)")
        values = (
            user, conversation, seq, str(turn.get("question", "")),
            json.dumps(turn, ensure_ascii=False), rating, comment.strip()[:2000] or None,
            time.strftime("%Y-%m-%dT%H:%M:%S"),
        )  # fmt: skip
        with self.catalog.connect() as con:
            if conversation is not None and seq is not None:
                row = con.execute(
                    'SELECT id FROM feedback WHERE "user" = ? AND conversation = ? AND seq = ?',
                    (user, conversation, seq),
                ).fetchone()
                if row is not None:  # a changed mind replaces the judgement, not adds one
                    con.execute(
                        "UPDATE feedback SET question = ?, turn = ?, rating = ?, comment = ?, "
                        "at = ?, eval_item = NULL WHERE id = ?",
                        (*values[3:], row[0]),
                    )
                    return int(row[0])
            row = con.execute(
                'INSERT INTO feedback ("user", conversation, seq, question, turn, rating, '
                "comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                values,
            ).fetchone()
        return int(row[0])

    def of_conversation(self, user: str, conversation: str) -> dict[int, FeedbackEntry]:
        """The user's judgements in one conversation, by turn."""
        with self.catalog.connect() as con:
            rows = con.execute(
                f'SELECT {_COLS} FROM feedback WHERE "user" = ? AND conversation = ?',
                (user, conversation),
            ).fetchall()
        return {e.seq: e for e in map(_entry, rows) if e.seq is not None}

    def list(self, limit: int = 500) -> list[FeedbackEntry]:
        """Everyone's feedback, the latest first (for admins)."""
        with self.catalog.connect() as con:
            rows = con.execute(
                f"SELECT {_COLS} FROM feedback ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_entry(r) for r in rows]

    def get(self, fid: int) -> FeedbackEntry | None:
        with self.catalog.connect() as con:
            row = con.execute(f"SELECT {_COLS} FROM feedback WHERE id = ?", (fid,)).fetchone()
        return _entry(row) if row else None

    def make_eval(self, fid: int, **choices) -> dict | None:
        """Turn feedback ``fid`` into an eval question (``as_eval_item``'s choices) and keep it."""
        entry = self.get(fid)
        if entry is None:
            return None
        item = as_eval_item(entry, **choices)
        with self.catalog.connect() as con:
            con.execute(
                "UPDATE feedback SET eval_item = ? WHERE id = ?",
                (json.dumps(item, ensure_ascii=False), fid),
            )
        return item

    def drop_eval(self, fid: int) -> None:
        with self.catalog.connect() as con:
            con.execute("UPDATE feedback SET eval_item = NULL WHERE id = ?", (fid,))

    def eval_items(self) -> list[dict]:
        """The eval questions made so far, oldest first."""
        with self.catalog.connect() as con:
            rows = con.execute(
                "SELECT eval_item FROM feedback WHERE eval_item IS NOT NULL ORDER BY id"
            ).fetchall()
        return [json.loads(r[0]) for r in rows]


def as_eval_item(
    entry: FeedbackEntry,
    answerable: bool | None = None,
    must: list[str] = (),
    doc: str | None = None,
) -> dict:
    """The eval question (GUIDE §4 fields) a judgement makes. ``answerable`` None: as the
    judgement implies (a 👍 refusal is a question to refuse; anything else, to answer);
    ``must``: words the right answer holds; ``doc``: the file the answer is in (default:
    the first cited, for a 👍)."""
    t, right = entry.turn, entry.rating == UP
    refused = t.get("status") != "answered"
    if answerable is None:
        answerable = not (right and refused)
    item: dict = {"id": f"feedback-{entry.id}", "question": entry.question}
    item["answerable"] = bool(answerable)
    if right and not refused:
        item["reference_answer"] = _MARKERS.sub("", t.get("answer", "")).strip()
        item["evidence"] = [c["quote"] for c in t.get("citations", []) if c.get("quote")][:3]
    if not right:
        item["wrong_answers"] = [t.get("answer", "")]
    if must:
        item["must"] = [[m] for m in must if m.strip()]
    doc = doc if doc is not None else (entry.cited_docs[0] if right and entry.cited_docs else "")
    if doc:
        item["doc"] = doc
    item["kind"] = "feedback"
    item["tags"] = ["feedback", "回答正确" if right else "回答有误"]
    return item


def dataset_yaml(items: list[dict]) -> str:
    """A dataset file `kb eval run` reads (a list of questions; asked of the store it runs on)."""
    head = (
        "# 由读者反馈生成的评测问题（kb feedback export / 管理 › 反馈）。\n"
        "# Asked of the store `kb eval run` runs on: no corpus of its own.\n"
    )
    return head + yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100)
