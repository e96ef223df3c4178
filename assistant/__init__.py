"""Scrutineer's library model: settings, typed documents and paragraphs, and the store."""

from assistant.citations import citation
from assistant.documents import Document, DocumentMeta, Paragraph, Passage
from assistant.library import Library
from assistant.settings import Settings, get_settings

__all__ = ["Document", "DocumentMeta", "Library", "Paragraph", "Passage", "Settings", "citation",
           "get_settings"]
