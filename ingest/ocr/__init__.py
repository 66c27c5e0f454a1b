"""OCR of scans and photos: the engine and its time limits (engine), page images checked
before they are decoded (images), recognised lines into paragraphs (layout)."""
