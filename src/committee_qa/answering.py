"""Question + passages -> an Answer quoted from the papers with citations, or an abstention.

No language model: the answer is made of sentences copied from the retrieved passages,
so it can never state what the papers do not say. Each sentence is scored on how much of
the question it covers (rare words count most) and how close it is in meaning; when no
sentence covers the question well enough, the answer says the papers do not answer it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .abstention import AbstentionModel
from .asking import KIND_OF_ANSWER, answer_type, counted, kind_of_answer
from .marks import opens_item, records_decision, states_decision, without_marker
from .meanings import MEANING_CHARS, is_weighed, unpack
from .quoting import (
    Unit,
    decision_after,
    is_title_line,
    neighbours,
    quotable,
    quote_lines,
    units,
)
from .schema import Answer, AnswerSentence, Chunk, Citation, Decision, Passage
from .specifics import missing_specifics
from .structure import paragraph_at
from .text import terms

NOT_IN_PAPERS = "The papers do not answer this question."
# A decline says what to do next, in a councillor's words.
DECLINED = f"{NOT_IN_PAPERS} Try asking it another way, or change the filters."

_QUANTITY = re.compile(
    r"\b(how many|how much|number|percentage|per ?cent|proportion|rate|figure|total|"
    r"target|cost|budget|funding|when|date|year)\b", re.IGNORECASE)
# A question about what was decided: resolved, agreed, approved, granted ... ("What was
# the vote on ...?" asks for the tally, not the resolution: "vote" is not here, and every
# figure below is the same without it.) With the motions minutes record ("Motion made by
# ..., to approve ...", marks.py) and a case's heading line as its item's opening
# (marks.opens_item), 7 December: on the councils tuning half answer correct 73.7 ->
# 74.3%, states it 63.8 -> 63.9%, declines unanswerable 52.2 -> 53.0%, declines answerable
# 4.9 -> 4.7%; the samples unchanged; on the held-out half correct 82.9 -> 82.4% (one
# question), citation precision 74.0 -> 72.7%, states it and declines unchanged.
_ASKS_DECISION = re.compile(r"\b(resolv\w*|decid\w*|decision\w*|agree\w*|recommend\w*|"
                            r"outcome|approv\w*|adopt\w*|grant\w*|refus\w*|"
                            r"reject\w*)\b", re.IGNORECASE)
_ASKS_WHEN = re.compile(r"\bwhen\b", re.IGNORECASE)
_ASKS_LATEST = re.compile(r"\b(last|latest|most recent\w*|newest)\b", re.IGNORECASE)
_ASKS_DISCUSSION = re.compile(r"\b(discuss\w*|debat\w*|consider\w*|talk\w*)\b", re.I)
_FIGURE = re.compile(r"(?<![\w.])(?:£|\d)[\d,.]*\d*%?(?!\.\d)")  # 38, 4.82%, £170,000

EmbedTexts = Callable[[Sequence[str]], list[list[float]]]


@dataclass(frozen=True)
class AnswerPolicy:
    """The thresholds that decide what is said; set from `committee-qa eval` figures."""

    min_score: float = 0.2  # below this for the best sentence, abstain
    min_similarity: float = 0.25  # below this for the best passage's meaning, abstain
    min_coverage: float = 0.18  # share of the question's weighted words the best sentence has
    keep_ratio: float = 0.8  # further sentences must score this share of the best
    other_paper_ratio: float = 0.92  # ... and this share when they come from another paper
    max_sentences: int = 3
    max_citations: int = 3
    require_specifics: bool = True  # years, names and figures asked about must be there
    shortlist: int = 6  # sentences compared in meaning with the question (8: no better)
    meaning_weight: float = 0.4  # how much a sentence's closeness in meaning adds to its score
    # How a sentence is scored before its meaning is weighed (Answerer._candidates):
    coverage_weight: float = 0.6  # its share of the question's weighted words, so weighted
    rank_penalty: float = 0.02  # taken off for each place its passage ranks below the first
    heading_share: float = 0.5  # a question word in the passage's heading counts this much
    before_share: float = 0.33  # ... and one in the sentence just before it this much
    context_share: float = 0.5  # a word only of the conversation so far weighs this much
    gives_bonus: float = 0.05  # it gives the figure, person or date asked for
    decision_bonus: float = 0.3  # a resolution, when the question asks what was decided
    title_penalty: float = 0.15  # a title line names what a passage is about; it tells nothing
    full_coverage: float = 0.75  # without a fitted model: this coverage answers even when
    # the passages' meaning is far off (min_similarity)


@dataclass(frozen=True)
class _Candidate:
    passage: int
    offset: int  # where the sentence starts in its passage's text
    text: str
    coverage: float
    similarity: float
    score: float
    unit: int = 0  # its place among the passage's units
    weighed: int = 0  # its place among the passage's weighed units (meanings.is_weighed)


class Answerer:
    """Chooses the sentences of the passages that answer a question."""

    def __init__(self, idf: Callable[[str], float], embed: EmbedTexts | None = None,
                 policy: AnswerPolicy = AnswerPolicy(),
                 abstention: AbstentionModel | None = None) -> None:
        """`abstention`: the fitted model that decides when to decline; without one, the
        policy's floors do."""
        self.idf, self.embed, self.policy = idf, embed, policy
        self.abstention = abstention

    def answer(self, question: str, passages: Sequence[Passage], context: str = "",
               question_vector: Sequence[float] | None = None) -> Answer:
        """Answer `question` from `passages`; `context` is the conversation so far, and
        `question_vector` the question's embedding when retrieval has made it already."""
        if not passages:
            return _abstain(question, "No papers match this question. Try other words, or ask "
                                      "the team that runs this service to add the papers you "
                                      "need.")
        weights = self._weights(question, context)
        if not weights:
            return _abstain(question, DECLINED)
        # Only papers that give every year and name the question asks about can answer it.
        usable = set(range(len(passages)))
        if self.policy.require_specifics:
            missing = {n: missing_specifics(question, p, passages)
                       for n, p in enumerate(passages)}
            usable = {n for n, words in missing.items() if not words}
            if not usable:
                return _abstain(question, f"{NOT_IN_PAPERS[:-1]}: the passages closest to it "
                                          f"do not mention {', '.join(missing[0])}. Check the "
                                          "spelling, or ask about something the papers cover.")
        kind = kind_of_answer(question)
        asked = answer_type(question)
        candidates = self._candidates(question, passages, weights, question_vector, usable,
                                      asked)
        if not candidates:
            return _abstain(question, DECLINED)
        # A question that asks for a figure, a date or a person is answered by a sentence
        # that gives one, or not at all.
        if asked is not None:
            # "When did the committee last discuss ...?": the meeting's own date answers.
            by_meeting = kind in ("date", "day") and bool(
                _ASKS_DISCUSSION.search(question) or _ASKS_DECISION.search(question))
            typed = [c for c in candidates if asked.search(c.text) or (
                by_meeting and passages[c.passage].chunk.meeting_date)]
            # "How many votes ...?" is answered by a count of votes, not of something else;
            # "What bank balance ...?" by a balance.
            thing = counted(question) if kind in ("count", "amount") else ""
            things = set(terms(thing))
            if things:
                typed = [c for c in typed if things & self._about(c, passages)]
            if not typed:
                wanted = (KIND_OF_ANSWER[kind or ""] if not things else
                          f"number of {thing}" if kind == "count" else thing)
                return _abstain(question, f"{NOT_IN_PAPERS[:-1]}: the passages closest to it "
                                          f"give no {wanted}. Try asking it another way.")
            candidates = typed + [c for c in candidates if c not in typed]
        signals = self._signals(question, passages, weights, candidates, usable)
        best = candidates[0]
        if self.abstention is not None:
            declines = self.abstention.declines(signals)
        else:  # no fitted model: the hand-set floors
            known = [p.dense_similarity for p in passages if p.dense_similarity is not None]
            declines = best.score < self.policy.min_score or (
                best.coverage < self.policy.min_coverage) or (
                max(known, default=1.0) < self.policy.min_similarity and (
                    best.coverage < self.policy.full_coverage))
        pairs = tuple(sorted(signals.items()))
        if declines:
            return replace(_abstain(question, DECLINED), signals=pairs)
        return replace(self._compose(question, passages, candidates, weights), signals=pairs)

    @staticmethod
    def _about(candidate: _Candidate, passages: Sequence[Passage]) -> set[str]:
        """The words a sentence is read with: its own, its heading's and the sentence's
        before it (what it counts may be named there: "Of the applicants, 38 were ...")."""
        chunk = passages[candidate.passage].chunk
        found = units(chunk.text)
        before = found[candidate.unit - 1].text if 0 < candidate.unit < len(found) else ""
        return set(terms(f"{candidate.text} {before} {chunk.heading}"))

    def _signals(self, question: str, passages: Sequence[Passage], weights: dict[str, float],
                 candidates: list[_Candidate], usable: set[int]) -> dict[str, float]:
        """What the abstention model weighs (see abstention.FEATURES)."""
        best = candidates[0]
        chunk = passages[best.passage].chunk  # the passage quoted first
        total = sum(weights.values())
        own = set(terms(f"{chunk.text} {chunk.heading} {chunk.meeting_words}"))
        # The question's words that do not name the paper's meeting or heading: its point.
        context = set(terms(f"{chunk.meeting_words} {chunk.heading}"))
        point = {t: w for t, w in weights.items() if t not in context}
        words = set(terms(best.text))
        top = max(point, key=lambda t: point[t]) if point else None
        return {
            "coverage": best.coverage, "score": best.score,
            "margin": best.score - (candidates[1].score if len(candidates) > 1 else 0.0),
            "similarity": best.similarity,
            "point_coverage": sum(w for t, w in point.items() if t in words) / (
                sum(point.values()) or 1.0),
            "passage_rank": float(best.passage),
            "rarest_word": float(top is None or top in words),
            "passage_uncovered": sum(w for t, w in weights.items() if t not in own) / total,
            "specifics_missing": 1 - len(usable) / len(passages),
        }

    def _weights(self, question: str, context: str) -> dict[str, float]:
        weights = {t: self.idf(t) for t in terms(question)}
        for t in terms(context):
            weights.setdefault(t, self.policy.context_share * self.idf(t))
        return {t: w for t, w in weights.items() if w > 0}

    def _candidates(self, question: str, passages: Sequence[Passage],
                    weights: dict[str, float],
                    question_vector: Sequence[float] | None = None,
                    usable: set[int] | None = None,
                    asked: re.Pattern[str] | None = None) -> list[_Candidate]:
        """The sentences of the usable passages, best first; `asked` is what a sentence
        must give to answer (asking.answer_type)."""
        policy = self.policy
        total = sum(weights.values())
        wants_figure = bool(_QUANTITY.search(question))
        wants_decision = bool(_ASKS_DECISION.search(question))
        # Figure questions have their own bonus below; the others get one for giving what
        # is asked (a person, a date).
        bonus_for = None if wants_figure and not _ASKS_WHEN.search(question) else asked
        found: list[_Candidate] = []
        split: dict[int, list[Unit]] = {}  # each passage's sentences, split once

        def sentences_of(n: int) -> list[Unit]:
            if n not in split:
                split[n] = units(passages[n].chunk.text)
            return split[n]

        # A passage goes on with the item the passage before it in its paper opened, when
        # that one was found too: its words carry over.
        by_place = {(p.chunk.doc_id, p.chunk.index): n for n, p in enumerate(passages)}
        opened: dict[int, list[str]] = {}  # each passage's weighed sentences' openings
        for n, passage in enumerate(passages):
            if usable is not None and n not in usable:
                continue
            heading_terms = set(terms(passage.chunk.heading))
            # Words naming the paper's meeting (council, committee, date, title) pick the
            # paper, not the sentence: every sentence of the paper has them.
            context_terms = set(terms(passage.chunk.meeting_words))
            found_units = sentences_of(n)
            unit_terms = [set(terms(u.text)) for u in found_units]
            opened[n] = []
            # the words opening the item the sentence is in (marks.opens_item)
            before_n = by_place.get((passage.chunk.doc_id, passage.chunk.index - 1))
            item = set() if before_n is None else _last_item(passages[before_n].chunk.text,
                                                             sentences_of(before_n))
            for i, (unit, words) in enumerate(zip(found_units, unit_terms)):
                offset, sentence = unit.start, unit.text
                opens = opens_item(passage.chunk.text, offset)
                if opens:
                    item = words
                if not is_weighed(unit):
                    continue
                weighed = len(opened[n])
                opened[n].append(sentence[:MEANING_CHARS])
                # Words of the heading count for half, and of the sentence just before for a
                # third: they say what the sentence is about ("RESOLVED to thank..." under
                # "15 EDUCATION TRUST"; "38 ... were recruited" after "During the six-month
                # period ...").
                before = unit_terms[i - 1] if i else set()
                covered = 0.0
                for term, weight in weights.items():
                    if term in words or term in context_terms:
                        covered += weight
                    elif term in heading_terms:
                        covered += policy.heading_share * weight
                    elif term in before or (term in item and not opens):
                        # ... and so do the words opening its item ("3. 120 Hemlock Drive –
                        # Request for Minor Modification ..." over "Motion made by ... to
                        # approve the changes ...")
                        covered += policy.before_share * weight
                coverage = covered / total
                score = policy.coverage_weight * coverage - policy.rank_penalty * n
                if wants_figure and _FIGURE.search(without_marker(sentence)):
                    score += policy.gives_bonus
                if bonus_for is not None and bonus_for.search(sentence):
                    score += policy.gives_bonus  # it gives what is asked: a person, a date
                if wants_decision and states_decision(sentence):
                    score += policy.decision_bonus  # resolutions answer "what was decided"
                if is_title_line(sentence):
                    score -= policy.title_penalty
                found.append(_Candidate(n, offset, sentence, coverage, 0.0, score, i, weighed))
        # Meaning is weighed for the most promising sentences only: for a passage stored
        # without its sentences' vectors (meanings.py), it costs a model call.
        found.sort(key=lambda c: -c.score)
        shortlist = found[: self.policy.shortlist]
        if asked is not None and not any(asked.search(c.text) for c in shortlist):
            # none gives what is asked: the best two that do are weighed too
            shortlist += [c for c in found[self.policy.shortlist:] if asked.search(c.text)][:2]
        similarities = self._similarities(question, shortlist, passages, opened,
                                          question_vector)
        rescored = [
            replace(c, similarity=s, score=c.score + self.policy.meaning_weight * max(s, 0.0))
            for c, s in zip(shortlist, similarities)
        ]
        rescored.sort(key=lambda c: -c.score)
        return rescored

    def _similarities(self, question: str, shortlist: Sequence[_Candidate],
                      passages: Sequence[Passage], opened: dict[int, list[str]],
                      question_vector: Sequence[float] | None) -> list[float]:
        """Each sentence's closeness in meaning to the question: from the vectors stored
        with its passage (meanings.py) for the openings `opened` of its weighed sentences,
        or from the model for a passage stored without them; the opening of a sentence
        carries its meaning (meanings.MEANING_CHARS)."""
        if not shortlist or (self.embed is None and question_vector is None):
            return [0.0] * len(shortlist)
        if question_vector is None:
            assert self.embed is not None
            question_vector = self.embed([question])[0]
        q = np.asarray(question_vector, dtype=np.float32)
        stored = {n: unpack(opened[n], passages[n].chunk.meanings, len(q))
                  for n in {c.passage for c in shortlist}}
        missing = [c.text[:MEANING_CHARS] for c in shortlist if stored[c.passage] is None]
        made = iter(self.embed(missing) if missing and self.embed is not None else [])
        found = []
        for c in shortlist:
            rows = stored[c.passage]
            vector = rows[c.weighed] if rows is not None else next(made, None)
            found.append(0.0 if vector is None else float(np.dot(vector, q)))
        return found

    def _compose(self, question: str, passages: Sequence[Passage],
                 candidates: list[_Candidate], weights: dict[str, float]) -> Answer:
        best = candidates[0].score
        if _ASKS_LATEST.search(question):
            candidates = _newest_first(question, passages, candidates,
                                       self.policy.keep_ratio * best)
        wants_figure = bool(_QUANTITY.search(question))
        chosen = [candidates[0]]
        first_chunk = passages[candidates[0].passage].chunk
        first_paper, first_item = first_chunk.doc_id, (first_chunk.doc_id, first_chunk.item)
        first_decision = bool(states_decision(candidates[0].text))
        for candidate in candidates[1:]:
            if len(chosen) == self.policy.max_sentences:
                break
            cited = {c.passage for c in chosen}
            if candidate.score < self.policy.keep_ratio * best:
                break
            chunk = passages[candidate.passage].chunk
            if first_decision and states_decision(candidate.text) and (
                    chunk.doc_id, chunk.item) != first_item:
                continue  # another minute's resolution does not answer for this one
            other_paper = passages[candidate.passage].chunk.doc_id != first_paper
            # Another paper's sentence must be nearly as good to be added, unless it gives
            # a figure from a newer meeting: a councillor must not miss the newer figure.
            newer = wants_figure and chunk.meeting_date > first_chunk.meeting_date and bool(
                _FIGURE.search(without_marker(candidate.text)))
            if other_paper and not newer and (
                    candidate.score < self.policy.other_paper_ratio * best):
                continue
            if candidate.passage not in cited and len(cited) == self.policy.max_citations:
                continue
            if any(candidate.text in c.text or c.text in candidate.text for c in chosen):
                continue
            chosen.append(candidate)
        dates = {passages[c.passage].chunk.meeting_date for c in chosen}
        if len(dates) > 1 and wants_figure:  # figures of different meetings: newest first
            chosen.sort(key=lambda c: passages[c.passage].chunk.meeting_date, reverse=True)
        numbers: dict[int, int] = {}
        for c in chosen:
            numbers.setdefault(c.passage, len(numbers) + 1)
        first_quoted = {}
        for c in reversed(chosen):
            first_quoted[c.passage] = c
        citations = tuple(
            citation_of(n, passages[p], first_quoted[p])
            for p, n in sorted(numbers.items(), key=lambda kv: kv[1])
        )
        sentences = _with_neighbours(chosen, passages, numbers, weights,
                                     bool(_ASKS_DECISION.search(question)))
        dated = len(dates) > 1 or bool(_ASKS_WHEN.search(question)) and any(dates)
        return Answer(question, sentences, citations, abstained=False, dated=dated)


