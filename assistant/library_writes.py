"""Writing to the library: whole documents embedded then stored, bulk imports, removal. A part
of ``Library`` (see library.py); nothing else talks to Chroma."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from assistant.chroma_adapter import document_from_chroma, document_metadata, paragraph_metadata
from assistant.documents import Document, Paragraph
from assistant.embedder import Embedder
from assistant.errors import LibraryMismatchError, StoreUnavailableError
from assistant.settings import Settings
from assistant.store import REBUILD_COMMAND, Manifest
from assistant.store_guard import GuardedStore

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class Vectors:
    """A document's embeddings: one per paragraph, in order, and one for the document."""

    paragraphs: tuple[list[float], ...]
    document: list[float]


class LibraryWrites:
    """The writing half of ``Library``: every write changes the library's version token."""

    settings: Settings
    embedder: Embedder
    _store: GuardedStore  # the store, set up by Library
    _client: Any
    _paragraphs: Any
    _documents: Any

    @property
    def manifest(self) -> Manifest | None:  # implemented by Library
        raise NotImplementedError

    @property
    def location(self) -> str:  # implemented by Library
        raise NotImplementedError

    def _collection(self, client: Any, kind: str) -> Any:  # implemented by Library
        raise NotImplementedError

    def embed_documents(
        self,
        batch: Sequence[tuple[Document, Sequence[Paragraph]]],
        on_embedded: ProgressCallback | None = None,
    ) -> list[Vectors]:
        """Vectors for several documents, embedded together so that batches stay full."""
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        for document, paragraphs in batch:
            start = len(texts)
            texts.extend(p.context_text(document) for p in paragraphs)
            texts.append("\n".join((document.identity, *document.parts)))
            spans.append((start, len(texts)))
        left = len(texts) - len(batch)

        def counted(done: int) -> None:  # progress counts paragraphs, not document texts
            nonlocal left
            if on_embedded and min(done, left):
                on_embedded(min(done, left))
            left -= min(done, left)

        vectors = self._embed(texts, counted)
        return [Vectors(tuple(vectors[a : b - 1]), vectors[b - 1]) for a, b in spans]

    def store_document(
        self,
        document: Document,
        paragraphs: Sequence[Paragraph],
        vectors: Vectors,
        chunker_version: str,
    ) -> Document:
        """Write an embedded document as a new version, atomically for readers: its paragraphs
        are written under new keys and counted back (verify), then the document record naming
        the version is written (publish), then every older version but the one just replaced
        is deleted (readers whose snapshot is one version behind can still read it whole; it
        goes with the document's next write, or now if the access level changed). Readers
        only read a published version, so a crash at any point leaves the old version or the
        new one, whole, plus unpublished paragraphs that `scrutineer repair` clears."""
        self._record_manifest(chunker_version)
        version = uuid.uuid4().hex[:12]
        kept = self._kept(document)
        document = replace(document, version=version, previous_version=kept.version,
                           previous_count=kept.paragraph_count)
        paragraphs = [replace(p, version=version) for p in paragraphs]
        self._upsert_paragraphs(document, paragraphs, list(vectors.paragraphs))
        written = len(self._paragraphs.get(
            where={"$and": [{"doc_id": document.doc_id}, {"version": version}]}, include=[]
        )["ids"])
        if written != len(paragraphs):
            raise StoreUnavailableError(
                f"Only {written} of {len(paragraphs)} paragraphs of {document.file_name} were "
                f"stored in {self.location}; the previous version stays. Run the ingest again.")
        self._documents.upsert(
            ids=[document.doc_id],
            embeddings=[vectors.document],
            metadatas=[document_metadata(document)],
            documents=[document.identity],
        )
        self._new_version()
        self._delete_other_versions(document.doc_id, {version, document.previous_version})
        return document

    def _kept(self, document: Document) -> Document:
        """The published version a new version of ``document`` keeps for readers a version
        behind (an empty record for none): none when the access level changes, so nothing
        shown at the old level stays."""
        found = self._documents.get(ids=[document.doc_id], include=["metadatas"])
        old = document_from_chroma(found["metadatas"][0]) if found["ids"] else None
        if old is None or old.meta.access != document.meta.access:
            return replace(document, version="", paragraph_count=0)
        return old

    def add_documents(self, batch: Sequence[tuple[Document, Sequence[Paragraph], Vectors]],
                      chunker_version: str) -> None:
        """Bulk import of documents new to the library (vectors already made): paragraphs in
        the store's largest batches, then the document records, one version change in all."""
        self._record_manifest(chunker_version)
        version = uuid.uuid4().hex[:12]
        batch = [(replace(d, version=version), [replace(p, version=version) for p in ps], vs)
                 for d, ps, vs in batch]
        rows = [(p, d, v) for d, ps, vs in batch for p, v in zip(ps, vs.paragraphs, strict=True)]
        size = int(self._client.get_max_batch_size())
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            self._paragraphs.upsert(
                ids=[p.key for p, _, _ in chunk], embeddings=[v for _, _, v in chunk],
                metadatas=[paragraph_metadata(p, d) for p, d, _ in chunk],
                documents=[p.text for p, _, _ in chunk])
        for start in range(0, len(batch), size):
            docs = batch[start : start + size]
            self._documents.upsert(
                ids=[d.doc_id for d, _, _ in docs], embeddings=[v.document for _, _, v in docs],
                metadatas=[document_metadata(d) for d, _, _ in docs],
                documents=[d.identity for d, _, _ in docs])
        self._new_version()

    def remove_document(self, doc_id: str) -> int:
        """Remove a document: its record first (readers stop seeing it at once), then its
        paragraphs; returns how many paragraphs went."""
        self._documents.delete(ids=[doc_id])
        self._new_version()
        return self._delete_other_versions(doc_id, set())

    def delete_keys(self, keys: Sequence[str]) -> None:
        """Delete stored paragraphs by key (unfinished writes found by an inspection)."""
        for start in range(0, len(keys), self._batch):
            self._paragraphs.delete(ids=list(keys[start : start + self._batch]))

    def write_manifest_file(self, manifest: Manifest | None = None) -> None:
        """Write the manifest file (embedded stores only) atomically, from the manifest
        recorded in the store unless given; remove it when there is none."""
        if self.settings.chroma_url:
            return
        manifest = manifest or self.manifest
        path = self.settings.manifest_path
        if manifest is None:
            path.unlink(missing_ok=True)
            return
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
        temporary.replace(path)

    def _delete_other_versions(self, doc_id: str, keep: set[str]) -> int:
        """Delete a document's paragraphs of every version not in ``keep``; how many went."""
        found = self._paragraphs.get(where={"doc_id": doc_id}, include=["metadatas"])
        doomed = [k for k, m in zip(found["ids"], found["metadatas"], strict=True)
                  if m.get("version", "") not in keep]
        for start in range(0, len(doomed), self._batch):
            self._paragraphs.delete(ids=doomed[start : start + self._batch])
        return len(doomed)

    def clear(self) -> None:
        """Drop every document, paragraph and the manifest (used by a rebuild)."""
        for kind in ("paragraphs", "documents"):
            self._client.delete_collection(f"{self.settings.collection}-{kind}")
        self._store.reload_collections()
        if not self.settings.chroma_url:
            self.settings.manifest_path.unlink(missing_ok=True)

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
        self.write_manifest_file(manifest)

    def _new_version(self) -> None:
        self._documents.modify(metadata={"version": uuid.uuid4().hex})

    @property
    def _batch(self) -> int:
        return min(1000, int(self._client.get_max_batch_size()))

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
                ids=[p.key for p in batch],
                embeddings=vectors[start : start + self._batch],
                metadatas=[paragraph_metadata(p, document) for p in batch],
                documents=[p.text for p in batch],
            )
