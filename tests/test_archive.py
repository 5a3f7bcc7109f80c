"""The `archive` fixture vault: entities, action items, decisions and escaping, asserted on the
built HTML of the generated pages."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, Built, article, build_vault, follow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("archive")
    shutil.copytree(FIXTURES / "archive" / "vault", tmp / "vault")
    return build_vault(tmp / "vault", tmp)


def table_rows(built: Built, url: str, heading_id: str) -> list[list[str]]:
    """The text of each row of the first table after the heading with `heading_id`."""
    page = article(built.html(url))
    heading = page.css_first(f'[id="{heading_id}"]')
    assert heading is not None, f"#{heading_id} not on {url}"
    node = heading.next
    while node is not None and node.tag != "table":
        node = node.next
    assert node is not None, f"no table after #{heading_id} on {url}"
    return [[td.text(strip=True) for td in tr.css("td")] for tr in node.css("tbody tr")]


def test_people_are_merged_through_aliases(site: Built) -> None:
    people = {p.parent.name for p in (site.site / "people").glob("*/index.html")}
    assert people == {"jai-menon", "priya-raman", "sam-okafor", "priya-shah",
                      "img-src-x-onerror-alert-name"}
    # `[[Jai]]`, `Jai Menon` in participants and People/Jai Menon.md are one person
    rows = table_rows(site, "people/jai-menon/", "meetings")
    assert [r[1] for r in rows] == ["Globex follow-up", "Globex QBR", "<script>alert('title')</script> & <b>bold</b>"]


def test_accounts_from_fields_notes_aliases_and_tags(site: Built) -> None:
    accounts = {p.parent.name for p in (site.site / "accounts").glob("*/index.html")}
    assert accounts == {"globex", "umbrella", "initech"}
    # '[[GX]]' is Globex's alias: both meetings are Globex's, newest first
    rows = table_rows(site, "accounts/globex/", "meetings")
    assert [r[:2] for r in rows] == [["2025-06-02", "Globex follow-up"], ["2025-01-10", "Globex QBR"]]
    # an account that appears only as a tag
    assert [r[1] for r in table_rows(site, "accounts/initech/", "meetings")] == ["Initech intro"]


def test_decisions_log_newest_first(site: Built) -> None:
    rows = table_rows(site, "accounts/globex/", "decisions")
    assert [r[1] for r in rows] == ["Pilot starts in July.", "Renew for two years.", "Keep the current support tier."]
    assert [r[0] for r in rows] == ["2025-06-02", "2025-01-10", "2025-01-10"]


def test_owner_resolution(site: Built) -> None:
    # first name (@Jai), full name (@Jai Menon); done and cancelled items are not open
    jai = table_rows(site, "people/jai-menon/", "open-action-items")
    assert [r[1] for r in jai] == ["Send the renewal deck", "Check markup in tasks", "Collect references"]
    # alias (@PR, @Sammy)
    assert [r[1] for r in table_rows(site, "people/priya-raman/", "open-action-items")] == ["Share the usage report"]
    assert [r[1] for r in table_rows(site, "people/sam-okafor/", "open-action-items")] == ["Draft the contract"]
    # an ambiguous first name is kept as written, with an info line
    infos = site.messages(logging.INFO)
    assert any("@Priya could be Priya Raman or Priya Shah: kept as written" in m for m in infos), infos


def test_action_board_order_and_owners(site: Built) -> None:
    page = article(site.html("actions/"))
    rows = [[td.text(strip=True) for td in tr.css("td")] for tr in page.css("table tbody tr")]
    assert [r[1] for r in rows] == [
        "Send the renewal deck", "Share the usage report", "Call back the CTO",
        "Draft the contract", "Ask legal", "Check markup in tasks", "Collect references",
    ]
    owners = {r[1]: r[2] for r in rows}
    assert owners["Call back the CTO"] == "@Priya"
    assert owners["Ask legal"] == "@Nobody Known"
    assert owners["Draft the contract"] == "Sam Okafor"
    # overdue against the build date without scripts
    overdue = [s.text() for s in page.css("span.ma-overdue")]
    assert overdue == ["2025-01-20 overdue", "2025-02-01 overdue", "2025-04-01 overdue"]


def test_action_items_link_to_their_line(site: Built) -> None:
    page = article(site.html("actions/"))
    link = next(a for a in page.css("td a") if a.text() == "Send the renewal deck")
    path, fragment = follow("actions/", link.attributes["href"] or "")
    assert (path, fragment) == ("meetings/2025-01-10-globex-qbr/", "task-1")
    meeting = article(site.html(path))
    item = meeting.css_first(f'[id="{fragment}"]')
    assert item is not None and "Send the renewal deck" in item.parent.text()


def test_topics_list_mentions(site: Built) -> None:
    page = article(site.html("topics/project-nimbus/"))
    assert [a.text() for a in page.css("li a")] == ["Initech intro", "<script>alert('title')</script> & <b>bold</b>"]


def test_index_tables(site: Built) -> None:
    page = article(site.html("people/"))
    rows = {r.css("td")[0].text(strip=True): [td.text(strip=True) for td in r.css("td")] for r in page.css("tbody tr")}
    assert rows["Jai Menon"][1:] == ["3", "2025-06-02", "3"]
    meetings = article(site.html("meetings/"))
    assert [h.text(strip=True) for h in meetings.css("h2")] == ["2025", "2024"]


def test_html_from_notes_shows_as_text_everywhere(site: Built) -> None:
    from selectolax.lexbor import LexborHTMLParser

    for page in site.pages():
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        assert not [s for s in tree.css("script") if "alert(" in s.text()], page
        assert not [n for n in tree.css("[onerror]")], page
    url = "meetings/2024-12-01-script-alert-title-script-b-bold-b/"
    title = LexborHTMLParser(site.html(url)).css_first("title").text()
    assert title.startswith("<script>alert('title')</script> & <b>bold</b>")
    meeting = article(site.html(url))
    assert meeting.css_first("h1").text(strip=True).startswith("<script>alert('title')</script> & <b>bold</b>")
    assert "<img src=x onerror=alert('name')>" in meeting.text()
    assert meeting.css("script") == [] and meeting.css("img") == []


def test_dashboard(site: Built) -> None:
    home = article(site.html(""))
    text = home.text()
    assert "4 Meetings" in text and "3 Accounts" in text and "7 Open action items" in text
    latest = [a.text() for a in home.css("table")[0].css("tbody tr td:nth-child(2) a")]
    assert latest[0] == "Globex follow-up"


def test_script_in_note_text_is_removed(site: Built) -> None:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(site.html("notes/script-attempts/"))
    page = tree.css_first("article")
    assert page.css("script") == []
    for node in page.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            # browsers drop tabs and newlines inside a URL and spaces around it
            url = re.sub(r"[\t\n\r]", "", value or "").strip().lower()
            assert not url.startswith(("javascript:", "vbscript:", "data:")), node.html
    assert "Heading with handler" in page.text()


NAMED_IN_TEXT = """---
title: Named in text
date: 2025-07-01
account: Globex
participants: [Jai Menon, Ana Lopes]
---

