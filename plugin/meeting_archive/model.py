"""The archive as plain data: notes, entities, action items, decisions, problems.

No MkDocs types here, so that every later step (and a user's own mkdocs-gen-files script)
can use the model without a build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from .obsidian import LinkRef
from .tasks import ParsedTask

EntityKind = Literal["person", "account", "topic"]
TaskStatus = Literal["open", "done", "cancelled"]


@dataclass(frozen=True)
class Problem:
    """Something wrong in the vault, reported once, naming the file and line."""

    path: str
    message: str
    line: int | None = None
    level: Literal["warning", "info"] = "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Note:
    """A published note: frontmatter read, text repaired, comments removed, and what its text
    says (links, tasks, decisions) found once, when it is read."""

    path: str
    """Vault path ('/'-separated, as MkDocs' src_uri)."""
    title: str
    meta: dict[str, Any]
    """The frontmatter, keys as written (read them case-insensitively: see properties.py)."""
    body: str
    """The text after the frontmatter, `%%comments%%` removed (their lines left blank)."""
    body_line: int
    """Line of the file on which `body` starts (1-based), for problems that name a line."""
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    date: dt.date | None = None
    people: list[str] = field(default_factory=list)
    """Names from the people fields, wikilink brackets removed."""
    accounts: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    """A person note's `email`/`emails`: a meeting that lists the address means this person."""
    is_meeting: bool = False
    type: str = ""
    repairs: int = 0
    content_hash: str = ""
    """Of the file's bytes and the read options: equal hashes, equal notes."""
    mtime: float = 0.0
    ctime: float = 0.0
    size: int = 0
    links: tuple[LinkRef, ...] = ()
    """Every link the body makes, in order (lines relative to the body)."""
    parsed_tasks: tuple[ParsedTask, ...] = ()
    decisions: tuple[tuple[int, str], ...] = ()
    page_path: str = ""
    """Where the note is published (see page_paths.py), set by each build."""

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""


@dataclass
class Entity:
    """A person, account or topic: a page of its own, fed by the notes that name it."""

    kind: EntityKind
    name: str
    slug: str = ""
    note: Note | None = None
    aliases: list[str] = field(default_factory=list)
    meetings: list[Note] = field(default_factory=list)
    """Meetings that list it (people/account fields, tags), newest first; a topic's are the
    meetings that link to it."""
    mentions: list[Note] = field(default_factory=list)
    """Every published note that links to it, newest first."""
    page_path: str = ""

    @property
    def key(self) -> str:
        """Stable within a build and between builds while the name and slug stay."""
        return f"{self.kind}:{self.page_path}"

    @property
    def last_meeting(self) -> dt.date | None:
        return self.meetings[0].date if self.meetings else None


_SECTION: dict[str, str] = {"person": "people", "account": "accounts", "topic": "topics"}


def section_of(kind: EntityKind) -> str:
    return _SECTION[kind]


@dataclass
class Task:
    """An Obsidian Tasks line in a meeting."""

    meeting: Note
    line: int
    """Line in the note file."""
    anchor: str
    text: str
    """The description without the emoji fields, `@owner` and `#task`."""
    status: TaskStatus = "open"
    symbol: str = " "
    """The checkbox symbol as written (`/` in progress, `-` cancelled…)."""
    owner_name: str | None = None
    """`@Name` as written."""
    owner: Entity | None = None
    due: dt.date | None = None
    scheduled: dt.date | None = None
    start: dt.date | None = None
    done: dt.date | None = None
    created: dt.date | None = None
    cancelled: dt.date | None = None
    priority: str | None = None
    recurrence: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass
class Decision:
    meeting: Note
    line: int
    text: str


@dataclass
class Archive:
    """Everything the pages are made from. Importable from a gen-files script via
    `meeting_archive.current_archive()` during a build."""

    notes: dict[str, Note]
    """Published notes by vault path."""
    meetings: list[Note]
    """Newest first; ties by title."""
    people: dict[str, Entity]
    accounts: dict[str, Entity]
    topics: dict[str, Entity]
    tasks: list[Task]
    decisions: list[Decision]
    backlinks: dict[str, list[Note]]
    """Vault path of a note → published notes that link to it, newest first."""
    build_date: dt.date = field(default_factory=dt.date.today)

    def entities(self) -> list[Entity]:
        return [*self.people.values(), *self.accounts.values(), *self.topics.values()]

    def open_tasks(self) -> list[Task]:
        """Open items by due date (so overdue ones come first), undated last."""
        return sorted(
            (t for t in self.tasks if t.is_open),
            key=lambda t: (t.due is None, t.due or dt.date.max, t.meeting.path, t.line),
        )
