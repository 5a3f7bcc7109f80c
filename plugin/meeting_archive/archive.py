"""Build the archive model from the notes read: entities, links, tasks, decisions, URLs.

Everything is gathered in one pass over the notes and a few passes over the entities, with
dictionaries for every lookup, so the model grows linearly with the vault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

from . import obsidian, tasks
from .model import Archive, Decision, Entity, EntityKind, Note, Problem, Task, section_of
from .resolve import Resolution, Resolver
from .urls import inside_vault, note_key, slugify, vault_page_path
from .vault import VaultRead

RESERVED_PAGES = ("", "meetings", "people", "accounts", "topics", "actions", "tags", "graph")

TargetKind = Literal["note", "attachment", "entity", "withheld", "unresolved"]


@dataclass(frozen=True)
class Target:
    """What a wikilink leads to."""

    kind: TargetKind
    path: str | None = None
    entity: Entity | None = None
    ambiguous: tuple[str, ...] = ()


@dataclass
class Links:
    """The vault's link targets: notes and attachments through the resolver, then people,
    accounts and topics that have no note of their own."""

    resolver: Resolver
    notes: dict[str, Note]
    entity_of_note: dict[str, Entity] = field(default_factory=dict)
    entity_by_name: dict[str, Entity] = field(default_factory=dict)
    _cache: dict[str, Target] = field(default_factory=dict)

    def target(self, link: obsidian.Wikilink, from_path: str) -> Target:
        """Where `[[link]]` in the note at `from_path` leads. Cached: a vault names the same
        people and accounts thousands of times, and only the folder changes the answer."""
        cached = self._cache.get(link.target)
        if cached is not None:
            return cached
        found = self.resolver.resolve(link.target, from_path)
        target = self._target(link, found)
        if found.anywhere and target.kind != "unresolved":
            self._cache[link.target] = target
        return target

    def _target(self, link: obsidian.Wikilink, found: Resolution) -> Target:
        if found.path is not None:
            kind: TargetKind = "note" if found.path in self.notes else "attachment"
            return Target(kind, found.path, self.entity_of_note.get(found.path), found.ambiguous)
        if found.withheld:
            return Target("withheld")
        entity = self.entity_by_name.get(note_key(link.target))
        if entity is not None:
            return Target("entity", entity=entity)
        return Target("unresolved")

    def markdown_target(self, path: str, from_path: str) -> Target:
        """An ordinary Markdown link's target: the file at that path relative to the note, or,
        as Obsidian does, a file of that name anywhere in the vault."""
        folder = from_path.rpartition("/")[0]
        exact = inside_vault(f"{folder}/{path}" if folder else path)
        if exact is not None and self.resolver.exists(exact):
            kind: TargetKind = "note" if exact in self.notes else "attachment"
            return Target(kind, exact, self.entity_of_note.get(exact))
        found = self.resolver.resolve(path.removeprefix("./"), from_path)
        if found.path is not None:
            kind = "note" if found.path in self.notes else "attachment"
            return Target(kind, found.path, self.entity_of_note.get(found.path), found.ambiguous)
        return Target("withheld" if found.withheld else "unresolved")


@dataclass
class ArchiveBuild:
    archive: Archive
    links: Links
    problems: list[Problem]
    stats: Counter[str]
    private_attachments: list[str] = field(default_factory=list)
    """Attachments that unpublished notes use and no published note does: not published."""


def build_archive(
    read: VaultRead,
    attachments: list[str],
    *,
    decisions_heading: str = "Decisions",
    today: dt.date | None = None,
) -> ArchiveBuild:
    notes = {n.path: n for n in read.notes}
    resolver = Resolver(
        note_paths=list(notes),
        other_paths=attachments,
        aliases={n.path: n.aliases for n in read.notes if n.aliases},
        withheld=[name for w in read.withheld for name in w.names],
    )
    links = Links(resolver, notes)
    problems: list[Problem] = []
    stats: Counter[str] = Counter()
    entities = _Entities(links)

    for note in read.notes:
        kind = _entity_kind(note)
        if kind:
            entities.for_note(note, kind)
    meetings = sorted((n for n in read.notes if n.is_meeting), key=_newest_first)
    for meeting in meetings:
        for name in meeting.people:
            person = entities.named("person", name)
            if person:
                _add_once(person.meetings, meeting)
        for name in meeting.accounts:
            account = entities.named("account", name)
            if account:
                _add_once(account.meetings, meeting)
    # The account may have listed a meeting from its fields already: a set of pairs keeps the
    # check constant-time (a scan of the account's meetings would be quadratic for a big one).
    listed = {(id(a), id(m)) for a in entities.all if a.kind == "account" for m in a.meetings}
    for note in read.notes:
        for tag in note.tags:
            if tag.lower().startswith("account/") and len(tag) > len("account/"):
                account = entities.account_for_tag(tag.split("/", 1)[1])
                if (
                    account is not None
                    and note.is_meeting
                    and (id(account), id(note)) not in listed
                ):
                    listed.add((id(account), id(note)))
                    account.meetings.append(note)

    backlinks: dict[str, list[Note]] = defaultdict(list)
    for note in read.notes:
        _scan_links(note, links, entities, backlinks, problems, stats)

    archive = Archive(
        notes=notes,
        meetings=meetings,
        people={},
        accounts={},
        topics={},
        tasks=[],
        decisions=[],
        backlinks={},
        build_date=today or dt.date.today(),
    )
    _assign_page_paths(archive, read.notes, entities.all)
    for entity in archive.entities():
        entity.meetings.sort(key=_newest_first)
        entity.mentions.sort(key=_newest_first)
    archive.backlinks = {p: sorted(ns, key=_newest_first) for p, ns in backlinks.items()}
    for meeting in meetings:
        archive.tasks.extend(_meeting_tasks(meeting, entities, problems))
        archive.decisions.extend(
            Decision(meeting, meeting.body_line + index, text)
            for index, text in tasks.parse_decisions(meeting.body, decisions_heading)
        )
    private = _private_attachments(read, links, set(backlinks))
    return ArchiveBuild(archive, links, problems, stats, private)


def _private_attachments(read: VaultRead, links: Links, linked: set[str]) -> list[str]:
    """Attachments that an unpublished note (private, or with unreadable frontmatter) links
    to or embeds, and no published note does."""
    found: set[str] = set()
    for withheld in read.withheld:
        for wiki, written in withheld.links:
            target = (
                links.target(obsidian.Wikilink(written), withheld.path)
                if wiki
                else links.markdown_target(written, withheld.path)
            )
            if target.kind == "attachment" and target.path is not None:
                found.add(target.path)
    return sorted(found - linked)


def _newest_first(note: Note) -> tuple[int, str, str]:
    ordinal = note.date.toordinal() if note.date else 0
    return (-ordinal, note.title.casefold(), note.path)


def _add_once(items: list[Note], note: Note) -> None:
    """Append unless it was the last one added (links come note by note, so this dedupes)."""
    if not items or items[-1] is not note:
        items.append(note)


def _entity_kind(note: Note) -> EntityKind | None:
    kind = note.type.lower()
    if kind in ("person", "account") and not note.is_meeting:
        return kind  # type: ignore[return-value]
    return None


class _Entities:
    """People, accounts and topics, merged case-insensitively and through aliases."""

    def __init__(self, links: Links) -> None:
        self.links = links
        self.all: list[Entity] = []
        self._account_slugs: dict[str, Entity] = {}
        self._slugged = 0

    def for_note(self, note: Note, kind: EntityKind) -> Entity:
        entity = self.links.entity_of_note.get(note.path)
        if entity is None:
            entity = Entity(
                kind,
                note.stem if kind != "topic" else note.title,
                note=note,
                aliases=list(note.aliases),
            )
            self.links.entity_of_note[note.path] = entity
            self.all.append(entity)
            for name in (note.stem, note.title, *note.aliases):
                self.links.entity_by_name.setdefault(note_key(name), entity)
        return entity

    def named(self, kind: EntityKind, name: str) -> Entity | None:
        """The entity a name in a field or link means; None for a private note's name."""
        found = self.links.resolver.resolve(name)
        if found.path is not None and found.path in self.links.notes:
            note = self.links.notes[found.path]
            if not note.is_meeting:
                return self.for_note(note, _entity_kind(note) or kind)
        elif found.withheld:
            return None
        key = note_key(name)
        entity = self.links.entity_by_name.get(key)
        if entity is None:
            entity = Entity(kind, name.strip())
            self.links.entity_by_name[key] = entity
            self.all.append(entity)
        return entity

    def account_for_tag(self, slug: str) -> Entity | None:
        """The account an `account/<slug>` tag means: the one whose name slugifies to it, or
        a new account named after the slug; None when that name is a private note's."""
        for entity in self.all[self._slugged :]:
            if entity.kind == "account":
                self._account_slugs.setdefault(slugify(entity.name), entity)
        self._slugged = len(self.all)
        found = self._account_slugs.get(slugify(slug))
        if found is None:
            name = " ".join(w.capitalize() for w in slug.replace("_", "-").split("-") if w) or slug
            found = self.named("account", name)
        return found


