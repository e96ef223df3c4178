"""ONNX Runtime inference for sentence-transformers models.

A model is exported locally from its (packaged) torch weights once, optionally quantised to int8,
and cached in a folder under the data directory; later processes load that folder directly and
need neither torch nor transformers. The graph includes the model's pooling (and normalisation),
so it maps token ids straight to sentence vectors.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.onnx"
META_FILE = "scrutineer-onnx.json"
EXPORT_VERSION = 1  # bump when the export recipe changes, so cached folders are rebuilt
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
PROBES = (
    "The committee approved the revenue budget for 2024/25.",
    "  Members NOTED the report; no declarations of interest were made.  ",
    "Highways maintenance: potholes, drainage and resurfacing on the A2 and the M20. " * 30,
    "x",
)


def is_exported(folder: Path, source: str, backend: str) -> bool:
    """Whether ``folder`` holds a finished export of ``source`` for ``backend``."""
    try:
        meta = json.loads((folder / META_FILE).read_text())
    except (OSError, ValueError):
        return False
    return (meta.get("version"), meta.get("source"), meta.get("backend")) == (
        EXPORT_VERSION, source, backend) and (folder / MODEL_FILE).is_file()


def export(source: str, backend: str, folder: Path) -> None:
    """Export the model at local path ``source`` into ``folder``, atomically (temp, then rename)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    work.chmod(0o755)
    try:
        _export_into(source, backend, work)
        if is_exported(folder, source, backend):  # another process finished first
            return
        if folder.exists():  # a stale export (older recipe or another source): replace it
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(work, folder)
        except OSError:  # another process finished first; keep its folder
            if not is_exported(folder, source, backend):
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_into(source: str, backend: str, work: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    # Eager attention traces to a simpler graph than SDPA, which ONNX Runtime runs ~25% faster.
    model = SentenceTransformer(source, device="cpu",
                                model_kwargs={"attn_implementation": "eager"}).eval()
    tokenizer = model.tokenizer
    modules = list(model)

    class Graph(torch.nn.Module):
        """The transformer plus the model's pooling modules, as one traceable function."""

        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(modules)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            transformer: Any = self.layers[0]
            hidden = transformer.auto_model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            features: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask,
                                        "token_embeddings": hidden}
            for layer in self.layers[1:]:
                features = layer(features)
            return features["sentence_embedding"]

    sample = tokenizer(["a short one", "a slightly longer sample text"], padding=True,
                       return_tensors="pt")
    args = tuple(sample.get(name, torch.zeros_like(sample["input_ids"])) for name in INPUT_NAMES)
    fp32 = work / ("fp32.onnx" if backend == "onnx-int8" else MODEL_FILE)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUT_NAMES}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Graph().eval(), args, str(fp32), input_names=list(INPUT_NAMES),
                          output_names=["sentence_embedding"],
                          dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
    tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
    reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    meta = {
        "version": EXPORT_VERSION, "source": source, "backend": backend,
        "dimension": int(reference.shape[1] or 0),
        "max_length": int(model.max_seq_length or 0),
        "pad_id": int(tokenizer.pad_token_id or 0),
        "pad_token": str(tokenizer.pad_token or "[PAD]"),
    }
    (work / META_FILE).write_text(json.dumps(meta, indent=2))
    similarity = float(np.min(np.sum(OnnxEncoder(work, fp32.name).encode(PROBES) * reference, 1)))
    if similarity < 0.9999:
        raise RuntimeError(f"the exported graph disagrees with the model (cosine {similarity:.4f})")
    if backend == "onnx-int8":
        _quantize(fp32, work / MODEL_FILE)
        fp32.unlink()


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights, per channel (cosine ~0.99 to fp32)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic warns about pre-processing on the root logger
    try:
        # Without VNNI the u8s8 kernels can saturate; 7-bit weights avoid that (ORT's advice).
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=not _has_vnni(), op_types_to_quantize=["MatMul"])
    finally:
        root.setLevel(level)


def _has_vnni() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True  # not x86 Linux (e.g. arm64): no u8s8 saturation issue to work around
    return "avx512_vnni" in flags or "avx_vnni" in flags or "avx2" not in flags


class OnnxEncoder:
    """Tokenises with ``tokenizers`` and runs an exported folder with ONNX Runtime on the CPU."""

    def __init__(self, folder: Path, model_file: str = MODEL_FILE) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / META_FILE).read_text())
        self.dimension = int(meta["dimension"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(meta["max_length"]))
        self.tokenizer.enable_padding(pad_id=int(meta["pad_id"]), pad_token=str(meta["pad_token"]))
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / model_file), options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors for ``texts``; batches are formed from similar lengths to limit padding."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            out[rows] = self.session.run(None, {name: feed[name] for name in self.inputs})[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)
