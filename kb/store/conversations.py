"""Each user's conversations, kept in the catalog (so every app replica and a reload see
them): a title and the turns, each the answer's JSON as ``AskResult.to_dict`` gives it.

Every method takes the owner's name and touches only that owner's conversations: a
conversation id from another user reads as absent. A turn holds passages of the documents
it cites; ``visible_turn`` hides them again when the owner may no longer read a document.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

from kb.store.catalog import Catalog

TITLE_CHARS = 40  # a conversation is titled by its first question, cut to this


@dataclass
class Conversation:
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: int


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def title_of(question: str) -> str:
    text = " ".join(question.split())
    return text[:TITLE_CHARS] + ("…" if len(text) > TITLE_CHARS else "")


class Conversations:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def list(self, user: str, limit: int = 100) -> list[Conversation]:
        """The user's conversations, the most recent first."""
        with self.catalog.connect() as con:
            rows = con.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, "
                "(SELECT COUNT(*) FROM turns t WHERE t.conversation = c.id) AS n "
                'FROM conversations c WHERE c."user" = ? '
                "ORDER BY c.updated_at DESC, c.created_at DESC LIMIT ?",
                (user, limit),
            ).fetchall()
        return [Conversation(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]

    def start(self, user: str, title: str) -> str:
        cid, now = secrets.token_hex(8), _now()
        with self.catalog.connect() as con:
            con.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (cid, user, title_of(title) or "新对话", now, now),
            )
        return cid

    def _owned(self, con, user: str, cid: str) -> bool:
        row = con.execute(
            'SELECT 1 FROM conversations WHERE id = ? AND "user" = ?', (cid, user)
        ).fetchone()
        return row is not None

    def turns(self, user: str, cid: str) -> list[dict]:
        with self.catalog.connect() as con:
            if not self._owned(con, user, cid):
                return []
            rows = con.execute(
                "SELECT turn FROM turns WHERE conversation = ? ORDER BY seq", (cid,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def add(self, user: str, cid: str, turn: dict) -> int | None:
        """Append a turn; its position, or None when the conversation is not the user's."""
        with self.catalog.connect() as con:
            if not self._owned(con, user, cid):
                return None
            row = con.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM turns WHERE conversation = ?", (cid,)
            ).fetchone()
            seq = int(row[0])
            con.execute(
                "INSERT INTO turns VALUES (?, ?, ?)",
                (cid, seq, json.dumps(turn, ensure_ascii=False)),
            )
            con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (_now(), cid))
        return seq

    def replace(self, user: str, cid: str, seq: int, turn: dict) -> bool:
        """Put a new answer in place of turn ``seq`` (regenerate)."""
        with self.catalog.connect() as con:
            if not self._owned(con, user, cid):
                return False
            done = con.execute(
                "UPDATE turns SET turn = ? WHERE conversation = ? AND seq = ?",
                (json.dumps(turn, ensure_ascii=False), cid, seq),
            ).rowcount
            con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (_now(), cid))
        return bool(done)

    def rename(self, user: str, cid: str, title: str) -> bool:
        title = " ".join(title.split())[:100]
        if not title:
            return False
        with self.catalog.connect() as con:
            return bool(
                con.execute(
                    'UPDATE conversations SET title = ? WHERE id = ? AND "user" = ?',
                    (title, cid, user),
                ).rowcount
            )

    def delete(self, user: str, cid: str) -> bool:
        with self.catalog.connect() as con:
            if not self._owned(con, user, cid):
                return False
            con.execute("DELETE FROM conversations WHERE id = ?", (cid,))  # turns cascade
        return True


WITHHELD = "（此回答引用的文档您已无权查看，内容已隐藏。）"


def visible_turn(turn: dict, readable: set[str]) -> dict:
    """A stored turn as its owner may see it now: an answer that cites a document outside
    ``readable`` (access withdrawn, document removed) is hidden, not shown from the copy."""
    cited = {c.get("doc_id") for c in turn.get("citations", [])}
    cited.discard(None)
    if cited <= readable:
        return turn
    return {
        "question": turn.get("question", ""),
        "status": "withheld",
        "answer": WITHHELD,
        "citations": [],
    }
