"""What a paper's heading says of its meeting (date, council, committee); file-name hints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_ORDINAL = r"(?:\s?(?:st|nd|rd|th)\b)?"
# "7th October 2014", "24TH JULY, 2017", "12th day of January, 2011"; "June 4, 1998"; ISO.
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}){_ORDINAL}(?:\s+day)?(?:\s+of)?\s+({_MONTH}),?\s+(\d{{4}})\b", re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d\d)(?![\d/-])")
# Software that writes dates day first (ModernGov, CMIS): its labels settle "03/06/2020".
_DAY_FIRST_TEMPLATE = re.compile(r"\b(?:Decision Maker|Decision published|Date of decision|"
                                 r"Decided at meeting|Issue - decisions|Agenda item)\b", re.I)


def _month(word: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(word.lower().rstrip(".")[:3]))


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def written_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """Each date written with its month named, or as ISO, in order: (start, end, ISO date)."""
    found: list[tuple[int, int, str]] = []
    for m in _DAY_MONTH.finditer(text):
        found.append((m.start(), m.end(), _iso(int(m[3]), _month(m[2]), int(m[1]))))
    for m in _MONTH_DAY.finditer(text):
        found.append((m.start(), m.end(), _iso(int(m[3]), _month(m[1]), int(m[2]))))
    for m in _ISO.finditer(text):
        found.append((m.start(), m.end(), _iso(int(m[1]), int(m[2]), int(m[3]))))
    yield from sorted(f for f in found if f[2])


def iso_date(text: str) -> str:
    """The first date written out in `text` ('Tuesday, 19 September 2017'), as ISO, or ''."""
    return next((iso for _, _, iso in written_dates(text)), "")


def day_first(text: str) -> bool | None:
    """Whether the paper writes numeric dates day first, as far as it shows; None if unknown."""
    days_first = len(_DAY_MONTH.findall(text)) + (10 if _DAY_FIRST_TEMPLATE.search(text) else 0)
    months_first = len(_MONTH_DAY.findall(text))
    if days_first == months_first:
        return None
    return days_first > months_first


def numeric_date(text: str, order: bool | None) -> str:
    """The first '27/08/2020' in `text` as ISO, when the numbers or the paper's `order` settle
    which is the day; '' otherwise."""
    match = _NUMERIC.search(text)
    if not match:
        return ""
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if order is None:
        if first > 12 >= second:
            order = True
        elif second > 12 >= first:
            order = False
        else:
            return ""
    return _iso(year, second, first) if order else _iso(year, first, second)


def any_date(text: str, order: bool | None) -> str:
    """The first date in `text`, written out or numeric (see `numeric_date`)."""
    written = next(written_dates(text), None)
    numeric = _NUMERIC.search(text)
    if written and (not numeric or written[0] <= numeric.start()):
        return written[2]
    return numeric_date(text, order)


# --- council and committee names -------------------------------------------------------

_STOP = ("the|a|an|of|at|in|on|and|or|for|to|by|with|from|minutes?|meetings?|proceedings|held|"
         "present|full|ordinary|special|extraordinary|annual|general|regular|monthly|statutory|"
         "adjourned|this|that|said|above|our|your|their|its|each|every|all|other|whole|shadow|"
         "council|councils|parish|town|community|village|city|county|district|borough|shire|"
         "regional|municipal|metropolitan|royal|rural|urban|islands?|unitary|combined|joint|"
         "fire|rescue|national|park|police|crime|panel|authority|cabinet|executive|committee|"
         "youth|members?|report|agenda|item|notes?|page|open|official|draft|confirmed|"
         "corporation|municipality|london|"
         # posts: "City of Boston / Mayor Michelle Wu" is the city, then its mayor
         "mayor|chair(?:man|woman|person)?|clerk|councillors?|commissioners?|"
         # a board of the town: "Town of Westwood Planning Board" is the town's board
         "board|commission|planning|conservation|licensing|zoning|historic|"
         # Welsh councils head their papers in both languages: "Cyngor Cymuned X Community
         # Council", "Cyngor Tref ...", "Cyngor Sir ...", "Cyngor Bwrdeistref Sirol ..."
         "cyngor|cymuned|tref|sir|bwrdeistref|sirol")
_KIND_WORDS = "city|county|district|borough|town|village|park|royal|national"
_PLAIN = r"[A-Z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*(?!\.\w)"
# A name's first word has two letters or more: "l I" above a masthead is a logo's text.
_WORD = rf"(?!(?i:{_STOP})\b)(?=[A-Za-z][A-Za-z'’]){_PLAIN}"
# "Peak District ..."; a month after the name is a heading's date ("City of Cleveland July
# the Third ..."), where one may open it ("March Town Council").
_LATER_WORD = rf"(?!(?!(?i:{_KIND_WORDS})\b)(?i:{_STOP}|{'|'.join(MONTHS)})\b){_PLAIN}"
_NAME = rf"{_WORD}(?:(?:\s+(?:and|&|upon|on|in|under|y)\s+|\s+){_LATER_WORD}){{0,3}}"
_KINDS = (r"(?i:City\s+and\s+County|County\s+Borough|Metropolitan\s+Borough|Metropolitan\s+"
          r"District|Royal\s+Borough|Parish|Town|Community|Village|City|County|District|Borough|"
          r"Shire|Regional|Municipal|Island|Islands|Unitary)")
# An American special district, a public body of its own with an elected board: "San
# Juan Unified School District", "Sacramento Metropolitan Fire District", "Los Rios
# Community College District" (a bare "X District" is a place: "Lichfield District").
_DISTRICT_PURPOSE = (r"(?:(?:Unified|Union|Elementary|High|Joint\s+Unified|Independent)\s+)?School"
                     r"|Community\s+College|(?:Metropolitan\s+)?Fire(?:\s+Protection)?"
                     r"|(?:Municipal\s+)?(?:Water|Utility)|Irrigation|Sanitation|Sanitary"
                     r"|Hospital|Healthcare|Transit|Library|Conservation|Cemetery|Flood\s+Control"
                     r"|(?:Regional\s+)?Park|Recreation\s+and\s+Park|Park\s+and\s+Recreation")
_BODIES = (rf"(?i:(?:{_KINDS}\s+)?Council|(?:Fire(?:\s+and\s+Rescue)?|National\s+Park|"
           r"Combined|Police|Waste(?:\s+Disposal)?|Transport|Broads)\s+Authority"
           r"|Police,?(?:\s+Fire)?\s+and\s+Crime\s+Panel"
           rf"|(?:{_DISTRICT_PURPOSE})\s+District"
           # An American county's own boards: "Sacramento County Board of Education"
           r"|Board\s+of\s+(?:Education|Supervisors))")
_PREFIX = (r"(?i:(?:Royal|London)\s+Borough|City\s+and\s+County|Metropolitan\s+Borough|City|"
           r"County|Borough|Municipality|Town|Township|Village|District|Shire|Port)")
_COUNCIL_NAME = re.compile(
    rf"(?:(?<![\w-])(?i:the\s+corporation\s+of\s+)?(?i:the\s+)?(?P<prefixed>{_PREFIX}\s+"
    rf"(?i:of)\s+{_NAME}(?:\s+(?:{_KINDS}\s+)?(?i:Council))?)"
    rf"|(?<![\w-])(?P<suffixed>{_NAME}\s+(?:{_BODIES})))\b"
    r"(?!\s+(?i:tax|taxes|taxpayers?)\b)")  # "Local Council Tax Support" names a tax
_GENERIC_BODY = re.compile(rf"^(?:(?:the|above|said|full|{_KINDS.lower()})\s+)*council$", re.I)
# A governing board is named for whom it is made of: "Board of Directors", "Board of Education".
_BODY_WORD = (r"(?:Committee|Sub-Committee|Subcommittee|Panel|Board(?:\s+of\s+(?:Directors|"
              r"Trustees|Education|Governors|Supervisors|Commissioners|Selectmen|Aldermen))?|"
              r"Cabinet|Executive|Council|Forum|Group|Commission|Partnership|Assembly|Authority)")


def _as_written(text: str) -> str:
    text = " ".join(text.split()).strip(" ,")
    return title_case(text) if text.isupper() else text


def the_council_itself(name: str) -> str:
    """'Council' when `name` is no more than a council's own name ('Milburn Parish Council',
    'Rivergrove City Council'): a meeting it names is the full council's; '' otherwise."""
    named = council_name(name)
    whole = named.lower() == _as_written(name).strip(" *#").lower()
    return "Council" if named and whole and named.lower().endswith("council") else ""


