"""Feeds made from the archive model: calendars of open action items, the archive as JSON, and
an Atom feed of the newest meetings.

Pure functions, archive → bytes or text, so that tests (and a gen-files script) call them
without a build. Everything comes from the model, which holds published notes only: a private
note contributes nothing to any feed.

URLs: `url_of(x)` gives a page's URL relative to the site root (`meetings/2025-01-10-qbr/`).
Where a consumer needs an absolute URL (a calendar's URL property, Atom's ids) it is joined to
`site_url` when the site has one; without it, descriptions carry the relative site path and
ids are stable URNs.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import icalendar

from . import inline
from .markup import xml_text
from .model import Archive, Entity, Note, Task

SCHEMA_VERSION = "1.0"
"""Version of archive.json's schema (schema/archive.schema.json). The major number changes
when a field is removed or changes meaning; the minor number when fields are added."""
SCHEMA_FILE = "archive.schema.json"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
"""Meetings in the Atom feed (newest first)."""

# RFC 5545 PRIORITY: 1 is the highest, 9 the lowest, 5 medium; 0 (undefined) is left out.
ICS_PRIORITY = {"highest": 1, "high": 3, "medium": 5, "low": 7, "lowest": 9}

UrlOf = Callable[[Note | Entity], str]


def absolute(site_url: str | None, path: str) -> str | None:
    """`path` (relative to the site root) as an absolute URL, or None when the site has no
    `site_url`."""
    if not site_url:
        return None
    base = site_url if site_url.endswith("/") else site_url + "/"
    return urljoin(base, path)


def task_path(task: Task, url_of: UrlOf) -> str:
    """The site path of an action item's line in its meeting."""
    return f"{url_of(task.meeting)}#{task.anchor}"


def one_line(text: str) -> str:
    """Text for a one-line field (a calendar's name, an event's contact): clean, and its line
    breaks made spaces (a name may hold one; the calendar format forbids it there)."""
    return " ".join(xml_text(text).split())


def plain(markdown: str) -> str:
    """Text of a note's Markdown for a feed: markup dropped, inline code kept as written, and
    no character that XML 1.0 forbids (every feed and JSON file gets only clean text)."""
    return xml_text(inline.plain(markdown))


# -- calendars --------------------------------------------------------------------------------


def calendar_tasks(tasks: Iterable[Task]) -> list[Task]:
    """What a calendar holds: open action items that have a due date, soonest first."""
    return sorted(
        (t for t in tasks if t.is_open and t.due is not None),
        key=lambda t: (t.due or dt.date.max, t.meeting.path, t.line),
    )


def actions_calendar(
    tasks: Iterable[Task],
    *,
    name: str,
    url_of: UrlOf,
    site_url: str | None = None,
    stamp: dt.date,
    accounts_of: Callable[[Note], list[str]] | None = None,
    uid_domain: str = "meeting-archive",
) -> bytes:
    """An iCalendar file: one all-day event on the due date of each open, dated action item
    (see `Calendars`)."""
    return Calendars(url_of, stamp, site_url, accounts_of, uid_domain).calendar(tasks, name)


