"""The systems an evaluation compares: the product, its single-search variants, and the
textbook LangChain pipeline a user would build instead. The only module importing
langchain-chroma, langchain-huggingface and langchain-text-splitters."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..assistant import Assistant
from ..ingestion import find_papers
from ..papers import read_paper
from ..retrieval import Mode
from ..schema import Answer, AnswerSentence, Chunk, Citation
from .gold import GoldQuestion


class System(Protocol):
    """Something that answers gold questions and says what it retrieved."""

    name: str

    def run(self, gold: GoldQuestion) -> tuple[Answer, list[Chunk]]: ...


class AssistantSystem:
    """committee-qa itself, or the same answerer over one search only."""

    def __init__(self, assistant: Assistant, mode: Mode = "hybrid", name: str = "") -> None:
        self.assistant, self.mode = assistant, mode
        self.name = name or {"hybrid": "committee-qa", "dense": "dense only",
                             "keyword": "keyword only (BM25)"}[mode]

    def run(self, gold: GoldQuestion) -> tuple[Answer, list[Chunk]]:
        answer, passages = self.assistant.ask_with_passages(gold.question, gold.history,
                                                            self.mode)
        return answer, [p.chunk for p in passages]


class TextbookLangChain:
    """RecursiveCharacterTextSplitter(1000, 200) -> Chroma.from_documents -> similarity
    search, k=4, with the same embedding model. It has no answerer: its answer is the four
    passages it finds, cited; it never declines and ignores the conversation."""

    name = "textbook LangChain (k=4)"

    def __init__(self, corpus: Sequence[Path], model_path: str) -> None:
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        files, _missing = find_papers(corpus)
        documents = []
        for path in files:
            paper = read_paper(path)
            documents.append(Document(page_content=paper.text,
                                      metadata={"source": paper.source, "title": paper.title}))
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self._folder = tempfile.TemporaryDirectory(prefix="textbook-")
        embeddings = HuggingFaceEmbeddings(model_name=model_path)
        self._store = Chroma.from_documents(splitter.split_documents(documents), embeddings,
                                            persist_directory=self._folder.name)

    def run(self, gold: GoldQuestion) -> tuple[Answer, list[Chunk]]:
        found = self._store.similarity_search_with_score(gold.question, k=4)
        chunks = [Chunk(doc_id="", index=i, text=d.page_content, source=d.metadata["source"],
                        title=d.metadata.get("title", "")) for i, (d, _s) in enumerate(found)]
        citations = tuple(
            Citation(n=i + 1, source=c.source, title=c.title, page=None, heading="",
                     text=c.text, score=round(1.0 - float(s), 4))
            for i, (c, (_d, s)) in enumerate(zip(chunks, found)))
        sentences = tuple(AnswerSentence(c.text, c.n) for c in citations[:1])
        return Answer(gold.question, sentences, citations, abstained=not citations), chunks
