"""HTML that the plugin puts into a page after MkDocs has rendered and indexed it.

A generated listing (a person's meetings, the action-item board) is known data, not prose:
handing it to Python-Markdown as a Markdown table costs more than the rest of the page, and
handing it to the search index repeats every meeting title on every page that lists it. So the
page's Markdown holds the section heading (for the table of contents) and a placeholder
comment; the listing's HTML replaces the placeholder in the finished page (`on_post_page`).
The HTML is the plain `<table>` Markdown would have produced, which Material styles the same.

A fragment may leave something for search in its place (`indexed`): a meeting's header is
put in after indexing, and what search should know of it, and the body does not say already,
is indexed instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(
    r"<!--ma-fragment-(\d+)-->|<!--ma-fragment-(\d+)\+-->.*?<!--/ma-fragment-\2-->", re.DOTALL
)


class Fragments:
    """Per page source path, the makers of its fragments, called when the page is written."""

    def __init__(self) -> None:
        self._makers: dict[str, list[Callable[[], str]]] = {}
        self._made: dict[str, list[str]] = {}
        """HTML made ahead (`make_all` in another process): the first makers of a page."""

    def add(self, src: str, make: Callable[[], str]) -> str:
        """Register a fragment for the page `src`; return the Markdown placeholder for it."""
        return f"\n\n{self.placeholder(src, make)}\n\n"

    def placeholder(self, src: str, make: Callable[[], str], indexed: str = "") -> str:
        """Register a fragment; return its HTML placeholder, holding `indexed` (HTML for the
        search index, replaced by the fragment as well) if any."""
        makers = self._makers.setdefault(src, [])
        makers.append(make)
        n = len(makers) - 1
        if not indexed:
            return f"<!--ma-fragment-{n}-->"
        return f"<!--ma-fragment-{n}+-->{indexed}<!--/ma-fragment-{n}-->"

    def fill(self, src: str, html: str) -> str:
        """The page's HTML with each placeholder replaced by its fragment."""
        makers = self._makers.get(src)
        if not makers:
            return html

        made = self._made.pop(src, [])  # each page is written once

        def fragment(match: re.Match[str]) -> str:
            n = int(match.group(1) or match.group(2))
            if n < len(made):
                return made[n]
            return makers[n]() if n < len(makers) else ""

        return PLACEHOLDER.sub(fragment, html)

    def make_all(self) -> dict[str, list[str]]:
        """The HTML of every fragment registered so far, per page."""
        return {src: [make() for make in makers] for src, makers in self._makers.items()}

    def provide(self, made: dict[str, list[str]]) -> None:
        """Use HTML that `make_all` made (elsewhere) instead of calling those makers again."""
        self._made.update(made)

    def __contains__(self, src: str) -> bool:
        return src in self._makers


def map_between(html: str, convert: Callable[[str], str]) -> str:
    """Apply `convert` (the sanitizer) to the HTML between placeholders, keeping them."""
    out, last = [], 0
    for match in PLACEHOLDER.finditer(html):
        out += [convert(html[last : match.start()]), match.group()]
        last = match.end()
    out.append(convert(html[last:]))
    return "".join(out)
