"""What one question gets back: the answer, the passages behind it, and how it was reached.
``to_dict()`` is the JSON contract of the CLI, the API and the eval runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.answer.citations import Answer
from kb.retrieve.followup import Understood
from kb.retrieve.retrieve import Passage
from kb.store.records import Record


@dataclass
class AskResult:
    question: str
    answer: Answer
    passages: list[Passage]
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unsupported_sentences: list[str] | None = None
    records: list[Record] = field(default_factory=list)  # when the answer came from records
    record_cites: dict[str, list[int]] = field(default_factory=dict)
    # Set when the question was asked within a conversation: as asked, and as understood.
    asked: str | None = None
    understood: Understood | None = None
    # The warning that replaced the model's answer by the extractive one ("" when it did not).
    fallback: str = ""
    # How the question was read (kb.retrieve.question.Question.analysis; "parts" when it
    # asked several things and each was answered on its own).
    analysis: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.answer.status

    def to_dict(self) -> dict:
        d = {
            "question": self.asked if self.asked is not None else self.question,
            "status": self.answer.status,
            "answer": self.answer.text,
            "citations": [c.to_dict() for c in self.answer.citations],
            "mode": self.mode,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
        warnings = list(self.warnings)
        if self.understood is not None:
            d["understood_as"] = self.understood.text
            warnings = [self.understood.warning, *warnings] if self.understood.warning else warnings
        if warnings:
            d["warnings"] = warnings
        if self.analysis:
            d["analysis"] = self.analysis
        if self.unsupported_sentences is not None:
            d["unsupported_sentences"] = self.unsupported_sentences
        if self.records:
            d["records"] = [
                {k: v for k, v in r.to_dict().items() if k != "mentions"}
                | {"citations": self.record_cites.get(r.record_id, [])}
                for r in self.records
            ]
        return d
