"""Answering: candidate units, the evidence model, extractive, record and 公文 answers, the LLM
and its check, and KnowledgeBase, which ties retrieval and answering together."""
