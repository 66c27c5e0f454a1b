"""Request bodies; they forbid unknown fields, except the chat ones, which clients fill
with options (temperature, top_p, ...) that do not apply here."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from kb.core.input_text import text_problem
from kb.store.vectors import Filters

BAD_TEXT = "bad_text"  # the validation error type the API answers with a 400


def _walk(value) -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise PydanticCustomError(BAD_TEXT, "{problem}", {"problem": problem})
    elif isinstance(value, (list, tuple)):
        for v in value:
            _walk(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            _walk(k)
            _walk(v)


def checked(value):
    """AfterValidator of a query or path parameter: the same check as a body's strings."""
    _walk(value)
    return value


class In(BaseModel):
    """A request body: every string in it, however deep, is checked (kb.core.input_text)."""

    @field_validator("*", mode="after", check_fields=False)
    @classmethod
    def _text(cls, value):
        _walk(value)
        return value


RecordKind = Literal["agreement", "plan", "measure", "event"]


class Turn(In):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str = ""
    understood_as: str | None = Field(
        None, description="How this turn was understood (the earlier reply's understood_as)."
    )


class FiltersIn(In):
    model_config = ConfigDict(extra="forbid")
    doc_types: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_ids: list[str] | None = None
    issuer: str | None = Field(None, description="发文机关 (or author) contains this.")
    in_force_on: date | None = Field(None, description="Official documents in force that day.")

    def to_filters(self) -> Filters:
        return Filters(
            self.doc_types or None,
            self.year_from,
            self.year_to,
            self.doc_ids or None,
            issuer=self.issuer or None,
            in_force_on=self.in_force_on.isoformat() if self.in_force_on else None,
        )


class AskIn(In):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question, Chinese or English.")
    history: list[Turn] = Field(
        default_factory=list, description="Earlier turns of the conversation, oldest first."
    )
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")


class BriefIn(In):
    model_config = ConfigDict(extra="forbid")
    questions: list[str] = Field(min_length=1)
    format: Literal["docx", "md", "pdf"] = "docx"
    title: str = Field("长三角政策问答简报", max_length=200)


class ChatMessage(In):
    model_config = ConfigDict(extra="ignore")
    role: str
    # A string, or content parts ([{"type": "text", "text": ...}, ...]) as newer clients send.
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatIn(In):
    # Clients send sampling options (temperature, top_p, ...) that do not apply: ignored.
    model_config = ConfigDict(extra="ignore")
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
