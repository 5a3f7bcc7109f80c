"""The plain data the query engines read: files, tasks and the vault of them.

Independent of the plugin's model (build.py adapts that model to this one), so the engines
can be tested with vaults written out in a test. Only published notes are ever in a
QueryVault: a query cannot show what is not here. The lookups every engine needs (by path,
folder, tag, name) are built once, when the vault is made, so that no query rescans it. Touches nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

STATUS_TYPES = ("TODO", "DONE", "IN_PROGRESS", "ON_HOLD", "CANCELLED", "NON_TASK")
PRIORITIES = ("highest", "high", "medium", "none", "low", "lowest")
"""From most to least urgent; "none" is a task without a priority sign."""
DATE_FIELDS = ("due", "scheduled", "start", "done", "created", "cancelled")

_STATUS_BY_SYMBOL = {
    " ": ("Todo", "TODO"),
    "x": ("Done", "DONE"),
    "X": ("Done", "DONE"),
    "/": ("In Progress", "IN_PROGRESS"),
    "-": ("Cancelled", "CANCELLED"),
}


def status_of(symbol: str) -> tuple[str, str]:
    """(name, type) of a status symbol, as the Tasks plugin has them by default: a symbol it
    does not know is named "Unknown" and counts as to do."""
    return _STATUS_BY_SYMBOL.get(symbol, ("Unknown", "TODO"))


@dataclass(frozen=True)
class QueryTask:
    """One task line (`- [ ] …`) of a published note, with its Tasks fields."""

    path: str
    """Vault path of the note, with `.md`."""
    line: int
    """Line in the note's file, 1-based."""
    description: str
    """As Tasks shows it: without its emoji fields, block id and the `#task` tag."""
    original_markdown: str
    status_symbol: str = " "
    heading: str | None = None
    """The nearest heading above the task, if any."""
    due: dt.date | None = None
    scheduled: dt.date | None = None
    start: dt.date | None = None
    done: dt.date | None = None
    created: dt.date | None = None
    cancelled: dt.date | None = None
    invalid_dates: frozenset[str] = frozenset()
    """Date fields written with a date that does not exist (`📅 2022-02-30`)."""
    priority: str = "none"
    recurrence: str | None = None
    on_completion: str | None = None
    tags: tuple[str, ...] = ()
    """`#tags` in the line, as written (the `#task` tag left out)."""
    block_id: str | None = None
    id: str | None = None
    depends_on: tuple[str, ...] = ()
    owner: str | None = None
    """`@Name` in the description, as written (without the `@`)."""
    indent: int = 0
    """Nesting depth in its list: 0 for a top-level item."""
    parent_line: int | None = None
    """Line of the list item this one is nested under, if any."""
    fields: tuple[tuple[str, str], ...] = ()
    """Dataview inline fields on the line (`[key:: value]`): (lower-cased key, raw value)."""

    status_name: str = field(init=False, repr=False, compare=False)
    """The name of its status ("Todo", "Done", "In Progress", "Cancelled", "Unknown")."""
    status_type: str = field(init=False, repr=False, compare=False)
    """TODO, DONE, IN_PROGRESS, CANCELLED (or NON_TASK, ON_HOLD in custom statuses)."""
    is_done: bool = field(init=False, repr=False, compare=False)
    """DONE, CANCELLED or NON_TASK: what Tasks' `done` finds."""

    def __post_init__(self) -> None:
        # Derived once: every query reads them for every task.
        name, kind = status_of(self.status_symbol)
        object.__setattr__(self, "status_name", name)
        object.__setattr__(self, "status_type", kind)
        object.__setattr__(self, "is_done", kind in ("DONE", "CANCELLED", "NON_TASK"))

    @functools.cached_property
    def folded_description(self) -> str:
        """The description case-folded, for the text searches of every query."""
        return self.description.casefold()

    @property
    def happens(self) -> dt.date | None:
        """The earliest of start, scheduled and due."""
        dates = [d for d in (self.start, self.scheduled, self.due) if d is not None]
        return min(dates) if dates else None

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def file_stem(self) -> str:
        name = self.filename
        return name[:-3] if name.lower().endswith(".md") else name

    @property
    def folder(self) -> str:
        """The folder, ending in `/` (`/` for the vault's root), as Tasks writes it."""
        folder = posixpath.dirname(self.path)
        return f"{folder}/" if folder else "/"

    @property
    def root(self) -> str:
        """The top-level folder, ending in `/` (`/` for the vault's root)."""
        return f"{self.path.split('/', 1)[0]}/" if "/" in self.path else "/"


