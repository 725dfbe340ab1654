"""A council's own language model, on any OpenAI-compatible server (llama.cpp's server,
Ollama, vLLM, Azure OpenAI), through LangChain's chat-model interface. The only module
that imports langchain-openai; nothing here runs unless COMMITTEE_QA_LLM_URL is set."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .errors import CommitteeQAError
from .prompt import messages
from .schema import Passage


class ModelUnavailable(CommitteeQAError):
    """The language model gave no usable answer: down, slow, refusing or garbled."""


@dataclass(frozen=True)
class ModelSettings:
    url: str  # the server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1
    model: str = ""  # the model's name on that server
    api_key: str = ""
    timeout: float = 30.0  # seconds to wait for the whole answer
    max_tokens: int = 400


class Writer:
    """Writes an answer from the passages, streamed as it comes."""

    def __init__(self, settings: ModelSettings) -> None:
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        self.settings = settings
        # No retries: a slow or failing server gets the quoted answer at once, not later.
        self._model = ChatOpenAI(base_url=settings.url, model=settings.model or "default",
                                 api_key=SecretStr(settings.api_key or "none"),
                                 timeout=settings.timeout, max_retries=0, temperature=0,
                                 # as "max_tokens": llama.cpp's and Ollama's servers ignore
                                 # the newer max_completion_tokens, and write on and on
                                 extra_body={"max_tokens": settings.max_tokens})

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str]:
        """The answer's text in pieces; raises ModelUnavailable with the cause in one line."""
        try:
            for piece in self._model.stream(messages(question, passages)):
                text = piece.content if isinstance(piece.content, str) else ""
                if text:
                    yield text
        except Exception as error:  # any failure of the server or the client library
            raise ModelUnavailable(self._explain(error)) from None

    def _explain(self, error: Exception) -> str:
        kind = type(error).__name__
        if "Timeout" in kind:
            why = f"did not answer within {self.settings.timeout:g} seconds"
        elif "Connection" in kind:
            why = "could not be reached"
        elif "Status" in kind or hasattr(error, "status_code"):
            why = f"refused the request (HTTP {getattr(error, 'status_code', '?')})"
        else:
            why = f"gave an answer that could not be read ({kind})"
        # The server's address is for the log (assistant.py), not for councillors.
        return f"the language model {why}"
