"""Short texts from notes (a task's description, a decision) as HTML for listings and feeds:
inline code kept as code (`` `config[[0]]` `` is code, not a link), links shown as their text,
emphasis markers dropped, everything else escaped."""

from __future__ import annotations

import re

from . import obsidian
from .markup import esc

_EMPHASIS = re.compile(r"(\*\*|__|~~|==|(?<!\w)\*(?!\s)|(?<!\w)_(?!\s))")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _segments(markdown: str) -> list[tuple[str, str]]:
    """(kind, text): code spans, links (as the text they show) and the prose between."""
    out: list[tuple[str, str]] = []
    position = 0
    for match in obsidian.INLINE.finditer(markdown):
        if match.group("tag") is not None:
            continue
        out.append(("text", markdown[position : match.start()]))
        if match.group("code") is not None:
            ticks = len(match.group("ticks"))
            out.append(("code", match.group("code")[ticks:-ticks].strip(" ") or " "))
        elif match.group("link") is not None:
            out.append(("text", obsidian.parse_wikilink(match.group("inner")).display))
        elif match.group("md") is not None:
            out.append(("text", match.group("mdtext")))
        elif match.group("escape") is not None:
            out.append(("code", match.group("escape")[1]))  # the character, as written
        # a raw HTML tag shows nothing of itself
        position = match.end()
    out.append(("text", markdown[position:]))
    return out


def listing_text(markdown: str) -> str:
    """HTML of a short text: see the module docstring."""
    parts = []
    for kind, text in _segments(markdown):
        if kind == "code":
            parts.append(f"<code>{esc(text)}</code>")
        elif text:
            parts.append(esc(_EMPHASIS.sub("", _TAG.sub("", text))))
    return "".join(parts).strip()


def plain(markdown: str) -> str:
    """The same text without any markup (for calendars, feeds and JSON)."""
    parts = []
    for kind, text in _segments(markdown):
        parts.append(text if kind == "code" else _EMPHASIS.sub("", _TAG.sub("", text)))
    return "".join(parts).strip()