@dataclass(frozen=True)
class QueryFile:
    """A published note as the queries see it."""

    path: str
    """Vault path, with `.md`."""
    title: str = ""
    frontmatter: Mapping[str, Any] = field(default_factory=dict)
    """As YAML gave it, keys as written."""
    tags: tuple[str, ...] = ()
    """Frontmatter and inline tags, with `#`, each once."""
    aliases: tuple[str, ...] = ()
    inline_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Dataview inline fields of the body: lower-cased key → raw values, in order."""
    outlinks: tuple[str, ...] = ()
    """Vault paths of the published notes it links to, each once."""
    inlinks: tuple[str, ...] = ()
    """Vault paths of the published notes that link to it, each once."""
    tasks: tuple[QueryTask, ...] = field(default=(), repr=False)
    ctime: dt.datetime | None = None
    mtime: dt.datetime | None = None
    size: int = 0
    day: dt.date | None = None
    """The date in the file name if it has one, else its `date` field."""

    @property
    def name(self) -> str:
        """The file name without its extension."""
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    @property
    def folder(self) -> str:
        """The folder's path, without a trailing `/` (`""` for the vault's root)."""
        return posixpath.dirname(self.path)

    @property
    def ext(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[-1] if "." in name else ""


def tag_key(tag: str) -> str:
    """How tags compare: without `#`, case-folded."""
    return tag.lstrip("#").casefold()


def link_key(target: str) -> str:
    """How a link's target compares to a note: no heading or alias, no `.md`, case-folded."""
    target = target.split("|", 1)[0].split("#", 1)[0].strip().strip("/")
    if target.lower().endswith(".md"):
        target = target[:-3]
    return target.casefold()


@dataclass(frozen=True)
class QueryVault:
    """Every published note, the date relative dates are read against, and lookups."""

    files: tuple[QueryFile, ...]
    today: dt.date
    by_path: Mapping[str, QueryFile] = field(init=False, repr=False, compare=False)
    in_folder: Mapping[str, tuple[QueryFile, ...]] = field(init=False, repr=False, compare=False)
    """Folder (case-folded, no trailing `/`, `""` for the root) → files in it or below."""
    by_tag: Mapping[str, tuple[QueryFile, ...]] = field(init=False, repr=False, compare=False)
    """`tag_key` of a tag or of any of its parents (`a` for `#a/b`) → files that have it."""
    by_link_key: Mapping[str, tuple[QueryFile, ...]] = field(init=False, repr=False, compare=False)
    """What a `[[link]]` may say (path, name, alias; see `link_key`) → files it may mean."""
    tasks: tuple[QueryTask, ...] = field(init=False, repr=False, compare=False)
    """Every task of every file, in file order then line order."""
    memo: dict[str, Any] = field(init=False, repr=False, compare=False, default_factory=dict)
    """What an engine derives from the vault once for all its queries (Dataview's page
    rows), by engine name. Filled on first use; never changed after."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "by_path", {f.path: f for f in self.files})
        set_(self, "in_folder", _freeze(_folders(self.files)))
        set_(self, "by_tag", _freeze(_tags(self.files)))
        set_(self, "by_link_key", _freeze(_link_keys(self.files)))
        set_(self, "tasks", tuple(t for f in self.files for t in f.tasks))

    def resolve(self, target: str) -> QueryFile | None:
        """The note a link target (`Note`, `Folder/Note.md`, an alias) names, if published:
        the full path first, then the shortest path among notes of that name."""
        found = self.by_link_key.get(link_key(target), ())
        return found[0] if found else None


def _freeze(table: Mapping[str, list[QueryFile]]) -> dict[str, tuple[QueryFile, ...]]:
    return {key: tuple(files) for key, files in table.items()}


def _folders(files: Iterable[QueryFile]) -> dict[str, list[QueryFile]]:
    table: dict[str, list[QueryFile]] = defaultdict(list)
    for file in files:
        parts = file.folder.casefold().split("/") if file.folder else []
        table[""].append(file)
        for depth in range(1, len(parts) + 1):
            table["/".join(parts[:depth])].append(file)
    return table


def _tags(files: Iterable[QueryFile]) -> dict[str, list[QueryFile]]:
    table: dict[str, list[QueryFile]] = defaultdict(list)
    for file in files:
        keys: dict[str, None] = {}
        for tag in file.tags:
            parts = tag_key(tag).split("/")
            for depth in range(1, len(parts) + 1):
                keys["/".join(parts[:depth])] = None
        for key in keys:
            table[key].append(file)
    return table


def _link_keys(files: Iterable[QueryFile]) -> dict[str, list[QueryFile]]:
    exact: dict[str, list[QueryFile]] = defaultdict(list)
    by_name: dict[str, list[QueryFile]] = defaultdict(list)
    for file in files:
        exact[link_key(file.path)].append(file)
        by_name[link_key(file.name)].append(file)
        for alias in file.aliases:
            by_name[link_key(alias)].append(file)
    table: dict[str, list[QueryFile]] = defaultdict(list)
    for key, found in by_name.items():
        table[key].extend(sorted(found, key=lambda f: (f.path.count("/"), f.path)))
    for key, found in exact.items():
        ids = {id(f) for f in found}
        table[key] = found + [f for f in table.get(key, []) if id(f) not in ids]
    return table
