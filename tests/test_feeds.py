"""Feeds of the `archive` fixture vault: the calendars of open action items (parsed with the
icalendar library), archive.json (validated against its committed schema), the Atom feed
(parsed with ElementTree), the links to them, and a private meeting that reaches none of them.

The vault is built twice: with a `site_url` and directory URLs (absolute links where calendars
and feeds want them), and without a `site_url` and with `.html` URLs (relative site paths).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest

from conftest import FIXTURES, Built, article, build_vault, follow
from privacy_audit import audit_privacy

SITE_URL = "https://archive.example.org/team/"
MARKER = "PRIVATE-FEED-7f3a"
PRIVATE_MEETING = f"""---
title: Hush planning {MARKER}
date: 2025-05-05
publish: false
account: Hushco Secret Account
participants: [Jai Menon, Zed Secretperson]
---

## Action Items

- [ ] Leak nothing {MARKER} @Jai 📅 2030-05-05 ⏫
- [ ] Zed's task {MARKER} @Zed Secretperson 📅 2030-05-06

## Decisions

- Decided {MARKER}.
"""

# The open action items of the fixture that have a due date: (text, due, owner). Done
# (`[x]`), cancelled (`[-]`) and undated ones are not in any calendar.
OPEN_DATED = {
    ("Send the renewal deck", dt.date(2025, 1, 20), "Jai Menon"),
    ("Share the usage report", dt.date(2025, 2, 1), "Priya Raman"),
    ("Call back the CTO", dt.date(2025, 4, 1), "Priya"),  # @Priya is ambiguous: as written
    ("Draft the contract", dt.date(2030, 1, 1), "Sam Okafor"),
    ("Ask legal", dt.date(2030, 2, 1), "Nobody Known"),
    ("Check markup in tasks", dt.date(2030, 3, 3), "Jai Menon"),
}
ICS_PRIORITY = {"Send the renewal deck": 1, "Share the usage report": 7, "Draft the contract": 3}


@dataclass
class Sites:
    absolute: Built
    relative: Built


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    tmp = tmp_path_factory.mktemp("feeds")
    vault = tmp / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    (vault / "Meetings" / "2025-05-05 Hush.md").write_text(PRIVATE_MEETING, encoding="utf-8")
    absolute = build_vault(vault, tmp / "abs", extra={"site_url": SITE_URL})
    relative = build_vault(vault, tmp / "rel", use_directory_urls=False)
    return Sites(absolute, relative)


@pytest.fixture(scope="module")
def site(sites: Sites) -> Built:
    return sites.absolute


def calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def events(cal: icalendar.Calendar) -> list[Any]:
    return list(cal.walk("VEVENT"))


def summary(event: Any) -> tuple[str, dt.date, str]:
    return (str(event["SUMMARY"]), event.decoded("DTSTART"), str(event.get("CONTACT", "")))


# -- calendars --------------------------------------------------------------------------------


def test_actions_ics_holds_exactly_the_open_dated_items(site: Built) -> None:
    cal = calendar(site.site / "actions.ics")
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    found = events(cal)
    assert {summary(e) for e in found} == OPEN_DATED
    assert len(found) == len(OPEN_DATED)
    assert len({str(e["UID"]) for e in found}) == len(found)
    for event in found:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # all-day events: dates, not date-times, one day long
        assert type(start) is dt.date and end - start == dt.timedelta(days=1)
        assert "DTSTAMP" in event
        text = str(event["SUMMARY"])
        assert event.get("PRIORITY") == ICS_PRIORITY.get(text)
        assert str(event["URL"]).startswith(SITE_URL + "meetings/")
        assert str(event["URL"]) in str(event["DESCRIPTION"])
        assert "Meeting: " in str(event["DESCRIPTION"])


def test_an_event_names_owner_meeting_link_and_priority(site: Built) -> None:
    (event,) = [
        e for e in events(calendar(site.site / "actions.ics"))
        if str(e["SUMMARY"]) == "Draft the contract"
    ]
    description = str(event["DESCRIPTION"]).splitlines()
    assert description == [
        "Owner: Sam Okafor",
        "Priority: high",
        "Meeting: Globex follow-up (2025-06-02)",
        SITE_URL + "meetings/2025-06-02-globex-follow-up/#task-1",
    ]
    # the account by its name, although the meeting wrote its alias '[[GX]]'
    assert event.get("CATEGORIES").cats == ["Globex"]
    # the link leads to the item's line on the meeting page
    path, fragment = follow("", str(event["URL"]).removeprefix(SITE_URL))
    page = article(site.html(path))
    assert page.css_first(f'[id="{fragment}"]') is not None


@pytest.mark.parametrize(
    ("person", "items"),
    [
        ("jai-menon", {"Send the renewal deck", "Check markup in tasks"}),
        ("priya-raman", {"Share the usage report"}),  # owner written as the alias @PR
        ("sam-okafor", {"Draft the contract"}),  # @Sammy
        ("priya-shah", set()),  # nothing of hers: a calendar with no events, still valid
    ],
)
def test_each_person_has_a_calendar_of_their_items(site: Built, person: str, items: set[str]) -> None:
    path = site.site / "people" / person / "actions.ics"
    cal = calendar(path)
    assert {str(e["SUMMARY"]) for e in events(cal)} == items
    assert str(cal["X-WR-CALNAME"]).endswith("open action items")
    # linked from the person's page
    page = article(site.html(f"people/{person}/"))
    hrefs = [a.attributes.get("href") or "" for a in page.css(".ma-feeds a")]
    assert [h for h in hrefs if follow(f"people/{person}/", h)[0] == f"people/{person}/actions.ics"]


def test_calendars_without_site_url_carry_relative_site_paths(sites: Sites) -> None:
    built = sites.relative
    cal = calendar(built.site / "actions.ics")
    for event in events(cal):
        assert "URL" not in event
        link = str(event["DESCRIPTION"]).splitlines()[-1]
        assert link.startswith("meetings/") and ".html#task-" in link
        path, _ = follow("", link)
        assert (built.site / path).is_file()
    # a person's calendar sits beside the person's page under either URL style
    assert (built.site / "people" / "jai-menon" / "actions.ics").is_file()
    page = article(built.html("people/jai-menon.html"))
    href = page.css_first(".ma-feeds a").attributes["href"] or ""
    assert follow("people/jai-menon.html", href)[0] == "people/jai-menon/actions.ics"


# -- archive.json -------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    text = (resources.files("meeting_archive") / "schema" / "archive.schema.json").read_text("utf-8")
    return json.loads(text)


def test_archive_json_validates_against_its_schema(sites: Sites) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    validator.check_schema(schema())
    for built in (sites.absolute, sites.relative):
        data = json.loads((built.site / "archive.json").read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, "\n".join(str(e) for e in errors[:5])
        # the schema is published beside the data
        published = json.loads((built.site / "archive.schema.json").read_text(encoding="utf-8"))
        assert published == schema()


def test_archive_json_holds_the_model(site: Built) -> None:
    data = json.loads((site.site / "archive.json").read_text(encoding="utf-8"))
    assert data["schema_version"].startswith("1.")
    assert data["site"] == {"name": "Test archive", "url": SITE_URL}
    assert [m["title"] for m in data["meetings"]] == [
        "Globex follow-up",
        "Initech intro",
        "Globex QBR",
        "<script>alert('title')</script> & <b>bold</b>",
    ]
    ids = {m["id"] for m in data["meetings"]}
    people = {p["id"] for p in data["people"]}
    accounts = {a["id"] for a in data["accounts"]}
    topics = {t["id"] for t in data["topics"]}
    assert people == {f"people/{s}" for s in ("jai-menon", "priya-raman", "sam-okafor",
                                                 "priya-shah", "img-src-x-onerror-alert-name")}
    assert accounts == {"accounts/globex", "accounts/umbrella", "accounts/initech"}
    assert topics == {"topics/project-nimbus"}
    follow_up = data["meetings"][0]
    assert follow_up["accounts"] == ["accounts/globex"]  # '[[GX]]' is Globex
    assert set(follow_up["people"]) == {"people/jai-menon", "people/sam-okafor"}
    # every reference is to something in the file
    for meeting in data["meetings"]:
        assert set(meeting["people"]) <= people and set(meeting["accounts"]) <= accounts
        assert set(meeting["topics"]) <= topics
    for entity in data["people"] + data["accounts"] + data["topics"]:
        assert set(entity["meetings"]) <= ids
    items = data["action_items"]
    assert len(items) == 9
    assert {i["status"] for i in items} == {"open", "done", "cancelled"}
    dated_open = {(i["text"], i["due"]) for i in items if i["status"] == "open" and i["due"]}
    assert dated_open == {(t, d.isoformat()) for t, d, _ in OPEN_DATED}
    for item in items:
        assert item["meeting"] in ids
        assert item["owner"] is None or item["owner"] in people
    assert {d["text"] for d in data["decisions"]} == {
        "Renew for two years.", "Keep the current support tier.", "Send a proposal.",
        "Pilot starts in July.",
    }


def test_schema_rejects_what_it_should() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    good = {
        "schema_version": "1.0", "generator": "x", "site": {"name": "n", "url": None},
        "build_date": "2025-01-01", "meetings": [], "people": [], "accounts": [], "topics": [],
        "action_items": [], "decisions": [],
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "schema_version": "2.0"})
    assert not validator.is_valid({**good, "unknown": 1})
    assert not validator.is_valid({**good, "build_date": "01/01/2025"})


# -- Atom ---------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_lists_the_newest_meetings(sites: Sites) -> None:
    for built, absolute in ((sites.absolute, True), (sites.relative, False)):
        root = ET.fromstring((built.site / "feed.xml").read_bytes())
        assert root.tag == f"{ATOM}feed"
        assert root.findtext(f"{ATOM}title") == "Test archive"
        assert root.findtext(f"{ATOM}updated") == "2025-06-02T00:00:00Z"
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [
            "Globex follow-up", "Initech intro", "Globex QBR",
            "<script>alert('title')</script> & <b>bold</b>",
        ]
        assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
        for entry in entries:
            link = entry.find(f"{ATOM}link")
            assert link is not None
            href = link.attrib["href"]
            if absolute:
                assert href.startswith(SITE_URL + "meetings/") and href.endswith("/")
                assert entry.findtext(f"{ATOM}id") == href
            else:
                assert href.startswith("meetings/") and href.endswith(".html")
                assert (entry.findtext(f"{ATOM}id") or "").startswith("urn:uuid:")
                assert (built.site / href).is_file()
            assert entry.findtext(f"{ATOM}updated", "").endswith("T00:00:00Z")
        first = entries[0].findtext(f"{ATOM}summary") or ""
        assert first == "2025-06-02 · Globex · with Jai Menon, Sam Okafor · 3 open action items"


# -- links and privacy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ("meetings/", "feed.xml"),
        ("actions/", "actions.ics"),
        ("", "actions.ics"),
        ("", "feed.xml"),
        ("", "archive.json"),
        ("", "graph/"),
    ],
)
def test_feeds_are_linked_from_their_pages(site: Built, page: str, target: str) -> None:
    hrefs = [a.attributes.get("href") or "" for a in article(site.html(page)).css("a")]
    assert target in {follow(page, h)[0] for h in hrefs}
    assert (site.site / target).exists()


def test_private_meeting_reaches_no_feed(sites: Sites) -> None:
    for built in (sites.absolute, sites.relative):
        findings = audit_privacy(
            built.site,
            markers=[MARKER, "Hushco Secret Account", "Zed Secretperson", "Leak nothing"],
            titles=["Hush planning"],
        )
        assert not findings, "\n".join(map(str, findings))
        assert not (built.site / "people" / "zed-secretperson").exists()
        for name in ("actions.ics", "archive.json", "feed.xml", "graph.json"):
            assert MARKER not in (built.site / name).read_text(encoding="utf-8")


def test_a_vault_file_keeps_its_path(tmp_path: Path) -> None:
    """A vault attachment where a feed would go is published as it is, with a warning."""
    shutil.copytree(FIXTURES / "archive" / "vault", tmp_path / "vault")
    (tmp_path / "vault" / "feed.xml").write_text("<mine/>", encoding="utf-8")
    built = build_vault(tmp_path / "vault", tmp_path)
    assert (built.site / "feed.xml").read_text(encoding="utf-8") == "<mine/>"
    assert any("feed.xml" in m and "generated file" in m for m in built.messages())
    assert (built.site / "actions.ics").is_file()


# -- the calendar events, against the icalendar library -----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _library_event(task: Any, accounts: list[str], site_url: str | None) -> bytes:
    """The event as the icalendar library writes it (what feeds.event_bytes must equal)."""
    import icalendar

    from meeting_archive.feeds import ICS_PRIORITY, absolute, one_line, plain, task_path
    from meeting_archive.markup import xml_text

    path = task_path(task, lambda n: n.page_path + "/")
    link = absolute(site_url, path)
    owner = one_line(task.owner_name or "") or None
    event = icalendar.Event()
    event.add("uid", f"{task.meeting.page_path}/{task.anchor}@example.org")
    event.add("dtstamp", dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc))
    event.add("dtstart", task.due)
    event.add("dtend", task.due + dt.timedelta(days=1))
    event.add("summary", one_line(plain(task.text)) or "(no text)")
    lines = []
    if owner:
        lines.append(f"Owner: {owner}")
        event.add("contact", owner)
    if task.priority:
        lines.append(f"Priority: {task.priority}")
        event.add("priority", ICS_PRIORITY[task.priority])
    lines.append(f"Meeting: {xml_text(task.meeting.title)} ({task.meeting.date.isoformat()})")
    lines.append(link or path)
    event.add("description", "\n".join(lines))
    if link:
        event.add("url", link, parameters={"VALUE": "URI"})
    if accounts:
        event.add("categories", [one_line(a) for a in accounts])
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return bytes(event.to_ical())


_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r"), max_size=120)


@settings(max_examples=300, deadline=None)
@given(
    _TEXT,
    _TEXT.filter(lambda t: t.strip()),
    st.one_of(st.none(), _TEXT),
    st.sampled_from([None, "highest", "high", "medium", "low", "lowest"]),
    st.lists(_TEXT.filter(lambda t: " ".join(t.split())), max_size=3),
    st.sampled_from([None, "https://example.org/archive/"]),
)
def test_events_are_the_icalendar_librarys_bytes(
    text: str, title: str, owner: str | None, priority: str | None, accounts: list[str], site: str | None
) -> None:
    from meeting_archive import feeds
    from meeting_archive.model import Note, Task

    meeting = Note("M/x.md", title, {}, "", 1, date=dt.date(2025, 1, 1), page_path="meetings/2025-01-01-x")
    task = Task(meeting, 3, "task-1", text, due=dt.date(2025, 1, 5), priority=priority, owner_name=owner)
    fields = feeds.event_fields(task, lambda n: n.page_path + "/", site, "example.org", accounts, dt.date(2025, 1, 2))
    assert feeds.event_bytes(fields) == _library_event(task, accounts, site)
