"""The retrieval test over HTTP: ``POST /v1/retrieve`` gives what ``kb.probe.probe`` gives —
the question as analysed, the ranked passages with their BM25, dense and fused scores, each
candidate sentence's evidence score, the refusal threshold and why the question would be
answered or refused. Same sign-in, access and limits as /v1/ask; audited as "retrieve"."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from kb.api.deps import KB, Caller, Limits
from kb.api.routes import valid_question
from kb.api.schemas import FiltersIn, In
from kb.core import contract
from kb.probe import probe

router = APIRouter()


class RetrieveIn(In):
    """/v1/ask's body without a conversation: the test reads one question on its own."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question, Chinese or English.")
    filters: FiltersIn | None = None
    k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")


@router.post("/v1/retrieve", tags=["ask"], response_model=contract.RetrieveResponse)
def retrieve(body: RetrieveIn, who: Caller, kb: KB, limits: Limits) -> dict:
    """The retrieval test (检索测试): what /v1/ask would retrieve and decide for the question,
    with the scores behind it, from the documents the caller may read."""
    q = valid_question(body.question, limits)
    f = body.filters.to_lib() if body.filters else None
    return probe(kb, q, k=body.k, filters=f, user=who)