def _last_item(text: str, found: Sequence[Unit]) -> set[str]:
    """The words opening the last item of a passage (marks.opens_item; none if none),
    whose sentences are `found`."""
    for i in range(len(found) - 1, -1, -1):
        if opens_item(text, found[i].start):
            # "3." may stand alone: the words come with the unit after it
            words = set(terms(found[i].text))
            return words or (set(terms(found[i + 1].text)) if i + 1 < len(found) else set())
    return set()


def _with_neighbours(chosen: Sequence[_Candidate], passages: Sequence[Passage],
                     numbers: dict[int, int], weights: dict[str, float],
                     wants_decision: bool = False) -> tuple[AnswerSentence, ...]:
    """The chosen sentences, each with the neighbours it needs to carry its point
    (quoting.neighbours), every one once, in the order of the passage; asked what was
    decided, a sentence that records no decision takes the one after it that does."""
    def weigh(text: str) -> dict[str, float]:
        return {t: weights[t] for t in set(terms(text)) if t in weights}

    sentences: list[AnswerSentence] = []
    quoted: set[tuple[int, int]] = set()
    for c in chosen:
        text = passages[c.passage].chunk.text
        found = units(text)
        before, after = neighbours(text, found, c.unit, weigh)
        if wants_decision and not any(records_decision(t) for t in
                                      [c.text, *(u.text for u in [*before, *after])]):
            after = [*after, *decision_after(found, c.unit + len(after))]
        run = [*before, None, *after]  # None: the chosen sentence itself
        for unit in run:
            key = (c.passage, c.offset if unit is None else unit.start)
            if key in quoted:
                continue
            quoted.add(key)
            sentences.append(AnswerSentence(c.text if unit is None else unit.text,
                                            numbers[c.passage]))
    return tuple(sentences)


