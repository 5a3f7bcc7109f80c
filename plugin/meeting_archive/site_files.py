"""The files beside the pages: calendars of open action items (`actions.ics`, and one per
person), the archive as JSON with its schema, the Atom feed of the newest meetings, the graph
page's data, and a redirect at each URL a page moved from.

`site_files` makes them from the model (feeds.py and graph.py are the pure formats); the
pipeline writes them. `Kept` is what one build's files leave for the next (the calendar
events and the graph's layout, the costly parts), held by the pipeline, never in a module.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from . import feeds, graph
from .archive import ArchiveBuild
from .model import Entity, Note, Task
from .urls import SiteUrls, dest_uri, page_url, relative_url, slugify
from .views import Views

ARCHIVE_JSON, ATOM_FEED, ACTIONS_ICS, GRAPH_DATA = (
    "archive.json",
    "feed.xml",
    "actions.ics",
    "graph.json",
)


@dataclass
class Kept:
    events: dict[str, bytes] = field(default_factory=dict)
    """Each calendar event, by the repr of everything it is made from."""
    layout: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    """The graph's layout, by a hash of its nodes and edges."""

    def to_json(self) -> bytes:
        events = {key: value.decode("utf-8") for key, value in self.events.items()}
        return json.dumps({"events": events, "layout": self.layout}).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Kept:
        """What an earlier build left (in the render cache); nothing when it cannot be read."""
        try:
            value = json.loads(data)
            events = {str(k): str(v).encode("utf-8") for k, v in value["events"].items()}
            layout = {
                str(k): [(float(x), float(y)) for x, y in v] for k, v in value["layout"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()
        return cls(events, layout)


def site_files(
    model: ArchiveBuild,
    urls: SiteUrls,
    views: Views,
    entity_src: Any,
    *,
    site_name: str,
    site_url: str | None,
    graph_max_nodes: int,
    kept: Kept,
) -> dict[str, bytes]:
    """Site path → content of every file beside the pages."""
    archive = model.archive

    def url_of(item: Note | Entity) -> str:
        src = item.path if isinstance(item, Note) else entity_src(item)
        return urls.url(src)

    def accounts_of(meeting: Note) -> list[str]:
        return [a.name for a in views.accounts_of.get(id(meeting), [])]

    def describe(note: Note) -> str:
        parts = [note.date.isoformat() if note.date else ""]
        accounts = accounts_of(note)
        if accounts:
            parts.append(", ".join(accounts))
        people = [p.name for p in views.people_of.get(id(note), [])]
        if people:
            parts.append("with " + ", ".join(people))
        count = len(views.open_by_meeting.get(id(note), []))
        if count:
            parts.append(f"{count} open action item{'s' * (count != 1)}")
        return " · ".join(p for p in parts if p)

    calendars = feeds.Calendars(
        url_of,
        archive.build_date,
        site_url,
        accounts_of=accounts_of,
        uid_domain=f"{slugify(site_name)}.meeting-archive",
        previous=kept.events,
    )

    def calendar(tasks: list[Task], name: str) -> bytes:
        return calendars.calendar(tasks, name)

    entity_graph = views.graph
    _lay_out(entity_graph, kept.layout)
    out: dict[str, bytes] = {
        ACTIONS_ICS: calendar(archive.tasks, f"{site_name}: open action items"),
        ARCHIVE_JSON: feeds.archive_json(
            archive, url_of=url_of, site_name=site_name, site_url=site_url
        ).encode("utf-8"),
        feeds.SCHEMA_FILE: (resources.files("meeting_archive") / "schema" / feeds.SCHEMA_FILE)
        .read_text("utf-8")
        .encode("utf-8"),
        ATOM_FEED: feeds.atom_feed(
            archive.meetings,
            title=site_name,
            url_of=url_of,
            describe=describe,
            site_url=site_url,
            feed_path=ATOM_FEED,
        ),
        GRAPH_DATA: graph.graph_json(entity_graph, url_of, graph_max_nodes).encode("utf-8"),
    }
    for person in archive.people.values():
        out[feeds.person_calendar_path(person)] = calendar(
            views.open_by_owner.get(id(person), []),
            f"{site_name}: {person.name}'s open action items",
        )
    kept.events = calendars.made
    for old, new in model.pages.redirects.items():
        out[dest_uri(old, urls.use_directory_urls)] = redirect(
            old, page_url(new, urls.use_directory_urls), urls.use_directory_urls
        )
    return out


def redirect(old_page: str, new_url: str, use_directory_urls: bool) -> bytes:
    """A page that sends the reader on to where a page moved (links shared before keep
    working); not a page of the site (no sitemap or search entry)."""
    from urllib.parse import quote

    here = page_url(old_page, use_directory_urls)
    target = html.escape(quote(relative_url(new_url, here), safe="/"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<title>Moved</title><meta http-equiv="refresh" content="0; url={target}">'
        f'<link rel="canonical" href="{target}"><meta name="robots" content="noindex"></head>'
        f'<body><p>This page moved to <a href="{target}">{target}</a>.</p></body></html>\n'
    ).encode()


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
