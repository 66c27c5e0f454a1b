"""Answering: candidate units, the evidence model, extractive, record and 公文 answers, the LLM
and its check. ``KnowledgeBase`` (``kb.knowledge``), a layer above, ties retrieval and
answering together."""
