"""Synthetic paragraphs to grow a real library to a size worth measuring, quickly.

Each synthetic paragraph joins as many sentences as a random real paragraph has, taken from
random real paragraphs, so the lexical index sees
the genre's vocabulary and term frequencies; its vector is the mean of those paragraphs' real
vectors plus noise, so the vector index sees the genre's clusters. Nothing is embedded."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assistant.documents import Document, DocumentMeta, Paragraph
from assistant.library import Library
from assistant.library_writes import Vectors
from ingest.chunk import CHUNKER_VERSION

PARAGRAPHS_PER_DOCUMENT = 50
NOISE = 0.03  # per dimension; a real MiniLM vector's components have a spread of about 0.05
COUNCILS = ("Northshire County Council", "Eastvale Borough Council", "Westford City Council",
            "Southmere District Council", "Hillcaster Unitary Authority", "Riverton Council",
            "Marshfield County Council", "Oakbridge Borough Council")
COMMITTEES = ("Cabinet", "Community Safety Partnership", "Overview and Scrutiny Committee",
              "Health and Wellbeing Board", "Children's Services Committee", "Full Council",
              "Audit and Governance Committee", "Policy and Resources Committee")
HEADINGS = ("Background", "Purpose of the report", "Recommendations", "Financial implications",
            "Legal implications", "Risks", "Consultation", "Equalities impact", "Performance",
            "Next steps")
SENTENCE_RE = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z0-9(])")


@dataclass(frozen=True)
class Source:
    """The real paragraphs synthetic ones are made from: sentences, owners and vectors."""

    sentences: list[str]
    owner: np.ndarray  # index of the real paragraph each sentence comes from
    vectors: np.ndarray  # one per real paragraph, normalised
    lengths: np.ndarray  # how many sentences each real paragraph has

    @classmethod
    def from_library(cls, library: Library) -> Source:
        sentences: list[str] = []
        owners: list[int] = []
        vectors, lengths = [], []
        real = (pv for pv in library.export() if not pv[0].doc_id.startswith("synthetic-"))
        for index, (paragraph, vector) in enumerate(real):
            vectors.append(vector)
            split = [s.strip() for s in SENTENCE_RE.split(paragraph.text) if len(s) > 30]
            sentences.extend(split)
            owners.extend([index] * len(split))
            lengths.append(max(1, len(split)))
        return cls(sentences, np.array(owners), np.array(vectors, dtype=np.float32),
                   np.array(lengths))


def _document(number: int, rng: np.random.Generator) -> Document:
    doc_id = f"synthetic-{number:07d}"
    council, committee = COUNCILS[number % len(COUNCILS)], COMMITTEES[rng.integers(8)]
    date = f"{2012 + rng.integers(14)}-{1 + rng.integers(12):02d}-{1 + rng.integers(28):02d}"
    return Document(
        doc_id=doc_id, source=f"synthetic://{doc_id}", file_name=f"{doc_id}.pdf",
        title=f"{committee} report {number}", content_hash=hashlib.sha1(doc_id.encode())
        .hexdigest(), meta=DocumentMeta(council=council, committee=committee,
                                        meeting_date=date, doc_type="report"),
        pages=PARAGRAPHS_PER_DOCUMENT // 5, paragraph_count=PARAGRAPHS_PER_DOCUMENT,
        chunker_version=CHUNKER_VERSION)


def documents(source: Source, first: int, count: int, seed: int = 0
              ) -> Iterator[tuple[Document, list[Paragraph], Vectors]]:
    """``count`` synthetic documents numbered from ``first``, with paragraphs and vectors."""
    rng = np.random.default_rng(seed + first)
    n = PARAGRAPHS_PER_DOCUMENT
    for number in range(first, first + count):
        document = _document(number, rng)
        sizes = source.lengths[rng.integers(len(source.lengths), size=n)]  # as real ones
        picks = [rng.integers(len(source.sentences), size=int(size)) for size in sizes]
        vectors = np.stack([source.vectors[source.owner[row]].mean(axis=0) for row in picks])
        vectors += rng.normal(0, NOISE, vectors.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        paragraphs = [Paragraph(
            para_id=f"{document.doc_id}#p{i}", doc_id=document.doc_id, ordinal=i,
            text=" ".join(source.sentences[j] for j in row), label=f"{i // 5 + 1}.{i % 5 + 1}",
            page=i // 5 + 1, heading_path=(HEADINGS[i // 5 % len(HEADINGS)],))
            for i, row in enumerate(picks)]
        mean = vectors.mean(axis=0)
        yield document, paragraphs, Vectors(tuple(v.tolist() for v in vectors),
                                            (mean / np.linalg.norm(mean)).tolist())


def grow(library: Library, source: Source, target: int, chunk_documents: int = 100) -> int:
    """Add synthetic documents until the library holds at least ``target`` paragraphs;
    returns how many paragraphs were added."""
    have = library.paragraph_count()
    first = sum(1 for d in library.documents() if d.doc_id.startswith("synthetic-"))
    wanted = max(0, -(-(target - have) // PARAGRAPHS_PER_DOCUMENT))
    for start in range(first, first + wanted, chunk_documents):
        count = min(chunk_documents, first + wanted - start)
        library.add_documents(list(documents(source, start, count)), CHUNKER_VERSION)
    return library.paragraph_count() - have