def _newest_first(question: str, passages: Sequence[Passage], candidates: list[_Candidate],
                  floor: float) -> list[_Candidate]:
    """For 'when did the committee last ...': the strong candidates from the newest meeting
    first; a discussion is looked for in minutes, the record of what was discussed."""
    strong = [c for c in candidates if c.score >= floor]
    discussion = bool(_ASKS_DISCUSSION.search(question))

    def recency(c: _Candidate) -> tuple[bool, str]:
        chunk = passages[c.passage].chunk
        return (not discussion or chunk.doc_type == "minutes", chunk.meeting_date)

    strong.sort(key=recency, reverse=True)  # stable: equal dates keep their scores' order
    return strong + [c for c in candidates if c.score < floor]


def answer_from_register(question: str, found: Sequence[tuple[Decision, Chunk]],
                         limit: int = 10) -> Answer:
    """'What was decided in July 2017?': each resolution of the register, quoted from its
    minute and cited; the newest meeting first, each sentence under its meeting."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for decision, chunk in found[:limit]:
        quote = quote_lines(quotable(chunk.text), decision.text.split("\n"))
        if not quote:
            continue
        if chunk.chunk_id not in numbers:
            numbers[chunk.chunk_id] = len(numbers) + 1
            citations.append(replace(citation_of(numbers[chunk.chunk_id], Passage(chunk, 1.0)),
                                     paragraph=""))
        sentences.append(AnswerSentence(quote, numbers[chunk.chunk_id]))
    if not sentences:
        return _abstain(question, DECLINED)
    return Answer(question, tuple(sentences), tuple(citations), abstained=False, dated=True)


def idf_from(document_frequency: dict[str, int], documents: int) -> Callable[[str], float]:
    """BM25's inverse document frequency; a word the papers never use weighs as the rarest."""
    def idf(term: str) -> float:
        df = document_frequency.get(term, 0)
        return math.log(1 + (documents - df + 0.5) / (df + 0.5))
    return idf


def citation_of(n: int, passage: Passage, quoted: _Candidate | None = None) -> Citation:
    """The citation of a passage; its paragraph is that of the sentence quoted from it."""
    chunk = passage.chunk
    paragraph = chunk.paragraph
    if quoted is not None:
        # A resolution is the minute's own; a point quoted mid-passage is that point.
        paragraph = "" if states_decision(quoted.text) else (
            paragraph_at(chunk.text, quoted.offset) or chunk.paragraph)
    return Citation(n=n, source=chunk.source, title=chunk.title, page=chunk.page,
                    heading=chunk.heading, text=chunk.text.strip(), score=round(passage.score, 4),
                    start=chunk.start, end=chunk.end, doc_type=chunk.doc_type,
                    council=chunk.council, committee=chunk.committee,
                    meeting_date=chunk.meeting_date, item=chunk.item,
                    item_title=chunk.item_title, paragraph=paragraph,
                    doc_id=chunk.doc_id)


def _abstain(question: str, reason: str) -> Answer:
    return Answer(question, (), (), abstained=True, reason=reason)
