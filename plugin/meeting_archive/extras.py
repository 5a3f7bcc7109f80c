"""Pictures and feeds on the site: activity charts and local graphs on entity pages, the chart
on the home dashboard, the graph page, feed links, and the files beside the pages
(`actions.ics`, `people/<slug>/actions.ics`, `archive.json` and its schema, `feed.xml`,
`graph.json`, and the graph library, which only the pages that draw a graph load).

`PicturePageWriter` adds these to the pages `pages.PageWriter` writes; `site_files` makes the
files. The pictures and feeds themselves are pure functions in charts.py, graph.py and
feeds.py.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from . import charts, feeds, graph
from .model import Archive, Entity, Note, Task
from .pages import MEETINGS_ON_INDEX, PageWriter, table
from .render import anchor
from .site import ASSET_DIR, GeneratedSources
from .urls import Hrefs, page_url, slugify

log = get_plugin_logger(__name__)

GRAPH_PAGE = "graph"
GRAPH_DATA = "graph.json"
ARCHIVE_JSON = "archive.json"
ATOM_FEED = "feed.xml"
ACTIONS_ICS = "actions.ics"
# Loaded by meeting-archive-pictures.js only on a page that draws the graph: sigma.js 3.0.3
# and graphology 0.26.0 (MIT, from the npm registry, shipped with the site: no CDN at view
# time), and the page's own drawing code.
GRAPH_ASSETS = ("graphology.umd.min.js", "sigma.min.js", "meeting-archive-graph.js")
LICENCES = ("graphology.LICENCE", "sigma.LICENCE")
_LAST_LAYOUT: dict[str, list[tuple[float, float]]] = {}
_LAST_EVENTS: dict[tuple[Any, ...], bytes] = {}
"""The calendar events of the last build in this process (see feeds.Calendars.previous)."""
MOST_CONNECTED = 50
"""Rows of the graph page's table (what the graph shows, readable without a canvas)."""


