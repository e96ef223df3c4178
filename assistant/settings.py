"""One settings object, read from ``SCRUTINEER_*`` environment variables at call time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import SettingsError

DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
AccessLevel = Literal["public", "exempt", "confidential"]
RetrievalMode = Literal["hybrid", "dense", "lexical"]
AnswerMode = Literal["extractive", "llm"]
CHOICES = ("embedding_backend", "access", "retrieval", "answer_mode", "device")
ACCESS_LEVELS: tuple[AccessLevel, ...] = ("public", "exempt", "confidential")  # least to most


def calibrated(name: str, fallback: float) -> float:
    """A value fitted by scripts/calibrate.py on labelled questions (assistant/calibration.json)."""
    path = Path(__file__).with_name("calibration.json")
    try:
        return float(json.loads(path.read_text())[name])
    except (OSError, ValueError, KeyError):
        return fallback


def default_data_dir() -> Path:
    """The data directory used when ``SCRUTINEER_DATA_DIR`` is not set."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "scrutineer"


class Settings(BaseSettings):
    """Everything configurable about Scrutineer; see the README's Configuration table."""

    model_config = SettingsConfigDict(env_prefix="SCRUTINEER_", frozen=True, extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_backend: EmbeddingBackend = "torch"  # "onnx"/"onnx-int8": ONNX Runtime, exported once
    chroma_url: str = ""
    collection: str = "scrutineer"
    embed_batch_size: int = Field(default=32, ge=1)
    max_paragraph_chars: int = Field(default=1500, ge=200)
    parse_workers: int = Field(default=1, ge=0)  # processes parsing ahead of embedding; 0: inline
    device: str = "cpu"
    max_file_mb: float = Field(default=50, gt=0)  # larger files are refused before parsing
    max_pages: int = Field(default=2000, ge=1)  # PDFs with more pages are refused
    parse_timeout: float = Field(default=120, gt=0)  # seconds one file may take to parse
    parse_memory_mb: int = Field(default=3072, ge=256)  # address space of the parse worker
    max_question_chars: int = Field(default=2000, ge=50)  # longer questions are refused
    passages: int = Field(default=10, ge=1)  # passages retrieved and returned with an answer
    answer_passages: int = Field(default=6, ge=1)  # passages the answer may quote from
    abstain_below: float = Field(default_factory=lambda: calibrated("abstain_below", 0.55))
    decision_threshold: float | None = None  # overrides assistant/decider.json's threshold
    access: AccessLevel = "public"  # the most restricted documents this deployment may show
    retrieval: RetrievalMode = "hybrid"  # "dense" or "lexical" alone, for comparisons
    answer_mode: AnswerMode = "extractive"  # or "llm" (needs llm_model)
    llm_model: str = ""  # e.g. "ollama:llama3.1", "openai:gpt-4o-mini"
    llm_base_url: str = ""  # an OpenAI-compatible endpoint or an Ollama server
    llm_api_key: SecretStr = SecretStr("")  # never shown in the settings' repr
    support_similarity: float = 0.35  # an LLM sentence must be this close to its citation

    @field_validator(*CHOICES, mode="before")
    @classmethod
    def _folded(cls, value: object) -> object:
        """Choices are read whatever their case and spacing ("LLM", " Hybrid ")."""
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma store lives."""
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        """The human-readable manifest kept next to the embedded store."""
        return self.data_dir / "manifest.json"


def get_settings(**overrides: object) -> Settings:
    """Read the settings now (environment variables are read at call time). Raises
    SettingsError naming the variable when a value is not one the setting takes."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(settings_problem(exc)) from None


def settings_problem(error: ValidationError) -> str:
    """One line per bad value: the variable, what it holds, and what it may hold."""
    lines = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        variable = f"SCRUTINEER_{name.upper()}"
        value = problem.get("input")
        expected = problem.get("ctx", {}).get("expected")
        allowed = f"; it takes {expected}" if expected else f" ({problem['msg'].lower()})"
        lines.append(f"{variable}={value!r} is not a value Scrutineer takes{allowed}. Set it "
                     f"to one of those, or unset it for the default.")
    return "\n".join(lines)
