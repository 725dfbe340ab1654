"""Text from a font with a broken character map, shifted back: '7KDW WKH' -> 'That the'.

A PDF font whose character map gives glyph numbers instead of characters reads as text
shifted by a constant: in a TrueType font glyph 3 is the space and glyph 55 the 'T', so the
text sits 29 code points below the truth, and its quotes and dashes, which come later in the
font, read as '¶', '±', '³'. A line is repaired only when it reads as no English at all and
the shifted line reads as English; real text, tables and headings in capitals are left alone.
"""

from __future__ import annotations

import re

# The commonest English letter triples (case folded): about one in seven triples of running
# English is one of them; text shifted by a constant has next to none.
_TRIGRAMS = frozenset("""the and ing ion tio ent ati for her ter hat tha ere con res ver all
    ons nce men ith ted ers pro thi wit are ess not ive was ect rea com eve per int est sta cti
    ica ist ear ain one our iti rat nte tin ine der ome man pre rom tra whi ave str act ill
    ure ide ove cil oun unc min ecr eti ngs ort""".split())
_GLYPH_SHIFT = 29  # TrueType glyph numbers: glyph 3 is the space (code point 32)
# Beyond ASCII, glyph numbers follow the standard TrueType order (as the Windows core fonts
# have it, without a glyph for the no-break space): the marks councils' papers use most.
_GLYPHS_BEYOND_ASCII = {
    98: "Ä", 101: "É", 105: "á", 106: "à", 107: "â", 111: "ç", 112: "é", 113: "è", 114: "ê",
    115: "ë", 119: "ï", 120: "ñ", 121: "ó", 123: "ô", 124: "ö", 126: "ú", 129: "ü", 131: "°",
    133: "£", 134: "§", 135: "•", 138: "®", 139: "©", 147: "±", 170: "…", 176: "œ",
    177: "–", 178: "—", 179: "“", 180: "”", 181: "‘", 182: "’",
}
_MIN_LETTERS = 12  # a shorter line says too little to suspect
_SAMPLE_LETTERS = 40  # the suspect lines of a page must say this much to find the shift
_ENGLISH = 0.12  # the share of common triples in a repaired page's suspect lines
_GARBLED = 0.04  # a line with fewer common triples than this is suspect
_WORDS = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def repair_garbled(text: str) -> str:
    """`text` (a page) with its lines of shifted code points shifted back; others as they were."""
    lines = text.split("\n")
    suspects = [line for line in lines
                if _letters(line) >= _MIN_LETTERS and _english_rate(line) < _GARBLED]
    shift = _best_shift(suspects) if _letters("\n".join(suspects)) >= _SAMPLE_LETTERS else None
    if shift is None:
        return text
    for n, line in enumerate(lines):
        repaired = unshift(line, shift)
        if ((_score(repaired) > _score(line) + 0.03 and _letters(repaired) >= _letters(line))
                or (_CONTROL.search(line) and not _CONTROL.search(repaired))):
            lines[n] = repaired  # control characters (a space is \x03) are never real text
    return "\n".join(lines)


def unshift(text: str, shift: int) -> str:
    """Each character of `text` moved `shift` code points up; spaces and newlines kept."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in " \n\t":
            out.append(char)
        elif shift == _GLYPH_SHIFT and code >= 127 - _GLYPH_SHIFT:
            out.append(_GLYPHS_BEYOND_ASCII.get(code, char))
        elif code + shift == 32 or 32 < code + shift < 127:
            out.append(chr(code + shift))
        elif code < 32:
            continue  # a control glyph (.notdef, .null) that stands for nothing
        else:
            out.append(char)
    return "".join(out)


def _best_shift(lines: list[str]) -> int | None:
    """The shift that makes the suspect lines read as English, if any does."""
    sample = "\n".join(lines)[:4000]
    best, best_score = None, _ENGLISH
    letters = _letters(sample)
    for shift in (_GLYPH_SHIFT, *range(-64, 0), *range(1, 65)):
        shifted = unshift(sample, shift)
        score = _score(shifted)
        # Shifting back turns the digits and marks that stand for capitals into letters;
        # shifting real text turns letters into marks.
        if score > best_score and _letters(shifted) >= letters:
            best, best_score = shift, score
            if shift == _GLYPH_SHIFT and score >= 2 * _ENGLISH:
                break  # glyph numbers, plainly: no need to try the others
    return best


def _score(text: str) -> float:
    """How much `text` reads like English: common triples, and mostly small letters."""
    letters = [c for c in text if c.isalpha()]
    small = sum(c.islower() for c in letters) / len(letters) if letters else 0.0
    return _english_rate(text) * (0.5 + small)


def _letters(text: str) -> int:
    return sum(len(word) for word in _WORDS.findall(text))


def _english_rate(text: str) -> float:
    """The share of letter triples inside words that are common English triples."""
    total = hits = 0
    for word in _WORDS.findall(text.lower()):
        for i in range(len(word) - 2):
            total += 1
            hits += word[i : i + 3] in _TRIGRAMS
    return hits / total if total else 0.0
