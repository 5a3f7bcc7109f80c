"""A rendered page is a value: `RenderedPage` holds everything a page is once made — its HTML
and table of contents, what is put into it when it is written (listings, heading links), the
problems met, and the facts it was made from — the same whether it was made now or read back
from the render cache.

`PageDraft` is how a page is made: its Markdown with the plugin's own HTML kept aside
(stash.py), then `complete` converts, sanitizes and puts that HTML back; `finish` is the last
step, when the page is written and every page's headings are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import inline
from .facts import Key, Reads
from .markdown_html import MarkdownEngine, RenderFailure, TocToken, as_text
from .model import Problem
from .stash import Fills, Stash, fill, fragment_token, fragment_tokens
from .urls import heading_slug


@dataclass(frozen=True)
class LateFragment:
    """A link to a heading of another page (or of this one), resolved when the page is
    written: `headings` as the link wrote them (`#H1#H2`), found among the target's."""

    target: str
    headings: tuple[str, ...]
    source: str
    line: int | None


@dataclass(frozen=True)
class RenderedPage:
    src: str
    title: str
    html: str
    toc: tuple[TocToken, ...]
    meta: dict[str, Any]
    fills: tuple[str, ...] = ()
    secret: str = ""
    late: tuple[LateFragment, ...] = ()
    problems: tuple[Problem, ...] = ()
    inputs: tuple[tuple[Key, str], ...] = ()

    def ids(self) -> set[str]:
        """The ids a link may land on: the headings', and every other the page has."""
        found = {m.group(1) for m in _ID.finditer(self.html)}
        for fragment_html in self.fills:
            found.update(m.group(1) for m in _ID.finditer(fragment_html))
        return found


_ID = re.compile(r'\sid="([^"]+)"')
# A list item that starts with a task's status box is a task-list item, as Material styles it.
_TASK_ITEM = re.compile(r'<li>(\s*(?:<p>)?<label class="task-list-control ma-task-box")')


@dataclass
class PageDraft:
    """A page being made: its Markdown (with tokens), and what it reads."""

    reads: Reads
    title: str
    meta: dict[str, Any] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    stash: Stash = field(default_factory=Stash)
    fills: Fills = field(default_factory=Fills)
    late: list[LateFragment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)
    """The relative URLs the plugin wrote into the Markdown (links it resolved): the only ones
    the page's Markdown-made HTML may carry (sanitize.py)."""

    def url(self, href: str) -> str:
        """`href`, noted as one of the page's own (see `urls`)."""
        self.urls.add(href)
        return href

    def add(self, markdown: str) -> None:
        self.parts.append(markdown)

    def block(self, finished_html: str) -> None:
        """Finished HTML as a block of its own (converted along with the page, so the search
        index sees it)."""
        self.parts.append("\n\n" + self.stash.block(finished_html) + "\n\n")

    def listing(self, finished_html: str, indexed: str = "") -> None:
        """Finished HTML put in when the page is written, after the search index has read it
        (listings are not searched); `indexed` is what search sees in its place."""
        self.parts.append(
            "\n\n" + self.stash.block(self.fills.placeholder(finished_html, indexed)) + "\n\n"
        )

    def section(self, heading: str, ident: str, finished_html: str, level: int = 2) -> None:
        """A heading (escaped Markdown) and its listing."""
        self.add(f"\n\n{'#' * level} {heading} {{ #{ident} }}\n")
        self.listing(finished_html)

    def fragment(
        self, target: str, headings: tuple[str, ...], source: str, line: int | None
    ) -> str:
        """The fragment of a link to a heading, resolved when the page is written."""
        self.late.append(LateFragment(target, headings, source, line))
        return fragment_token(self.fills.secret, len(self.late) - 1)


def complete(
    draft: PageDraft,
    src: str,
    engine: MarkdownEngine,
    clean: Callable[[str, set[str]], str],
) -> RenderedPage:
    """Convert the draft's Markdown, sanitize what the Markdown made, and put the plugin's own
    HTML back in. A text the engine cannot convert is shown as written, with a warning."""
    markdown = "".join(draft.parts)
    problems = list(draft.problems)
    try:
        converted = engine.convert(markdown)
        html, toc = converted.html, converted.toc
    except RenderFailure as err:
        problems.append(
            Problem(draft.reads.src, f"cannot be rendered as Markdown ({err}): shown as text")
        )
        html, toc = as_text(draft.stash.plain(markdown)), ()
    html = _TASK_ITEM.sub(
        r'<li class="task-list-item">\1', draft.stash.unstash(clean(html, draft.urls))
    )
    return RenderedPage(
        src=src,
        title=draft.title,
        html=html,
        toc=tuple(_plain_toc(t, draft.stash) for t in toc),
        meta=draft.meta,
        fills=tuple(draft.fills.made),
        secret=draft.fills.secret,
        late=tuple(draft.late),
        problems=tuple(problems),
        inputs=draft.reads.inputs(),
    )


def _plain_toc(token: TocToken, stash: Stash) -> TocToken:
    return {
        **token,
        "name": stash.plain(str(token.get("name", ""))),
        "children": [_plain_toc(c, stash) for c in token.get("children", [])],
    }


def finish(
    page: RenderedPage,
    output: str,
    toc_of: Callable[[str], tuple[TocToken, ...] | None],
    report: Callable[[Problem], None],
) -> str:
    """The page's final HTML (`output`, as the theme wrote it around the page's HTML): listings
    in, heading links pointing at the ids the headings have (a heading that is not there: a
    link to the page, and a warning)."""
    html = fill(output, page.secret, page.fills)
    if not page.late:
        return html

    def resolve(match: re.Match[str]) -> str:
        n = int(match.group(1))
        late = page.late[n]
        ident = find_heading(toc_of(late.target) or (), late.headings)
        if ident is None:
            report(
                Problem(
                    late.source,
                    f"heading '{'#'.join(late.headings)}' is not in {late.target}: "
                    "linked to the page",
                    late.line,
                )
            )
            return ""
        return "#" + ident

    return fragment_tokens(page.secret).sub(resolve, html)


def flatten(toc: tuple[TocToken, ...] | list[TocToken]) -> list[TocToken]:
    out: list[TocToken] = []
    for token in toc:
        out.append(token)
        out.extend(flatten(token.get("children", [])))
    return out


def find_heading(toc: tuple[TocToken, ...], wanted: tuple[str, ...]) -> str | None:
    """The id of the heading `#H1#H2…` names on a page: each found after the one before, by
    its text as written, or, as Obsidian forgives, up to punctuation and case."""
    headings = flatten(toc)
    position, found = 0, None
    for name in wanted:
        text = inline.plain(name).casefold()
        slug = heading_slug(text)
        match = None
        for i in range(position, len(headings)):
            shown = _text(str(headings[i].get("name", ""))).casefold()
            if shown == text or heading_slug(shown) == slug:
                match = i
                break
        if match is None:
            return None
        found, position = headings[match], match + 1
    return str(found["id"]) if found is not None else None


def _text(name_html: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", name_html)).strip()
