"""Domain errors. Only the edges (CLI, UI) turn them into messages for people."""

from __future__ import annotations


class ScrutineerError(Exception):
    """Base class: the message says what happened and what to do next."""


class MissingPackagesError(ScrutineerError):
    """An optional part (the LLM answerer, a baseline) needs packages not installed."""


class SettingsError(ScrutineerError):
    """A SCRUTINEER_* variable holds a value its setting does not take."""


class ExtractionError(ScrutineerError):
    """A file could not be turned into text; ``reason`` is one line for the summary."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):  # raised in the parse worker process, re-raised in the job
        return type(self), (self.path, self.reason)


class LibraryMismatchError(ScrutineerError):
    """The library was built with another embedding model or dimension."""


class StoreUnavailableError(ScrutineerError):
    """The Chroma store (embedded or server) cannot be reached or opened."""


class ModelUnavailableError(ScrutineerError):
    """The configured embedding model cannot be loaded from a local path."""


class DocumentNotFoundError(ScrutineerError):
    """A document named by the user is not in the library."""


class QuestionError(ScrutineerError):
    """A question that cannot be answered as asked (empty, too long, no words)."""


class AccessDeniedError(ScrutineerError):
    """Something was asked that this deployment's access level does not allow."""


class LibraryBusyError(ScrutineerError):
    """Another process is writing to the library (ingest, removal, rebuild or repair)."""


class LibraryDamagedError(ScrutineerError):
    """Files of the library are missing or corrupt; the message names the repair command."""


class OriginalUnavailableError(ScrutineerError):
    """A document's original file cannot be given: the document is not in the library (for
    this deployment), or its file is gone or no longer the one that was ingested."""
