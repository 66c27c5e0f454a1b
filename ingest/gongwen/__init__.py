"""公文 (official document) parts: the lines that stand alone and the date and number
patterns (lines), the parts of a document (parse), its 附件 list (attachments)."""
