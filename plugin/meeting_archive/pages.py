"""The generated pages: entity pages and sections, index pages, the action-item board, the
home dashboard and the tags index.

Each page is Markdown for what Markdown is good at (title, headings, a sentence, Material's
admonitions and grid cards) with placeholders where its listings go (see fragments.py); the
listings are HTML tables made here from the model. Every string from a note is escaped: with
`escape_md` in Markdown, with `esc` in HTML. Long listings are split into pages of
`LISTING_PAGE` rows, so that no page grows with the vault.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from . import obsidian
from .fragments import Fragments
from .model import Archive, Decision, Entity, Note, Task
from .render import PRIORITY_LABEL, anchor, escape_md
from .urls import note_key

LISTING_PAGE = 200
"""Rows per page of a long listing (the board, a topic's mentions, the index tables)."""
MEETINGS_ON_INDEX = 400
"""Above this many meetings, meetings/ lists months and each month gets its own page."""

Href = Callable[[str, str, str], str]
_TASK_HEAD = ["Due", "Action item", "Owner", "Account", "Priority", "Meeting"]


def esc(text: str) -> str:
    """Text from a note, for HTML."""
    return html.escape(text, quote=True)


def table(head: list[str], rows: Iterable[list[str]], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    out = [f"<table{cls}><thead><tr>", *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def plain(markdown: str) -> str:
    """A task's or decision's text for a listing: links shown as their text, markup dropped."""
    return esc(obsidian.plain_text(markdown))


@dataclass
class PageWriter:
    """Writes generated pages and sections. `href(from_src, to_src, fragment)` gives relative
    URLs between source paths; `src_of_entity` an entity page's source path."""

    archive: Archive
    href: Href
    src_of_entity: Callable[[Entity], str]
    listing_limit: int = 20
    fragments: Fragments = field(default_factory=Fragments)

    def __post_init__(self) -> None:
        # Indexes built once, so that no page walks every task, decision or entity.
        self._by_name: dict[str, dict[str, Entity]] = {}
        self._seen: dict[str, dict[str, Entity | None]] = {"person": {}, "account": {}}
        for kind, section in (("person", self.archive.people), ("account", self.archive.accounts)):
            by_key = self._by_name[kind] = {}
            for entity in section.values():
                by_key.setdefault(note_key(entity.name), entity)
            for entity in section.values():
                for alias in entity.aliases:
                    by_key.setdefault(note_key(alias), entity)
        self._open = self.archive.open_tasks()
        self._open_rank = {id(t): i for i, t in enumerate(self._open)}
        self._open_by_owner: dict[int, list[Task]] = {}
        self._open_by_meeting: dict[int, list[Task]] = {}
        for task in self._open:
            if task.owner is not None:
                self._open_by_owner.setdefault(id(task.owner), []).append(task)
            self._open_by_meeting.setdefault(id(task.meeting), []).append(task)
        self._decisions_by_meeting: dict[int, list[Decision]] = {}
        for decision in self.archive.decisions:
            self._decisions_by_meeting.setdefault(id(decision.meeting), []).append(decision)
        self._accounts_of_meeting: dict[int, list[Entity]] = {}
        for account in self.archive.accounts.values():
            for meeting in account.meetings:
                self._accounts_of_meeting.setdefault(id(meeting), []).append(account)

    # -- links and cells -----------------------------------------------------------------

    def entity_link(self, entity: Entity, src: str) -> str:
        return anchor(self.href(src, self.src_of_entity(entity), ""), esc(entity.name))

    def note_link(self, note: Note, src: str) -> str:
        return anchor(self.href(src, note.path, ""), esc(note.title))

    def task_link(self, task: Task, src: str) -> str:
        return anchor(
            self.href(src, task.meeting.path, task.anchor), plain(task.text) or "(no text)"
        )

    def entity_names(self, names: Iterable[str], kind: str) -> set[str]:
        """Names from a meeting's fields, each once, as its entity is named (`[[GX]]` and
        `Globex` are one account): what "Accounts met with" and the like count."""
        by_key = self._by_name[kind]
        return {entity.name if (entity := by_key.get(note_key(n))) else n for n in names}

    def names(self, names: Iterable[str], kind: str, src: str) -> str:
        """Names from a note's fields, each linked to its entity's page."""
        by_key = self._by_name[kind]
        seen = self._seen[kind]
        shown = []
        for name in names:
            if name not in seen:
                seen[name] = by_key.get(note_key(name))
            entity = seen[name]
            shown.append(self.entity_link(entity, src) if entity else esc(name))
        return ", ".join(shown) or "—"

    def due(self, due: dt.date | None) -> str:
        """A due date that the page's script marks overdue against the reader's today; the
        build date decides when scripts do not run."""
        if due is None:
            return "—"
        overdue = " ma-overdue" if due < self.archive.build_date else ""
        return (
            f'<span class="ma-due{overdue}" data-due="{due.isoformat()}">{due.isoformat()}</span>'
        )

    # -- tables --------------------------------------------------------------------------

    def meetings_table(
        self, meetings: list[Note], src: str, account: bool = True, people: bool = True
    ) -> str:
        if not meetings:
            return "<p><em>No meetings yet.</em></p>"
        head = (
            ["Date", "Meeting"]
            + (["Account"] if account else [])
            + (["Attendees"] if people else [])
        )
        rows = []
        for m in meetings:
            row = [_date(m.date), self.note_link(m, src)]
            if account:
                row.append(self.names(m.accounts, "account", src))
            if people:
                row.append(self.names(m.people, "person", src))
            rows.append(row)
        return table(head, rows)

    def tasks_table(
        self, tasks: list[Task], src: str, owner: bool = True, account: bool = False
    ) -> str:
        if not tasks:
            return "<p><em>No open action items.</em></p>"
        head = [h for h in _TASK_HEAD if (owner or h != "Owner") and (account or h != "Account")]
        return table(head, (self.task_row(t, src, owner, account) for t in tasks))

    def task_row(self, t: Task, src: str, owner: bool, account: bool) -> list[str]:
        row = [self.due(t.due), self.task_link(t, src)]
        if owner:
            row.append(
                self.entity_link(t.owner, src)
                if t.owner
                else (f"@{esc(t.owner_name)}" if t.owner_name else "—")
            )
        if account:
            row.append(self.names(t.meeting.accounts, "account", src))
        return [*row, PRIORITY_LABEL.get(t.priority or "", "—"), self.note_link(t.meeting, src)]

    def decisions_table(self, decisions: list[Decision], src: str) -> str:
        if not decisions:
            return "<p><em>No decisions recorded.</em></p>"
        rows = [
            [_date(d.meeting.date), plain(d.text), self.note_link(d.meeting, src)]
            for d in decisions
        ]
        return table(["Date", "Decision", "Meeting"], rows)

    def counted(self, counts: Counter[str], kind: str, src: str, limit: int | None = None) -> str:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:limit]
        return (
            "<ul>"
            + "".join(f"<li>{self.names([n], kind, src)} ({c})</li>" for n, c in items)
            + "</ul>"
        )

    def section(self, src: str, heading: str, ident: str, make: Callable[[], str]) -> str:
        """A Markdown heading and the placeholder of its listing."""
        return f"\n## {heading} {{ #{ident} }}\n" + self.fragments.add(src, make)

    # -- entity pages --------------------------------------------------------------------

    def entity_page(self, entity: Entity, src: str) -> str:
        """A page for an entity that has no note of its own."""
        return (
            _front(entity.name)
            + f"# {escape_md(entity.name)}\n"
            + self.entity_sections(entity, src)
        )

    def entity_sections(self, entity: Entity, src: str) -> str:
        """What the archive knows of an entity, added below its note's text (if any)."""
        if entity.kind == "person":
            return self.person_sections(entity, src)
        if entity.kind == "account":
            return self.account_sections(entity, src)
        return self.mentions_section(entity, src)

    def person_sections(self, person: Entity, src: str) -> str:
        tasks = self._open_by_owner.get(id(person), [])
        accounts: Counter[str] = Counter()
        peers: Counter[str] = Counter()
        for m in person.meetings:
            accounts.update(self.entity_names(m.accounts, "account"))
            peers.update(self.entity_names(m.people, "person"))
        own = {note_key(person.name), *(note_key(a) for a in person.aliases)}
        peers = Counter({k: v for k, v in peers.items() if note_key(k) not in own})
        parts = [
            self.section(
                src,
                f"Open action items ({len(tasks)})",
                "open-action-items",
                lambda: self.tasks_table(tasks, src, owner=False, account=True),
            ),
            self.section(
                src,
                f"Meetings ({len(person.meetings)})",
                "meetings",
                lambda: self.meetings_table(person.meetings, src),
            ),
        ]
        if accounts:
            parts.append(
                self.section(
                    src,
                    "Accounts met with",
                    "accounts",
                    lambda: self.counted(accounts, "account", src),
                )
            )
        if peers:
            parts.append(
                self.section(
                    src,
                    "Meets most with",
                    "meets-most-with",
                    lambda: self.counted(peers, "person", src, limit=10),
                )
            )
        parts.append(self.mentions_section(person, src, always=False))
        return "".join(parts)

    def account_sections(self, account: Entity, src: str) -> str:
        tasks = sorted(
            (t for m in account.meetings for t in self._open_by_meeting.get(id(m), [])),
            key=lambda t: self._open_rank[id(t)],
        )
        # meetings are newest first already: their decisions keep that order
        decisions = [d for m in account.meetings for d in self._decisions_by_meeting.get(id(m), [])]
        people: Counter[str] = Counter()
        for m in account.meetings:
            people.update(self.entity_names(m.people, "person"))
        parts = []
        if account.meetings:
            latest = account.meetings[0]
            who = ", ".join(escape_md(p) for p in latest.people) or "—"
            parts.append(
                f'\n!!! abstract "Last meeting: {_date(latest.date)}"\n\n'
                f"    {anchor(self.href(src, latest.path, ''), escape_md(latest.title))} with {who}\n"
            )
        parts += [
            self.section(
                src,
                f"Meetings ({len(account.meetings)})",
                "meetings",
                lambda: self.meetings_table(account.meetings, src, account=False),
            ),
            self.section(
                src,
                "People involved",
                "people-involved",
                lambda: (
                    self.counted(people, "person", src) if people else "<p><em>Nobody yet.</em></p>"
                ),
            ),
            self.section(
                src,
                f"Open action items ({len(tasks)})",
                "open-action-items",
                lambda: self.tasks_table(tasks, src),
            ),
            self.section(
                src,
                f"Decisions ({len(decisions)})",
                "decisions",
                lambda: self.decisions_table(decisions, src),
            ),
            self.mentions_section(account, src, always=False),
        ]
        return "".join(parts)

    def mentions_section(self, entity: Entity, src: str, always: bool = True) -> str:
        mentions = [n for n in entity.mentions if n is not entity.note]
        if not mentions and not always:
            return ""

        def make() -> str:
            if not mentions:
                return "<p><em>Nowhere yet.</em></p>"
            rows = [
                f"<li>{_date(n.date) + ' · ' if n.date else ''}{self.note_link(n, src)}</li>"
                for n in mentions
            ]
            return "<ul>" + "".join(rows) + "</ul>"

        return self.section(src, f"Mentioned in ({len(mentions)})", "mentioned-in", make)

    # -- index pages ---------------------------------------------------------------------

    def paged(
        self,
        path: str,
        src_of: Callable[[str], str],
        title: str,
        intro: str,
        head: list[str],
        items: list[Any],
        row: Callable[[Any, str], list[str]],
    ) -> list[tuple[str, str]]:
        """A listing over as many pages as it needs: `path`, `path/page-2`, … Rows are made
        when the page is written, with links relative to that page."""
        chunks = [items[i : i + LISTING_PAGE] for i in range(0, len(items), LISTING_PAGE)] or [[]]
        paths = [path] + [f"{path}/page-{n}" for n in range(2, len(chunks) + 1)]
        srcs = [src_of(p) for p in paths]
        pages = []
        for n, (src, chunk) in enumerate(zip(srcs, chunks, strict=True)):

            def listing(chunk: list[Any] = chunk, src: str = src, n: int = n) -> str:
                if not chunk:
                    return "<p><em>None yet.</em></p>"
                return table(head, (row(item, src) for item in chunk), "ma-sortable") + self._pager(
                    srcs, n, src
                )

            heading = title if n == 0 else f"{title} (page {n + 1})"
            pages.append(
                (
                    src,
                    _front(heading, search=False)
                    + f"# {escape_md(heading)}\n\n{intro}\n"
                    + self.fragments.add(src, listing),
                )
            )
        return pages

    def _pager(self, srcs: list[str], current: int, src: str) -> str:
        if len(srcs) == 1:
            return ""
        links = [
            f"<strong>{n + 1}</strong>"
            if n == current
            else anchor(self.href(src, s, ""), str(n + 1))
            for n, s in enumerate(srcs)
        ]
        return '<p class="ma-pager">Pages: ' + " · ".join(links) + "</p>"

    def entity_index(
        self, kind: str, title: str, path: str, src_of: Callable[[str], str]
    ) -> list[tuple[str, str]]:
        entities = list(
            {
                "person": self.archive.people,
                "account": self.archive.accounts,
                "topic": self.archive.topics,
            }[kind].values()
        )
        open_count: Counter[int] = Counter()
        for t in self._open:
            if t.owner is not None:
                open_count[id(t.owner)] += 1
            for a in self._accounts_of_meeting.get(id(t.meeting), []):
                open_count[id(a)] += 1
        ordered = sorted(
            entities,
            key=lambda e: (-(e.last_meeting or dt.date.min).toordinal(), e.name.casefold()),
        )

        def row(e: Entity, src: str) -> list[str]:
            count = len(e.mentions) if kind == "topic" else open_count[id(e)]
            return [
                self.entity_link(e, src),
                str(len(e.meetings)),
                _date(e.last_meeting) or "—",
                str(count),
            ]

        head = ["Name", "Meetings", "Last meeting", "Mentions" if kind == "topic" else "Open items"]
        intro = f"{len(entities)} in the archive, most recently met first. Click a column to sort."
        return self.paged(path, src_of, title, intro, head, ordered, row)

    def meetings_index(self, src: str, month_src: Callable[[str], str]) -> str:
        meetings = self.archive.meetings
        out = [
            _front("Meetings", search=False),
            "# Meetings\n\n",
            f"{len(meetings)} meetings, newest first.\n",
        ]
        months = months_of(self.archive)
        if len(meetings) <= MEETINGS_ON_INDEX:
            year = ""
            for month, items in months:
                if month[:4] != year:
                    year = month[:4]
                    out.append(f"\n## {year} {{ #{year} }}\n")
                out.append(f"\n### {_month_name(month)} {{ #{month} }}\n")
                out.append(self.fragments.add(src, partial(self.meetings_table, items, src)))
            return "".join(out)
        rows = [
            [anchor(self.href(src, month_src(month), ""), _month_name(month)), str(len(items))]
            for month, items in months
        ]
        out.append(self.fragments.add(src, lambda: table(["Month", "Meetings"], rows)))
        return "".join(out)

    def month_page(self, month: str, meetings: list[Note], src: str) -> str:
        title = f"Meetings in {_month_name(month)}"
        return (
            _front(title, search=False)
            + f"# {title}\n"
            + self.fragments.add(src, lambda: self.meetings_table(meetings, src))
        )

    def actions_pages(self, src_of: Callable[[str], str]) -> list[tuple[str, str]]:
        built = self.archive.build_date.isoformat()
        intro = (
            f"{len(self._open)} open action items: overdue first, then by due date, then undated.\n\n"
            f'!!! info "Overdue"\n\n    Overdue is judged against <span class="ma-overdue-basis">'
            f"the build date, {built} (scripts are off in this browser)</span>.\n"
        )
        return self.paged(
            "actions",
            src_of,
            "Action items",
            intro,
            _TASK_HEAD,
            self._open,
            lambda t, src: self.task_row(t, src, owner=True, account=True),
        )

    def dashboard(self, src: str, src_of_index: Callable[[str], str]) -> str:
        a = self.archive
        cards = [
            ("Meetings", len(a.meetings), "meetings"),
            ("Accounts", len(a.accounts), "accounts"),
            ("People", len(a.people), "people"),
            ("Topics", len(a.topics), "topics"),
            ("Open action items", len(self._open), "actions"),
        ]
        grid = "".join(
            f"<li><p><strong>{anchor(self.href(src, src_of_index(section), ''), f'{n} {label}')}"
            "</strong></p></li>"
            for label, n, section in cards
        )
        active = sorted(
            (e for e in a.accounts.values() if e.meetings),
            key=lambda e: (-len(e.meetings), e.name.casefold()),
        )[: self.listing_limit]
        due = [t for t in self._open if t.due][: self.listing_limit]
        return (
            _front("Home")
            + "# Meeting archive\n"
            + self.fragments.add(src, lambda: f'<div class="grid cards"><ul>{grid}</ul></div>')
            + self.section(
                src,
                "Latest meetings",
                "latest-meetings",
                lambda: self.meetings_table(a.meetings[: self.listing_limit], src),
            )
            + self.section(
                src,
                "Open action items due soonest",
                "due-soonest",
                lambda: self.tasks_table(due, src, account=True),
            )
            + self.section(
                src,
                "Most active accounts",
                "most-active-accounts",
                lambda: (
                    table(
                        ["Account", "Meetings", "Last meeting"],
                        [
                            [self.entity_link(e, src), str(len(e.meetings)), _date(e.last_meeting)]
                            for e in active
                        ],
                    )
                    if active
                    else "<p><em>None yet.</em></p>"
                ),
            )
        )

    def tags_page(self) -> str:
        return _front("Tags", search=False) + "# Tags\n\n<!-- material/tags -->\n"


def _front(title: str, search: bool = True) -> str:
    """Frontmatter of a generated page. The title is HTML-escaped because Material writes
    `page.meta.title` into the page unescaped."""
    meta: dict[str, object] = {"title": html.escape(title)}
    if not search:
        meta["search"] = {"exclude": True}
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n\n"


def _date(date: dt.date | None) -> str:
    return date.isoformat() if date else ""


def _month_name(month: str) -> str:
    return dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


def months_of(archive: Archive) -> list[tuple[str, list[Note]]]:
    months: dict[str, list[Note]] = {}
    for m in archive.meetings:
        if m.date:
            months.setdefault(f"{m.date:%Y-%m}", []).append(m)
    return list(months.items())


def generated_pages(
    writer: PageWriter,
    src_of_index: Callable[[str], str],
    src_of_page: Callable[[str], str],
    dashboard: bool,
) -> list[tuple[str, str]]:
    """(source path, Markdown) of every page the archive adds to the site."""
    archive = writer.archive
    pages: list[tuple[str, str]] = []
    for entity in archive.entities():
        if entity.note is None:
            src = src_of_page(entity.page_path)
            pages.append((src, writer.entity_page(entity, src)))

    def src_of(path: str) -> str:
        return src_of_index(path) if "/" not in path else src_of_page(path)

    for kind, title, section in (
        ("person", "People", "people"),
        ("account", "Accounts", "accounts"),
        ("topic", "Topics", "topics"),
    ):
        pages += writer.entity_index(kind, title, section, src_of)
    src = src_of_index("meetings")

    def month_src(month: str) -> str:
        return src_of_page(f"meetings/{month}")

    pages.append((src, writer.meetings_index(src, month_src)))
    if len(archive.meetings) > MEETINGS_ON_INDEX:
        for month, meetings in months_of(archive):
            pages.append((month_src(month), writer.month_page(month, meetings, month_src(month))))
    pages += writer.actions_pages(src_of)
    pages.append((src_of_index("tags"), writer.tags_page()))
    if dashboard:
        src = src_of_index("")
        pages.append((src, writer.dashboard(src, src_of_index)))
    return pages
