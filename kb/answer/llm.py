"""The LLM side: an OpenAI-compatible endpoint through llama-index's ``OpenAILike``, and the
prompt that numbers the retrieved passages as sources within the context budget."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kb.answer.citations import locator
from kb.answer.prompts import (
    ANSWER_SYSTEM,
    ANSWER_USER,
    CONDENSE_SYSTEM,
    CONDENSE_TURN,
    CONDENSE_USER,
    SOURCE_BLOCK,
)
from kb.core.errors import LLMError
from kb.core.settings import Settings
from kb.core.text import count_tokens
from kb.retrieve.retrieve import Passage

if TYPE_CHECKING:  # llama-index is imported when a model is called, not with the answerer
    from llama_index.core.llms import ChatMessage


def _escape_source(text: str) -> str:
    # A document must not be able to close its own <资料> block and speak outside it.
    return text.replace("</资料>", "</ 资料>").replace("<资料", "< 资料")


def build_messages(
    question: str, passages: list[Passage], max_tokens: int
) -> tuple[list[ChatMessage], int]:
    """Messages for the model and how many passages fit the budget (numbered 1..n)."""
    from llama_index.core.llms import ChatMessage, MessageRole

    budget = (
        max_tokens
        - count_tokens(ANSWER_SYSTEM)
        - count_tokens(ANSWER_USER)
        - count_tokens(question)
        - 50
    )
    blocks: list[str] = []
    for i, p in enumerate(passages, 1):
        block = SOURCE_BLOCK.format(
            n=i,
            title=p.doc.title.replace('"', "'"),
            locator=locator(p).replace('"', "'"),
            text=_escape_source(p.text),
        )
        cost = count_tokens(block)
        if blocks and cost > budget:
            break
        blocks.append(block)
        budget -= cost
    user = ANSWER_USER.format(question=question, sources="\n\n".join(blocks))
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=ANSWER_SYSTEM),
        ChatMessage(role=MessageRole.USER, content=user),
    ], len(blocks)


# Earlier answers are cut short in the condense prompt: the model needs their subject, not
# their detail, and a long thread must not crowd out the question.
CONDENSE_ANSWER_CHARS = 300


def condense_messages(question: str, turns: list[tuple[str, str]]) -> list[ChatMessage]:
    """Messages asking the model to rewrite ``question`` so it stands alone, given the
    earlier (question, answer) turns."""
    from llama_index.core.llms import ChatMessage, MessageRole

    history = "\n\n".join(
        CONDENSE_TURN.format(question=q, answer=a[:CONDENSE_ANSWER_CHARS]) for q, a in turns
    )
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=CONDENSE_SYSTEM),
        ChatMessage(
            role=MessageRole.USER, content=CONDENSE_USER.format(history=history, question=question)
        ),
    ]


class LLMClient:
    def __init__(self, settings: Settings) -> None:
        from llama_index.llms.openai_like import OpenAILike

        self.settings = settings
        self.llm = OpenAILike(
            model=settings.llm_model,
            api_base=settings.llm_base_url,
            api_key=settings.llm_api_key.get_secret_value(),
            is_chat_model=True,
            context_window=settings.llm_max_context_tokens + settings.llm_max_answer_tokens,
            max_tokens=settings.llm_max_answer_tokens,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=0,  # a failed call falls back to the extractive answer at once
            reuse_client=True,
        )

    def messages(self, question: str, passages: list[Passage]) -> tuple[list[ChatMessage], int]:
        return build_messages(question, passages, self.settings.llm_max_context_tokens)

    def complete(self, messages: list[ChatMessage]) -> str:
        try:
            resp = self.llm.chat(messages)
        except Exception as e:
            raise LLMError(_describe(e)) from e
        text = resp.message.content
        if not isinstance(text, str) or not text.strip():
            raise LLMError("模型返回了空的或无法解析的回答")
        return text

    def stream(self, messages: list[ChatMessage]) -> Iterator[str]:
        try:
            for chunk in self.llm.stream_chat(messages):
                if chunk.delta:
                    yield chunk.delta
        except Exception as e:
            raise LLMError(_describe(e)) from e


def _describe(e: Exception) -> str:
    import openai

    if isinstance(e, openai.APITimeoutError):
        return "请求超时"
    if isinstance(e, openai.APIConnectionError):
        return "无法连接到模型服务"
    if isinstance(e, openai.APIStatusError):
        return f"模型服务返回 HTTP {e.status_code}"
    return f"模型服务出错（{type(e).__name__}）"
