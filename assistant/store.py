"""Opening the Chroma store (embedded or server) and the manifest recorded with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from assistant.errors import StoreUnavailableError
from assistant.settings import Settings

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
