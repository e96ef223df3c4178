"""Shared fixtures: a temporary data directory for every test, a fast fake embedder, and
paths to the shared corpus (tests that need it skip cleanly when it is absent)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.embedder import Embedder, register_embedder
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"
KENT = CORPUS / "kent"
SAMPLES = ROOT / "samples" / "library"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared corpus seeds/ not present")
needs_kent = pytest.mark.skipif(not KENT.is_dir(), reason="shared corpus kent/ not present")


class FakeEmbedder(Embedder):
    """Hashed bag of words: deterministic, instant, and similar texts get similar vectors."""

    calls = 0
    texts_embedded = 0

    def __init__(self, name: str, settings: Settings | None = None) -> None:
        self.name = name
        self._dimension = int(name.partition(":")[2] or 64)

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        FakeEmbedder.calls += 1
        FakeEmbedder.texts_embedded += len(texts)
        vectors = []
        for text in texts:
            vector = [0.0] * self._dimension
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.md5(word.encode()).digest()
                vector[int.from_bytes(digest[:4], "little") % self._dimension] += 1.0
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            vectors.append([v / norm for v in vector])
        return vectors


register_embedder("fake", FakeEmbedder)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory and the fake embedder unless it asks otherwise."""
    path = tmp_path / "data"
    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(path))
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", "fake:64")
    monkeypatch.delenv("SCRUTINEER_CHROMA_URL", raising=False)
    return path


@pytest.fixture
def embedded_texts() -> object:
    """Counts texts embedded from the moment the test starts."""

    class Counter:
        start = FakeEmbedder.texts_embedded

        @property
        def count(self) -> int:
            return FakeEmbedder.texts_embedded - self.start

    return Counter()
