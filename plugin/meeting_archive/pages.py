"""The generated pages: entity pages and sections, index pages, the action-item board, the
home dashboard and the tags index, as Markdown built from the archive model.

Material's own components are used (tables, admonitions, grid cards); every string that came
from a note goes through `escape_md`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import obsidian
from .model import Archive, Decision, Entity, Note, Task
from .render import PRIORITY_LABEL, anchor, escape_md
from .urls import note_key

MEETINGS_ON_INDEX = 400
"""Above this many meetings, meetings/ lists months and each month gets its own page, so that
no page grows with the vault."""


@dataclass
class PageWriter:
    """Writes generated pages. `src_of_entity` gives an entity page's source path; every link is
    relative to the page being written (`page_src`)."""

    archive: Archive
    href: Callable[[str, str, str], str]
    src_of_entity: Callable[[Entity], str]
    listing_limit: int = 20

    # -- links ---------------------------------------------------------------------------

    def entity_link(self, entity: Entity, page_src: str) -> str:
        return anchor(self.href(page_src, self.src_of_entity(entity), ""), escape_md(entity.name))

    def note_link(self, note: Note, page_src: str) -> str:
        return anchor(self.href(page_src, note.path, ""), escape_md(note.title))

    def task_link(self, task: Task, page_src: str, text: str) -> str:
        return anchor(self.href(page_src, task.meeting.path, task.anchor), text)

    def __post_init__(self) -> None:
        self._by_name: dict[str, dict[str, Entity]] = {}
        for kind, section in (("person", self.archive.people), ("account", self.archive.accounts)):
            by_key = self._by_name[kind] = {}
            for entity in section.values():
                by_key.setdefault(note_key(entity.name), entity)
            for entity in section.values():
                for alias in entity.aliases:
                    by_key.setdefault(note_key(alias), entity)
        # Indexes built once, so that no entity page walks every task or decision.
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

    def names(self, names: Iterable[str], kind: str, page_src: str) -> str:
        """Names from a note's fields, each linked to its entity's page."""
        by_key = self._by_name[kind]
        shown = []
        for name in names:
            entity = by_key.get(note_key(name))
            shown.append(self.entity_link(entity, page_src) if entity else escape_md(name))
        return ", ".join(shown)

    def meeting_accounts(self, meeting: Note, page_src: str) -> str:
        return self.names(meeting.accounts, "account", page_src) or "—"

    def meeting_people(self, meeting: Note, page_src: str) -> str:
        return self.names(meeting.people, "person", page_src) or "—"

    # -- tables --------------------------------------------------------------------------

    def meetings_table(self, meetings: list[Note], page_src: str, columns: str = "account") -> str:
        if not meetings:
            return "_No meetings yet._\n"
        head = {"account": "Account", "people": "Attendees", "both": "Account | Attendees"}[columns]
        rows = [
            f"| Date | Meeting | {head} |",
            "|---|---|" + "---|" * (2 if columns == "both" else 1),
        ]
        for m in meetings:
            cells = {
                "account": self.meeting_accounts(m, page_src),
                "people": self.meeting_people(m, page_src),
                "both": f"{self.meeting_accounts(m, page_src)} | {self.meeting_people(m, page_src)}",
            }[columns]
            rows.append(f"| {_date(m.date)} | {self.note_link(m, page_src)} | {cells} |")
        return "\n".join(rows) + "\n"

    def tasks_table(
        self, tasks: list[Task], page_src: str, owner: bool = True, account: bool = False
    ) -> str:
        if not tasks:
            return "_No open action items._\n"
        head = (
            ["Due", "Action item"]
            + (["Owner"] if owner else [])
            + (["Account"] if account else [])
            + ["Priority", "Meeting"]
        )
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for t in tasks:
            cells = [self.due(t.due), self.task_link(t, page_src, plain(t.text) or "(no text)")]
            if owner:
                cells.append(
                    self.entity_link(t.owner, page_src)
                    if t.owner
                    else (f"@{escape_md(t.owner_name)}" if t.owner_name else "—")
                )
            if account:
                cells.append(self.meeting_accounts(t.meeting, page_src))
            cells += [
                PRIORITY_LABEL.get(t.priority or "", "—"),
                self.note_link(t.meeting, page_src),
            ]
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows) + "\n"

    def due(self, due: dt.date | None) -> str:
        """A due date that the page's script marks overdue against the reader's today; the
        build date decides when scripts do not run."""
        if due is None:
            return "—"
        overdue = " ma-overdue" if due < self.archive.build_date else ""
        return (
            f'<span class="ma-due{overdue}" data-due="{due.isoformat()}">{due.isoformat()}</span>'
        )

    def decisions_list(self, decisions: list[Decision], page_src: str) -> str:
        if not decisions:
            return "_No decisions recorded._\n"
        rows = ["| Date | Decision | Meeting |", "|---|---|---|"]
        for d in decisions:
            rows.append(
                f"| {_date(d.meeting.date)} | {plain(d.text)} | {self.note_link(d.meeting, page_src)} |"
            )
        return "\n".join(rows) + "\n"

    # -- entity pages --------------------------------------------------------------------

    def entity_page(self, entity: Entity, page_src: str) -> str:
        """A page for an entity that has no note of its own."""
        title = escape_md(entity.name)
        return _front(entity.name) + f"# {title}\n\n" + self.entity_sections(entity, page_src)

    def entity_sections(self, entity: Entity, page_src: str) -> str:
        """What the archive knows of an entity, added below its note's text (if any)."""
        if entity.kind == "person":
            return self.person_sections(entity, page_src)
        if entity.kind == "account":
            return self.account_sections(entity, page_src)
        return self.topic_sections(entity, page_src)

    def person_sections(self, person: Entity, page_src: str) -> str:
        tasks = self._open_by_owner.get(id(person), [])
        accounts: Counter[str] = Counter()
        peers: Counter[str] = Counter()
        for m in person.meetings:
            accounts.update(a for a in m.accounts)
            peers.update(p for p in m.people)
        own = {person.name.casefold(), *(a.casefold() for a in person.aliases)}
        peers = Counter({k: v for k, v in peers.items() if k.casefold() not in own})
        parts = [
            f"\n## Open action items ({len(tasks)}) {{ #open-action-items }}\n\n",
            self.tasks_table(tasks, page_src, owner=False, account=True),
            f"\n## Meetings ({len(person.meetings)}) {{ #meetings }}\n\n",
            self.meetings_table(person.meetings, page_src, "account"),
        ]
        if accounts:
            parts += [
                "\n## Accounts met with { #accounts }\n\n",
                _counted(accounts, lambda n: self.names([n], "account", page_src)),
            ]
        if peers:
            parts += [
                "\n## Meets most with { #meets-most-with }\n\n",
                _counted(peers, lambda n: self.names([n], "person", page_src), limit=10),
            ]
        parts.append(self.mention_list(person, page_src))
        return "".join(parts)

    def account_sections(self, account: Entity, page_src: str) -> str:
        tasks = sorted(
            (t for m in account.meetings for t in self._open_by_meeting.get(id(m), [])),
            key=lambda t: self._open_rank[id(t)],
        )
        # meetings are newest first already: their decisions keep that order
        decisions = [d for m in account.meetings for d in self._decisions_by_meeting.get(id(m), [])]
        people: Counter[str] = Counter()
        for m in account.meetings:
            people.update(m.people)
        latest = account.meetings[0] if account.meetings else None
        parts = []
        if latest is not None:
            parts.append(
                f'\n!!! abstract "Last meeting: {_date(latest.date)}"\n\n'
                f"    {self.note_link(latest, page_src)} with {self.meeting_people(latest, page_src)}\n"
            )
        parts += [
            f"\n## Meetings ({len(account.meetings)}) {{ #meetings }}\n\n",
            self.meetings_table(account.meetings, page_src, "people"),
            "\n## People involved { #people-involved }\n\n",
            _counted(people, lambda n: self.names([n], "person", page_src))
            if people
            else "_Nobody yet._\n",
            f"\n## Open action items ({len(tasks)}) {{ #open-action-items }}\n\n",
            self.tasks_table(tasks, page_src),
            f"\n## Decisions ({len(decisions)}) {{ #decisions }}\n\n",
            self.decisions_list(decisions, page_src),
            self.mention_list(account, page_src),
        ]
        return "".join(parts)

    def topic_sections(self, topic: Entity, page_src: str) -> str:
        return self.mention_list(topic, page_src, always=True)

    def mention_list(self, entity: Entity, page_src: str, always: bool = False) -> str:
        mentions = [n for n in entity.mentions if n is not entity.note]
        if not mentions and not always:
            return ""
        rows = [
            f"- {_date(n.date) + ' · ' if n.date else ''}{self.note_link(n, page_src)}"
            for n in mentions
        ]
        return (
            f"\n## Mentioned in ({len(mentions)}) {{ #mentioned-in }}\n\n"
            + ("\n".join(rows) or "_Nowhere yet._")
            + "\n"
        )

    # -- index pages ---------------------------------------------------------------------

    def entity_index(self, kind: str, title: str, entities: list[Entity], page_src: str) -> str:
        open_count: Counter[int] = Counter()
        for t in self._open:
            if t.owner is not None:
                open_count[id(t.owner)] += 1
            for a in self._accounts_of_meeting.get(id(t.meeting), []):
                open_count[id(a)] += 1
        rows = [
            f"| Name | Meetings | Last meeting | {'Mentions' if kind == 'topic' else 'Open items'} |",
            "|---|---:|---|---:|",
        ]
        ordered = sorted(
            entities,
            key=lambda e: (-(e.last_meeting or dt.date.min).toordinal(), e.name.casefold()),
        )
        for e in ordered:
            last = _date(e.last_meeting) if e.last_meeting else "—"
            count = len(e.mentions) if kind == "topic" else open_count[id(e)]
            rows.append(
                f"| {self.entity_link(e, page_src)} | {len(e.meetings)} | {last} | {count} |"
            )
        body = "\n".join(rows) if entities else "_None yet._"
        return (
            _front(title, search=False)
            + f"# {title}\n\n{len(entities)} in the archive, most recently met first.\n\n{body}\n"
        )

    def meetings_index(self, page_src: str, month_src: Callable[[str], str]) -> str:
        meetings = self.archive.meetings
        out = [
            _front("Meetings", search=False),
            "# Meetings\n\n",
            f"{len(meetings)} meetings, newest first.\n",
        ]
        months = _by_month(meetings)
        if len(meetings) <= MEETINGS_ON_INDEX:
            year = ""
            for month, items in months:
                if month[:4] != year:
                    year = month[:4]
                    out.append(f"\n## {year} {{ #{year} }}\n")
                out.append(f"\n### {_month_name(month)} {{ #{month} }}\n\n")
                out.append(self.meetings_table(items, page_src, "both"))
            return "".join(out)
        out.append("\n| Month | Meetings |\n|---|---:|\n")
        for month, items in months:
            out.append(
                f"| {anchor(self.href(page_src, month_src(month), ''), _month_name(month))} | {len(items)} |\n"
            )
        return "".join(out)

    def month_page(self, month: str, meetings: list[Note], page_src: str) -> str:
        title = f"Meetings in {_month_name(month)}"
        return (
            _front(title, search=False)
            + f"# {title}\n\n"
            + self.meetings_table(meetings, page_src, "both")
        )

    def actions_page(self, page_src: str) -> str:
        tasks = self._open
        built = self.archive.build_date.isoformat()
        return (
            _front("Action items", search=False) + "# Action items\n\n"
            f"{len(tasks)} open action items: overdue first, then by due date, then undated.\n\n"
            f'!!! info "Overdue"\n\n    Overdue is judged against <span class="ma-overdue-basis">'
            f"the build date, {built} (scripts are off in this browser)</span>.\n\n"
            + self.tasks_table(tasks, page_src, owner=True, account=True)
        )

    def dashboard(self, page_src: str, src_of_index: Callable[[str], str]) -> str:
        a = self.archive
        open_tasks = self._open

        def link(section: str) -> str:
            return self.href(page_src, src_of_index(section), "")

        cards = [
            ("Meetings", len(a.meetings), "meetings"),
            ("Accounts", len(a.accounts), "accounts"),
            ("People", len(a.people), "people"),
            ("Topics", len(a.topics), "topics"),
            ("Open action items", len(open_tasks), "actions"),
        ]
        grid = "\n".join(
            f"-   **{anchor(link(section), f'{n} {label}')}**" for label, n, section in cards
        )
        active = sorted(a.accounts.values(), key=lambda e: (-len(e.meetings), e.name.casefold()))
        active_rows = "\n".join(
            f"| {self.entity_link(e, page_src)} | {len(e.meetings)} | {_date(e.last_meeting) if e.last_meeting else '—'} |"
            for e in active[: self.listing_limit]
            if e.meetings
        )
        return (
            _front("Home") + "# Meeting archive\n\n"
            f'<div class="grid cards" markdown>\n\n{grid}\n\n</div>\n\n'
            "## Latest meetings\n\n"
            + self.meetings_table(a.meetings[: self.listing_limit], page_src, "both")
            + "\n## Open action items due soonest\n\n"
            + self.tasks_table(
                [t for t in open_tasks if t.due][: self.listing_limit], page_src, account=True
            )
            + "\n## Most active accounts\n\n"
            + (
                f"| Account | Meetings | Last meeting |\n|---|---:|---|\n{active_rows}\n"
                if active_rows
                else "_None yet._\n"
            )
        )

    def tags_page(self) -> str:
        return _front("Tags", search=False) + "# Tags\n\n<!-- material/tags -->\n"


