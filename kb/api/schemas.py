"""Request bodies; they forbid unknown fields, except the chat ones, which clients fill
with options (temperature, top_p, ...) that do not apply here."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, ClassVar, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from kb.brief import FORMATS
from kb.core.filters import Filters
from kb.core.input_text import text_problem
from kb.retrieve.followup import Turn as FollowTurn

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
BriefFormat = Literal[tuple(FORMATS)]


class Mirror(In):
    """A request model that mirrors a library dataclass (``mirror``): ``to_lib`` is that
    dataclass, dates as YYYY-MM-DD text."""

    model_config = ConfigDict(extra="forbid")
    lib: ClassVar[type]

    def to_lib(self):
        return self.lib(**{k: v.isoformat() if isinstance(v, date) else v for k, v in self})


def mirror(lib: type, name: str) -> type[Mirror]:
    """The request model of the library's dataclass ``lib``: its fields, types and defaults,
    described by their ``doc`` metadata; ``internal`` fields are left out and ``iso_date``
    ones are dates (kb.core.filters.Filters)."""
    hints = get_type_hints(lib)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(lib):
        if f.metadata.get("internal"):
            continue
        kind = date | None if f.metadata.get("iso_date") else hints[f.name]
        doc = f.metadata.get("doc")
        if f.default_factory is not dataclasses.MISSING:
            fields[f.name] = (kind, Field(default_factory=f.default_factory, description=doc))
        else:
            default = ... if f.default is dataclasses.MISSING else f.default
            fields[f.name] = (kind, Field(default, description=doc))
    model = create_model(name, __base__=Mirror, __module__=__name__, **fields)
    model.lib = lib
    return model


Turn = mirror(FollowTurn, "Turn")
FiltersIn = mirror(Filters, "FiltersIn")


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
    format: BriefFormat = next(iter(FORMATS))
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
