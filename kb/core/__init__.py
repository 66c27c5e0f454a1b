"""Bottom layer: text rules, tokenizer, settings, errors, and the region's names and word
lists (kb/data). Imports nothing else of the project."""
