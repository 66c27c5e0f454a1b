"""Readers: one module per format (text, html, pdf, docx, image), each ``read(data, limits,
ocr) -> RawDoc``, registered in ingest/formats.py; ingest/read/file.py reads a file through
that table. pdf_* and docx_numbering help their format, webclip turns HTML into text, decode
finds a text file's encoding."""
