"""Retrieval: question analysis, follow-ups, embeddings and hybrid (BM25 + dense) search.
Imports kb.store and kb.core."""
