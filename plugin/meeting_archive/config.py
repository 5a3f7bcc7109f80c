"""The plugin's options, declared with MkDocs' typed config so that a typo fails early."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MeetingArchiveConfig(base.Config):
    people_fields = c.ListOfItems(c.Type(str), default=["participants", "attendees", "people"])
    """Frontmatter fields that name the people in a meeting (names, emails or wikilinks)."""

    account_fields = c.ListOfItems(c.Type(str), default=["account", "accounts", "org", "company"])
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
    """Generate a dashboard: the home page when the vault has no index.md or README.md, else at
    dashboard/."""

    listing_limit = c.Type(int, default=20)
    """How many rows the dashboard's listings show."""

    strict_unresolved = c.Type(bool, default=True)
    """Report links whose target has a path but does not exist as warnings (so that
    `mkdocs build --strict` fails); when false they are info lines."""

    tasks_global_filter = c.Type(str, default="#task")
    """The Obsidian Tasks plugin's global filter: a tag every task line carries, which is not
    shown as a page tag."""

    hidden_tags = c.ListOfItems(c.Type(str), default=["generated"])
    """Tags that are not shown as page tags (a transcript pipeline's marker); they still count
    for queries and privacy."""

    cache_dir = c.Optional(c.Type(str))
    """Where the render cache is kept (default `.cache/meeting-archive` beside mkdocs.yml;
    never inside the vault). Safe to delete. Keep it between CI builds so that a build renders
    only what changed."""

    graph_max_nodes = c.Type(int, default=2000)
    """The graph page draws this many of the most connected people, accounts and topics first;
    a button adds the rest (drawing stays responsive with 5,000)."""
