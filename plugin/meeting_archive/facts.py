"""What pages are made from, for one build: the model's derived lookups (built once), and a
fingerprint for each fact a page can read, so that a page made in an earlier build (or read
back from the render cache) is used again exactly while every fact it read is unchanged.

A renderer reads the world only through `Reads`, which records the key of each fact it
reads; the rendered page carries those keys with their fingerprints (`RenderedPage.inputs`).
Keys are tuples of strings:

- ("note", path): the note's text and frontmatter;       ("url", src): a page's URL;
- ("links", path): where each of the note's links leads;  ("backlinks", path);
- ("tasks", path): a meeting's action items, owners linked; ("today",): the build date;
- ("view", name): a generated listing's data (views.py);  ("config",): the build's settings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .archive import ArchiveBuild, LinkKey, Target
from .model import Entity, Note, Task
from .query_blocks import Queries
from .urls import SiteUrls

Key = tuple[str, ...]


def digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=12).hexdigest()


@dataclass
class Facts:
    """The model of one build, as facts with fingerprints. `config` is everything else a page
    depends on (the Markdown configuration, the plugin's options and version, the URL style):
    a change there makes every page stale."""

    build: ArchiveBuild
    urls: SiteUrls
    config: str
    entity_src: Callable[[Entity], str]
    views: dict[str, Callable[[], Any]] = field(default_factory=dict)
    """Generated listings' data by name, made when first asked for."""
    queries: Queries | None = None
    _prints: dict[Key, str] = field(default_factory=dict)
    _views: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        archive = self.build.archive
        self.tasks_of: dict[str, list[Task]] = {}
        for task in archive.tasks:
            self.tasks_of.setdefault(task.meeting.path, []).append(task)

    @property
    def today(self) -> dt.date:
        return self.build.archive.build_date

    def view(self, name: str) -> Any:
        if name not in self._views:
            self._views[name] = self.views[name]()
        return self._views[name]

    def fingerprint(self, key: Key) -> str:
        known = self._prints.get(key)
        if known is None:
            known = self._prints[key] = self._fingerprint(key)
        return known

    def _fingerprint(self, key: Key) -> str:
        kind = key[0]
        archive = self.build.archive
        if kind == "note":
            note = archive.notes.get(key[1])
            return note.content_hash if note is not None else "-"
        if kind == "url":
            return self.urls.url(key[1])
        if kind == "links":
            return digest(self._links(key[1]))
        if kind == "backlinks":
            return digest([_card(n) for n in archive.backlinks.get(key[1], [])])
        if kind == "tasks":
            tasks = self.tasks_of.get(key[1], [])
            dated = any(t.is_open and t.due for t in tasks)
            return digest(([self._task(t) for t in tasks], self.today if dated else None))
        if kind == "today":
            return self.today.isoformat()
        if kind == "embedded":
            return str(key[1] in self.build.embedded)
        if kind == "view":
            return digest(self.view(key[1]))
        if kind == "config":
            return self.config
        if kind == "queries":
            assert self.queries is not None
            return self.queries.fingerprint(key[1] == "times")
        raise KeyError(key)

    def _links(self, path: str) -> list[Any]:
        table = self.build.links.of_note.get(path, {})
        out: list[Any] = []
        for link, target in table.items():
            entity = self.build.entity(target)
            where = self.entity_src(entity) if entity is not None else target.path
            out.append((link, target.kind, where, self.urls.url(where) if where else None))
        return out

    def _task(self, task: Task) -> tuple[Any, ...]:
        owner = self.entity_src(task.owner) if task.owner is not None else None
        return (
            task.anchor, task.line, task.text, task.status, task.symbol, task.due, task.done,
            task.priority, task.recurrence, task.owner_name, owner,
            self.urls.url(owner) if owner else None,
        )  # fmt: skip

    def valid(self, inputs: tuple[tuple[Key, str], ...]) -> bool:
        """Whether a page made from these inputs is still right."""
        return all(self.fingerprint(key) == printed for key, printed in inputs)


class Reads:
    """A page's reads of the world, recorded (see the module docstring)."""

    def __init__(self, facts: Facts, src: str) -> None:
        self.facts = facts
        self.src = src
        self.keys: set[Key] = {("config",)}

    def _use(self, *key: str) -> None:
        self.keys.add(key)

    def inputs(self) -> tuple[tuple[Key, str], ...]:
        return tuple(sorted((key, self.facts.fingerprint(key)) for key in self.keys))

    # -- notes and links ---------------------------------------------------------------------

    def note(self, path: str) -> Note:
        self._use("note", path)
        return self.facts.build.archive.notes[path]

    def target(self, from_path: str, key: LinkKey) -> Target:
        self._use("links", from_path)
        return self.facts.build.links.target(from_path, key)

    def entity(self, target: Target) -> Entity | None:
        """The entity a target means (the target came from `target`, which recorded it)."""
        return self.facts.build.entity(target)

    def entity_named(self, from_path: str, name: str) -> Entity | None:
        """The entity a name in a note's fields means (a meeting's header)."""
        self._use("note", from_path)
        self._use("links", from_path)
        entities = self.facts.build.entities
        from .urls import note_key

        email = name.strip().lower()
        found = entities.by_name.get(note_key(name))
        if found is None and "@" in email:
            found = next((e for e in entities.all if e.note and email in e.note.emails), None)
        if found is None:
            resolved = self.facts.build.resolver.resolve(name)
            if resolved.path is not None:
                found = entities.of_note.get(resolved.path)
        return found

    def embedded(self, path: str) -> bool:
        """Whether another note embeds this one."""
        self._use("embedded", path)
        return path in self.facts.build.embedded

    def queries(self, times: bool) -> Queries:
        """The build's queries (a page that shows one depends on what they can see)."""
        self._use("queries", "times" if times else "")
        assert self.facts.queries is not None
        return self.facts.queries

    def backlinks(self, path: str) -> list[Note]:
        self._use("backlinks", path)
        return self.facts.build.archive.backlinks.get(path, [])

    def tasks(self, path: str) -> list[Task]:
        self._use("tasks", path)
        return self.facts.tasks_of.get(path, [])

    def today(self) -> dt.date:
        self._use("today")
        return self.facts.today

    def view(self, name: str) -> Any:
        self._use("view", name)
        return self.facts.view(name)

    # -- where things are --------------------------------------------------------------------

    def href(self, to_src: str, fragment: str = "") -> str:
        self._use("url", to_src)
        self._use("url", self.src)
        return self.facts.urls.href(self.src, to_src, fragment)

    def entity_src(self, entity: Entity) -> str:
        return self.facts.entity_src(entity)

    def entity_href(self, entity: Entity) -> str:
        return self.href(self.facts.entity_src(entity))


def _card(note: Note) -> tuple[Any, ...]:
    return (note.path, note.title, note.date, note.page_path)
