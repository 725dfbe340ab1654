"""committee-qa: ask plain questions of committee papers; every answer cites its passages."""

__version__ = "0.1.0"
