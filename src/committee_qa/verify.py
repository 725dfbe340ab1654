"""A language model's answer -> only the sentences the passages they cite support. Pure.

Every generated sentence must cite a passage it was given ("[2]"), and be backed by one
sentence of a cited passage: the figures, years, months and names it states are there
(£170k is £170,000; 2019/20 covers 2019), most of its content words are there in some
form (stemmed: "recruited" is "recruitment"'s kin), and it is close to that sentence in
meaning. A passage's sentences that address the model ("ignore all previous instructions")
are no units of it (quoting.units), so they back nothing: a paper is evidence, never an
instruction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .answering import citation_of
from .meeting import MONTHS
from .quoting import units
from .schema import Answer, AnswerSentence, Passage
from .specifics import missing_specifics
from .text import split_sentences, terms

EmbedTexts = Callable[[Sequence[str]], list[list[float]]]

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")
# A figure as written: £170,000, £170k, 1.2m, 4.82%, 38; a million is a million either way.
_NUMBER = re.compile(r"(?<![\w.])[£$€]?\s?(\d[\d,]*(?:\.\d+)?)\s?(%|k\b|m\b|bn\b|million\b|"
                     r"billion\b|thousand\b)?", re.I)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_SCALE_TERMS = frozenset(terms(" ".join(_SCALE)))
NOT_ANSWERED = "The papers do not answer this question."


@dataclass(frozen=True)
class VerifyPolicy:
    """How closely a generated sentence must follow the sentence that backs it."""

    min_words_found: float = 0.8  # share of its content words the backing sentence has
    min_similarity: float = 0.5  # closeness in meaning to the backing sentence (cosine)


@dataclass(frozen=True)
class Checked:
    """A generated sentence, its citations and whether the papers back it (and if not, why)."""

    text: str
    citations: tuple[int, ...]
    verified: bool
    reason: str = ""


def claims(generated: str) -> list[tuple[str, tuple[int, ...]]]:
    """The model's sentences, each without its markers and with the passage numbers it
    cites: 'It rose to 38 [1][2].' -> ('It rose to 38.', (1, 2))."""
    text = _MARKERS_AFTER_STOP.sub(lambda m: m[2] + m[1], generated.strip())
    found = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        numbers = tuple(dict.fromkeys(int(n) for group in _MARKERS.findall(sentence)
                                      for n in re.split(r"\s*[,;]\s*", group)))
        plain = " ".join(_MARKERS.sub("", sentence).split())
        if plain:
            found.append((plain, numbers))
    return found


def figures(text: str) -> set[float]:
    """The numbers `text` states, scaled: '£170k' and '£170,000' are both 170000."""
    values = set()
    for match in _NUMBER.finditer(text):
        value = float(match[1].replace(",", ""))
        unit = (match[2] or "").lower()
        values.add(round(value * _SCALE.get(unit, 1.0), 6))
    return values


def check(claim: str, cited: tuple[int, ...], passages: Sequence[Passage],
          embed: EmbedTexts | None, policy: VerifyPolicy = VerifyPolicy()) -> Checked:
    """Whether the passages numbered `cited` (from 1) back `claim`."""
    if not cited:
        return Checked(claim, cited, False, "it cites no passage")
    if any(not 1 <= n <= len(passages) for n in cited):
        return Checked(claim, cited, False, "it cites a passage it was not given")
    sources = [passages[n - 1] for n in cited]
    if missing_specifics(claim, sources[0], sources):  # names and years, paper-wide
        return Checked(claim, cited, False, "a name or year it states is not in its source")
    words = {t for t in terms(claim)  # figures are checked as figures, below
             if not any(ch.isdigit() for ch in t) and t not in _SCALE_TERMS}
    stated = figures(claim)
    # A month is a date when a day or year is beside it ("May 2020"; not "it may rise").
    months = [m for m in MONTHS if re.search(rf"\d\w*\s+{m}\b|\b{m}\s+\d", claim, re.I)]
    backing = []
    for passage in sources:
        # The meeting's council, committee, date and the heading back a sentence too: the
        # model was told them ("At the 10 February 2020 meeting ...").
        meeting = f"{passage.chunk.meeting_words} {passage.chunk.heading}"
        said = [u.text for u in units(passage.chunk.text)]
        for i, sentence in enumerate(said):
            # with the sentence before it, which often carries the subject or the period
            # ("During the six-month period ..." + "38 ... were recruited")
            sentence = " ".join(said[max(0, i - 1): i + 1])
            context = f"{sentence} {meeting}"
            if not stated <= figures(context):
                continue
            if any(not re.search(rf"\b{m}\b", context, re.I) for m in months):
                continue
            own = set(terms(context))
            if words and len(words & own) / len(words) < policy.min_words_found:
                continue
            backing.append(sentence)
    if not backing:
        return Checked(claim, cited, False, "no sentence of its source states it")
    if embed is not None:
        claim_vector, *vectors = embed([claim, *backing])
        closest = max(sum(a * b for a, b in zip(claim_vector, v)) for v in vectors)
        if closest < policy.min_similarity:
            return Checked(claim, cited, False, "its meaning is not that of its source")
    return Checked(claim, cited, True)


def verified(generated: str, passages: Sequence[Passage], embed: EmbedTexts | None,
             policy: VerifyPolicy = VerifyPolicy()) -> list[Checked]:
    """Every sentence of the model's answer, checked against the passages it cites."""
    return [check(claim, cited, passages, embed, policy) for claim, cited in claims(generated)]


def declines(generated: str) -> bool:
    """The model said the papers do not answer."""
    return NOT_ANSWERED.lower().rstrip(".") in " ".join(generated.lower().split())


def written_answer(question: str, generated: str, passages: Sequence[Passage],
                   quoted: Answer, embed: EmbedTexts | None,
                   policy: VerifyPolicy = VerifyPolicy()) -> Answer:
    """The model's answer as shown: its verified sentences, cited and renumbered, with the
    others listed as dropped; or, when it lost its point (nothing verified, or the
    question's names and years unsupported), the `quoted` answer with a note saying so."""
    if declines(generated):
        return replace(quoted, note="The language model found no answer in these passages; "
                                    "the answer below is quoted from the papers.")
    checked = verified(generated, passages, embed, policy)
    kept = [c for c in checked if c.verified]
    cited = list(dict.fromkeys(n for c in kept for n in c.citations))
    found = [passages[n - 1] for n in cited]
    if not kept or missing_specifics(question, found[0], found):
        return replace(quoted, dropped=tuple(c.text for c in checked if not c.verified),
                       note="The language model's answer could not be checked "
                                    "against the papers; the answer below is quoted from the "
                                    "papers.")
    number = {n: i for i, n in enumerate(cited, start=1)}
    sentences = tuple(AnswerSentence(c.text, number[c.citations[0]],
                                     also=tuple(number[n] for n in c.citations[1:]))
                      for c in kept)
    citations = tuple(citation_of(number[n], passages[n - 1]) for n in cited)
    return Answer(question, sentences, citations, abstained=False, mode="llm",
                  dropped=tuple(c.text for c in checked if not c.verified),
                  signals=quoted.signals)
