"""The pages the archive adds to the site, each a builder composed of sections: the dashboard,
the index pages (meetings, people, accounts, topics, actions, tags, graph), a page for each
person, account and topic without a note of its own, a page for each folder of the vault's own
notes, and the further pages of long listings.

`site_pages` says what pages there are (source, page path, title, view) before any is made;
a page's builder makes it from its view (views.py), which is also what its fingerprint is of.
Every listing is at most `LISTING_PAGE` rows a page, so that no page grows with the vault.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from . import charts, listings, sections
from .archive import ArchiveBuild
from .markup import anchor, esc, escape_md, table
from .model import Entity
from .page_paths import SECTIONS, listing_page
from .queries import QueryError
from .query_blocks import query_problem
from .rendered import PageDraft
from .sections import LISTING_PAGE, href_of
from .urls import SiteUrls
from .views import EntityRow, EntityView, FolderView, MeetingRow, NoteRow, TaskRow, Views

MEETINGS_ON_INDEX = 400
"""Above this many meetings, meetings/ lists months and each month gets its own page."""
ARCHIVE_JSON, ATOM_FEED, ACTIONS_ICS, GRAPH_DATA = (
    "archive.json",
    "feed.xml",
    "actions.ics",
    "graph.json",
)
MOST_CONNECTED = 50
"""Rows of the graph page's table (what the graph shows, readable without a canvas)."""

View = Callable[[], Any]
Make = Callable[[PageDraft, Any], None]


class FolderPage(NamedTuple):
    """One page of a folder's listing."""

    view: FolderView
    rows: tuple[NoteRow, ...]
    pages: tuple[str, ...]


class Paged(NamedTuple):
    """One page of a long listing: its rows, how many in all, the sources of all its pages."""

    rows: tuple[Any, ...]
    total: int
    pages: tuple[str, ...]


@dataclass(frozen=True)
class GeneratedPage:
    src: str
    page_path: str
    index: bool
    title: str
    view: str
    make: Make
    search: bool = True
    markdown: str | None = None
    """A page that MkDocs renders from this Markdown itself (the tags index, which Material's
    tags plugin fills)."""
    meta: tuple[tuple[str, Any], ...] = ()


@dataclass
class SitePages:
    """Every generated page of a build, and the views they (and the notes' pages) read."""

    pages: list[GeneratedPage] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)
    src_of_section: dict[str, str] = field(default_factory=dict)
    dashboard_src: str = ""

    def add(self, page: GeneratedPage, view: View) -> None:
        self.pages.append(page)
        self.views.setdefault(page.view, view)


class Sources:
    """Sources of generated pages, chosen so that none is a vault file's."""

    def __init__(self, taken: set[str], urls: SiteUrls) -> None:
        self.taken = {t.casefold() for t in taken}
        self.urls = urls
        self.by_page: dict[str, str] = {}

    def src(self, page_path: str, index: bool = False) -> str:
        known = self.by_page.get(page_path)
        if known is not None:
            return known
        if not page_path:
            src = "index.md"
        else:
            src = f"{page_path}/index.md" if index else f"{page_path}.md"
        while src.casefold() in self.taken:
            src = f"_archive/{src}"
        self.taken.add(src.casefold())
        self.by_page[page_path] = src
        self.urls.add_page(src, page_path, index)
        return src


def home_src(build: ArchiveBuild, sources: Sources) -> str:
    """The home page's source: the vault's own, else the dashboard's."""
    return build.pages.home or sources.src(build.pages.dashboard, index=True)


def folder_sources(build: ArchiveBuild, sources: Sources) -> Callable[[str], str | None]:
    """The source of each folder's page: its index note (the home page for the vault's root),
    else a generated page; None for a folder that has no page."""
    pages = build.pages
    index_notes = {
        note.folder: note.path
        for note in build.other_notes
        if pages.of_folder.get(note.folder) == note.page_path and note.path != pages.home
    }
    home = home_src(build, sources)

    def folder_src(folder: str) -> str | None:
        page = pages.of_folder.get(folder)
        if page is None:
            return None
        if not folder:
            return home
        return index_notes.get(folder) or sources.src(page, index=True)

    return folder_src


