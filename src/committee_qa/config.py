"""The settings object: defaults < COMMITTEE_QA_* environment variables < explicit arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError

ENV_PREFIX = "COMMITTEE_QA_"


@dataclass(frozen=True)
class Settings:
    """Every setting of committee-qa, with its default.

    Each field can be set by an environment variable named COMMITTEE_QA_<FIELD>
    (e.g. COMMITTEE_QA_INDEX=/srv/qa/index), and by the matching CLI option.
    """

    index: Path = Path("index")
    """Folder of the persisted index (Chroma plus what the product keeps beside it)."""
    inbox: Path = Path("ingest")
    """Folder of papers that `python app.py` ingests before it starts."""
    chroma_url: str = ""
    """URL of a Chroma server (`chroma run`) holding the index; empty means the embedded
    index in the `index` folder. Replicas of the app and one ingester may share a server."""
    model: str = ""
    """Local path of a sentence-transformers model; empty means the packaged all-MiniLM-L6-v2."""
    backend: str = "onnx-int8"
    """How the packaged model runs: "onnx-int8" (its int8 ONNX export on onnxruntime, the
    faster) or "torch" (sentence-transformers on PyTorch). An index keeps the one it was
    built with."""
    collection: str = "committee_papers"
    """Name of the Chroma collection holding the chunks."""
    top_k: int = 6
    """How many passages retrieval hands to the answerer."""
    abstention: str = ""
    """A fitted abstention model (`committee-qa eval --fit-abstention FILE`) that decides
    when the papers do not answer; empty means the packaged one, "none" hand-set floors."""
    phrases: str = ""
    """A file of phrases that mean the same in the papers, one class a line (see the
    packaged phrases.txt); empty means the packaged one."""
    llm_url: str = ""
    """Base URL of an OpenAI-compatible server (llama.cpp, Ollama, vLLM, Azure OpenAI) whose
    language model writes the answers, each sentence verified against the passage it
    cites; empty means answers quoted from the papers, with no model at all."""
    llm_model: str = ""
    """The model's name on that server."""
    llm_api_key: str = ""
    """The server's API key, if it needs one."""
    llm_timeout: float = 30.0
    """Seconds to wait for the model's whole answer before quoting the papers instead."""
    users: str = ""
    """A users file (`committee-qa user add`): when set, the chat asks people to sign in,
    and those with restricted access also read restricted papers. Empty: public only."""
    host: str = "127.0.0.1"
    """Address the chat app binds to."""
    port: int = 7860
    """Port the chat app listens on."""
    max_paper_mb: int = 100
    """Largest paper file ingested, in MB (2**20 bytes); a larger one is refused unread."""
    batch_size: int = 32
    """Chunks embedded per batch when ingesting."""

    @property
    def address(self) -> str:
        """The chat app's address, for links to it: http://HOST:PORT (a wildcard host, not
        an address one can visit, as loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then COMMITTEE_QA_* variables, then the non-None `overrides`."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)
        return replace(settings, index=Path(settings.index), inbox=Path(settings.inbox))


def _coerce(name: str, kind: Any, raw: str) -> Any:
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(
                f"{ENV_PREFIX}{name.upper()}={raw!r} is not a whole number"
            ) from None
    if kind in (float, "float"):
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a number") from None
    if kind in (Path, "Path"):
        return Path(raw)
    return raw
