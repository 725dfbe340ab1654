"""How committee papers mark their parts: list items, paragraph numbers, and the words that
open a resolution. The one home of these rules; chunking, quoting, answering, the register
and the PDF reader all ask here. Pure: regular expressions and the functions over them."""

from __future__ import annotations

import re

_BULLET = r"[-•*▪●◦·]"
# "(a)", "b)", "(iv)", "(1)", "12)": a lettered, roman or numbered point
_POINT = r"\(?(?:\d{1,3}|[a-z]{1,2}|[ivxl]{1,5})\)"
_DOTTED = r"\d+(?:\.\d+)+"  # "3.2", "1.2.1": a numbered sub-paragraph

# A list item at the start of a line: a bullet, a point, or a numbered sub-paragraph.
LIST_ITEM = re.compile(rf"^\s*(?:{_BULLET}\s|{_POINT}\s|{_DOTTED}\s)")
# A line the PDF reader keeps apart rather than joining to the line before: a list item,
# or a paragraph numbered "7." or "A." (in the text chunked, "7. Title" is a heading).
OWN_LINE = re.compile(rf"^\s*(?:{_BULLET}\s|\(?[0-9a-zA-Z]{{1,3}}[.)]\s|{_DOTTED}\s)")
# The number a passage opens with ("7 Wards affected", "(b) ...", "3.2 ..."), captured.
PARAGRAPH_OPENING = re.compile(rf"^\s*(?:{_BULLET}\s*)?({_POINT}|{_DOTTED}|\d{{1,2}}\.?)\s+\S")
# Bullets and quote marks opening a line: never part of a quoted sentence.
LEADING_BULLETS = re.compile(r"^\s*(?:[-•*>]\s*)+")
# A paragraph's number at the start of a line, captured: "(r)", "3.2", "7.", "1)".
PARAGRAPH_MARK = re.compile(rf"^\s*(?:{_BULLET}\s*)?({_POINT}|{_DOTTED}|\d{{1,3}}\.)\s", re.M)

# A resolution recorded: the word that opens it, after any bullet, quote or bold marks.
RESOLUTION = re.compile(r"^[ \t]*(?:[-•*>][ \t]*)*\**(RESOLVED|AGREED|DECIDED)\b", re.M)
# What a decision's own words open with: the word of a resolution, a motion's "That ...",
# the body's "The Committee agreed" / "The Cabinet is asked to", or a member's motion.
_DECISION = re.compile(
    r"^[\W_]*(?:RESOLVED|AGREED|DECIDED)\b|^[\W_]*That\s|"
    r"^[\W_]*The (?:[A-Z][\w&'-]* ){0,3}?(?:Committee|Sub-Committee|Cabinet|Council|Board|"
    r"Panel|Executive|Commission)\s+(?:is asked|are asked|agreed|resolved|RESOLVED|AGREED)\b"
    # a motion as American and Canadian minutes record it: "Director Ames moved to approve
    # ...", "It was moved by ... that ..."
    r"|^[\W_]*(?:[A-Z][\w.'’-]*\s+){1,4}moved\s+(?:to\s+(?!the\b)[a-z]+|that)\b"
    r"|^[\W_]*It was moved\b"
    # ... or as a motion recorded with its mover: "Motion made by Ms. Odeh, seconded by ...,
    # to approve ...", "Moved by: T. Butler", "On a motion by ..., the Board voted to ..."
    r"|^[\W_]*(?:Motion|Moved)\s+(?:was\s+)?(?:made\s+)?by\b|^[\W_]*On\s+(?:a\s+)?motion\b")


# A decision recorded anywhere in a sentence, as minutes record one after the discussion:
# "It was resolved that these trees be cut down", "Motion carried", "agreed to pay"; work
# "carried out" is no decision.
_RECORDS_DECISION = re.compile(r"\b(?:resolved|agreed|decided|approved|carried(?!\s+out)|"
                               r"endorsed|adopted)\b", re.I)


def records_decision(text: str) -> bool:
    """Whether `text` states or records a decision, at its opening or within it."""
    return states_decision(text) or bool(_RECORDS_DECISION.search(text))


# A heading line: short, and ending in no sentence's stop ("4 Stevens Circle – Notice of
# Intent – Continued from 6/28/23").
_HEADING_LINE = re.compile(r"[^\n]{0,99}[^\s.?!:;][ \t]*\n")


def opens_item(text: str, start: int) -> bool:
    """Whether what starts at `start` in `text` opens an item: its line begins with the
    item's mark and nothing but the mark stands before it, or it opens a block (after a
    blank line, or at the text's start) with a heading line, as a case's address or title
    opens it in minutes that number nothing."""
    line = text.rfind("\n", 0, start) + 1
    mark = PARAGRAPH_MARK.match(text, line)
    if mark is not None:
        return not text[mark.end() : start].strip()
    if text[line:start].strip():
        return False
    # a block opens at the text's start or after a blank line
    block = line == 0 or not text[text.rfind("\n", 0, line - 1) + 1 : line - 1].strip()
    return block and _HEADING_LINE.match(text, start) is not None


def without_marker(line: str) -> str:
    """The line without the list marker it opens with ('(b) That ...' -> 'That ...')."""
    return LIST_ITEM.sub("", line, count=1)


def states_decision(text: str) -> bool:
    """Whether `text` opens as a decision: 'RESOLVED that ...', '(2) That the ...',
    'The Cabinet agreed ...'. A list marker before it is no matter."""
    return bool(_DECISION.match(without_marker(text)))
