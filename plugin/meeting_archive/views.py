"""The data of the generated listings, as plain values: each view is everything one listing
shows (names, titles, dates, counts, and the sources its links go to), so that its
fingerprint says exactly when the listing must be made again (facts.py).

Views are made from the model once per build and only when asked for; rows shared by many
views (a meeting's row, an action item's) are made once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from . import charts, graph
from .archive import ArchiveBuild
from .model import Decision, Entity, Note, Task
from .urls import note_key

Named = tuple[str, str | None]
"""A name and the source of its page (None: it has none)."""


class MeetingRow(NamedTuple):
    date: dt.date | None
    title: str
    src: str
    accounts: tuple[Named, ...]
    people: tuple[Named, ...]


class TaskRow(NamedTuple):
    due: dt.date | None
    text: str
    meeting: str
    anchor: str
    meeting_title: str
    owner: Named | None
    accounts: tuple[Named, ...]
    priority: str | None
    symbol: str
    status: str


class DecisionRow(NamedTuple):
    date: dt.date | None
    text: str
    meeting: str
    meeting_title: str


class NoteRow(NamedTuple):
    title: str
    src: str
    date: dt.date | None


class EntityRow(NamedTuple):
    name: str
    src: str
    meetings: int
    last: dt.date | None
    tally: int
    """Open action items (people, accounts) or mentions (topics)."""


class Neighbour(NamedTuple):
    name: str
    kind: str
    src: str
    weight: int


@dataclass(frozen=True)
class EntityView:
    kind: str
    name: str
    src: str
    page_path: str
    meetings: tuple[MeetingRow, ...]
    tasks: tuple[TaskRow, ...]
    decisions: tuple[DecisionRow, ...]
    accounts: tuple[tuple[str, str | None, int], ...]
    peers: tuple[tuple[str, str | None, int], ...]
    mentions: tuple[NoteRow, ...]
    months: tuple[tuple[str, int], ...]
    """(YYYY-MM, meetings) over the archive's span."""
    connections: tuple[Neighbour, ...]
    among: tuple[tuple[int, int, int], ...]
    hidden: int
    degree: int
    latest: MeetingRow | None


@dataclass(frozen=True)
class FolderView:
    folder: str
    name: str
    notes: tuple[NoteRow, ...]
    subfolders: tuple[tuple[str, str, int], ...]
    """(name, source of its page, notes below it)."""