def chunks(items: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [items[i : i + LISTING_PAGE] for i in range(0, len(items), LISTING_PAGE)] or [()]


def front(title: str, search: bool = True) -> str:
    """Frontmatter of a page MkDocs renders itself. The title is escaped: Material writes
    `page.meta.title` into the page unescaped."""
    meta: dict[str, object] = {"title": html.escape(title)}
    if not search:
        meta["search"] = {"exclude": True}
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n"


class _Site:
    """Builds the SitePages of one build (see `site_pages`)."""

    def __init__(
        self,
        build: ArchiveBuild,
        views: Views,
        sources: Sources,
        listing_limit: int,
        graph_max_nodes: int,
    ) -> None:
        self.build = build
        self.views = views
        self.sources = sources
        self.limit = listing_limit
        self.max_nodes = graph_max_nodes
        self.site = SitePages()

    def view(self, name: str, make: View) -> str:
        self.site.views.setdefault(name, make)
        return name

    def add(
        self, src: str, page_path: str, title: str, view: str, make: Make, **options: Any
    ) -> None:
        spec = GeneratedPage(
            src, page_path, options.pop("index", True), title, view, make, **options
        )
        self.site.add(spec, self.site.views[view])

    def paged(
        self,
        base: str,
        title: str,
        rows: View,
        total: int,
        body: Callable[[PageDraft, Paged], None],
        first_src: str | None = None,
        **options: Any,
    ) -> None:
        """A listing over as many pages as it needs: `base`, `base/_page-2`, …"""
        count = max(1, -(-total // LISTING_PAGE))
        paths = [base] + [listing_page(base, n) for n in range(2, count + 1)]
        srcs = tuple(
            first_src if n == 0 and first_src else self.sources.src(p, index=True)
            for n, p in enumerate(paths)
        )
        for n, (path, src) in enumerate(zip(paths, srcs, strict=True)):
            heading = title if n == 0 else f"{title} (page {n + 1})"

            def view(n: int = n) -> Paged:
                all_rows = rows()
                parts = chunks(all_rows)
                return Paged(parts[n] if n < len(parts) else (), len(all_rows), srcs)

            def make(draft: PageDraft, data: Paged, n: int = n, heading: str = heading) -> None:
                draft.add(f"# {escape_md(heading)}\n\n")
                body(draft, data)
                draft.listing(listings.pager(data.pages, n, href_of(draft.reads)))

            self.add(src, path, heading, self.view(f"paged:{base}:{n}", view), make, **options)


def site_pages(
    build: ArchiveBuild,
    views: Views,
    sources: Sources,
    entity_src: Callable[[Entity], str],
    *,
    listing_limit: int = 20,
    graph_max_nodes: int = 2000,
    has_tags: bool = True,
) -> SitePages:
    """Every page the archive adds, and the views of the pages and of the notes' sections."""
    maker = _Site(build, views, sources, listing_limit, graph_max_nodes)
    site = maker.site
    pages = build.pages
    for section in SECTIONS:
        site.src_of_section[section] = sources.src(section, index=True)
    site.dashboard_src = sources.src(pages.dashboard, index=pages.home is None)
    maker.view("graph:src", lambda: site.src_of_section["graph"])
    maker.view("meetings:index", lambda: site.src_of_section["meetings"])
    _folders(maker)
    _dashboard(maker)
    _meetings(maker)
    _entity_indexes(maker)
    _actions(maker)
    if has_tags:
        maker.add(
            site.src_of_section["tags"],
            "tags",
            "Tags",
            maker.view("tags", lambda: None),
            _nothing,
            search=False,
            markdown=front("Tags", search=False) + "# Tags\n\n<!-- material/tags -->\n",
        )
    if views.graph.nodes:
        _graph_page(maker)
    _bases(maker)
    for entity in build.archive.entities():
        key = maker.view(f"entity:{entity.key}", partial(views.entity, entity))
        if entity.note is None:
            maker.add(
                entity_src(entity), entity.page_path, entity.name, key, _entity_page, index=False
            )
    for note in build.archive.notes.values():
        if note.folder:
            maker.view(f"crumbs:{note.folder}", partial(views.crumbs, note.folder))
    return site


def _nothing(draft: PageDraft, view: Any) -> None:
    return None


# -- entities -------------------------------------------------------------------------------


def _entity_page(draft: PageDraft, view: EntityView) -> None:
    draft.add(f"# {escape_md(view.name)}\n\n")
    calendar = f"{view.page_path}/actions.ics" if view.kind == "person" else None
    sections.entity_sections(draft, view, calendar)


def _entity_indexes(maker: _Site) -> None:
    views = maker.views
    for kind, section, title, count_head in (
        ("person", "people", "People", "Open items"),
        ("account", "accounts", "Accounts", "Open items"),
        ("topic", "topics", "Topics", "Mentions"),
    ):

        def rows(kind: str = kind) -> tuple[EntityRow, ...]:
            return views.entity_index(kind)

        def body(draft: PageDraft, data: Paged, count_head: str = count_head) -> None:
            draft.add(
                f"{data.total} in the archive, most recently met first. Select a column heading to sort.\n"
            )
            draft.listing(listings.entities_table(data.rows, href_of(draft.reads), count_head))

        total = len(
            {
                "person": maker.build.archive.people,
                "account": maker.build.archive.accounts,
                "topic": maker.build.archive.topics,
            }[kind]
        )
        maker.paged(
            section, title, rows, total, body, maker.site.src_of_section[section], search=False
        )


# -- the action-item board ------------------------------------------------------------------


def _actions(maker: _Site) -> None:
    views = maker.views

    def body(draft: PageDraft, data: Paged) -> None:
        reads = draft.reads
        calendar = anchor(reads.href(ACTIONS_ICS), "Calendar of the open, dated action items")
        draft.add(
            f"{data.total} open action items: overdue first, then by due date, then undated.\n"
        )
        draft.listing(f'<p class="ma-feeds">{calendar} (ICS: subscribe in a calendar app)</p>')
        table_html = listings.tasks_table(
            data.rows, href_of(reads), reads.today(), owner=True, account=True
        )
        # the filters go into the slot (meeting-archive.js), which keeps their room from the
        # start: the board does not jump down when they appear
        slot = '<div class="ma-board-slot"></div>'
        draft.listing(f'{slot}<div class="ma-board">{table_html}</div>')

    rows: View = lambda: tuple(views.task_row(t) for t in views.open)  # noqa: E731
    maker.paged(
        "actions",
        "Action items",
        rows,
        len(views.open),
        body,
        maker.site.src_of_section["actions"],
        search=False,
        meta=(("hide", ["toc"]),),  # the board has no headings: its table takes the width
    )


# -- meetings -------------------------------------------------------------------------------


def _meetings(maker: _Site) -> None:
    views, sources, site = maker.views, maker.sources, maker.site
    meetings = maker.build.archive.meetings
    big = len(meetings) > MEETINGS_ON_INDEX
    months = sorted({f"{m.date:%Y-%m}" for m in meetings if m.date}, reverse=True)
    month_srcs = {m: sources.src(f"meetings/{m}", index=True) for m in months} if big else {}
    maker.view("meetings:months", lambda: dict(month_srcs))

    def by_month() -> dict[str, tuple[MeetingRow, ...]]:
        grouped: dict[str, list[MeetingRow]] = {}
        for row in views.meetings():
            if row.date:
                grouped.setdefault(f"{row.date:%Y-%m}", []).append(row)
        return {m: tuple(rows) for m, rows in grouped.items()}

    name = maker.view("meetings:by-month", by_month)

    def index(draft: PageDraft, grouped: dict[str, tuple[MeetingRow, ...]]) -> None:
        reads = draft.reads
        href = href_of(reads)
        total = sum(len(rows) for rows in grouped.values())
        draft.add(f"# Meetings\n\n{total} meetings, newest first.\n")
        draft.listing(
            f'<p class="ma-feeds">{anchor(reads.href(ATOM_FEED), "Atom feed of the newest meetings")}</p>'
        )
        if not big:
            year = ""
            for month, rows in grouped.items():
                if month[:4] != year:
                    year = month[:4]
                    draft.add(f"\n## {year} {{ #{year} }}\n")
                draft.section(
                    charts.month_name(month), month, listings.meetings_table(rows, href), 3
                )
            return
        body = [
            [anchor(reads.href(month_srcs[m]), charts.month_name(m)), str(len(rows))]
            for m, rows in grouped.items()
        ]
        draft.listing(table(["Month", "Meetings"], body))

    maker.add(site.src_of_section["meetings"], "meetings", "Meetings", name, index, search=False)
    for month, src in month_srcs.items():
        title = f"Meetings in {charts.month_name(month)}"

        def month_page(
            draft: PageDraft,
            grouped: dict[str, tuple[MeetingRow, ...]],
            month: str = month,
            title: str = title,
        ) -> None:
            draft.add(f"# {title}\n")
            draft.listing(listings.meetings_table(grouped.get(month, ()), href_of(draft.reads)))

        maker.add(src, f"meetings/{month}", title, name, month_page, search=False)


# -- the dashboard --------------------------------------------------------------------------


class Dashboard(NamedTuple):
    counts: tuple[int, int, int, int, int]
    latest: tuple[MeetingRow, ...]
    due: tuple[TaskRow, ...]
    active: tuple[EntityRow, ...]
    activity: tuple[tuple[str, int], ...]
    notes: FolderPage | None
    """The vault's root listing, when the dashboard is the home page."""


def _dashboard(maker: _Site) -> None:
    views, site, build, limit = maker.views, maker.site, maker.build, maker.limit
    is_home = build.pages.home is None

    def view() -> Dashboard:
        return Dashboard(
            views.counts(),
            views.meetings()[:limit],
            tuple(views.task_row(t) for t in views.open if t.due)[:limit],
            views.active_accounts(limit),
            views.activity(),
            folder_page(views, "", 0, (site.dashboard_src,)) if is_home else None,
        )

    def make(draft: PageDraft, data: Dashboard) -> None:
        reads = draft.reads
        href = href_of(reads)
        draft.add("# Meeting archive\n")
        cards = zip(
            ("Meetings", "Accounts", "People", "Topics", "Open action items"),
            data.counts,
            ("meetings", "accounts", "people", "topics", "actions"),
            strict=True,
        )
        grid = "".join(
            f"<li><p><strong>{anchor(reads.href(site.src_of_section[s]), f'{n} {label}')}</strong></p></li>"
            for label, n, s in cards
        )
        draft.listing(f'<div class="grid cards"><ul>{grid}</ul></div>')
        if data.activity:
            _activity(draft, data.activity, site)
        draft.section(
            "Latest meetings", "latest-meetings", listings.meetings_table(data.latest, href)
        )
        draft.section(
            "Open action items due soonest",
            "due-soonest",
            listings.tasks_table(data.due, href, reads.today(), account=True),
        )
        draft.section(
            "Most active accounts", "most-active-accounts", _active_accounts(data.active, href)
        )
        if data.notes is not None and (data.notes.rows or data.notes.view.subfolders):
            sections.folder_listing(
                draft, data.notes.view, data.notes.rows, data.notes.pages, 0, heading="Notes"
            )

    title = "Home" if is_home else "Dashboard"
    maker.add(
        site.dashboard_src,
        build.pages.dashboard,
        title,
        maker.view("dashboard", view),
        make,
        index=is_home,
    )


def _activity(draft: PageDraft, activity: tuple[tuple[str, int], ...], site: SitePages) -> None:
    reads = draft.reads
    counts = dict(activity)
    months = [m for m, _ in activity]
    svg = charts.activity_svg(
        counts, months, sections.month_href(reads), title="Meetings per month",
        ident="ma-activity-home", size=charts.HOME_CHART,
    )  # fmt: skip
    has_graph = any(p.src == site.src_of_section["graph"] for p in site.pages)
    links = (
        [anchor(reads.href(site.src_of_section["graph"]), "Relationship graph")]
        if has_graph
        else []
    )
    links += [
        anchor(reads.href(ACTIONS_ICS), "Open action items (ICS calendar)"),
        anchor(reads.href(ATOM_FEED), "Newest meetings (Atom feed)"),
        anchor(reads.href(ARCHIVE_JSON), "The archive as JSON"),
    ]
    draft.section(
        "Activity",
        "activity",
        f'<figure class="ma-activity ma-activity-home">{svg}<figcaption>'
        f"{esc(charts.describe(counts, months))}</figcaption></figure>"
        f'<p class="ma-feeds">{" · ".join(links)}</p>',
    )


def _active_accounts(rows: tuple[EntityRow, ...], href: listings.Href) -> str:
    if not rows:
        return listings.NOTHING
    body = [
        [listings.name_link((e.name, e.src), href), str(e.meetings), listings.date_cell(e.last)]
        for e in rows
    ]
    return table(["Account", "Meetings", "Last meeting"], body)


# -- folders --------------------------------------------------------------------------------


def folder_page(views: Views, folder: str, n: int, srcs: tuple[str, ...]) -> FolderPage:
    view = views.folder(folder)
    parts = chunks(view.notes)
    return FolderPage(view, parts[n] if n < len(parts) else (), srcs)


def _folders(maker: _Site) -> None:
    """A page for each folder of the vault's own notes (its index note's, or a generated one),
    and the further pages of long folder listings."""
    build, views, sources = maker.build, maker.views, maker.sources
    pages = build.pages
    folder_src = views.folder_src
    home = pages.home or maker.site.dashboard_src
    for folder, page in sorted(pages.of_folder.items()):
        count = max(1, -(-len(views.folder(folder).notes) // LISTING_PAGE))
        first = folder_src(folder)
        assert first is not None
        more = [sources.src(listing_page(page, n), index=True) for n in range(2, count + 1)]
        srcs = (first, *more)
        for n in range(count):
            name = maker.view(
                f"folder-page:{folder}:{n}", partial(folder_page, views, folder, n, srcs)
            )
            if n == 0 and (first in build.archive.notes or not folder):
                continue  # the folder's own note shows it (the home page: the root's)
            title = folder.rsplit("/", 1)[-1] if folder else "Notes"
            heading = title if n == 0 else f"{title} (page {n + 1})"

            def make(
                draft: PageDraft, data: FolderPage, n: int = n, heading: str = heading
            ) -> None:
                if data.view.folder:
                    crumbs = draft.reads.view(f"crumbs:{data.view.folder}")
                    sections.breadcrumbs(draft, crumbs[:-1] if n == 0 else crumbs, home)
                draft.add(f"# {escape_md(heading)}\n\n")
                sections.folder_listing(draft, data.view, data.rows, data.pages, n)

            path = page if n == 0 else listing_page(page, n + 1)
            if folder:
                maker.view(f"crumbs:{folder}", partial(views.crumbs, folder))
            maker.add(srcs[n], path, heading, name, make)


# -- Obsidian Bases -------------------------------------------------------------------------


def _bases(maker: _Site) -> None:
    """A page for each `.base` file: every view of it, run over the published notes."""
    for path, page in sorted(maker.build.pages.of_base.items()):
        title = posixpath.splitext(posixpath.basename(path))[0]

        def make(draft: PageDraft, _: Any, path: str = path, title: str = title) -> None:
            reads = draft.reads
            found = reads.queries(True)
            text = found.bases.get(path, "")
            notes = reads.facts.build.archive.notes
            draft.add(f"# {escape_md(title)}\n")

            def link(target: str, anchor_id: str | None) -> str:
                return reads.href(target, anchor_id or "")

            try:
                names = found.views(text) or ("",)
                for view in names:
                    shown = found.run(
                        "base", text, None, link, lambda p: notes[p].title, view or None
                    )
                    if view and len(names) > 1:
                        draft.add(f"\n## {escape_md(view)}\n")
                    draft.listing(shown)
            except QueryError as err:
                draft.problems.append(query_problem("base", err, path, 0))
                draft.listing(f"<pre><code>{esc(text)}</code></pre>")

        maker.add(
            maker.sources.src(page),
            page,
            title,
            maker.view(f"base:{path}", partial(str, path)),
            make,
            index=False,
        )


# -- the graph ------------------------------------------------------------------------------


class GraphView(NamedTuple):
    total: int
    rows: tuple[tuple[str, str, str, int, int, int], ...]


def _graph_page(maker: _Site) -> None:
    views, max_nodes = maker.views, maker.max_nodes

    def view() -> GraphView:
        g = views.graph
        rows = tuple(
            (
                n.entity.name,
                views.entity_src(n.entity),
                n.entity.kind,
                n.meetings,
                n.degree,
                n.strength,
            )
            for n in g.nodes[:MOST_CONNECTED]
        )
        return GraphView(len(g.nodes), rows)

    def make(draft: PageDraft, data: GraphView) -> None:
        reads = draft.reads
        href = href_of(reads)
        intro = (
            "People, accounts and topics, joined when they share a meeting (the more meetings, "
            "the thicker the line). Drag to move, scroll to zoom, hover over a node to see its "
            "neighbours, select it to open its page. With the keyboard: on the graph, the arrow "
            "keys move it, + and − zoom, 0 resets; find a name with the search box, then Enter "
            "on the graph opens its page."
        )
        if data.total > max_nodes:
            intro += f" The {max_nodes} most connected of {data.total} are drawn first; the button under the graph adds the rest."
        draft.add("# Relationship graph\n\n" + intro + "\n")
        shown = min(data.total, max_nodes)
        status = (
            f"Drawing {shown} of {data.total} nodes…"
            if data.total
            else "Nobody shares a meeting with anyone yet."
        )
        draft.listing(
            f'<div class="ma-graph" data-graph="{esc(reads.href(GRAPH_DATA))}" data-max-nodes="{max_nodes}" '
            f'data-total="{data.total}" tabindex="0" role="application" '
            f'aria-label="Relationship graph of {data.total} people, accounts and topics">'
            f'<p class="ma-graph-status">{status} The graph needs JavaScript and WebGL; the '
            "table below lists the most connected.</p></div>"
        )
        body = [
            [listings.name_link((n, s), href), kind, str(m), str(d), str(st)]
            for n, s, kind, m, d, st in data.rows
        ]
        draft.section(
            "Most connected",
            "most-connected",
            listings.sortable(
                table(["Name", "Kind", "Meetings", "Connections", "Shared meetings"], body)
            )
            if body
            else listings.NOTHING,
        )

    maker.add(
        maker.site.src_of_section["graph"], "graph", "Graph", maker.view("graph", view), make,
        search=False, meta=(("hide", ["toc"]),),
    )  # fmt: skip
