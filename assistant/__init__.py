"""Scrutineer's library model and assistant: settings, typed values, the store, answers."""

from assistant.answers import Answer, Citation, Filters
from assistant.assistant import Assistant
from assistant.citations import citation
from assistant.documents import Document, DocumentMeta, Paragraph, Passage
from assistant.library import Library
from assistant.settings import Settings, get_settings

__all__ = ["Answer", "Assistant", "Citation", "Document", "DocumentMeta", "Filters", "Library",
           "Paragraph", "Passage", "Settings", "citation", "get_settings"]