@dataclass
class PicturePageWriter(PageWriter):
    """The page writer, with activity charts, local graphs and feed links added."""

    sources: GeneratedSources | None = None
    graph_max_nodes: int = 2000
    layout_cache: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: _LAST_LAYOUT)
    """The last layout made in this process: `mkdocs serve` rebuilds reuse it while the
    graph stays the same."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.months = charts.month_span(self.archive)
        # Laid out only for graph.json (feed_files): pages need the graph's edges alone.
        self.graph = graph.entity_graph(self.archive, layout=False)
        self._node = {id(n.entity): i for i, n in enumerate(self.graph.nodes)}
        self._people_of_meeting: dict[int, list[str]] = {}
        for person in self.archive.people.values():
            for m in person.meetings:
                self._people_of_meeting.setdefault(id(m), []).append(person.name)

    # -- where things are -------------------------------------------------------------------

    def _src_of_index(self, section: str) -> str:
        assert self.sources is not None
        return self.sources.of_index(section)

    def month_href(self, src: str) -> charts.MonthHref:
        """Links from the page `src` to a month on meetings/: its heading, or its own page
        when meetings/ lists months only."""
        assert self.sources is not None
        sources = self.sources
        if len(self.archive.meetings) <= MEETINGS_ON_INDEX:
            index = sources.of_index("meetings")
            return lambda month: self.href(src, index, month)
        return lambda month: self.href(src, sources.src(f"meetings/{month}"), "")

    # -- entity pages -------------------------------------------------------------------------

    def entity_sections(self, entity: Entity, src: str) -> str:
        return (
            self.summary(entity, src)
            + super().entity_sections(entity, src)
            + self.connections(entity, src)
        )

    def summary(self, entity: Entity, src: str) -> str:
        """A line of figures, the person's calendar, and (people and accounts) the activity
        chart: what a hover preview of the page shows."""

        def make() -> str:
            meetings = graph.involved_meetings(entity)
            last = entity.last_meeting or max((m.date for m in meetings if m.date), default=None)
            facts = [
                entity.kind.capitalize(),
                f"{len(meetings)} meeting{'s' * (len(meetings) != 1)}",
            ]
            if last:
                facts.append(f"last {last.isoformat()}")
            node = self._node.get(id(entity))
            if node is not None and self.graph.nodes[node].degree:
                facts.append(f"{self.graph.nodes[node].degree} connections")
            parts = [f'<p class="ma-facts">{" · ".join(facts)}</p>']
            if entity.kind in ("person", "account") and self.months:
                counts = charts.per_month(entity.meetings)
                svg = charts.activity_svg(
                    counts,
                    self.months,
                    self.month_href(src),
                    title=f"Meetings per month with {entity.name}",
                    ident="ma-activity",
                )
                caption = html.escape(charts.describe(counts, self.months))
                parts.append(
                    f'<figure class="ma-activity">{svg}<figcaption>{caption}</figcaption></figure>'
                )
            if entity.kind == "person":
                ics = self.href(src, feeds.person_calendar_path(entity), "")
                parts.append(
                    '<p class="ma-feeds">'
                    + anchor(ics, f"Calendar of {html.escape(entity.name)}'s open action items")
                    + " (ICS: subscribe in a calendar app)</p>"
                )
            return '<div class="ma-summary">' + "".join(parts) + "</div>"

        return self.fragments.add(src, make)

    def connections(self, entity: Entity, src: str) -> str:
        node = self._node.get(id(entity))
        if node is None or not self.graph.nodes[node].degree:
            return ""

        def make() -> str:
            local = graph.local_graph(self.graph, node)
            svg = graph.local_svg(
                local, lambda e: self.href(src, self.src_of_entity(e), ""), "ma-local"
            )
            # A query, not a #fragment: the graph page has no element of that id to point at.
            full = (
                self.href(src, self._src_of_index(GRAPH_PAGE), "")
                + "?focus="
                + quote(entity.page_path, safe="/")
            )
            return (
                f'<figure class="ma-local">{svg}<figcaption>Shares meetings with '
                f"{len(local.neighbours) + local.hidden}"
                + (f" (the strongest {len(local.neighbours)} shown)" if local.hidden else "")
                + f". {anchor(full, 'Show in the full graph')}</figcaption></figure>"
            )

        return self.section(src, "Connections", "connections", make)

    # -- index pages --------------------------------------------------------------------------

    def dashboard(self, src: str, src_of_index: Callable[[str], str]) -> str:
        text = super().dashboard(src, src_of_index)

        def make() -> str:
            counts = charts.per_month(self.archive.meetings)
            svg = charts.activity_svg(
                counts,
                self.months,
                self.month_href(src),
                title="Meetings per month",
                ident="ma-activity-home",
                size=charts.HOME_CHART,
            )
            caption = html.escape(charts.describe(counts, self.months))
            links = [
                anchor(self.href(src, src_of_index(GRAPH_PAGE), ""), "Relationship graph"),
                anchor(self.href(src, ACTIONS_ICS, ""), "Open action items (ICS calendar)"),
                anchor(self.href(src, ATOM_FEED, ""), "Newest meetings (Atom feed)"),
                anchor(self.href(src, ARCHIVE_JSON, ""), "The archive as JSON"),
            ]
            return (
                f'<figure class="ma-activity ma-activity-home">{svg}<figcaption>{caption}'
                f'</figcaption></figure><p class="ma-feeds">{" · ".join(links)}</p>'
            )

        picture = (
            "\n## Activity { #activity }\n" + self.fragments.add(src, make) if self.months else ""
        )
        return _before_first_section(text, picture)

    def meetings_index(self, src: str, month_src: Callable[[str], str]) -> str:
        text = super().meetings_index(src, month_src)
        feed = self.fragments.add(
            src,
            lambda: (
                '<p class="ma-feeds">'
                + anchor(self.href(src, ATOM_FEED, ""), "Atom feed of the newest meetings")
                + "</p>"
            ),
        )
        return _after_title(text, feed)

    def actions_pages(self, src_of: Callable[[str], str]) -> list[tuple[str, str]]:
        listed = super().actions_pages(src_of)
        if not listed:
            return listed
        src, text = listed[0]
        calendar = self.fragments.add(
            src,
            lambda: (
                '<p class="ma-feeds">'
                + anchor(
                    self.href(src, ACTIONS_ICS, ""), "Calendar of the open, dated action items"
                )
                + " (ICS: subscribe in a calendar app)</p>"
            ),
        )
        return [(src, _after_title(text, calendar)), *listed[1:]]

    def graph_page(self) -> tuple[str, str]:
        """The relationship graph: drawn by meeting-archive-graph.js from graph.json, with the
        most connected entities as a table below (readable without a script)."""
        src = self._src_of_index(GRAPH_PAGE)
        total = len(self.graph.nodes)

        def canvas() -> str:
            data = self.href(src, GRAPH_DATA, "")
            shown = min(total, self.graph_max_nodes)
            status = (
                f"Drawing {shown} of {total} nodes…"
                if total
                else "Nobody shares a meeting with anyone yet."
            )
            return (
                f'<div class="ma-graph" data-graph="{html.escape(data)}" '
                f'data-max-nodes="{self.graph_max_nodes}" data-total="{total}" tabindex="0" '
                f'aria-label="Relationship graph of {total} people, accounts and topics">'
                f'<p class="ma-graph-status">{status} The graph needs JavaScript and WebGL; the '
                "table below lists the most connected.</p></div>"
            )

        def most_connected() -> str:
            rows = [
                [
                    self.entity_link(n.entity, src),
                    n.entity.kind,
                    str(n.meetings),
                    str(n.degree),
                    str(n.strength),
                ]
                for n in self.graph.nodes[:MOST_CONNECTED]
            ]
            if not rows:
                return "<p><em>None yet.</em></p>"
            return table(
                ["Name", "Kind", "Meetings", "Connections", "Shared meetings"], rows, "ma-sortable"
            )

        intro = (
            "People, accounts and topics, joined when they share a meeting (the more meetings, "
            "the thicker the line). Drag to move, scroll to zoom, hover over a node to see its "
            "neighbours, click it to open its page."
        )
        if total > self.graph_max_nodes:
            intro += (
                f" The {self.graph_max_nodes} most connected of {total} are drawn first; "
                "the button under the graph adds the rest."
            )
        front = {"title": "Graph", "hide": ["toc"], "search": {"exclude": True}}
        text = (
            "---\n"
            + json.dumps(front)
            + "\n---\n\n# Relationship graph\n\n"
            + intro
            + "\n"
            + self.fragments.add(src, canvas)
            + self.section(src, "Most connected", "most-connected", most_connected)
        )
        return src, text

    # -- files beside the pages ---------------------------------------------------------------

    def url_of(self, item: Note | Entity) -> str:
        """A page's URL relative to the site root."""
        if isinstance(self.href, Hrefs):
            src = item.path if isinstance(item, Note) else self.src_of_entity(item)
            return self.href.url(src)
        return page_url(item.page_path, use_directory_urls=True)

    def accounts_of(self, meeting: Note) -> list[str]:
        return [a.name for a in self._accounts_of_meeting.get(id(meeting), [])]

    def describe(self, note: Note) -> str:
        """A meeting in a line, for the Atom feed: date, accounts, people, open items."""
        parts = [note.date.isoformat() if note.date else ""]
        accounts = self.accounts_of(note)
        if accounts:
            parts.append(", ".join(accounts))
        people = self._people_of_meeting.get(id(note), [])
        if people:
            parts.append("with " + ", ".join(people))
        count = len(self._open_by_meeting.get(id(note), []))
        if count:
            parts.append(f"{count} open action item{'s' * (count != 1)}")
        return " · ".join(p for p in parts if p)

    def feed_files(self, site_name: str, site_url: str | None) -> dict[str, bytes]:
        """Site path → content of every feed and data file (see `feed_paths`)."""
        a = self.archive
        _lay_out(self.graph, self.layout_cache)

        calendars = feeds.Calendars(
            self.url_of,
            a.build_date,
            site_url,
            accounts_of=self.accounts_of,
            uid_domain=f"{slugify(site_name)}.meeting-archive",
            previous=_LAST_EVENTS.copy(),
        )

        def calendar(tasks: list[Task], name: str) -> bytes:
            return calendars.calendar(tasks, name)

        out = {
            ACTIONS_ICS: calendar(a.tasks, f"{site_name}: open action items"),
            ARCHIVE_JSON: feeds.archive_json(
                a, url_of=self.url_of, site_name=site_name, site_url=site_url
            ).encode("utf-8"),
            feeds.SCHEMA_FILE: (resources.files("meeting_archive") / "schema" / feeds.SCHEMA_FILE)
            .read_text("utf-8")
            .encode("utf-8"),
            ATOM_FEED: feeds.atom_feed(
                a.meetings,
                title=site_name,
                url_of=self.url_of,
                describe=self.describe,
                site_url=site_url,
                feed_path=ATOM_FEED,
            ),
            GRAPH_DATA: graph.graph_json(self.graph, self.url_of, self.graph_max_nodes).encode(
                "utf-8"
            ),
        }
        for person in a.people.values():
            out[feeds.person_calendar_path(person)] = calendar(
                self._open_by_owner.get(id(person), []),
                f"{site_name}: {person.name}'s open action items",
            )
        _LAST_EVENTS.clear()
        _LAST_EVENTS.update(calendars.made)
        return out


