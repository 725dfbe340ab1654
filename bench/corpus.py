"""A made-up corpus of committee papers for the benchmark: councils, committees and ten
years of meetings, as text and PDF, with the facts each paper states kept as questions.

Paper n of seed s is always the same paper, whatever the size of the corpus asked for, so
a small corpus is the start of a larger one. The papers carry the signals of councils'
templates that `committee_qa.structure` reads (agenda "Date:" header and item table,
"MINUTES of the meeting held ... on <date>", numbered minutes with lettered points,
"RESOLVED to:" with numbered parts, reports under a committee/date/title block with
"REPORT OF ..." and numbered paragraphs, a contact section, attached papers). The councils,
people and figures are invented.

    python bench/corpus.py OUT_DIR --papers 50 [--seed 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from topics import (  # noqa: E402
    COMMITTEES,
    GENERAL_PROSE,
    ROLES,
    SHARED_SUBJECTS,
    Committee,
    Subject,
    extra_slots,
    fill_slots,
    person,
)

COUNCILS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Barsetshire County Council", ("Barchester", "Hogglestock", "Silverbridge", "Plumstead")),
    ("Casterbridge City Council", ("Casterbridge", "Durnover", "Mellstock", "Weatherbury")),
    ("Middlemarch Borough Council", ("Middlemarch", "Lowick", "Tipton", "Freshitt")),
    ("Eatanswill District Council", ("Eatanswill", "Dingley Dell", "Muggleton", "Bury Fields")),
    ("Coketown Metropolitan Borough Council", ("Coketown", "Stone Lodge", "Pegler", "Sleary")),
    ("Loamshire County Council", ("Hayslope", "Treddleston", "Oakbourne", "Snowfield")),
    ("Cranford Borough Council", ("Cranford", "Drumble", "Hanbury", "Woodley")),
    ("Wessex Vale District Council", ("Sherton Abbas", "Kingsbere", "Shaston", "Stourcastle")),
    ("Kingsmarkham District Council", ("Kingsmarkham", "Stowerton", "Pomfret", "Kenbourne")),
    ("Mudfog City Council", ("Mudfog", "Southbank", "Gallowgate", "Crossway")),
    ("Westmorland Dales Council", ("Appleby Magna", "Kirkby Thore", "Dufton", "Brough Sowerby")),
    ("Thornfield Borough Council", ("Thornfield", "Millcote", "Lowton", "Morton")),
)
KINDS = (("pack", 0.6), ("minutes", 0.25), ("report", 0.15))
FIRST_DAY, DAYS = date(2015, 1, 5), 3650  # meetings from January 2015, over ten years
PDF_SHARE = 0.1  # one paper in ten is a PDF
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Fact:
    """A question the generator knows the answer to, and where the paper states it."""

    question: str
    answer: str  # the figure or name, exactly as the paper writes it
    source: str  # the paper's file name
    council: str
    committee: str
    keyword: str  # the committee as a person would type it as a filter
    meeting_date: str  # ISO: the meeting the passage belongs to (for minutes, the one held)
    doc_type: str  # minutes | report


@dataclass(frozen=True)
class GeneratedPaper:
    """One paper of the corpus: its text, its format and what it states."""

    name: str
    kind: str  # pack | minutes | report
    text: str
    council: str
    committee: str
    meeting_date: str
    facts: tuple[Fact, ...]
    resolutions: int  # RESOLVED blocks in the minutes

    @property
    def suffix(self) -> str:
        return self.name.rsplit(".", 1)[1]


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


class _Writer:
    """Writes the documents of one paper from its random stream."""

    def __init__(self, rng: random.Random, council: str, towns: tuple[str, ...],
                 committee: Committee, day: date, source: str) -> None:
        self.rng, self.council, self.towns = rng, council, towns
        self.committee, self.day, self.source = committee, day, source
        self.facts: list[Fact] = []
        self.resolutions = 0

    def slots(self, year: int) -> dict[str, str]:
        values = extra_slots(self.rng, fill_slots(self.rng, self.towns, year), year)
        values["council"], values["committee"] = self.council, self.committee.name
        return values

    def prose(self, subject: Subject, slots: dict[str, str], count: int) -> list[str]:
        pool = list(subject.prose) + self.rng.sample(GENERAL_PROSE, min(count, len(GENERAL_PROSE)))
        self.rng.shuffle(pool)
        return [s.format(**slots) for s in pool[:count]]

    def stated(self, subject: Subject, slots: dict[str, str], held: date,
               doc_type: str) -> list[str]:
        """The fact sentences of a subject, each recorded with its question."""
        sentences = []
        for template in subject.facts:
            sentences.append(template.sentence.format(**slots))
            self.facts.append(Fact(
                question=template.question.format(**slots), answer=slots[template.answer],
                source=self.source, council=self.council, committee=self.committee.name,
                keyword=self.committee.keyword, meeting_date=held.isoformat(),
                doc_type=doc_type))
        return sentences

    # -- the documents -------------------------------------------------------------------

    def agenda(self, titles: list[str], previous: date) -> str:
        rng = self.rng
        rows = ["| 1 | APOLOGIES FOR ABSENCE | |", "| 2 | DECLARATIONS OF INTERESTS | |",
                "| 3 | MINUTES | 3 - 10 |",
                f"| | To confirm the minutes of the last meeting held on {long_date(previous)} | |"]
        page = 11
        for number, title in enumerate(titles, start=4):
            length = rng.randint(4, 12)
            rows.append(f"| {number} | {title} | {page} - {page + length - 1} |")
            page += length
        return "\n".join([
            self.council.upper(), self.committee.name.upper(), "",
            f"Date: {self.day.strftime('%A')}, {long_date(self.day)}", "",
            f"Time: {rng.choice(('10.00 am', '2.00 pm', '5.30 pm', '6.00 pm'))}", "",
            f"Place: Council Chamber - {self.towns[0]} Civic Centre, {rng.choice(self.towns)}", "",
            "Councillors are requested to attend the above meeting to transact the following "
            "business", "", rng.choice(ROLES[-3:]), "",
            f"Governance Officer: {person(rng)} Direct Dial: 01632 {rng.randint(100000, 999999)}",
            "", "| | | |", "|---|---|---|", *rows, "",
            "IF YOU NEED ANY ADVICE ON DECLARING AN INTEREST IN ANY ITEM ON THE AGENDA, PLEASE "
            "CONTACT THE GOVERNANCE OFFICER SHOWN ABOVE, IF POSSIBLE BEFORE THE DAY OF THE "
            "MEETING", "",
            "CITIZENS ATTENDING MEETINGS ARE ASKED TO ARRIVE AT LEAST 15 MINUTES BEFORE THE "
            "START OF THE MEETING TO BE ISSUED WITH VISITOR BADGES", ""])

    def minutes(self, held: date, subjects: list[Subject]) -> str:
        rng = self.rng
        members = [person(rng) for _ in range(rng.randint(6, 10))]
        first = rng.randint(1, 60)
        lines = [self.council.upper(), "", self.committee.name.upper(), "",
                 f"MINUTES of the meeting held at {self.towns[0]} Civic Centre on "
                 f"{long_date(held)} from 2.00 pm - {rng.randint(3, 5)}.{rng.randint(10, 55)} pm",
                 "", "Present", "", f"Councillor {members[0]} (Chair)",
                 *[f"Councillor {m}" for m in members[1:]], "",
                 "Colleagues, partners and others in attendance:", "",
                 *[f"{person(rng)} - {rng.choice(ROLES)}" for _ in range(rng.randint(2, 5))], "",
                 f"{first} APOLOGIES FOR ABSENCE", "",
                 f"Councillor {person(rng)} - Other Council Business", "",
                 f"{first + 1} DECLARATIONS OF INTERESTS", "", "None", "",
                 f"{first + 2} MINUTES", "",
                 f"The minutes of the meeting held on {long_date(held - timedelta(days=42))} "
                 "were confirmed as a correct record and signed by the Chair.", ""]
        for number, subject in enumerate(subjects, start=first + 3):
            slots = self.slots(held.year)
            lines += [f"{number} {subject.title.format(**slots)}", ""]
            lines += [f"{slots['officer']}, {slots['role']}, introduced the report. The "
                      "following points were highlighted:", ""]
            points = self.stated(subject, slots, held, "minutes") + self.prose(
                subject, slots, rng.randint(9, 16))
            rng.shuffle(points)
            split = rng.randint(2, len(points) - 1)
            for i, point in enumerate(points):
                if i == split:
                    lines += ["", "Following questions from the Committee the following points "
                              "were made:", ""]
                lines.append(f"- ({_letter(i)}) {point.rstrip('.')};")
            lines.append("")
            parts = [p.format(**slots) for p in subject.resolved]
            if rng.random() < 0.75:
                lines += ["RESOLVED to:", ""] + [
                    f"- ({n}) {p}{';' if n < len(parts) else '.'}"
                    for n, p in enumerate(parts, start=1)]
            else:
                lines.append(f"RESOLVED to {parts[0]}.")
            self.resolutions += 1
            lines.append("")
        return "\n".join(lines)

    def report(self, subject: Subject, with_council: bool) -> tuple[str, str]:
        """A report under its committee/date/title block, and its title."""
        rng = self.rng
        slots = self.slots(self.day.year)
        title = subject.title.format(**slots)
        author = rng.choice(ROLES)
        facts = self.stated(subject, slots, self.day, "report")
        body = self.prose(subject, slots, rng.randint(16, 24))
        contact = person(rng)
        sections: list[tuple[str, list[str]]] = [
            ("Purpose", [f"To inform the Committee of {title.lower()} and to seek its views on "
                         "the actions proposed."]),
            ("Recommendations", ["The Committee is asked to " + "; and to ".join(
                p.format(**slots) for p in subject.resolved) + "."]),
            ("Background information", body[:4]),
            ("Current position", facts + body[4:11]),
            ("Options considered", body[11:14] or ["No other options were considered."]),
            ("Financial implications", body[14:] or [GENERAL_PROSE[4].format(**slots)]),
            ("Legal implications", [GENERAL_PROSE[12].format(**slots)]),
            ("Equality implications", [GENERAL_PROSE[5].format(**slots)]),
            ("Background papers, other than published works", ["None"]),
            ("Wards affected", [rng.choice(("All", slots["town"], slots["town2"]))]),
        ]
        # A report sent on its own names its council above the block and its agenda item
        # below it (the block itself is what the product pulls back from "REPORT OF").
        lines = ([self.council.upper(), ""] if with_council else []) + [
            self.committee.name.upper(), long_date(self.day).upper(), title,
            f"REPORT OF {author.upper()}", ""] + (
            [f"Agenda Item: {rng.randint(4, 9)}", ""] if with_council else [])
        for number, (heading, paragraphs) in enumerate(sections, start=1):
            lines += [f"{number} {heading}", ""]
            lines += [f"- {number}.{n} {p}" for n, p in enumerate(paragraphs, start=1)]
            lines.append("")
        lines += [f"{len(sections) + 1} Contact information", "",
                  f"{len(sections) + 1}.1 {contact}, {author}",
                  f"Tel: 01632 {rng.randint(100000, 999999)}",
                  f"Email: {contact.lower().replace(' ', '.')}@example.gov.uk", ""]
        if rng.random() < 0.5:  # an attached paper: the appendix
            lines += [f"Appendix 1 - {title.title()}", "", f"Performance summary, {self.day.year}",
                      ""]
            for paragraph in self.prose(subject, self.slots(self.day.year), rng.randint(4, 8)):
                lines += [paragraph, ""]
        return "\n".join(lines), title


def _letter(i: int) -> str:
    return _LETTERS[i] if i < 26 else _LETTERS[i // 26 - 1] + _LETTERS[i % 26]


def make_paper(seed: int, number: int) -> GeneratedPaper:
    """Paper `number` of the corpus of `seed`: the same paper every time."""
    rng = random.Random(f"committee-qa-bench:{seed}:{number}")
    council, towns = rng.choice(COUNCILS)
    committee = rng.choice(COMMITTEES)
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    day -= timedelta(days=max(0, day.weekday() - 3))  # meetings fall Monday to Thursday
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    suffix = "pdf" if rng.random() < PDF_SHARE else "txt"
    slug = "-".join(council.lower().split()[:-1]) + "-" + committee.keyword.lower()
    name = f"{slug}-{day.isoformat()}-{kind}-{number:05d}.{suffix}"
    writer = _Writer(rng, council, towns, committee, day, name)
    previous = day - timedelta(days=rng.choice((35, 42, 49, 56)))
    if kind == "minutes":
        text = writer.minutes(day, _subjects(rng, committee, rng.randint(3, 6)))
    elif kind == "report":
        text = writer.report(rng.choice(committee.subjects), with_council=True)[0]
    else:
        minutes = writer.minutes(previous, _subjects(rng, committee, rng.randint(3, 5)))
        reports = [writer.report(s, with_council=False)
                   for s in _subjects(rng, committee, rng.randint(2, 4))]
        blank = "\n\nThis page is intentionally left blank\n\n"
        text = writer.agenda([t for _r, t in reports], previous) + "\n" + minutes + blank + \
            blank.join(r for r, _t in reports)
    return GeneratedPaper(name=name, kind=kind, text=text + "\n", council=council,
                          committee=committee.name, meeting_date=day.isoformat(),
                          facts=tuple(writer.facts), resolutions=writer.resolutions)


def _subjects(rng: random.Random, committee: Committee, count: int) -> list[Subject]:
    """Subjects of one meeting, none twice unless its title names the case (another planning
    application, another premises)."""
    chosen = list(committee.subjects) + list(SHARED_SUBJECTS)
    rng.shuffle(chosen)
    cases = [s for s in committee.subjects if "{" in s.title]
    while len(chosen) < count and cases:
        chosen.append(rng.choice(cases))
    return chosen[:count]


def write_paper(paper: GeneratedPaper, folder: Path) -> Path:
    """Save a paper as text, or as a PDF set in a core font (deterministic bytes)."""
    path = folder / paper.name
    if paper.suffix == "txt":
        path.write_text(paper.text, encoding="utf-8")
        return path
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2025, 1, 1))
    pdf.set_title(paper.name.rsplit(".", 1)[0])
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for line in paper.text.split("\n"):
        if line.strip():
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    pdf.output(str(path))
    return path


def write_corpus(folder: Path, seed: int, papers: int, first: int = 0) -> list[GeneratedPaper]:
    """Write papers first..first+papers-1 of `seed` into `folder`; returns what they state."""
    folder.mkdir(parents=True, exist_ok=True)
    made = [make_paper(seed, n) for n in range(first, first + papers)]
    for paper in made:
        write_paper(paper, folder)
    return made


def facts_json(papers: list[GeneratedPaper]) -> str:
    return json.dumps([asdict(f) for p in papers for f in p.facts], indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--papers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    made = write_corpus(args.out, args.seed, args.papers)
    (args.out.parent / "facts.json").write_text(facts_json(made), encoding="utf-8")
    print(f"{len(made)} papers in {args.out}, "
          f"{sum(len(p.facts) for p in made)} facts in {args.out.parent / 'facts.json'}")


if __name__ == "__main__":
    main()