class Views:
    """The views of one build. `entity_src` and `folder_src` give the source of an entity's
    page and of a folder's page."""

    def __init__(
        self,
        build: ArchiveBuild,
        entity_src: Callable[[Entity], str],
        folder_src: Callable[[str], str | None],
    ) -> None:
        self.build = build
        self.archive = build.archive
        self.entity_src = entity_src
        self.folder_src = folder_src
        archive = self.archive
        self.open = archive.open_tasks()
        self.open_by_owner: dict[int, list[Task]] = {}
        self.open_by_meeting: dict[int, list[Task]] = {}
        for task in self.open:
            if task.owner is not None:
                self.open_by_owner.setdefault(id(task.owner), []).append(task)
            self.open_by_meeting.setdefault(id(task.meeting), []).append(task)
        self.decisions_by_meeting: dict[int, list[Decision]] = {}
        for decision in archive.decisions:
            self.decisions_by_meeting.setdefault(id(decision.meeting), []).append(decision)
        self.accounts_of: dict[int, list[Entity]] = {}
        self.people_of: dict[int, list[Entity]] = {}
        for account in archive.accounts.values():
            for meeting in account.meetings:
                self.accounts_of.setdefault(id(meeting), []).append(account)
        for person in archive.people.values():
            for meeting in person.meetings:
                self.people_of.setdefault(id(meeting), []).append(person)
        self._by_name = {
            kind: _names(section)
            for kind, section in (("person", archive.people), ("account", archive.accounts))
        }
        self._meeting_rows: dict[str, MeetingRow] = {}
        self._task_rows: dict[int, TaskRow] = {}
        self.months = charts.month_span(archive)
        self._graph: graph.EntityGraph | None = None
        self._node: dict[int, int] = {}
        self._tree: dict[str, tuple[list[Note], set[str]]] | None = None

    # -- rows ---------------------------------------------------------------------------------

    def named(self, names: list[str], kind: str) -> tuple[Named, ...]:
        by_key = self._by_name[kind]
        out = []
        for name in names:
            entity = by_key.get(note_key(name))
            out.append((entity.name, self.entity_src(entity)) if entity else (name, None))
        return tuple(out)

    def meeting_row(self, meeting: Note) -> MeetingRow:
        row = self._meeting_rows.get(meeting.path)
        if row is None:
            row = self._meeting_rows[meeting.path] = MeetingRow(
                meeting.date,
                meeting.title,
                meeting.path,
                self.named(meeting.accounts, "account"),
                self.named(meeting.people, "person"),
            )
        return row

    def task_row(self, task: Task) -> TaskRow:
        row = self._task_rows.get(id(task))
        if row is None:
            owner: Named | None = None
            if task.owner is not None:
                owner = (task.owner.name, self.entity_src(task.owner))
            elif task.owner_name:
                owner = ("@" + task.owner_name, None)
            accounts = tuple(
                (a.name, self.entity_src(a)) for a in self.accounts_of.get(id(task.meeting), [])
            )
            row = self._task_rows[id(task)] = TaskRow(
                task.due,
                task.text,
                task.meeting.path,
                task.anchor,
                task.meeting.title,
                owner,
                accounts,
                task.priority,
                task.symbol,
                task.status,
            )
        return row

    # -- index pages --------------------------------------------------------------------------

    def entity_index(self, kind: str) -> tuple[EntityRow, ...]:
        section = {
            "person": self.archive.people,
            "account": self.archive.accounts,
            "topic": self.archive.topics,
        }[kind]
        open_count: Counter[int] = Counter()
        for task in self.open:
            if task.owner is not None:
                open_count[id(task.owner)] += 1
            for account in self.accounts_of.get(id(task.meeting), []):
                open_count[id(account)] += 1
        ordered = sorted(
            section.values(),
            key=lambda e: (-(e.last_meeting or dt.date.min).toordinal(), e.name.casefold()),
        )
        return tuple(
            EntityRow(
                e.name,
                self.entity_src(e),
                len(e.meetings),
                e.last_meeting,
                len(e.mentions) if kind == "topic" else open_count[id(e)],
            )
            for e in ordered
        )

    def meetings(self) -> tuple[MeetingRow, ...]:
        return tuple(self.meeting_row(m) for m in self.archive.meetings)

    def actions(self) -> tuple[TaskRow, ...]:
        return tuple(self.task_row(t) for t in self.open)

    def counts(self) -> tuple[int, int, int, int, int]:
        a = self.archive
        return (len(a.meetings), len(a.accounts), len(a.people), len(a.topics), len(self.open))

    def active_accounts(self, limit: int) -> tuple[EntityRow, ...]:
        active = sorted(
            (e for e in self.archive.accounts.values() if e.meetings),
            key=lambda e: (-len(e.meetings), e.name.casefold()),
        )[:limit]
        return tuple(
            EntityRow(e.name, self.entity_src(e), len(e.meetings), e.last_meeting, 0)
            for e in active
        )

    def activity(self) -> tuple[tuple[str, int], ...]:
        counts = charts.per_month(self.archive.meetings)
        return tuple((m, counts.get(m, 0)) for m in self.months)

    # -- entities -----------------------------------------------------------------------------

    @property
    def graph(self) -> graph.EntityGraph:
        if self._graph is None:
            self._graph = graph.entity_graph(self.archive, layout=False)
            self._node = {id(n.entity): i for i, n in enumerate(self._graph.nodes)}
        return self._graph

    def entity(self, entity: Entity) -> EntityView:
        meetings = entity.meetings
        if entity.kind == "person":
            tasks = self.open_by_owner.get(id(entity), [])
        elif entity.kind == "account":
            tasks = sorted(
                (t for m in meetings for t in self.open_by_meeting.get(id(m), [])),
                key=lambda t: (t.due is None, t.due or dt.date.max, t.meeting.path, t.line),
            )
        else:
            tasks = []
        decisions = (
            [d for m in meetings for d in self.decisions_by_meeting.get(id(m), [])]
            if entity.kind == "account"
            else []
        )
        accounts: Counter[tuple[str, str | None]] = Counter()
        peers: Counter[tuple[str, str | None]] = Counter()
        if entity.kind in ("person", "account"):
            for m in meetings:
                if entity.kind == "person":
                    accounts.update(set(self.named(m.accounts, "account")))
                peers.update(set(self.named(m.people, "person")))
        own = self.entity_src(entity)
        peers = Counter({k: v for k, v in peers.items() if k[1] != own})
        counts = charts.per_month(meetings)
        index = self._node.get(id(entity)) if self.graph.nodes else None
        neighbours: tuple[Neighbour, ...] = ()
        among: tuple[tuple[int, int, int], ...] = ()
        hidden = degree = 0
        if index is not None and self.graph.nodes[index].degree:
            local = graph.local_graph(self.graph, index)
            neighbours = tuple(
                Neighbour(n.entity.name, n.entity.kind, self.entity_src(n.entity), w)
                for n, w in local.neighbours
            )
            among, hidden, degree = tuple(local.among), local.hidden, self.graph.nodes[index].degree
        return EntityView(
            kind=entity.kind,
            name=entity.name,
            src=own,
            page_path=entity.page_path,
            meetings=tuple(self.meeting_row(m) for m in meetings),
            tasks=tuple(self.task_row(t) for t in tasks),
            decisions=tuple(
                DecisionRow(d.meeting.date, d.text, d.meeting.path, d.meeting.title)
                for d in decisions
            ),
            accounts=_counted(accounts),
            peers=_counted(peers)[:10],
            mentions=tuple(
                NoteRow(n.title, n.path, n.date) for n in entity.mentions if n is not entity.note
            ),
            months=tuple((m, counts.get(m, 0)) for m in self.months),
            connections=neighbours,
            among=among,
            hidden=hidden,
            degree=degree,
            latest=self.meeting_row(meetings[0]) if meetings else None,
        )

    # -- folders ------------------------------------------------------------------------------

    def folder(self, folder: str) -> FolderView:
        """A folder's notes (the vault's own: not meetings or entity notes) and subfolders."""
        notes, subfolders = self._folders().get(folder, ([], set()))
        home = self.build.pages.home
        rows = tuple(
            NoteRow(n.title, n.path, n.date)
            for n in sorted(notes, key=lambda n: (n.title.casefold(), n.path))
            if n.path != home and not _is_folder_page(n, folder, self.build.pages.of_folder)
        )
        subs = []
        for sub in sorted(subfolders, key=str.casefold):
            src = self.folder_src(sub)
            if src is not None:
                subs.append((sub.rsplit("/", 1)[-1], src, self._count(sub)))
        return FolderView(folder, folder.rsplit("/", 1)[-1] if folder else "", rows, tuple(subs))

    def _folders(self) -> dict[str, tuple[list[Note], set[str]]]:
        if self._tree is None:
            self._tree = _folder_tree(self.build.other_notes)
        return self._tree

    def _count(self, folder: str) -> int:
        notes, subfolders = self._folders().get(folder, ([], set()))
        return len(notes) + sum(self._count(s) for s in subfolders)

    def crumbs(self, folder: str) -> tuple[tuple[str, str], ...]:
        """(name, page source) of each folder from the top down to `folder`, where it has a page."""
        out = []
        parts = folder.split("/") if folder else []
        for n in range(1, len(parts) + 1):
            path = "/".join(parts[:n])
            src = self.folder_src(path)
            if src is not None:
                out.append((parts[n - 1], src))
        return tuple(out)


