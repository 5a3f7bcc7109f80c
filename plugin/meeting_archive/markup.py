"""Markup primitives for every page the plugin writes: escaping for HTML and Markdown, links,
tables, and URLs judged as a browser reads them.

Everything that comes from a note (a title, a name, a tag, a task's text) goes through `esc`
(into HTML) or `escape_md` (into Markdown) here, and every URL through `safe_url`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile("[\t\n\r]")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def esc(text: str) -> str:
    """Text from a note, for HTML (attribute values included)."""
    return html.escape(text, quote=True)


def escape_md(text: str) -> str:
    """Text from a note, safe inside Markdown (link text, a heading, a table cell): shows as
    written."""
    text = html.escape(text, quote=False)
    # Braces too: attr_list reads `{ onclick=… }` after a heading or `==mark==` as attributes;
    # and `#`, which ends a heading (`# Issue #` would show as "Issue"). Characters that
    # Python-Markdown has no backslash escape for (`==mark==`, `~~del~~`) become entities.
    text = re.sub(r"([\\\[\]`*_|{}#!])", r"\\\1", text)
    return text.replace("=", "&#61;").replace("~", "&#126;").replace("^", "&#94;")


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in `url` (lower case), or None for a relative URL: as the
    WHATWG URL parser does, leading and trailing C0 controls and spaces are stripped and tabs
    and newlines removed first (`jav\\tascript:` is `javascript:`)."""
    cleaned = _TAB_NEWLINE.sub("", url.strip(_C0_AND_SPACE))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def safe_url(url: str) -> bool:
    """Whether a link may carry this URL: http, https, mailto, or relative."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def anchor(href: str, text_html: str, css: str = "") -> str:
    """A finished link. `text_html` is already escaped; an unsafe `href` gives the text alone."""
    if not safe_url(href):
        return text_html
    cls = f' class="{css}"' if css else ""
    return f'<a href="{esc(href)}"{cls}>{text_html}</a>'


def table(head: list[str], rows: Iterable[list[str]], css: str = "", caption: str = "") -> str:
    """A listing table as Material styles tables (its `md-typeset` table rules apply to any
    table in the content; `css` adds the plugin's own classes)."""
    cls = f' class="{css}"' if css else ""
    out = [f"<table{cls}>"]
    if caption:
        out.append(f"<caption>{caption}</caption>")
    out += ["<thead><tr>", *(f'<th scope="col">{h}</th>' for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 forbids (control characters, U+FFFE/U+FFFF, lone
    surrogates): what every feed and JSON file gets."""
    return _XML_FORBIDDEN.sub("", text)


def date_text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""
