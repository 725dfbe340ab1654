"""The two backends of the packaged model: the int8 ONNX default and PyTorch agree."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from committee_qa.embedding import (
    INT8_MODEL_NAME,
    SentenceTransformerEmbedder,
    load_embedder,
)
from committee_qa.errors import SettingsError
from committee_qa.store import Store

TEXTS = [
    "During the six-month period 38 social workers were recruited.",
    "RESOLVED to thank the Education Trust for its presentation.",
    "Ofsted praised the services provided to children in care and care leavers.",
    "x",
    "word " * 400,  # longer than the model's 256 tokens: cut, as sentence-transformers does
]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_int8_vectors_are_unit_length_and_close_to_the_pytorch_ones(
        embedder, torch_embedder) -> None:
    assert embedder.name == INT8_MODEL_NAME and embedder.dimension == 384
    fast, reference = embedder.embed_texts(TEXTS), torch_embedder.embed_texts(TEXTS)
    for a, b in zip(fast, reference):
        assert math.isclose(math.sqrt(sum(x * x for x in a)), 1.0, abs_tol=1e-4)
        assert _cosine(a, b) > 0.99
    # and they keep the order of the texts: each is nearest its own reference
    for i, a in enumerate(fast):
        assert max(range(len(TEXTS)), key=lambda j: _cosine(a, reference[j])) == i


def test_a_question_vector_matches_its_batch_vector(embedder) -> None:
    alone = embedder.embed_query(TEXTS[0])
    batched = embedder.embed_texts(TEXTS)[0]  # padded beside longer texts
    assert _cosine(alone, batched) > 0.9999
    assert embedder.embed_texts([]) == []


def test_an_unknown_backend_is_named_in_the_message() -> None:
    with pytest.raises(SettingsError, match="COMMITTEE_QA_BACKEND='tensorflow'.*onnx-int8, torch"):
        load_embedder(backend="tensorflow")


def test_an_index_built_by_one_backend_is_refused_by_the_other(tmp_path: Path) -> None:
    index = tmp_path / "index"
    Store.open(index, "committee_papers", INT8_MODEL_NAME, 384)
    result = subprocess.run(
        [sys.executable, "-m", "committee_qa", "status", "--index", str(index)],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
             "COMMITTEE_QA_BACKEND": "torch"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"built with the embedding model '{INT8_MODEL_NAME}' but this run uses " \
           "'all-MiniLM-L6-v2'" in result.stderr
