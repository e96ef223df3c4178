"""The library: documents and their paragraphs in Chroma. Nothing else talks to Chroma."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from assistant.chroma_adapter import (
    access_rank,
    carried_rank,
    document_from_chroma,
    paragraph_from_chroma,
)
from assistant.documents import Document, Paragraph, Passage, split_key
from assistant.embedder import Embedder, get_embedder
from assistant.errors import LibraryMismatchError, ScrutineerError, StoreUnavailableError
from assistant.library_writes import LibraryWrites
from assistant.settings import ACCESS_LEVELS, Settings
from assistant.store import REBUILD_COMMAND, Manifest, open_client, write_lock_holder
from assistant.store_guard import GuardedStore

log = logging.getLogger(__name__)

# Chroma's HNSW defaults but ef_construction 100 -> 40 (writes twice as fast) and ef_search
# 100 -> 200 (which buys the recall back, and more, for a millisecond a query); the bench
# measures recall against exact search ("ann_recall_at_50").
HNSW = {"space": "cosine", "ef_construction": 40, "ef_search": 200, "max_neighbors": 16}


class Library(LibraryWrites):
    """Documents and paragraphs with their vectors; writes are per whole document. Reads return
    only what the deployment's access level (``settings.access``) may show, and only the
    published version of each document."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        check_model: bool = True,
    ) -> None:
        self.settings = settings
        self.access = settings.access
        self._clearance = access_rank(settings.access)
        self.embedder = embedder or get_embedder(settings)
        self._store = GuardedStore(settings.data_dir, not settings.chroma_url,
                                   lambda: open_client(settings), self._collection,
                                   lambda: write_lock_holder(settings))
        self._client = self._store.proxy("client")
        self._paragraphs = self._store.proxy("paragraphs")
        self._documents = self._store.proxy("documents")
        if check_model:
            self._check_manifest()

    # -- opening ---------------------------------------------------------------------------

    def _collection(self, client: Any, kind: str) -> Any:
        name = f"{self.settings.collection}-{kind}"
        try:
            return client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": HNSW}
            )
        except Exception as exc:
            raise StoreUnavailableError(f"Cannot open collection {name!r}: {exc}") from exc

    def unreadable(self) -> str:
        """Why the store cannot be read ("" when it can): one row of each collection is read.
        A process killed while the embedded store flushed its vector index can leave it
        failing every read ("Failed to apply logs to the hnsw segment writer")."""
        try:
            for collection in (self._paragraphs, self._documents):
                collection.get(limit=1, include=[])
        except ScrutineerError:  # the store is busy, not broken
            raise
        except Exception as exc:
            return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return ""

    @property
    def manifest(self) -> Manifest | None:
        """The manifest recorded with the store, or None for a library never written."""
        meta = self._paragraphs.metadata or {}
        if "embedding_model" not in meta:
            return None
        return Manifest(
            embedding_model=str(meta["embedding_model"]),
            dimension=int(meta["dimension"]),
            chunker_version=str(meta.get("chunker_version", "")),
            updated_at=str(meta.get("updated_at", "")),
        )

    def _check_manifest(self) -> None:
        manifest = self.manifest
        if manifest is None or manifest.embedding_model == self.embedder.name:
            return
        raise LibraryMismatchError(
            f"The library at {self.location} was built with embedding model "
            f"{manifest.embedding_model!r} ({manifest.dimension} dimensions), but the configured "
            f"model is {self.embedder.name!r}. Run `{REBUILD_COMMAND}` to re-embed its "
            f"{self.document_count()} documents with the configured model, or set "
            f"SCRUTINEER_EMBEDDING_MODEL={manifest.embedding_model}"
            + ("" if "#" in manifest.embedding_model else
               " and SCRUTINEER_EMBEDDING_BACKEND=torch (or onnx)") + " to keep using it."
        )

    @property
    def location(self) -> str:
        """Where the store is, for messages."""
        return self.settings.chroma_url or str(self.settings.chroma_path)

    def unrestricted(self) -> Library:
        """The same library seeing every document whatever its access level: for ingestion,
        removal and repair, which must know what is stored; never for answering."""
        copy = object.__new__(Library)
        copy.__dict__.update(self.__dict__)
        copy.access, copy._clearance = ACCESS_LEVELS[-1], len(ACCESS_LEVELS) - 1
        return copy

    def _visible(self, meta: dict, text: str | None = None) -> bool:
        """Whether a record may be shown at this access level: its recorded rank, and what its
        title (documents) or ``text`` (paragraphs) itself states, checked again at every read
        (a second line of defence, also for libraries written before the rank covered it)."""
        rank = meta.get("access_rank", 1 if meta.get("exempt") else 0)
        if int(rank) > self._clearance:
            return False
        if self._clearance == len(ACCESS_LEVELS) - 1:
            return True
        own = text if text is not None else str(meta.get("title", ""))
        return carried_rank(own) <= self._clearance

    def _published(self) -> dict[str, str]:
        """The version of every visible document."""
        found = self._documents.get(include=["metadatas"])
        return {str(m["doc_id"]): str(m.get("version", "")) for m in found["metadatas"]
                if self._visible(m)}

    # -- reading ---------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        """The document record, or None when it is not in the library."""
        found = self._documents.get(ids=[doc_id], include=["metadatas"])
        if not found["ids"] or not self._visible(found["metadatas"][0]):
            return None
        return document_from_chroma(found["metadatas"][0])

    def documents(self) -> list[Document]:
        """Every visible document, ordered by meeting date then title."""
        found = self._documents.get(include=["metadatas"])
        docs = [document_from_chroma(meta) for meta in found["metadatas"] if self._visible(meta)]
        return sorted(docs, key=lambda d: (d.meta.meeting_date, d.title, d.doc_id))

    def document_count(self) -> int:
        """How many visible documents the library holds."""
        return len(self._published())

    def paragraph_count(self) -> int:
        """How many paragraphs are stored, of every access level and version (a measure of the
        store's size; the visible ones are the documents' ``paragraph_count``)."""
        return int(self._paragraphs.count())

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        """A visible document's paragraphs in reading order, all from its published version
        (read again if a new version is published meanwhile)."""
        for _ in range(3):
            document = self.document(doc_id)
            if document is None:
                return []
            found = self._paragraphs.get(where={"doc_id": doc_id},
                                         include=["documents", "metadatas"])
            rows = [(k, t, m) for k, t, m in zip(found["ids"], found["documents"],
                                                 found["metadatas"], strict=True)
                    if m.get("version", "") == document.version]
            if len(rows) == document.paragraph_count:
                break
        return sorted((paragraph_from_chroma(k, t, m) for k, t, m in rows
                       if self._visible(m, t)), key=lambda p: p.ordinal)

    def signature(self) -> str:
        """Changes whenever any document is added, replaced or removed, in any process: a
        version token every write sets (or, for a library written before tokens, a hash of the
        document list). Reading it costs one small store request."""
        try:
            current = self._client.get_collection(self._documents.name, embedding_function=None)
        except ScrutineerError:  # the store is busy, not broken
            raise
        except Exception as exc:
            raise StoreUnavailableError(f"Cannot read the library at {self.location}: {exc}"
                                        ) from exc
        token = (current.metadata or {}).get("version")
        if token:
            return str(token)
        found = self._documents.get(include=["metadatas"])
        keys = sorted(f"{m['doc_id']}:{m.get('content_hash', '')}:{m.get('chunker_version', '')}"
                      for m in found["metadatas"])
        return hashlib.sha1("\n".join(keys).encode()).hexdigest()

    def get_paragraphs(self, keys: Sequence[str]) -> list[Paragraph]:
        """Visible paragraphs by store key (``Paragraph.key``), in the order asked; keys that
        are missing or above the access level are skipped."""
        if not keys:
            return []
        found = self._paragraphs.get(ids=list(keys), include=["documents", "metadatas"])
        by_key = {k: paragraph_from_chroma(k, t, m) for k, t, m in zip(
            found["ids"], found["documents"], found["metadatas"], strict=True)
            if self._visible(m, t)}
        return [by_key[k] for k in keys if k in by_key]

    def around(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs within ``span`` places of one in the same version of its document."""
        wanted = [o for o in range(paragraph.ordinal - span, paragraph.ordinal + span + 1)
                  if o >= 0 and o != paragraph.ordinal]
        found = self._paragraphs.get(
            where={"$and": [{"doc_id": paragraph.doc_id}, {"ordinal": {"$in": wanted}}]},
            include=["documents", "metadatas"])
        near = [paragraph_from_chroma(k, t, m) for k, t, m in zip(
            found["ids"], found["documents"], found["metadatas"], strict=True)
            if self._visible(m, t) and m.get("version", "") == paragraph.version]
        return sorted(near, key=lambda p: p.ordinal)

    def nearest(self, vector: list[float], k: int) -> list[tuple[Paragraph, float]]:
        """The ``k`` visible published paragraphs nearest ``vector`` (cosine similarity), from
        the store's approximate index."""
        published = self._published()
        fetch = k
        while True:
            keys = self.nearest_ids(vector, fetch)
            kept = [(key, s) for key, s in keys if published.get(split_key(key)[0]) ==
                    split_key(key)[2]]
            if len(kept) >= k or len(keys) < fetch:
                break
            fetch *= 4
        kept = kept[:k]
        scores = dict(kept)
        return [(p, scores[p.key]) for p in self.get_paragraphs([key for key, _ in kept])]

    def nearest_ids(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """Store keys and cosine similarities of the ``k`` stored paragraphs nearest ``vector``
        (the store's approximate index; no text is read, so a large ``k`` stays cheap). Keys of
        every access level and version: callers keep those they may use."""
        try:
            found = self._paragraphs.query(query_embeddings=[list(vector)], n_results=k,
                                           include=["distances"])
        except ScrutineerError:  # the store is busy, not broken
            raise
        except Exception as exc:
            if self._paragraphs.count() == 0:
                return []
            raise StoreUnavailableError(f"Search failed in {self.location}: {exc}") from exc
        return [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0],
                                                     strict=True)]

    def search(self, query: str, k: int = 5) -> list[Passage]:
        """The ``k`` paragraphs nearest to ``query`` by embedding alone, best first."""
        documents = {d.doc_id: d for d in self.documents()}
        return [Passage(p, documents[p.doc_id], score) for p, score in
                self.nearest(self.embedder.embed_one(query), k) if p.doc_id in documents]

    def paragraph_rows(self, batch: int = 5000) -> Iterator[tuple[list[str], list[dict]]]:
        """Every stored paragraph's key and metadata (no text, no vector), in batches: of every
        version and access level (for inspection; never shown)."""
        for offset in range(0, self.paragraph_count(), batch):
            found = self._paragraphs.get(include=["metadatas"], limit=batch, offset=offset)
            yield list(found["ids"]), list(found["metadatas"])

    def export(self, versions: dict[str, str] | None = None, batch: int = 5000
               ) -> Iterator[tuple[Paragraph, np.ndarray]]:
        """Every visible paragraph of the given document ``versions`` (by default the published
        ones) with its stored vector (float32), for re-indexing or copying. Text and vectors
        are read separately: a Chroma server can fail a combined read while another client
        writes."""
        wanted = self._published() if versions is None else versions
        for offset in range(0, self.paragraph_count(), batch):
            found = self._read(partial(self._paragraphs.get, include=["documents", "metadatas"],
                                       limit=batch, offset=offset))
            keep = [(k, t, m) for k, t, m in zip(found["ids"], found["documents"],
                                                 found["metadatas"], strict=True)
                    if wanted.get(str(m["doc_id"])) == m.get("version", "")
                    and self._visible(m, t)]
            if not keep:
                continue
            got = self._read(partial(self._paragraphs.get, ids=[k for k, _, _ in keep],
                                     include=["embeddings"]))
            vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
            for key, text, meta in keep:
                if key in vectors:  # deleted since: a newer version was published
                    yield paragraph_from_chroma(key, text, meta), np.asarray(vectors[key],
                                                                             np.float32)

    def _read(self, call: Callable[[], Any], tries: int = 3) -> Any:
        """A store read, tried again when it fails under concurrent writes (a server can fail
        a read while another client deletes; on an embedded store the guard keeps writers
        of other processes out and reopens the store after them)."""
        for attempt in range(tries):
            try:
                return call()
            except ScrutineerError:  # the store is busy, not broken
                raise
            except Exception as exc:
                if attempt == tries - 1:
                    raise StoreUnavailableError(
                        f"Reading the library at {self.location} failed ({exc}). Try again; "
                        f"if it persists, run `scrutineer repair`.") from exc
                log.info("store read failed (%s); trying again", exc)
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