@dataclass
class Calendars:
    """Writes iCalendar files of action items, each event made once however many calendars
    hold it (the whole archive's and its owner's): serialising is most of the work.

    Events rather than to-dos, because the common calendar apps (Google, Outlook) show only
    events from a subscribed calendar. Each event names the owner (CONTACT and the
    description), the priority (PRIORITY and the description), the meeting and its link (URL
    when the site has a `site_url`). Free time (TRANSP), so the items do not block a diary.
    `stamp` (the build date) is the DTSTAMP, so a rebuild of the same vault on the same day
    writes the same file. `accounts_of(meeting)` names the meeting's accounts (CATEGORIES);
    UIDs are `<meeting page path>/<item anchor>@<uid_domain>` (the site's host when it has a
    `site_url`), stable from build to build.
    """

    url_of: UrlOf
    stamp: dt.date
    site_url: str | None = None
    accounts_of: Callable[[Note], list[str]] | None = None
    uid_domain: str = "meeting-archive"
    previous: dict[str, bytes] = field(default_factory=dict)
    """Events of an earlier build, by everything they are made from (`mkdocs serve` keeps
    them: after an edit only the changed items are serialised again)."""
    made: dict[str, bytes] = field(default_factory=dict)
    """This build's events, by the same key."""
    _events: dict[int, bytes] = field(default_factory=dict)

    def calendar(self, tasks: Iterable[Task], name: str) -> bytes:
        cal = icalendar.Calendar()
        cal.add("prodid", "-//mkdocs-meeting-archive//Action items//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        name = one_line(name)
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        cal.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT12H")
        text = bytes(cal.to_ical())
        end = b"END:VCALENDAR\r\n"
        assert text.endswith(end)
        events = b"".join(self.event(t) for t in calendar_tasks(tasks))
        return text[: -len(end)] + events + end

    def event(self, task: Task) -> bytes:
        made = self._events.get(id(task))
        if made is None:
            domain = (
                urlsplit(self.site_url).hostname if self.site_url else None
            ) or self.uid_domain
            accounts = (
                self.accounts_of(task.meeting) if self.accounts_of else list(task.meeting.accounts)
            )
            meeting = task.meeting
            owner = task.owner.name if task.owner else task.owner_name
            key = repr(
                (
                    *(meeting.page_path, meeting.title, meeting.date, self.url_of(meeting)),
                    *(task.anchor, task.text, task.due, task.priority, owner, tuple(accounts)),
                    *(self.site_url, domain, self.stamp),
                )
            )
            made = self.previous.get(key)
            if made is None:
                fields = event_fields(
                    task, self.url_of, self.site_url, domain, accounts, self.stamp
                )
                made = event_bytes(fields)
            self._events[id(task)] = self.made[key] = made
        return made


EventFields = list[tuple[str, str, str]]
"""(property name, parameters as written after the name, value) of one event."""


def event_fields(
    task: Task,
    url_of: UrlOf,
    site_url: str | None,
    domain: str,
    accounts: list[str],
    stamp: dt.date,
) -> EventFields:
    """An action item's event, in the order iCalendar files list the properties (RFC 5545;
    the order the icalendar library writes them in)."""
    assert task.due is not None
    meeting = task.meeting
    path = task_path(task, url_of)
    link = absolute(site_url, path)
    owner = one_line(task.owner.name if task.owner else task.owner_name or "") or None
    accounts = [one_line(a) for a in accounts]
    lines = []
    if owner:
        lines.append(f"Owner: {owner}")
    if task.priority:
        lines.append(f"Priority: {task.priority}")
    when = f" ({meeting.date.isoformat()})" if meeting.date else ""
    lines.append(f"Meeting: {xml_text(meeting.title)}{when}")
    lines.append(link or path)
    text = ics_text
    fields: EventFields = [
        ("SUMMARY", "", text(one_line(plain(task.text)) or "(no text)")),
        ("DTSTART", ";VALUE=DATE", f"{task.due:%Y%m%d}"),
        ("DTEND", ";VALUE=DATE", f"{task.due + dt.timedelta(days=1):%Y%m%d}"),
        ("DTSTAMP", "", f"{stamp:%Y%m%d}T000000Z"),
        ("UID", "", text(f"{meeting.page_path}/{task.anchor}@{domain}")),
    ]
    if accounts:
        fields.append(("CATEGORIES", "", ",".join(text(a) for a in accounts)))
    if owner:
        fields.append(("CONTACT", "", text(owner)))
    fields.append(("DESCRIPTION", "", text("\n".join(lines))))
    if task.priority:
        fields.append(("PRIORITY", "", str(ICS_PRIORITY.get(task.priority, 0))))
    fields += [("STATUS", "", "CONFIRMED"), ("TRANSP", "", "TRANSPARENT")]
    if link:
        fields.append(("URL", ";VALUE=URI", link))
    return fields


def event_bytes(fields: EventFields) -> bytes:
    """The VEVENT of `fields`: the bytes `icalendar.Event(...).to_ical()` gives for it
    (tests/test_feeds.py compares them on random events), written directly: a calendar of
    thousands of events spent most of a build's feed time building a component for each."""
    lines = ["BEGIN:VEVENT"]
    lines += [fold(f"{name}{params}:{value}") for name, params, value in fields]
    lines.append("END:VEVENT")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def ics_text(text: str) -> str:
    """A TEXT value escaped as RFC 5545 has it (backslash, `;`, `,`, line breaks), as the
    icalendar library escapes it."""
    text = text.replace("\\N", "\\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """A content line folded at 75 octets (RFC 5545), never inside a character or between a
    backslash and what it escapes, as the icalendar library folds."""
    if len(line.encode("utf-8")) < limit:
        return line
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                kept = current.pop()
                folded.append("".join(current))
                current, count = [kept], len(kept.encode("utf-8"))
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def person_calendar_path(person: Entity) -> str:
    """Where a person's calendar is published (site path): `people/<slug>/actions.ics`, under
    the person's own page path even when their note is the home page (the archive's calendar
    is `actions.ics`)."""
    return f"{person.page_path}/actions.ics"


# -- archive.json -----------------------------------------------------------------------------


def archive_data(
    archive: Archive,
    *,
    url_of: UrlOf,
    site_name: str,
    site_url: str | None = None,
    generator: str = "mkdocs-meeting-archive",
) -> dict[str, Any]:
    """The archive as plain data, in the shape schema/archive.schema.json describes.

    Meetings and entities are identified by their page path (`meetings/2025-01-10-globex-qbr`,
    `people/jai-menon`), which is also their stable URL; references between them use these ids.
    """
    entity_ids = {id(e): e.page_path for e in archive.entities()}
    of_meeting: dict[int, dict[str, list[str]]] = {}
    for entity in archive.entities():
        # A topic has no meetings field of its own: the meetings that link to it are its.
        involved = entity.mentions if entity.kind == "topic" else entity.meetings
        for meeting in involved:
            if meeting.is_meeting:
                kinds = of_meeting.setdefault(
                    id(meeting), {"person": [], "account": [], "topic": []}
                )
                kinds[entity.kind].append(entity.page_path)

    def meeting_item(note: Note) -> dict[str, Any]:
        kinds = of_meeting.get(id(note), {"person": [], "account": [], "topic": []})
        return {
            "id": note.page_path,
            "title": note.title,
            "date": note.date.isoformat() if note.date else None,
            "type": note.type or None,
            "url": url_of(note),
            "people": kinds["person"],
            "accounts": kinds["account"],
            "topics": kinds["topic"],
            "tags": list(note.tags),
        }

    def entity_item(e: Entity) -> dict[str, Any]:
        return {
            "id": e.page_path,
            "name": e.name,
            "aliases": list(e.aliases),
            "url": url_of(e),
            "meetings": [m.page_path for m in e.meetings if m.is_meeting],
            "mentioned_in": [n.page_path for n in e.mentions],
            "last_meeting": e.last_meeting.isoformat() if e.last_meeting else None,
        }

    def task_item(t: Task) -> dict[str, Any]:
        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "id": f"{t.meeting.page_path}#{t.anchor}",
            "text": plain(t.text),
            "status": t.status,
            "meeting": t.meeting.page_path,
            "url": task_path(t, url_of),
            "owner": entity_ids.get(id(t.owner)) if t.owner else None,
            "owner_name": t.owner.name if t.owner else t.owner_name,
            "due": day(t.due),
            "scheduled": day(t.scheduled),
            "start": day(t.start),
            "created": day(t.created),
            "done": day(t.done),
            "cancelled": day(t.cancelled),
            "priority": t.priority,
            "recurrence": t.recurrence,
        }

    return {
        "$schema": SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "generator": generator,
        "site": {"name": site_name, "url": site_url or None},
        "build_date": archive.build_date.isoformat(),
        "meetings": [meeting_item(m) for m in archive.meetings],
        "people": [entity_item(e) for e in archive.people.values()],
        "accounts": [entity_item(e) for e in archive.accounts.values()],
        "topics": [entity_item(e) for e in archive.topics.values()],
        "action_items": [task_item(t) for t in archive.tasks],
        "decisions": [
            {
                "text": plain(d.text),
                "meeting": d.meeting.page_path,
                "date": d.meeting.date.isoformat() if d.meeting.date else None,
                "url": url_of(d.meeting),
            }
            for d in archive.decisions
        ],
    }


def archive_json(archive: Archive, **options: Any) -> str:
    data = clean_strings(archive_data(archive, **options))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def clean_strings(value: Any) -> Any:
    """Every string inside `value` without the characters XML 1.0 forbids."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {clean_strings(k): clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    return value


# -- Atom -------------------------------------------------------------------------------------


def atom_feed(
    meetings: list[Note],
    *,
    title: str,
    url_of: UrlOf,
    describe: Callable[[Note], str],
    site_url: str | None = None,
    feed_path: str = "feed.xml",
    limit: int = FEED_ENTRIES,
) -> bytes:
    """An Atom feed (RFC 4287) of the newest meetings (`meetings` is newest first).

    Links are absolute under a `site_url`, else relative to the feed, which sits at the site
    root (feed readers resolve them against the feed's own URL). Ids are the absolute URLs, or
    URNs derived from the site name and the page path: stable as long as the URLs are.
    """
    ET.register_namespace("", ATOM_NS)

    def q(tag: str) -> str:
        return f"{{{ATOM_NS}}}{tag}"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, q(tag), {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    def ident(path: str) -> str:
        return absolute(site_url, path) or "urn:uuid:" + str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"meeting-archive:{title}:{path}")
        )

    dated = [m for m in meetings if m.date is not None][:limit]
    feed = ET.Element(q("feed"))
    sub(feed, "title", title)
    sub(feed, "id", ident(""))
    sub(feed, "updated", _atom_time(dated[0].date if dated else None))
    sub(feed, "link", rel="self", href=absolute(site_url, feed_path) or feed_path)
    sub(feed, "link", rel="alternate", type="text/html", href=absolute(site_url, "") or "./")
    sub(feed, "generator", "mkdocs-meeting-archive")
    author = sub(feed, "author")
    sub(author, "name", title)
    for note in dated:
        path = url_of(note)
        entry = sub(feed, "entry")
        sub(entry, "title", note.title)
        sub(entry, "id", ident(path))
        sub(entry, "updated", _atom_time(note.date))
        sub(entry, "link", rel="alternate", type="text/html", href=absolute(site_url, path) or path)
        sub(entry, "summary", describe(note))
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _atom_time(date: dt.date | None) -> str:
    return f"{(date or dt.date(1970, 1, 1)).isoformat()}T00:00:00Z"