def plain(markdown: str) -> str:
    """A task's or decision's text for a listing: links shown as their text, markup dropped,
    the rest escaped."""
    return escape_md(obsidian.plain_text(markdown))


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


def _by_month(meetings: list[Note]) -> list[tuple[str, list[Note]]]:
    months: dict[str, list[Note]] = {}
    for m in meetings:
        if m.date:
            months.setdefault(f"{m.date:%Y-%m}", []).append(m)
    return list(months.items())


def months_of(archive: Archive) -> list[tuple[str, list[Note]]]:
    return _by_month(archive.meetings)


def _counted(counts: Counter[str], show: Callable[[str], str], limit: int | None = None) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:limit]
    return "\n".join(f"- {show(name)} ({n})" for name, n in items) + "\n"


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
    for title, section, entities in (
        ("People", "people", archive.people),
        ("Accounts", "accounts", archive.accounts),
        ("Topics", "topics", archive.topics),
    ):
        src = src_of_index(section)
        kind = {"people": "person", "accounts": "account", "topics": "topic"}[section]
        pages.append((src, writer.entity_index(kind, title, list(entities.values()), src)))
    months = months_of(archive)

    def month_src(month: str) -> str:
        return src_of_page(f"meetings/{month}")

    src = src_of_index("meetings")
    pages.append((src, writer.meetings_index(src, month_src)))
    if len(archive.meetings) > MEETINGS_ON_INDEX:
        for month, meetings in months:
            pages.append((month_src(month), writer.month_page(month, meetings, month_src(month))))
    src = src_of_index("actions")
    pages.append((src, writer.actions_page(src)))
    pages.append((src_of_index("tags"), writer.tags_page()))
    if dashboard:
        src = src_of_index("")
        pages.append((src, writer.dashboard(src, src_of_index)))
    return pages