def council_name(text: str) -> str:
    """The first council named in `text` by a council's name pattern ('X Parish Council',
    'London Borough of X', 'X Fire and Rescue Authority'), as written; '' if none."""
    match = _COUNCIL_NAME.search(text)
    if not match:
        return ""
    name = match["prefixed"] or match["suffixed"]
    return _as_written(re.sub(r"^(?i:the\s+corporation\s+of\s+)?(?i:the\s+)", "", name))


# --- the opening of a document: the statement of its meeting ---------------------------

_BODY_BEGINS = re.compile(
    r"(?:\b(?:members\s+|those\s+)?present(?:\s+were)?\b\s*:?|\bapologies\b|\bin attendance\b"
    r"|\bminutes\s*:|\bitems of business\b|^\s*items\s*$)", re.I | re.M)
_OPENING_CHARS = 1200


# A web page's menu above the paper: "Skip to content", "- Home", "- About", ...
_NAVIGATION = re.compile(r"\A(?:[ \t]*(?:[-•*][ \t]+[^\n]{1,60}|skip to [^\n]*|menu|search|×)?"
                         r"[ \t]*\n)+", re.I)


def opening(text: str) -> str:
    """The heading of a document: its first lines, up to where the record or the business
    begins (the 'Present' block, apologies, the first 'Minutes:' of an item page)."""
    menu = _NAVIGATION.match(text)
    head = text[menu.end() if menu else 0:][:_OPENING_CHARS]
    begins = _BODY_BEGINS.search(head)
    return head[: begins.start()] if begins else head


