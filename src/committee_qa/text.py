"""Words and sentences: the tokenising, stemming and sentence splitting every stage shares."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import SettingsError

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves also did does tell say said says give gave please any many much us let know
    last next""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,'’][a-z0-9]+)*%?", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball English stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stemming: 'recruited', 'recruiting' and 'recruits' all become 'recruit'."""
    return str(_stemmer().stemWord(word))


# British and American spellings of one word ("authorise", "authorize"; "labour", "labor";
# "centre", "center"), and the irregular past forms of verbs minutes use ("paid", "bought"),
# are made one before stemming: councils on both sides of the Atlantic write minutes.
_BRITISH = ((re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
            (re.compile(r"(?<=\w{2}[^h])our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
            (re.compile(r"(?<=\w{3})tre(s)?$"), r"ter\1"))
_SAME_WORD = {"programme": "program", "programmes": "programs", "licence": "license",
              "licences": "licenses", "defence": "defense", "offence": "offense",
              "paid": "pay", "bought": "buy", "held": "hold", "met": "meet", "sold": "sell",
              "spent": "spend", "took": "take", "taken": "take", "made": "make", "won": "win",
              "chose": "choose", "chosen": "choose", "began": "begin", "begun": "begin",
              "brought": "bring", "built": "build", "sent": "send", "lent": "lend",
              "lost": "lose", "rose": "rise", "risen": "rise", "fell": "fall",
              "fallen": "fall", "grew": "grow", "grown": "grow", "wrote": "write",
              "written": "write", "spoke": "speak", "spoken": "speak", "told": "tell",
              "sought": "seek", "led": "lead", "heard": "hear", "came": "come",
              "went": "go", "gone": "go", "found": "find", "knew": "know", "known": "know"}


@lru_cache(maxsize=65536)
def one_spelling(word: str) -> str:
    """The word in one spelling: 'authorised' -> 'authorized', 'paid' -> 'pay'."""
    if word in _SAME_WORD:
        return _SAME_WORD[word]
    for pattern, replacement in _BRITISH:
        word = pattern.sub(replacement, word)
    return word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, numbers kept whole ('4.82%', '170,000')."""
    return [t.lower().replace(",", "").replace("’", "'") for t in _TOKEN.findall(text)]


# Phrases that mean the same ("last half-year", "the six-month period"), as data a council
# can edit: a text using any phrase of a class also gets that class's token.
PACKAGED_PHRASES = Path(__file__).with_name("phrases.txt")
Phrases = tuple[tuple[str, ...], ...]


def read_phrases(path: Path = PACKAGED_PHRASES) -> Phrases:
    """The classes of a phrases file: one a line, phrases separated by '|', '#' comments.
    A line with fewer than two phrases raises an error naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the phrases file ({error})") from None
    classes = []
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        phrases = tuple(p.strip().lower() for p in line.split("|") if p.strip())
        if len(phrases) < 2:
            raise SettingsError(f"{path}:{number}: a class needs two or more phrases "
                                "separated by '|'")
        classes.append(phrases)
    return tuple(classes)


def _compiled(classes: Phrases) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I),
             "~" + re.sub(r"\W+", "_", phrases[0])) for phrases in classes]


_phrases: Phrases = ()
_equivalents: list[tuple[re.Pattern[str], str]] = []


def use_phrases(classes: Phrases) -> None:
    """Make `classes` the phrases every later call of `terms` knows (set at start-up)."""
    global _phrases, _equivalents
    _phrases, _equivalents = classes, _compiled(classes)


def analyzer_key() -> str:
    """Changes when the phrases in use change: what `terms` gives depends on them."""
    return hashlib.sha256(repr(_phrases).encode()).hexdigest()[:16]


use_phrases(read_phrases())


def terms(text: str) -> list[str]:
    """Stemmed content words, plus a token for each class of phrases the text uses."""
    words = (t.removesuffix("'s") for t in tokens(text))
    found = [stem(one_spelling(t)) for t in words if t not in STOPWORDS]
    found += [token for pattern, token in _equivalents if pattern.search(text)]
    return found


# A sentence ends at . ! ? or ; followed by space and an upper-case letter, digit, quote or
# bullet, unless the full stop belongs to an abbreviation or initial.
_ABBREVIATIONS = ("e.g", "i.e", "etc", "no", "nos", "para", "paras", "cllr", "mr", "mrs", "ms",
                  "dr", "st", "vs", "approx", "ref", "tel", "p", "pp", "am", "pm", "fig", "cf")
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9•\-])"  # full stop, then a capital
    r"|(?<=;)\s+"  # the clauses of a minute end in semicolons
    r"|\n\s*\n"  # a blank line
    r"|\n(?=[ \t]*(?:[-•*][ \t]|\(?[0-9a-z]{1,3}\)[ \t]|\d+(?:\.\d+)*[ \t]))"  # a list item
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, never cutting inside one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        before = text[start:end].rstrip()
        last_word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.split() else ""
        if before.endswith(".") and (
            last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())
        ):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
