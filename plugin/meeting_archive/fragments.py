"""HTML that the plugin puts into a page after MkDocs has rendered and indexed it.

A generated listing (a person's meetings, the action-item board) is known data, not prose:
handing it to Python-Markdown as a Markdown table costs more than the rest of the page, and
handing it to the search index repeats every meeting title on every page that lists it. So the
page's Markdown holds the section heading (for the table of contents) and a placeholder
comment; the listing's HTML replaces the placeholder in the finished page (`on_post_page`).
The HTML is the plain `<table>` Markdown would have produced, which Material styles the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"<!--ma-fragment-(\d+)-->")


class Fragments:
    """Per page source path, the makers of its fragments, called when the page is written."""

    def __init__(self) -> None:
        self._makers: dict[str, list[Callable[[], str]]] = {}

    def add(self, src: str, make: Callable[[], str]) -> str:
        """Register a fragment for the page `src`; return the Markdown placeholder for it."""
        makers = self._makers.setdefault(src, [])
        makers.append(make)
        return f"\n\n<!--ma-fragment-{len(makers) - 1}-->\n\n"

    def fill(self, src: str, html: str) -> str:
        """The page's HTML with each placeholder replaced by its fragment."""
        makers = self._makers.get(src)
        if not makers:
            return html
        return PLACEHOLDER.sub(
            lambda m: makers[int(m.group(1))]() if int(m.group(1)) < len(makers) else "", html
        )

    def __contains__(self, src: str) -> bool:
        return src in self._makers


def map_between(html: str, convert: Callable[[str], str]) -> str:
    """Apply `convert` (the sanitizer) to the HTML between placeholders, keeping them."""
    parts = PLACEHOLDER.split(html)
    for i in range(0, len(parts), 2):
        parts[i] = convert(parts[i])
    for i in range(1, len(parts), 2):
        parts[i] = f"<!--ma-fragment-{parts[i]}-->"
    return "".join(parts)
