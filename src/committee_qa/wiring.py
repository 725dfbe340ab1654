"""The composition root: settings -> the assembled assistant (model, store, retriever,
readers, answerers, writer). It builds; it decides nothing."""

from __future__ import annotations

import re
from pathlib import Path

from .abstention import PACKAGED, AbstentionModel, load_model
from .answering import Answerer, idf_from
from .assistant import Assistant
from .config import Settings
from .embedding import Embedder, load_embedder
from .library import Library
from .llm import ModelSettings, Writer
from .readers import Readers
from .retrieval import HybridRetriever
from .store import Store
from .text import read_phrases, use_phrases
from .views import View

__all__ = ["Assistant", "assemble", "build_assistant", "keyword_folder", "library_folder"]

# The keyword indexes (tantivy): beside Chroma in the index folder, or, for an index in a
# Chroma server, on this replica's own disk under the same setting, one folder per server.
KEYWORD_FOLDER = "keyword"
# The papers' originals and text as read, for the source viewer: kept the same way.
LIBRARY_FOLDER = "library"
# A copy of the ledger by its generation, so that a new process need not read it all.
LEDGER_FOLDER = "ledger"


def _abstention_model(setting: str) -> AbstentionModel | None:
    """The model named by the setting: a file, the packaged one, or none at all."""
    if setting == "none":
        return None
    if not setting and not PACKAGED.exists():
        return None
    return load_model(Path(setting) if setting else PACKAGED)


def keyword_folder(settings: Settings) -> Path:
    """Where the keyword indexes of the index named by `settings` are kept."""
    return _beside(settings, KEYWORD_FOLDER)


def ledger_file(settings: Settings) -> Path:
    """Where the copy of the ledger of the index of `settings` is kept (Store.papers)."""
    return _beside(settings, LEDGER_FOLDER).with_suffix(".json")


def library_folder(settings: Settings) -> Path:
    """Where the papers' originals and text as read are kept for the index of `settings`."""
    return _beside(settings, LIBRARY_FOLDER)


def _beside(settings: Settings, name: str) -> Path:
    folder = Path(settings.index) / name
    if settings.chroma_url:
        folder /= re.sub(r"[^A-Za-z0-9.]+", "-", settings.chroma_url.split("//")[-1]).strip("-")
    return folder / settings.collection


def build_assistant(settings: Settings) -> Assistant:
    """Load the model and open the index named by `settings`: a folder, or a Chroma server."""
    use_phrases(read_phrases(Path(settings.phrases)) if settings.phrases else read_phrases())
    embedder = load_embedder(settings.model, settings.backend, batch_size=settings.batch_size)
    if settings.chroma_url:
        store = Store.connect(settings.chroma_url, settings.collection, embedder.name,
                              embedder.dimension)
    else:
        store = Store.open(Path(settings.index), settings.collection, embedder.name,
                           embedder.dimension)
    return assemble(settings, embedder, store)


def assemble(settings: Settings, embedder: Embedder, store: Store) -> Assistant:
    """The assistant over an opened store: retriever, each reader's answerer, the writer."""
    abstention = _abstention_model(settings.abstention)

    def answerer(view: View) -> Answerer:
        idf = idf_from(view.keyword.document_frequency, view.keyword.passages)
        return Answerer(idf, embed=embedder.embed_texts, abstention=abstention)

    store.ledger_file = ledger_file(settings)
    retriever = HybridRetriever(embedder, store, folder=keyword_folder(settings))
    writer = Writer(ModelSettings(settings.llm_url, settings.llm_model, settings.llm_api_key,
                                  settings.llm_timeout)) if settings.llm_url else None
    return Assistant(settings, embedder, store, Readers(retriever, store, answerer),
                     Library(library_folder(settings)), writer)
