"""The sections the plugin adds to pages, composed by the page builders: what the archive knows
of a person, an account or a topic (summary with its chart, action items, meetings, people,
decisions, mentions, connections), a folder's listing, and breadcrumbs.

Each takes the page being made (a `PageDraft`, which records what it reads) and a view
(views.py), and adds Markdown headings with their listings.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from . import charts, graph, listings
from .facts import Reads
from .markup import anchor, esc, escape_md
from .rendered import PageDraft
from .views import EntityView, FolderView, NoteRow

LISTING_PAGE = 200
"""Rows per page of a long listing (the board, an index, a folder)."""


def href_of(reads: Reads) -> listings.Href:
    return lambda src, fragment: reads.href(src, fragment)


def entity_sections(draft: PageDraft, view: EntityView, calendar: str | None) -> None:
    """Everything the archive knows of an entity, below its title (or its note's text)."""
    summary(draft, view, calendar)
    if view.kind == "person":
        _person(draft, view)
    elif view.kind == "account":
        _account(draft, view)
    mentions(draft, view.mentions, always=view.kind == "topic")
    connections(draft, view)


def summary(draft: PageDraft, view: EntityView, calendar: str | None) -> None:
    """A line of figures, the activity chart and the person's calendar: what a hover preview
    of the page shows. The figures are the page's own (the Meetings section counts the same
    meetings)."""
    reads = draft.reads
    count = len(view.meetings)
    facts = [view.kind.capitalize(), f"{count} meeting{'s' * (count != 1)}"]
    if view.latest is not None and view.latest.date is not None:
        facts.append(f"last {view.latest.date.isoformat()}")
    if view.degree:
        facts.append(f"{view.degree} connection{'s' * (view.degree != 1)}")
    parts = [f'<p class="ma-facts">{" · ".join(facts)}</p>']
    if view.kind in ("person", "account") and view.months:
        counts = dict(view.months)
        months = [m for m, _ in view.months]
        svg = charts.activity_svg(
            counts,
            months,
            month_href(reads),
            title=f"Meetings per month with {view.name}",
            ident="ma-activity",
        )
        caption = esc(charts.describe(counts, months))
        parts.append(
            f'<figure class="ma-activity">{svg}<figcaption>{caption}</figcaption></figure>'
        )
    if calendar is not None:
        parts.append(
            '<p class="ma-feeds">'
            + anchor(reads.href(calendar), f"Calendar of {esc(view.name)}'s open action items")
            + " (ICS: subscribe in a calendar app)</p>"
        )
    draft.listing('<div class="ma-summary">' + "".join(parts) + "</div>")


def month_href(reads: Reads) -> charts.MonthHref:
    """Links to a month of meetings/ (its heading, or its own page in a large archive)."""
    month_pages: dict[str, str] = reads.view("meetings:months")
    index = reads.view("meetings:index")

    def href(month: str) -> str | None:
        own = month_pages.get(month)
        return reads.href(own) if own else reads.href(index, month)

    return href


def _person(draft: PageDraft, view: EntityView) -> None:
    href = href_of(draft.reads)
    today = draft.reads.today()
    draft.section(
        f"Open action items ({len(view.tasks)})",
        "open-action-items",
        listings.tasks_table(view.tasks, href, today, owner=False, account=True),
    )
    draft.section(
        f"Meetings ({len(view.meetings)})", "meetings", listings.meetings_table(view.meetings, href)
    )
    if view.accounts:
        draft.section("Accounts met with", "accounts", listings.counted(view.accounts, href))
    if view.peers:
        draft.section("Meets most with", "meets-most-with", listings.counted(view.peers, href))


def _account(draft: PageDraft, view: EntityView) -> None:
    href = href_of(draft.reads)
    today = draft.reads.today()
    if view.latest is not None:
        latest = view.latest
        who = listings.names(latest.people, href)
        when = latest.date.isoformat() if latest.date else ""
        draft.add(f'\n\n!!! abstract "Last meeting: {when}"\n\n')
        draft.add(
            "    "
            + draft.stash.inline(f"{listings.note_link(latest.title, latest.src, href)} with {who}")
            + "\n"
        )
    draft.section(
        f"Meetings ({len(view.meetings)})",
        "meetings",
        listings.meetings_table(view.meetings, href, account=False),
    )
    draft.section(
        "People involved",
        "people-involved",
        listings.counted(view.peers, href) if view.peers else "<p><em>Nobody yet.</em></p>",
    )
    draft.section(
        f"Open action items ({len(view.tasks)})",
        "open-action-items",
        listings.tasks_table(view.tasks, href, today),
    )
    draft.section(
        f"Decisions ({len(view.decisions)})",
        "decisions",
        listings.decisions_table(view.decisions, href),
    )


def mentions(draft: PageDraft, rows: Sequence[NoteRow], always: bool = True) -> None:
    if not rows and not always:
        return
    draft.section(
        f"Mentioned in ({len(rows)})",
        "mentioned-in",
        listings.notes_list(rows, href_of(draft.reads)),
    )


def connections(draft: PageDraft, view: EntityView) -> None:
    if not view.connections:
        return
    reads = draft.reads
    svg = graph.local_svg(
        (view.name, view.kind, view.src),
        [(n.name, n.kind, n.src, n.weight) for n in view.connections],
        view.among,
        view.hidden,
        lambda src: reads.href(src),
        "ma-local",
        view.page_path,
    )
    graph_page = reads.view("graph:src")
    full = reads.href(graph_page) + "?focus=" + quote(view.page_path, safe="/")
    shown = len(view.connections)
    legend = (
        '<ul class="ma-legend" aria-label="Colours">'
        '<li><span class="ma-swatch ma-person"></span> person</li>'
        '<li><span class="ma-swatch ma-account"></span> account</li>'
        '<li><span class="ma-swatch ma-topic"></span> topic</li></ul>'
    )
    draft.section(
        "Connections",
        "connections",
        f'<figure class="ma-local">{svg}<figcaption>Shares meetings with {shown + view.hidden}'
        + (f" (the strongest {shown} shown)" if view.hidden else "")
        + f". {anchor(full, 'Show in the full graph')}{legend}</figcaption></figure>",
    )


def breadcrumbs(draft: PageDraft, crumbs: Sequence[tuple[str, str]], home: str) -> None:
    """Home › Folder › Subfolder, above a note's title."""
    reads = draft.reads
    items = [f"<li>{anchor(reads.href(home), 'Home')}</li>"]
    items += [f"<li>{anchor(reads.href(src), esc(name))}</li>" for name, src in crumbs]
    draft.block(
        f'<nav class="ma-breadcrumbs" aria-label="Breadcrumb"><ol>{"".join(items)}</ol></nav>'
    )


def folder_listing(
    draft: PageDraft,
    view: FolderView,
    rows: Sequence[NoteRow],
    pages: Sequence[str],
    current: int,
    heading: str = "In this folder",
) -> None:
    """A folder's subfolders and notes (one page of them, with the pager)."""
    href = href_of(draft.reads)
    parts = []
    if view.subfolders and current == 0:
        parts.append(
            '<ul class="ma-folders">'
            + "".join(
                f"<li>{anchor(href(src, ''), '📁 ' + esc(name))} ({n})</li>"
                for name, src, n in view.subfolders
            )
            + "</ul>"
        )
    if rows:
        parts.append(
            '<ul class="ma-notes">'
            + "".join(f"<li>{listings.note_link(r.title, r.src, href)}</li>" for r in rows)
            + "</ul>"
        )
    if not parts:
        parts.append("<p><em>No notes here.</em></p>")
    parts.append(listings.pager(pages, current, href))
    draft.section(escape_md(heading), "in-this-folder", "".join(parts))