# A letter-spaced word of a masthead as a PDF's text gives it: "City of Cleve l a n d".
_LETTER_SPACED = re.compile(r"\b([A-Za-z]+)((?: [a-z]){3,})\b")


def flat(text: str) -> str:
    """Text with markup and line breaks smoothed out, for reading statements across lines;
    a letter-spaced word is read whole."""
    text = re.sub(r"<br\s*/?>|\*\*|__|^#+\s|\\$", " ", text, flags=re.M)
    text = _LETTER_SPACED.sub(lambda m: m[1] + m[2].replace(" ", ""), text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Heading:
    """What a document's opening states about its meeting; '' where it states nothing."""

    council: str = ""
    committee: str = ""
    date: str = ""  # ISO: the meeting the document is for, or the one minutes record
    minutes: bool = False  # the opening is a minutes heading


_HELD = re.compile(
    rf"\bheld\b(?:\s+(?:their|its|a|an)\s+(?:\w+\s+)?meeting\b)?"
    rf"(?P<where>(?:(?!\bheld\b|\bminutes\b|{_WEEKDAY}|\d{{4}})[^;]){{0,160}}?)"
    rf"(?:\b(?:on|this)\s+(?:the\s+)?(?:{_WEEKDAY},?\s+(?:the\s+)?)?|\s(?={_WEEKDAY}))"
    rf"(?:{_WEEKDAY},?\s+(?:the\s+)?)?(?=\d|{_MONTH})", re.I)
_REFERENCE = re.compile(r"\b(?:to|and|confirm\w*|approv\w*|sign\w*|adopt\w*|receiv\w*|previous|"
                        r"last|prior|preceding|background)\s+(?:the\s+)?$", re.I)
_MINUTES_DATED = re.compile(
    rf"\bminutes?\s+of\s+(?:the\s+|a\s+|an\s+)?(?P<what>(?:(?!held\b)[\w&'’-]+\s+){{1,8}}?)"
    rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?=\d{{1,2}}{_ORDINAL}\s+{_MONTH}|{_MONTH}\s+\d)", re.I)
_BODY_MINUTES = re.compile(rf"^\W*(?P<what>(?:[A-Z][\w'’-]*\s+){{0,4}}?(?i:{_BODY_WORD}))\s+"
                           rf"(?:(?i:draft|unapproved|approved|unconfirmed|confirmed)\s+)?"
                           rf"(?:(?i:meeting)\s+)?(?i:minutes)\b(?:\s*[-–]?\s*(?i:{_WEEKDAY},?\s+)?"
                           rf"(?=\d|(?i:{_MONTH})))?",
                           re.M)
_MINUTES_WORDS = re.compile(r"\b(?:official|open|confirmed|draft|unconfirmed|approved|adopted|"
                            r"signed)\s+minutes\b", re.I)

def read_heading(text: str) -> Heading:
    """The council, committee and date a document's opening states, and whether it opens as
    minutes ('Minutes of the meeting of the X Committee held on Tuesday 7th October 2014',
    'The regular meeting of Council of the Municipality of Bayham was held ... June 4, 1998')."""
    head = flat(re.sub(r"\([^()]*\)", " ", opening(text)))
    order = day_first(text)
    council = committee = when = ""
    for held in _HELD.finditer(head):
        what = _statement(head[max(0, held.start() - 200): held.start()], held[0])
        if what is None:
            continue
        council, committee = _meeting_of(what)
        when = any_date(head[held.end(): held.end() + 40], order)
        if when:
            break
    lines = "\n".join(flat(line) for line in opening(text).split("\n"))
    for dated, within in ((_MINUTES_DATED.search(head), head),
                          (_BODY_MINUTES.search(lines), lines)):  # "Parish Council Minutes 6th ..."
        if dated and not _REFERENCE.search(within[: dated.start()]) and not (when and committee):
            council_2, committee_2 = _meeting_of(dated["what"])
            council, committee = council or council_2, committee or committee_2
            when = when or any_date(within[dated.end(): dated.end() + 40], order)
    minutes = _opens_as_minutes(lines)
    # Beyond the statement, only a name that heads the paper: later ones are of others.
    first_lines = [line for line in lines.split("\n") if line][:6]
    council = council or council_name(head[:200]) or next(
        (council_name(line) for line in first_lines
         if council_name(line).lower() == line.strip(" *#").lower()), "") or next(
        (_as_written(board["place"]) for line in first_lines
         if (board := _BOARD_OF_PLACE.match(line))), "")
    return Heading(council=council, committee=committee, date=when, minutes=minutes)


# A town's own board heading its minutes, named for the town: "Westwood Planning Board",
# "Charlotte Historic District Commission", "Bedford Zoning Board of Appeals". (7 December:
# council right on the councils tuning half 91.1 -> 92.4%, hit@1 61.5 -> 61.8%; the
# held-out half unchanged, no such board there.)
_BOARD_OF_PLACE = re.compile(
    rf"^[\s*#]*(?P<place>{_NAME})\s+(?i:(?:Planning|Zoning|Conservation|Licensing|Historic\s+"
    r"(?:District|Preservation)|Design\s+Review|Parks?\s+and\s+Recreation|Library)\s+"
    r"(?:Board|Commission))\b")


_MINUTES_OF = re.compile(r"\bminutes?\s+of\s+(?:the\s+|a\s+|an\s+)?"
                         r"(?:proceedings\s+(?:at|of)\s+(?:the\s+|a\s+|an\s+)?)?", re.I)
_MINUTES_HEAD = re.compile(rf"{_MINUTES_OF.pattern}|{_MINUTES_WORDS.pattern}"
                           rf"|{_BODY_WORD}(?:\s+meeting)?\s+minutes\b", re.I)
_EARLIER = re.compile(r"(?:the\s+)?(?:last|previous|preceding|prior)\b", re.I)


def _opens_as_minutes(lines: str) -> bool:
    """Whether an opening (one line per line) heads minutes: 'MINUTES' on one of its first
    lines, or 'Minutes of ...' that is not an item confirming earlier minutes."""
    if any(re.fullmatch(r"\W*minutes\W*", line, re.I)
           for line in [line for line in lines.split("\n") if line][:3]):
        return True
    for match in _MINUTES_HEAD.finditer(lines):
        on_line = lines[lines.rfind("\n", 0, match.start()) + 1 : match.start()]
        if not (_REFERENCE.search(lines[: match.start()]) or _EARLIER.match(lines, match.end())
                or re.fullmatch(r"\W*\d+[.)]?\s*", on_line) and on_line.strip()):
            return True
    return False
_A_MEETING = re.compile(r"\b(?:(?:the|a|an)\s+)?(?:(?:ordinary|annual|special|extraordinary|"
                        r"statutory|regular|general|monthly|budget|adjourned|public)\s+)?meeting\b",
                        re.I)


def _statement(before: str, held: str) -> str | None:
    """The words naming the meeting in the statement that ends at 'held' ('Minutes of the
    Cabinet Meeting', 'The regular meeting of Council of X was'), or None when the statement
    records another meeting ('to confirm the minutes of the last meeting held')."""
    cut = max(before.rfind(". "), before.rfind(": "))
    sentence = before[cut + 2:] if cut >= 0 else before
    if re.search(r"\b(?:their|its)\s+", held, re.I):  # "X Community Council held their meeting"
        named = [m for m in _COUNCIL_NAME.finditer(sentence) if m.end() >= len(sentence) - 1]
        return named[-1][0] if named else None
    minutes_of = list(_MINUTES_OF.finditer(sentence))
    if minutes_of:
        if _REFERENCE.search(sentence[: minutes_of[-1].start()]):
            return None
        what = sentence[minutes_of[-1].end():]
    else:
        meetings = list(_A_MEETING.finditer(sentence))
        if not meetings or _REFERENCE.search(sentence[: meetings[-1].start()]):
            return None
        start = meetings[-1].start()
        # the council whose meeting it is, named just before: "X Community Council public
        # meeting held in ..."
        named = [m for m in _COUNCIL_NAME.finditer(sentence[:start])
                 if not sentence[m.end():start].strip()]
        what = sentence[named[-1].start() if named else start:]
    return re.sub(r"\s+(?:was|were|is|(?:to|will|shall)\s+be)\s*$", "", what.strip(" ,"),
                  flags=re.I)


def _meeting_of(what: str) -> tuple[str, str]:
    """(council, committee) of the words naming a meeting: 'Cabinet Meeting', 'meeting of
    Full Council', 'October Ordinary Meeting of Sligo County Council', 'regular meeting of
    Council of the Municipality of Bayham', 'Planning Committee meeting of X Town Council'."""
    what = re.sub(r"^(?:the|a|an)\s+", "", " ".join(what.split()), flags=re.I)
    meeting = re.match(r"^(?P<before>.*?)\s*\bmeeting\s+of\s+(?:the\s+)?(?P<body>.+)$", what, re.I)
    if not meeting:
        named = _COUNCIL_NAME.match(what)  # "X Community Council held their meeting"
        if named:  # ... or "X COUNTY COUNCIL / HIGHWAYS COMMITTEE / MINUTES"
            rest = what[named.end():].strip()
            itself = not rest or _A_MEETING.fullmatch(rest)  # "... public meeting"
            return council_name(what), (the_council_itself(named[0]) if itself
                                        else _committee_words(rest))
        if _MEETING_KIND.match(what):  # "General Meeting", "Ordinary Meeting"
            return "", _as_written(_MONTH_WORD.sub("", what))
        return "", _committee_words(re.sub(r"\s*\bmeeting$", "", what, flags=re.I))
    before, body, council = meeting["before"], meeting["body"], ""
    of = re.match(rf"^(?P<body>{_BODY_WORD})\s+of\s+(?:the\s+)?(?P<council>.+)$", body, re.I)
    if council_name(body).lower() == body.lower():
        body, council = "Council", council_name(body)
    elif of and _COUNCIL_NAME.match(of["council"]):  # "Council of the Municipality of X"
        body, council = of["body"], council_name(of["council"])
    # The committee is the body that met: "Council" for an ordinary meeting of the council.
    return council, _committee_words(before) or _committee_words(body)


# A post, not a body: "President of Council", "Clerk to the Committee", "Chair of the Board".
_POST = re.compile(r"(?:(?:vice|deputy|acting)[- ])?(?:president|clerk|chair(?:man|woman|person)?|"
                   r"leader|mayor|secretary|treasurer|members?|director|head|officer|speaker|"
                   r"convener|provost)\s+(?:of|to)\b", re.I)
_MONTH_WORD = re.compile(r"^(?:" + "|".join(MONTHS) + r")\s+", re.I)
_MEETING_KIND = re.compile(r"^(?:(?:" + "|".join(MONTHS) + r")\s+)?(?:ordinary|annual|special|"
                           r"extraordinary|statutory|regular|general|monthly|budget|adjourned)"
                           r"(?:\s+(?:general|annual|council))?\s+meeting$", re.I)


def _committee_words(body: str) -> str:
    """A committee's name as a meeting statement gives it: 'Planning Committee', 'Full
    Council'; 'Council' for 'the above Council'; '' for words naming no committee."""
    body = re.sub(r"^(?:(?:the|above|said)\s+)+", "", body.strip(" ,"), flags=re.I)
    if _GENERIC_BODY.match(body) and not re.match(r"(?i:full|city|town|parish|community|county)",
                                                   body):
        return "Council"
    if (not re.search(rf"(?i:{_BODY_WORD})$", body) or len(body) > 80
            or re.fullmatch(r"(?i:committee|sub-committee|subcommittee|panel|group|forum)", body)):
        return ""
    return _as_written(body)


# The paper a heading line names after the body: "Board of Education Agenda", "BOARD OF
# DIRECTORS - REGULAR MEETING AGENDA".
_PAPER_OF_MEETING = re.compile(r"(?<=\w)(?:\s*[-–:]\s*|\s+)(?:(?:ordinary|annual|special|"
                               r"extraordinary|regular|general|monthly|public)\s+)?"
                               r"(?:meeting\s+)?(?:agenda|minutes)$"
                               # "... COMMISSION REMOTE ONLINE MEETING"
                               r"|(?<=\w)(?:\s+(?:remote|online|virtual|hybrid|regular|special|"
                               r"public))+\s+meeting$", re.I)


def header_committee(text: str) -> str:
    """A committee named on a heading line of its own ('CHILDREN AND YOUNG PEOPLE SCRUTINY
    COMMITTEE', 'Ordinary Meeting of Council'), not a council's name nor a post ('President
    of Council', 'Clerk to the Committee'); else one named before the paper on its line
    ('Board of Education Agenda'); '' if none."""
    lines = [re.sub(r"^\W+|\W+$|^(?i:the)\s+", "", flat(line))
             for line in opening(text).split("\n")]
    lines = [line for line in lines if line][:6]
    for line in lines + [_PAPER_OF_MEETING.sub("", line) for line in lines]:
        named = _COUNCIL_NAME.match(line)  # "Port of X Regular Commission Meeting"
        if named and re.search(rf"(?i:{_BODY_WORD}\s+meeting)$", line):
            line = line[named.end():].strip()
        if (len(line) <= 80 and re.search(rf"(?i:{_BODY_WORD}(?:\s+meeting)?)$", line)
                and not council_name(line) and not _GENERIC_BODY.match(line)
                and not _POST.match(line)
                and not re.search(r"\b(?:minutes|agenda|report|notice|decisions?|welcome)\b",
                                  line, re.I)):
            return _as_written(line)
    return ""


# --- what kind of document its labels make it ------------------------------------------

# "Decision Maker:" alone heads some reports too; these labels are a decision's own.
_DECISION = re.compile(r"^\W*(?:Decision published|Decision status|Date of decision|Decided at "
                       r"meeting|Issue - decisions|Record of (?:the\s+)?(?:executive\s+)?"
                       r"decision|Decision notice)\b", re.I | re.M)
_REPORT = re.compile(r"^\W*(?:Report\s+(?:to|of|by|author|title)|Purpose\s+of\s+(?:the\s+)?"
                     r"report)\b\W*(?::|$)", re.I | re.M)
_AGENDA = re.compile(r"^\W*agenda\W*$|\bnotice is hereby given\b|\bhereby summoned\b|\b(?:will|to)"
                     r"\s+be\s+held\b", re.I | re.M)
_ITEM_MINUTES = re.compile(r"^\s*Minutes:\s*$|\bMinutes:\s+(?!(?i:to)\b)[A-Z]", re.M)
_PRESENT = re.compile(r"^\W*(?i:(?:members\s+)?present)\W*$|\b(?i:(?:members\s+|those\s+)?present"
                      r"(?:\s+were)?\s*:)|\bPresent\s+were\b|\b(?:THOSE\s+)?PRESENT(?:\s+WERE)?"
                      r"\s+(?:Councillors?|Cllrs?|Mayor|[A-Z][a-z]+\s+[A-Z])", re.M)
_RECORDED = re.compile(r"\b(?:RESOLVED|DECIDED|AND AGREED|Motion Carried)\b|\b"
                       r"(?:Resolved|Agreed)\s*[:–-]", re.M)


def is_decision(text: str) -> bool:
    """A decision notice or record ('Decision status:', 'Date of decision: ...')."""
    return bool(_DECISION.search(text[:3000]))


def is_report(text: str) -> bool:
    """An officer's report by its header ('Report to: Cabinet', 'Purpose of the report')."""
    return bool(_REPORT.search(text[:1500]))


def is_agenda(text: str) -> bool:
    """An agenda or summons by its heading ('AGENDA', 'Notice is hereby given', 'to be held')."""
    return bool(_AGENDA.search(opening(text)))


def looks_like_minutes(text: str) -> bool:
    """A record of a meeting without a minutes heading: an item page's 'Minutes:', a
    'Present' block near the top, or apologies and what was resolved or decided."""
    return bool(_ITEM_MINUTES.search(text[:3000]) or _PRESENT.search(text[:1500]) or (
        re.search(r"\bapologies\b", text[:2000], re.I) and _RECORDED.search(text)))


# --- labelled lines and page titles (ModernGov, CMIS, report headers) --------------------

_TITLE_LINE = re.compile(rf"^(?P<body>[^\n]{{3,120}}?)\s+[-–]\s+(?:{_WEEKDAY},?\s+)?"
                         rf"(?=\d{{1,2}}{_ORDINAL}\s+{_MONTH}|{_MONTH}\s+\d)", re.I | re.M)
_DATED_LINE = re.compile(rf"^\W*(?:{_WEEKDAY},?\s+)?(?P<date>\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{4}}"
                         rf"|\d{{1,2}}{_ORDINAL}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}"
                         rf"{_ORDINAL},?\s+\d{{4}})\s+[-–]\s+\S", re.I | re.M)
_LABELLED_DATE = re.compile(r"^\W*(?:meeting\s+date|date(?:\s+of\s+(?:the\s+)?"
                            r"(?:meeting|decision))?|decided\s+at\s+meeting|decision\s+date)"
                            r"\W*:\s*(?P<rest>[^\n]*)(?:\n\s*)*(?P<next>[^\n]*)", re.I | re.M)
_DECISION_MAKER = re.compile(r"^\W*(?:Decision Maker|Decision taker)\s*:\s*(?P<who>[^\n]+)$"
                             r"|^\W*Decided at meeting\s*:[^\n]*?[-–]\s*(?P<at>[^\n]+)$"
                             rf"|^The\s+(?P<the>(?:[A-Z][\w'’,&-]*\s+){{0,6}}?{_BODY_WORD}):\s*$",
                             re.I | re.M)
_LABEL = re.compile(r"^\W*(?P<label>[A-Za-z][A-Za-z ]{1,30}?)\s*:[ \t]*(?P<value>[^\n]*)$", re.M)


def page_title(text: str) -> tuple[str, str]:
    """(committee, ISO date) of a meeting page's title line ('Dyfed Powys Police and Crime
    Panel - Thursday, 16th November, 2017 10.30 am'); ('', '') if it has none."""
    match = _TITLE_LINE.search(opening(text))
    if not match:
        return "", ""
    body = match["body"].strip()
    if not re.search(rf"(?i:{_BODY_WORD})$", body) or re.search(r"\bminutes\b", body, re.I):
        return "", ""
    return (the_council_itself(body) or _as_written(body),
            iso_date(opening(text)[match.end(): match.end() + 40]))


def labelled_date(text: str) -> str:
    """The date on a 'Date:', 'Meeting Date:', 'Date of decision:' line (or the line after)."""
    order = day_first(text)
    for match in _LABELLED_DATE.finditer(text[:3000]):
        when = any_date(match["rest"], order) or (
            "" if match["rest"].strip() else any_date(match["next"], order))
        if when:
            return when
    return ""


def dated_line(text: str) -> str:
    """The date heading a line near the top ('03/06/2020 - Money Matters ...')."""
    lines = "\n".join([line for line in opening(text).split("\n") if line.strip()][:8])
    match = _DATED_LINE.search(lines)
    return any_date(match["date"], day_first(text)) if match else ""


def decision_maker(text: str) -> str:
    """Who made a decision ('Decision Maker: Cabinet', 'The Cabinet:'), as written."""
    match = _DECISION_MAKER.search(text[:3000])
    if not match:
        return ""
    return _as_written(match["who"] or match["at"] or match["the"])


# A label later on a header line: "Meeting: Cabinet Date: 11 March 2026".
_NEXT_LABEL = re.compile(r"\s+(?:[A-Z][a-z]+\s?){1,3}:(?=\s|$)")


def labelled(text: str, *labels: str) -> str:
    """The value of the first header line 'Label: value' with one of `labels` (lower case),
    without a date written after it ('Report to: Cabinet - 5 March 2020' -> 'Cabinet')."""
    for match in _LABEL.finditer(text[:2000]):
        if match["label"].strip().lower() in labels:
            # "Meeting:   Cabinet   Date:   10 December 2025": a column's label ends it
            value = _NEXT_LABEL.split(match["value"])[0]
            for start, _, _ in written_dates(value):
                value = value[:start]
                break
            value = value.strip(" -–,;")
            return _as_written(value) if value and len(value) <= 100 else ""
    return ""


# --- the file name ---------------------------------------------------------------------

_SOURCE_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_.]?)(\d\d)\2(\d\d)(?!\d)")
_SOURCE_KINDS = {"minutes": "minutes", "minute": "minutes", "agenda": "agenda",
                 "decision": "decision", "decisions": "decision", "report": "report"}