def _scan_links(
    note: Note,
    links: Links,
    entities: _Entities,
    backlinks: dict[str, list[Note]],
    problems: list[Problem],
    stats: Counter[str],
) -> None:
    """Record what `note` links to: backlinks, mentions, new topics; report broken links once."""
    reported: set[str] = set()
    for in_code, first_line, segment in obsidian.segments(note.body):
        if in_code or ("[[" not in segment and "](" not in segment):
            continue
        for match in obsidian.INLINE.finditer(segment):
            found = _link_target(match, note, links, entities)
            if found is None:
                continue
            written, target, embed = found
            stats["links"] += 1
            if target.kind in ("note", "attachment", "entity"):
                stats["resolved"] += 1
                if target.path is not None and target.path != note.path:
                    _add_once(backlinks[target.path], note)
                if target.entity is not None:
                    _add_once(target.entity.mentions, note)
                if target.ambiguous and target.path not in reported:
                    reported.add(str(target.path))
                    problems.append(
                        Problem(
                            note.path,
                            f"[[{written}]] matches several notes; chose the shortest path "
                            f"{target.path}",
                            _line(note, first_line, segment, match),
                            "info",
                        )
                    )
            elif target.kind == "withheld":
                stats["withheld"] += 1
            else:
                stats["unresolved"] += 1
                if written not in reported:
                    reported.add(written)
                    problems.append(
                        Problem(
                            note.path,
                            _unresolved_message(written, embed, links),
                            _line(note, first_line, segment, match),
                        )
                    )


