"""The plugin's options, declared with MkDocs' typed config so that a typo fails early."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MeetingArchiveConfig(base.Config):
    people_fields = c.ListOfItems(c.Type(str), default=["participants", "attendees"])
    """Frontmatter fields that name the people in a meeting (plain names or wikilinks)."""

    account_fields = c.ListOfItems(c.Type(str), default=["account", "accounts"])
    """Frontmatter fields that name the account(s) a meeting is about."""

    date_field = c.Type(str, default="date")
    """Frontmatter field holding a meeting's date: a note with it and a people or account
    field is a meeting."""

    private_tags = c.ListOfItems(c.Type(str), default=["private"])
    """Notes carrying any of these tags (frontmatter or inline) are never published."""

    decisions_heading = c.Type(str, default="Decisions")
    """Items under a heading with this text are a meeting's decisions."""

    repair_mojibake = c.Type(bool, default=True)
    """Repair UTF-8 text that was once decoded as Mac Roman or Windows-1252."""

    generate_nav = c.Type(bool, default=True)
    """Set a sidebar of sections and index pages when mkdocs.yml has no `nav`. A sidebar that
    lists every note makes the build quadratic, so notes are reachable from index pages."""

    home_dashboard = c.Type(bool, default=True)
    """Generate a dashboard as the home page when the vault has no index.md."""

    listing_limit = c.Type(int, default=20)
    """How many rows the dashboard's listings show."""

    strict_unresolved = c.Type(bool, default=True)
    """Report links whose target has a path but does not exist as warnings (so that
    `mkdocs build --strict` fails); when false they are info lines."""

    graph_max_nodes = c.Type(int, default=2000)
    """The graph page draws this many of the most connected people, accounts and topics first;
    a button adds the rest (drawing stays responsive with 5,000)."""
