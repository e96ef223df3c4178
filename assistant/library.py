"""The library: documents and their paragraphs in Chroma. Nothing else talks to Chroma."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from assistant.chroma_adapter import (
    document_from_chroma,
    document_metadata,
    paragraph_from_chroma,
    paragraph_metadata,
)
from assistant.documents import Document, Paragraph, Passage
from assistant.embedder import Embedder, get_embedder
from assistant.errors import LibraryMismatchError, StoreUnavailableError
from assistant.settings import Settings
from assistant.store import REBUILD_COMMAND, Manifest, open_client

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int], None]
# Chroma's HNSW defaults but ef_construction 100 -> 40 (writes twice as fast) and ef_search
# 100 -> 200 (which buys the recall back, and more, for a millisecond a query); the bench
# measures recall against exact search ("ann_recall_at_50").
HNSW = {"space": "cosine", "ef_construction": 40, "ef_search": 200, "max_neighbors": 16}


@dataclass(frozen=True)
class Vectors:
    """A document's embeddings: one per paragraph, in order, and one for the document."""

    paragraphs: tuple[list[float], ...]
    document: list[float]


class Library:
    """Documents and paragraphs with their vectors; writes are per whole document."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        check_model: bool = True,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder(settings)
        self._client = open_client(settings)
        self._paragraphs = self._collection("paragraphs")
        self._documents = self._collection("documents")
        if check_model:
            self._check_manifest()

    # -- opening ---------------------------------------------------------------------------

    def _collection(self, kind: str) -> Any:
        name = f"{self.settings.collection}-{kind}"
        try:
            return self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": HNSW}
            )
        except Exception as exc:
            raise StoreUnavailableError(f"Cannot open collection {name!r}: {exc}") from exc

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
            f"SCRUTINEER_EMBEDDING_MODEL={manifest.embedding_model} to keep using it."
        )

    def _record_manifest(self, chunker_version: str) -> None:
        dimension = self.embedder.dimension
        current = self.manifest
        if current is not None and current.dimension != dimension:
            raise LibraryMismatchError(
                f"The library at {self.location} holds {current.dimension}-dimensional vectors "
                f"but {self.embedder.name!r} makes {dimension}. Run `{REBUILD_COMMAND}`."
            )
        manifest = Manifest(
            self.embedder.name, dimension, chunker_version, datetime.now(UTC).isoformat()
        )
        if current is not None and (current.embedding_model, current.dimension,
                                    current.chunker_version) == (manifest.embedding_model,
                                                                 manifest.dimension,
                                                                 manifest.chunker_version):
            return
        self._paragraphs.modify(metadata=asdict(manifest))
        if not self.settings.chroma_url:
            self.settings.manifest_path.write_text(json.dumps(asdict(manifest), indent=2) + "\n")

    @property
    def location(self) -> str:
        """Where the store is, for messages."""
        return self.settings.chroma_url or str(self.settings.chroma_path)

    # -- reading ---------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        """The document record, or None when it is not in the library."""
        found = self._documents.get(ids=[doc_id], include=["metadatas"])
        if not found["ids"]:
            return None
        return document_from_chroma(found["metadatas"][0])

    def documents(self) -> list[Document]:
        """Every document, ordered by meeting date then title."""
        found = self._documents.get(include=["metadatas"])
        docs = [document_from_chroma(meta) for meta in found["metadatas"]]
        return sorted(docs, key=lambda d: (d.meta.meeting_date, d.title, d.doc_id))

    def document_count(self) -> int:
        """How many documents the library holds."""
        return int(self._documents.count())

    def paragraph_count(self) -> int:
        """How many paragraphs the library holds."""
        return int(self._paragraphs.count())

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        """A document's paragraphs in reading order."""
        found = self._paragraphs.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        paragraphs = [
            paragraph_from_chroma(pid, text, meta)
            for pid, text, meta in zip(
                found["ids"], found["documents"], found["metadatas"], strict=True
            )
        ]
        return sorted(paragraphs, key=lambda p: p.ordinal)

    def signature(self) -> str:
        """Changes whenever any document is added, replaced or removed, in any process: a
        version token every write sets (or, for a library written before tokens, a hash of the
        document list). Reading it costs one small store request."""
        try:
            current = self._client.get_collection(self._documents.name, embedding_function=None)
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

    def _new_version(self) -> None:
        self._documents.modify(metadata={"version": uuid.uuid4().hex})

    def all_paragraphs(self, batch: int = 5000) -> list[Paragraph]:
        """Every paragraph in the library (for building the lexical index)."""
        out: list[Paragraph] = []
        for offset in range(0, self.paragraph_count(), batch):
            found = self._paragraphs.get(include=["documents", "metadatas"], limit=batch,
                                         offset=offset)
            out.extend(paragraph_from_chroma(i, t, m) for i, t, m in zip(
                found["ids"], found["documents"], found["metadatas"], strict=True))
        return out

    def get_paragraphs(self, ids: Sequence[str]) -> list[Paragraph]:
        """Paragraphs by id, in the order asked (missing ids are skipped)."""
        if not ids:
            return []
        found = self._paragraphs.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {i: paragraph_from_chroma(i, t, m) for i, t, m in zip(
            found["ids"], found["documents"], found["metadatas"], strict=True)}
        return [by_id[i] for i in ids if i in by_id]

    def around(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs within ``span`` places of one in its document, in order."""
        wanted = [o for o in range(paragraph.ordinal - span, paragraph.ordinal + span + 1)
                  if o >= 0 and o != paragraph.ordinal]
        found = self._paragraphs.get(
            where={"$and": [{"doc_id": paragraph.doc_id}, {"ordinal": {"$in": wanted}}]},
            include=["documents", "metadatas"])
        near = [paragraph_from_chroma(i, t, m) for i, t, m in zip(
            found["ids"], found["documents"], found["metadatas"], strict=True)]
        return sorted(near, key=lambda p: p.ordinal)

    def nearest(self, vector: list[float], k: int, doc_ids: Sequence[str] | None = None
                ) -> list[tuple[Paragraph, float]]:
        """The ``k`` paragraphs nearest ``vector`` (cosine similarity), optionally only from
        some documents."""
        if self.paragraph_count() == 0 or (doc_ids is not None and not doc_ids):
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids is not None else None
        found = self._paragraphs.query(query_embeddings=[vector], n_results=k, where=where,
                                       include=["documents", "metadatas", "distances"])
        return [(paragraph_from_chroma(i, t, m), 1.0 - float(d)) for i, t, m, d in zip(
            found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0],
            strict=True)]

    def nearest_ids(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` paragraphs nearest ``vector`` (the store's
        approximate index; no text is read, so a large ``k`` stays cheap)."""
        try:
            found = self._paragraphs.query(query_embeddings=[list(vector)], n_results=k,
                                           include=["distances"])
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

    # -- writing ---------------------------------------------------------------------------

    def write_document(
        self,
        document: Document,
        paragraphs: Sequence[Paragraph],
        chunker_version: str,
        on_embedded: ProgressCallback | None = None,
    ) -> None:
        """Replace everything stored for ``document`` with ``paragraphs``."""
        vectors = self.embed_document(document, paragraphs, on_embedded)
        self.store_document(document, paragraphs, vectors, chunker_version)

    def embed_document(
        self,
        document: Document,
        paragraphs: Sequence[Paragraph],
        on_embedded: ProgressCallback | None = None,
    ) -> Vectors:
        """The vectors of a document's paragraphs and of the document itself."""
        texts = [p.context_text(document) for p in paragraphs]
        texts.append("\n".join((document.identity, *document.parts)))
        left = len(paragraphs)

        def counted(done: int) -> None:  # progress counts paragraphs, not the document text
            nonlocal left
            if on_embedded and min(done, left):
                on_embedded(min(done, left))
            left -= min(done, left)

        vectors = self._embed(texts, counted)
        return Vectors(tuple(vectors[:-1]), vectors[-1])

    def store_document(
        self,
        document: Document,
        paragraphs: Sequence[Paragraph],
        vectors: Vectors,
        chunker_version: str,
    ) -> None:
        """Write an embedded document: paragraphs first, stale ones deleted, the document
        record last (so a failure leaves the previous version's record in place)."""
        self._record_manifest(chunker_version)
        self._new_version()  # readers that rebuild mid-write rebuild again after the last one
        stale = set(self._paragraph_ids(document.doc_id)) - {p.para_id for p in paragraphs}
        self._upsert_paragraphs(document, paragraphs, list(vectors.paragraphs))
        if stale:
            self._paragraphs.delete(ids=sorted(stale))
        self._documents.upsert(
            ids=[document.doc_id],
            embeddings=[vectors.document],
            metadatas=[document_metadata(document)],
            documents=[document.identity],
        )
        self._new_version()

    def add_documents(self, batch: Sequence[tuple[Document, Sequence[Paragraph], Vectors]],
                      chunker_version: str) -> None:
        """Bulk import of documents new to the library (vectors already made): paragraphs in
        the store's largest batches, then the document records, one version change in all."""
        self._record_manifest(chunker_version)
        self._new_version()
        rows = [(p, d, v) for d, ps, vs in batch for p, v in zip(ps, vs.paragraphs, strict=True)]
        size = int(self._client.get_max_batch_size())
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            self._paragraphs.upsert(
                ids=[p.para_id for p, _, _ in chunk], embeddings=[v for _, _, v in chunk],
                metadatas=[paragraph_metadata(p, d) for p, d, _ in chunk],
                documents=[p.text for p, _, _ in chunk])
        for start in range(0, len(batch), size):
            docs = batch[start : start + size]
            self._documents.upsert(
                ids=[d.doc_id for d, _, _ in docs], embeddings=[v.document for _, _, v in docs],
                metadatas=[document_metadata(d) for d, _, _ in docs],
                documents=[d.identity for d, _, _ in docs])
        self._new_version()

    def export(self, batch: int = 5000) -> Iterator[tuple[Paragraph, list[float]]]:
        """Every paragraph with its stored vector (for re-indexing or copying a library)."""
        for offset in range(0, self.paragraph_count(), batch):
            found = self._paragraphs.get(include=["documents", "metadatas", "embeddings"],
                                         limit=batch, offset=offset)
            for pid, text, meta, vector in zip(found["ids"], found["documents"],
                                               found["metadatas"], found["embeddings"],
                                               strict=True):
                yield paragraph_from_chroma(pid, text, meta), [float(x) for x in vector]

    def remove_document(self, doc_id: str) -> int:
        """Remove a document and all its paragraphs; returns how many paragraphs went."""
        ids = self._paragraph_ids(doc_id)
        for start in range(0, len(ids), self._batch):
            self._paragraphs.delete(ids=ids[start : start + self._batch])
        self._documents.delete(ids=[doc_id])
        self._new_version()
        return len(ids)

    def clear(self) -> None:
        """Drop every document, paragraph and the manifest (used by a rebuild)."""
        for kind in ("paragraphs", "documents"):
            self._client.delete_collection(f"{self.settings.collection}-{kind}")
        self._paragraphs = self._collection("paragraphs")
        self._documents = self._collection("documents")
        if not self.settings.chroma_url:
            self.settings.manifest_path.unlink(missing_ok=True)

    # -- helpers ---------------------------------------------------------------------------

    @property
    def _batch(self) -> int:
        return min(1000, int(self._client.get_max_batch_size()))

    def _paragraph_ids(self, doc_id: str) -> list[str]:
        return list(self._paragraphs.get(where={"doc_id": doc_id}, include=[])["ids"])

    def _embed(self, texts: list[str], on_embedded: ProgressCallback | None) -> list[list[float]]:
        vectors: list[list[float]] = []
        step = self.settings.embed_batch_size * 4
        for start in range(0, len(texts), step):
            batch = texts[start : start + step]
            vectors.extend(self.embedder.embed(batch))
            if on_embedded:
                on_embedded(len(batch))
        return vectors

    def _upsert_paragraphs(
        self, document: Document, paragraphs: Sequence[Paragraph], vectors: list[list[float]]
    ) -> None:
        for start in range(0, len(paragraphs), self._batch):
            batch = paragraphs[start : start + self._batch]
            self._paragraphs.upsert(
                ids=[p.para_id for p in batch],
                embeddings=vectors[start : start + self._batch],
                metadatas=[paragraph_metadata(p, document) for p in batch],
                documents=[p.text for p in batch],
            )
