"""Web pages (.html) -> text, headings as markdown and tables as rows; the only bs4 import."""

from __future__ import annotations

import codecs
import re
from typing import Any

from ..errors import PaperError
from .text import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_HTML_BLOCKS = frozenset("""p div section article main header footer nav aside table thead tbody
    tfoot caption ul ol dl dt dd blockquote pre form fieldset figure figcaption address hr
    center""".split())
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "title", "meta", "link"})
# A site's furniture, not the paper: menus, banners, sidebars, search boxes.
_FURNITURE_TAGS = frozenset({"nav", "aside", "menu"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary",
                              "menubar", "menu"})
_CONTENT_TAGS = ("main", "article")
_SKIP_LINK = re.compile(r"^\s*skip to (?:main )?content\s*$", re.IGNORECASE)


def read_html(data: bytes, source: str) -> tuple[list[str], str]:
    """The text of a web page (as one page) and the title its <title> states."""
    # Imported here, not at the top: importing committee_qa.papers loads no format library.
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(decode(data, source, _html_encoding(data)), "html.parser")
        title_tag = soup.find("title")
        title = title_tag.get_text(" ", strip=True) if title_tag else ""
        _drop_furniture(soup)
        out: list[str] = []
        _html_text(soup, out)
    except RecursionError:
        raise PaperError(source, "the page is nested too deeply to read (thousands of levels); "
                                 "save it as PDF or text and ingest that") from None
    except PaperError:
        raise
    except Exception as error:  # bs4's ParserRejectedMarkup, e.g. on a malformed <![ ]>
        raise PaperError(source, f"is not readable HTML ({type(error).__name__}); save the "
                                 "page again, or as PDF, and ingest that") from None
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return ["\n".join(line for line in lines if line != "-")], title


def _html_text(node: Any, out: list[str]) -> None:
    """Append the text of `node`'s children to `out`, with newlines where blocks end."""
    from bs4.element import NavigableString, PreformattedString, Tag

    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag) or child.name in _HTML_SKIPPED:
            continue
        name = child.name
        if name == "head" and child.find("body") is None:  # html.parser nests an unclosed head
            continue
        if re.fullmatch(r"h[1-6]", name):
            out.append(f"\n\n{'#' * int(name[1])} {child.get_text(' ', strip=True)}\n\n")
        elif name == "tr":
            cells = [c.get_text(" ", strip=True) for c in child.find_all(["td", "th"])]
            out.append("\n" + (" | ".join(cells) if any(cells) else ""))
        elif name == "li":
            out.append("\n- ")
            _html_text(child, out)
        elif name == "br":
            out.append("\n")
        elif name in _HTML_BLOCKS:
            out.append("\n\n")
            _html_text(child, out)
            out.append("\n\n")
        else:
            _html_text(child, out)


def _drop_furniture(soup: Any) -> None:
    """Remove the site's navigation, banners, sidebars and lists of links from the page.

    A header or footer inside the page's <main> or <article> is the paper's own and stays.
    """
    from bs4.element import Tag

    doomed = []
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        role = str(tag.get("role") or "").lower()
        if (tag.name in _FURNITURE_TAGS or role in _FURNITURE_ROLES
                or (tag.name in ("header", "footer") and tag.find_parent(_CONTENT_TAGS) is None
                    and tag.find(_CONTENT_TAGS) is None and not _holds_the_title(tag, soup))
                or (tag.name in ("ul", "ol") and _only_links(tag))
                or (tag.name == "a" and _SKIP_LINK.match(tag.get_text(" ")))):
            doomed.append(tag)
    for tag in doomed:
        tag.extract()


def _holds_the_title(tag: Any, soup: Any) -> bool:
    """Whether a header holds the page's only <h1>: then it is the paper's own heading
    ("San Juan Unified School District / Regular Meeting of the Board of Education / ..."),
    not a site's banner (a banner's menus and link lists still go)."""
    headings = soup.find_all("h1")
    return tag.name == "header" and len(headings) == 1 and tag in headings[0].parents


def _only_links(tag: Any) -> bool:
    """Whether a list is a menu: three or more items, each all link, none a paper's own list."""
    items = tag.find_all("li")
    if len(items) < 3 or tag.find_parent(_CONTENT_TAGS) is not None:
        return False
    for item in items:
        text = item.get_text(" ", strip=True)
        linked = " ".join(a.get_text(" ", strip=True) for a in item.find_all("a"))
        if text and len(linked) < len(text) * 0.9:
            return False
    return True


def _html_encoding(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag, when it is not UTF-8 (which is the default)."""
    match = _META_CHARSET.search(data[:4096])
    if data.startswith(codecs.BOM_UTF8) or not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # what browsers do: such pages are really Windows-1252
    return None if name.startswith(("utf-8", "utf-16")) else name