def feed_paths(archive: Archive) -> list[str]:
    """The site paths `feed_files` writes, known before they are made."""
    fixed = [ACTIONS_ICS, ARCHIVE_JSON, feeds.SCHEMA_FILE, ATOM_FEED, GRAPH_DATA]
    return fixed + [feeds.person_calendar_path(p) for p in archive.people.values()]


def taken_paths(files: Files, paths: list[str]) -> set[str]:
    """Generated paths a vault file already holds: the vault's is kept (with a warning)."""
    taken = set()
    for path in paths:
        if files.get_file_from_path(path) is not None:
            log.warning(
                f"{path}: a vault file has the path of a generated file; the vault's is kept"
            )
            taken.add(path)
    return taken


def graph_asset_files(config: MkDocsConfig, files: Files) -> list[File]:
    """The graph page's scripts and their licences, as files for MkDocs to copy."""
    package = resources.files("meeting_archive") / "assets"
    made = {
        f"{ASSET_DIR}/{name}": (package / name).read_bytes() for name in (*GRAPH_ASSETS, *LICENCES)
    }
    return [
        File.generated(config, path, content=content)
        for path, content in made.items()
        if path not in taken_paths(files, [path])
    ]


def _lay_out(g: graph.EntityGraph, cache: dict[str, list[tuple[float, float]]]) -> None:
    """Lay the graph out, or reuse the last layout of the same graph (under `mkdocs serve`,
    an edit that changes no meeting's people leaves the graph as it was)."""
    key = hashlib.sha256(
        json.dumps([[n.entity.page_path for n in g.nodes], g.edges], separators=(",", ":")).encode(
            "utf-8"
        )
    ).hexdigest()
    known = cache.get(key)
    if known is not None:
        for node, (x, y) in zip(g.nodes, known, strict=True):
            node.x, node.y = x, y
        return
    graph.lay_out(g)
    cache.clear()
    cache[key] = [(n.x, n.y) for n in g.nodes]


def _after_title(markdown: str, extra: str) -> str:
    """`extra` right after the page's `# title` line (at the end when it has none)."""
    at = markdown.find("\n# ")
    if at < 0:
        return markdown + extra
    end = markdown.find("\n", at + 1)
    return markdown + extra if end < 0 else markdown[: end + 1] + extra + markdown[end + 1 :]


def _before_first_section(markdown: str, extra: str) -> str:
    at = markdown.find("\n## ")
    return markdown + extra if at < 0 else markdown[:at] + extra + markdown[at:]
