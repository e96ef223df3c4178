"""Opening the Chroma store (embedded or server) and the manifest recorded with it."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from assistant.errors import LibraryBusyError, StoreUnavailableError
from assistant.settings import Settings
from assistant.store_guard import StoreGuard

REBUILD_COMMAND = "scrutineer ingest --rebuild"


@dataclass(frozen=True)
class Manifest:
    """How a library was built: recorded beside the store and checked on every open."""

    embedding_model: str
    dimension: int
    chunker_version: str
    updated_at: str = ""


def open_client(settings: Settings) -> Any:
    """A Chroma client: a server when ``SCRUTINEER_CHROMA_URL`` is set, else embedded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
            return client
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:
        where = settings.chroma_url or str(settings.chroma_path)
        raise StoreUnavailableError(
            f"Cannot open the Chroma store at {where}: {exc}. Check that the server is running "
            f"(`chroma run --path DIR --port PORT`) or unset SCRUTINEER_CHROMA_URL."
        ) from exc


@contextmanager
def write_lock(settings: Settings, action: str) -> Iterator[None]:
    """Hold the library's write lock for ``action`` (ingest, remove, rebuild, repair): one
    writer at a time per data directory. The lock is an advisory ``flock`` that the kernel
    drops when its holder dies, so a killed ingest never leaves the library locked."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "write.lock"
    with open(path, "a+", encoding="utf-8") as handle, ExitStack() as store:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LibraryBusyError(
                f"The library at {settings.data_dir} is being written by {holder}. Wait for "
                f"it to finish, then run the {action} again.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{action} (pid {os.getpid()}, started "
                     f"{datetime.now().strftime('%H:%M:%S')})")
        handle.flush()
        if not settings.chroma_url:  # other processes' calls to the embedded store wait
            store.enter_context(StoreGuard.of(settings.data_dir).writing())
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_lock_holder(settings: Settings) -> str:
    """Who holds the write lock, as it says of itself ("ingest (pid N, started HH:MM:SS)")."""
    try:
        return (settings.data_dir / "write.lock").read_text().strip() or "another process"
    except OSError:
        return "another process"