**Attendees**: [[Jai Menon]], [[Ana Lopes|the CFO]]

Globex asked about pricing.
"""


def test_search_finds_a_meeting_by_its_header_once(tmp_path: Path) -> None:
    """The header is put in after indexing; search gets the date, account and attendees that
    the note's own text does not show (a name shown only as a link's alias counts as not)."""
    shutil.copytree(FIXTURES / "archive" / "vault", tmp_path / "vault")
    (tmp_path / "vault" / "Meetings" / "2025-07-01 Named.md").write_text(NAMED_IN_TEXT, "utf-8")
    built = build_vault(tmp_path / "vault", tmp_path)
    docs = built.search_index()["docs"]

    def indexed(url: str) -> str:
        return " ".join(
            f"{d['title']} {d['text']}" for d in docs if d["location"].split("#")[0] == url
        )

    qbr = indexed("meetings/2025-01-10-globex-qbr/")  # its text names neither attendee
    for text in ("2025-01-10", "Globex", "Jai Menon", "Priya Raman"):
        assert text in qbr, text
    named = indexed("meetings/2025-07-01-named-in-text/")
    assert named.count("Jai Menon") == 1 and named.count("Globex") == 1
    assert named.count("Ana Lopes") == 1 and "2025-07-01" in named
    assert "Attendees:" not in qbr and "ma-meeting-header" not in qbr
    header = article(built.html("meetings/2025-07-01-named-in-text/")).css_first(
        ".ma-meeting-header"
    )
    assert header is not None and "Ana Lopes" in header.text()
    assert "ma-indexed" not in built.html("meetings/2025-07-01-named-in-text/")


def test_accounts_met_with_counts_an_account_once_whatever_its_name(site: Built) -> None:
    # Jai met Globex as `Globex` (the QBR) and as its alias `[[GX]]` (the follow-up)
    page = article(site.html("people/jai-menon/"))
    heading = page.css_first('[id="accounts"]')
    assert heading is not None
    node = heading.next
    while node is not None and node.tag != "ul":
        node = node.next
    assert node is not None
    assert [li.text(strip=True) for li in node.css("li")] == ["Globex(2)", "Umbrella(1)"]