def source_hints(source: str) -> tuple[str, str]:
    """(ISO date, document type) that a file name states ('2018-02-07-minutes.pdf',
    'CO_20201130_agenda.htm'); each '' when it states none or more than one."""
    dates = {_iso(int(m[1]), int(m[3]), int(m[4])) for m in _SOURCE_DATE.finditer(source)} - {""}
    kinds = {_SOURCE_KINDS[w] for w in re.findall(r"[a-z]+", source.lower())
             if w in _SOURCE_KINDS}
    return (dates.pop() if len(dates) == 1 else "", kinds.pop() if len(kinds) == 1 else "")


def source_council(source: str) -> str:
    """The council a file name names in full ('napier-city-council-2020-08-27-minutes.txt':
    'Napier City Council'; 'lichfield-cabinet.txt' names none); '' if it names none."""
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return council_name(title_case(" ".join(re.findall(r"[A-Za-z]+", stem))))


def council_of_source(text: str, source: str) -> str:
    """The council the text names whose own words the file name gives too
    ('wiltshire-licensing-review.txt' and "... from Wiltshire Council as Licensing
    Authority": 'Wiltshire Council'); '' if none, or if the file name gives more than one
    ('york-north-yorkshire-joint-committee.txt': a joint body of two). Its kind ('Council',
    'City of') need not be in the file name; kind words alone ('Town Council') never count."""
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    named = set(re.findall(r"[a-z]+", stem))
    found: dict[frozenset[str], str] = {}
    for match in _COUNCIL_NAME.finditer(text):
        name = council_name(match[0])
        own = frozenset(w for w in re.findall(r"[a-z]+", name.lower())
                        if not re.fullmatch(rf"(?:{_STOP})", w))
        if own and own <= named:
            found.setdefault(own, name)
    return next(iter(found.values())) if len(found) == 1 else ""


_SMALL_WORDS = frozenset("and of the for on in to a an at by with or".split())
_INITIAL = re.compile(r"^(\W*)(\w)")


def title_case(text: str) -> str:
    """'CHILDREN AND YOUNG PEOPLE COMMITTEE' -> 'Children and Young People Committee'."""
    words = " ".join(text.split()).lower().split(" ")
    return " ".join(w if i and w in _SMALL_WORDS else "-".join(
        _INITIAL.sub(_upper, part) for part in w.split("-"))  # "Sub-Committee"
        for i, w in enumerate(words))


def _upper(match: re.Match[str]) -> str:
    return match[1] + match[2].upper()