def _line(note: Note, first_line: int, segment: str, match: re.Match[str]) -> int:
    return note.body_line + first_line + segment.count("\n", 0, match.start())


def _link_target(
    match: re.Match[str], note: Note, links: Links, entities: _Entities
) -> tuple[str, Target, bool] | None:
    """(target as written, where it leads, is an embed) for a wikilink or Markdown link; an
    unresolved bare name becomes a topic."""
    if match.group("link") is not None:
        link = obsidian.parse_wikilink(match.group("inner"))
        if not link.target:
            return None
        target = links.target(link, note.path)
        if (
            target.kind == "unresolved"
            and "/" not in link.target
            and "\\" not in link.target  # a Windows path (`..\x`), not a topic's name
            and not _has_extension(link.target)
        ):
            target = Target("entity", entity=entities.named("topic", link.target))
        return link.target, target, bool(match.group("bang"))
    if match.group("md") is not None:
        local = obsidian.local_target(match.group("mdurl"))
        if local is not None and local[0]:
            return local[0], links.markdown_target(local[0], note.path), bool(match.group("mdbang"))
    return None


def _has_extension(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return "." in name and not name.lower().endswith(".md") and len(name.rsplit(".", 1)[1]) <= 5


def _unresolved_message(written: str, embed: bool, links: Links) -> str:
    what = "embedded file" if embed or _has_extension(written) else "linked note"
    message = f"{what} [[{written}]] is not in the vault: shown as unresolved text"
    name = written.rsplit("/", 1)[-1]
    guess = links.resolver.resolve(name)
    if guess.path:
        message += f" (did you mean [[{guess.path.removesuffix('.md')}]]?)"
    return message


def _assign_page_paths(archive: Archive, notes: list[Note], entities: list[Entity]) -> None:
    """Stable page paths: meetings by date and slug, entities by name, the rest by vault path.

    Collisions get -2, -3 … in the order of the source paths, so a rebuild gives each note the
    same URL.
    """
    used: set[str] = set(RESERVED_PAGES)
    home = archive.notes.get("index.md") or archive.notes.get("README.md")
    if home is not None:
        home.page_path = ""
    assigned: set[str] = {home.path} if home is not None else set()
    for meeting in sorted(archive.meetings, key=lambda n: n.path):
        assert meeting.date is not None
        own = meeting.meta.get("slug")
        slug = slugify(str(own) if isinstance(own, (str, int)) and own != "" else meeting.title)
        meeting.page_path = _claim(used, f"meetings/{meeting.date.isoformat()}-{slug}")
        assigned.add(meeting.path)
    sections = {"person": archive.people, "account": archive.accounts, "topic": archive.topics}
    for kind, section in sections.items():
        ordered = sorted(
            (e for e in entities if e.kind == kind),
            key=lambda e: (e.note is None, e.note.path if e.note else "", e.name.casefold()),
        )
        for entity in ordered:
            base = f"{section_of(entity.kind)}/{slugify(entity.name)}"
            page = _claim(used, base)
            entity.slug = page.split("/", 1)[1]
            if entity.note is not None and entity.note.path not in assigned:
                entity.note.page_path = page
                assigned.add(entity.note.path)
            section[entity.slug] = entity
    for note in sorted(notes, key=lambda n: n.path):
        if note.path not in assigned:
            note.page_path = _claim(used, vault_page_path(note.path) or "home")


def _claim(used: set[str], base: str) -> str:
    page, n = base, 1
    while page in used:
        n += 1
        page = f"{base}-{n}"
    used.add(page)
    return page


def _meeting_tasks(meeting: Note, entities: _Entities, problems: list[Problem]) -> list[Task]:
    found: list[Task] = []
    participants = [e for name in meeting.people if (e := entities.named("person", name))]
    for number, parsed in enumerate(tasks.parse_tasks(meeting.body), start=1):
        task = Task(
            meeting=meeting,
            line=meeting.body_line + parsed.line,
            anchor=f"^{parsed.block}" if parsed.block else f"task-{number}",
            text=parsed.text,
            status=parsed.status,  # type: ignore[arg-type]
            owner_name=parsed.owner_names[0] if parsed.owner_names else None,
            priority=parsed.priority,
            recurrence=parsed.recurrence,
            due=parsed.dates.get("due"),
            scheduled=parsed.dates.get("scheduled"),
            start=parsed.dates.get("start"),
            done=parsed.dates.get("done"),
            created=parsed.dates.get("created"),
            cancelled=parsed.dates.get("cancelled"),
        )
        if parsed.owner_names:
            task.owner = _owner(parsed.owner_names, participants, entities, meeting, task, problems)
        found.append(task)
    return found


def _owner(
    names: list[str],
    participants: list[Entity],
    entities: _Entities,
    meeting: Note,
    task: Task,
    problems: list[Problem],
) -> Entity | None:
    """`@Name` → the participant whose full name, first name or alias matches, else a person
    known by that name or alias, else nobody (the name stays as written)."""
    for name in names:
        key = note_key(name)
        matches = [p for p in participants if key in _person_keys(p)]
        if len(matches) == 1:
            task.owner_name = name
            return matches[0]
        if len(matches) > 1:
            problems.append(
                Problem(
                    meeting.path,
                    f"@{name} could be "
                    f"{' or '.join(sorted(m.name for m in matches))}: kept as written",
                    task.line,
                    "info",
                )
            )
            task.owner_name = name
            return None
    for name in names:
        entity = entities.links.entity_by_name.get(note_key(name))
        if entity is not None and entity.kind == "person":
            task.owner_name = name
            return entity
    return None


def _person_keys(person: Entity) -> set[str]:
    keys = {note_key(person.name), note_key(person.name.split(" ")[0])}
    keys.update(note_key(a) for a in person.aliases)
    if person.note is not None:
        keys.add(note_key(person.note.title))
    return keys
