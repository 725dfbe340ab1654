"""The hybrid retriever as a LangChain retriever, so it composes with LangChain chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .retrieval import HybridRetriever
from .schema import Passage


def to_document(passage: Passage) -> Document:
    """A LangChain Document carrying the passage and where it is in the papers."""
    chunk = passage.chunk
    metadata: dict[str, Any] = {
        "id": chunk.chunk_id, "source": chunk.source, "title": chunk.title,
        "heading": chunk.heading, "page": chunk.page, "start": chunk.start, "end": chunk.end,
        "score": passage.score,
    }
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.chunk_id)


class CommitteePapersRetriever(BaseRetriever):
    """Dense + keyword search over the committee papers, fused by score."""

    retriever: Any  # a HybridRetriever; Any keeps pydantic from inspecting it
    k: int = 6

    @classmethod
    def wrap(cls, retriever: HybridRetriever, k: int = 6) -> CommitteePapersRetriever:
        return cls(retriever=retriever, k=k)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(p) for p in self.retriever.retrieve(query, self.k)]
