"""The ONNX embedding backends, with the real packaged model: fp32 ONNX gives the torch vectors,
int8 gives close ones under its own name, and the export is made once and reused from disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant import onnx_backend
from assistant.embedder import SentenceTransformerEmbedder, get_embedder
from assistant.errors import ModelUnavailableError
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from tests.conftest import SAMPLES
from tests.helpers import parsed

QUERIES = [
    "How many refuge beds are there for domestic abuse victims?",
    "What did the cabinet decide about highways maintenance?",
    "  Members NOTED the report.  ",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Realistic embedded texts: sample paragraphs with their context, and some queries."""
    doc = parsed(sorted(SAMPLES.glob("*.pdf"))[0])
    return [p.context_text(doc.document) for p in doc.paragraphs][:24] + QUERIES


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data directory for the module, so each backend is exported once; fresh class cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SentenceTransformerEmbedder, "_cache", {})
        yield tmp_path_factory.mktemp("backends")


def embed(texts: list[str], backend: str, data_dir: Path) -> np.ndarray:
    embedder = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL, backend=backend,  # type: ignore[arg-type]
                                           data_dir=data_dir)
    return np.asarray(embedder.embed(texts))


@pytest.fixture(scope="module")
def torch_vectors(texts: list[str], models_dir: Path) -> np.ndarray:
    return embed(texts, "torch", models_dir)


def test_onnx_fp32_gives_the_torch_vectors_under_the_same_name(texts, models_dir,
                                                              torch_vectors) -> None:
    vectors = embed(texts, "onnx", models_dir)
    assert vectors.shape == torch_vectors.shape == (len(texts), 384)
    assert np.min(np.sum(vectors * torch_vectors, axis=1)) > 0.9999
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    onnx = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL, backend="onnx")
    assert onnx.name == SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL).name
    assert onnx.name == DEFAULT_EMBEDDING_MODEL


def test_int8_is_close_has_its_own_name_and_is_reused_from_disk(
        texts, models_dir, torch_vectors, monkeypatch) -> None:
    vectors = embed(texts, "onnx-int8", models_dir)
    similarity = np.sum(vectors * torch_vectors, axis=1)
    assert similarity.min() > 0.98 and similarity.mean() > 0.99
    int8 = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL, backend="onnx-int8",
                                       data_dir=models_dir)
    assert int8.name == f"{DEFAULT_EMBEDDING_MODEL}#onnx-int8"

    folder = int8.export_folder()
    assert folder.parent == models_dir / "models"
    assert (folder / onnx_backend.MODEL_FILE).is_file()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp left
    stamps = {p.name: p.stat().st_mtime_ns for p in [folder, *folder.iterdir()]}

    def no_export(*args: object) -> None:
        raise AssertionError("the model was exported again")

    monkeypatch.setattr(onnx_backend, "export", no_export)
    monkeypatch.setattr(SentenceTransformerEmbedder, "_cache", {})  # as in a fresh process
    assert np.allclose(int8.embed(texts), vectors, atol=1e-6)
    assert stamps == {p.name: p.stat().st_mtime_ns for p in [folder, *folder.iterdir()]}


def test_a_failed_export_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise ModuleNotFoundError("No module named 'onnx'")

    monkeypatch.setattr(onnx_backend, "_export_into", broken)
    monkeypatch.setattr(SentenceTransformerEmbedder, "_cache", {})
    embedder = SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL, backend="onnx",
                                           data_dir=tmp_path)
    with pytest.raises(ModelUnavailableError, match="SCRUTINEER_EMBEDDING_BACKEND=torch"):
        embedder.embed(["anything"])
    assert list((tmp_path / "models").iterdir()) == []


def test_the_backend_setting_is_validated_and_reaches_the_embedder(monkeypatch) -> None:
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    assert Settings().embedding_backend == "torch"
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_BACKEND", "onnx-int4")
    with pytest.raises(ValidationError, match="embedding_backend"):
        Settings()
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_BACKEND", "onnx-int8")
    embedder = get_embedder(Settings())
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.backend == "onnx-int8"
    assert embedder.name == f"{DEFAULT_EMBEDDING_MODEL}#onnx-int8"
    # The name a library records selects its backend again, whatever the setting says.
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_BACKEND", "torch")
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", embedder.name)
    again = get_embedder(Settings())
    assert (again.backend, again.name) == ("onnx-int8", embedder.name)  # type: ignore[attr-defined]
