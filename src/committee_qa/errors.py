"""The errors committee-qa raises; the CLI and the chat turn them into one line for a person.

    CommitteeQAError
     ├── PaperError          a file could not be read (names the file and the reason)
     ├── IndexMismatchError  the index was built with another model or schema
     ├── IndexUnavailableError  the Chroma server holding the index cannot be reached
     ├── IngestBusyError     another ingest is writing to the same index
     ├── SettingsError       a setting has a value that cannot work
     └── FilterError         a committee, document type or date filter cannot work
"""

from __future__ import annotations


class CommitteeQAError(Exception):
    """Base of every error committee-qa raises on purpose."""


class PaperError(CommitteeQAError):
    """A paper could not be read; the message names the file and what to do."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class IndexMismatchError(CommitteeQAError):
    """The index on disk was built with a different embedding model or schema."""


class SettingsError(CommitteeQAError):
    """A setting is missing or has a value that cannot work."""


class FilterError(CommitteeQAError):
    """A filter has a value that cannot work (a date that is not a date, an empty range)."""


class IndexUnavailableError(CommitteeQAError):
    """The index cannot be reached: a Chroma server that is down or a URL that is wrong."""


class IngestBusyError(CommitteeQAError):
    """Another ingest holds the index's lease; the message says which process."""