def _is_folder_page(note: Note, folder: str, of_folder: dict[str, str]) -> bool:
    return of_folder.get(folder) == note.page_path and note.folder == folder


def _folder_tree(notes: list[Note]) -> dict[str, tuple[list[Note], set[str]]]:
    """Folder → (its notes, its subfolders), for the folders that hold notes below them."""
    tree: dict[str, tuple[list[Note], set[str]]] = {}
    for note in notes:
        folder = note.folder
        tree.setdefault(folder, ([], set()))[0].append(note)
        while folder:
            parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
            entry = tree.setdefault(parent, ([], set()))
            if folder in entry[1]:
                break
            entry[1].add(folder)
            folder = parent
    return tree


def _names(section: dict[str, Entity]) -> dict[str, Entity]:
    by_key: dict[str, Entity] = {}
    for entity in section.values():
        by_key.setdefault(note_key(entity.name), entity)
    for entity in section.values():
        for alias in entity.aliases:
            by_key.setdefault(note_key(alias), entity)
        if entity.note is not None:
            for email in entity.note.emails:
                by_key.setdefault(email, entity)
    return by_key


def _counted(counts: Counter[tuple[str, str | None]]) -> tuple[tuple[str, str | None, int], ...]:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0].casefold()))
    return tuple((name, src, n) for (name, src), n in items)
