"""Storage: catalog (SQLite), vectors (Chroma), BM25, access, users and audit, and the writer
the pipeline and `kb doctor` share. Imports only kb.core."""
