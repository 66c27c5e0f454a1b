"""Records (agreements, plans, measures, events) found in a document's chunks: which sentence
states one (find), its date (dates), and the mentions stored per document (extract)."""
