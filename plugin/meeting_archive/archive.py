"""Build the archive model from the notes read: entities, links, tasks, decisions, page paths.

Every link of every note is resolved here, once, into a table that rendering reads (no page
asks the resolver again). What is costly per note (finding its links, tasks and decisions) was
done when it was read; what depends on the whole vault (which note a name means) is kept
between builds while the vault's names stay the same (`ModelCache`), so that after an edit
only the edited note's links are resolved again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

from .embeds import embed_problems
from .entities import Entities, entity_kind
from .model import Archive, Decision, Entity, Note, Problem, Task
from .obsidian import LinkRef, parse_wikilink
from .page_paths import PagePaths, assign_page_paths, folders_of
from .properties import frontmatter_links
from .resolve import Resolution, Resolver
from .urls import inside_vault, note_key
from .vault import VaultRead, is_note_path

TargetKind = Literal["note", "attachment", "entity", "withheld", "unresolved"]
MAX_EMBED_DEPTH = 10
LinkKey = tuple[bool, str]
"""(is a wikilink, as written): a wikilink's inner text, a Markdown link's URL."""


@dataclass(frozen=True)
class Target:
    """What a link leads to. An entity is named by the link's target as written (its key
    is `note_key(name)`), so that a table stays true from build to build."""

    kind: TargetKind
    path: str | None = None
    name: str | None = None
    reason: str = ""
    """Why a withheld note is not published (private, excluded…)."""
    ambiguous: tuple[str, ...] = ()
    by_name: bool = False


@dataclass
class LinkTable:
    """Every link of every published note, resolved: note path → link → target."""

    of_note: dict[str, dict[LinkKey, Target]] = field(default_factory=dict)

    def target(self, from_path: str, key: LinkKey) -> Target:
        found = self.of_note.get(from_path, {}).get(key)
        return found if found is not None else Target("unresolved")


@dataclass
class ModelCache:
    """What one build's model leaves for the next (kept on the plugin instance)."""

    names: str = ""
    """Fingerprint of every name a link can use: equal, and the resolver still holds."""
    resolver: Resolver | None = None
    tables: dict[str, tuple[str, dict[LinkKey, Target], list[Problem]]] = field(
        default_factory=dict
    )
    """Note path → (content hash, its table, its link problems)."""


@dataclass
class ArchiveBuild:
    archive: Archive
    links: LinkTable
    entities: Entities
    pages: PagePaths
    resolver: Resolver
    problems: list[Problem]
    stats: Counter[str]
    other_notes: list[Note] = field(default_factory=list)
    """Notes that are neither meetings nor entity notes: the vault's own, browsed by folder."""
    private_attachments: list[str] = field(default_factory=list)
    """Attachments that unpublished notes use and no published note does: not published."""
    embedded: set[str] = field(default_factory=set)
    """Notes that another note embeds (whole)."""

    def entity(self, target: Target) -> Entity | None:
        if target.kind == "entity" and target.name is not None:
            return self.entities.by_name.get(note_key(target.name))
        if target.kind == "note" and target.path is not None:
            return self.entities.of_note.get(target.path)
        return None


def build_archive(
    read: VaultRead,
    attachments: list[str],
    *,
    withheld: dict[str, str] | None = None,
    use_directory_urls: bool = True,
    today: dt.date | None = None,
    cache: ModelCache | None = None,
    bases: list[str] | None = None,
) -> ArchiveBuild:
    """The model of one build. `withheld` names notes that are not published for reasons the
    reader does not know (excluded, reached through a symlink out of the vault)."""
    cache = cache if cache is not None else ModelCache()
    notes = {n.path: n for n in read.notes}
    withheld_names = {name: w.reason for w in read.withheld for name in w.names}
    withheld_names.update(withheld or {})
    resolver = _resolver(notes, attachments, withheld_names, cache)
    entities = Entities(resolver, notes)
    problems: list[Problem] = []
    stats: Counter[str] = Counter()

    for note in read.notes:
        kind = entity_kind(note)
        if kind:
            entities.for_note(note, kind)
    meetings = sorted((n for n in read.notes if n.is_meeting), key=newest_first)
    for meeting in meetings:
        for name in meeting.people:
            person = entities.named("person", name)
            if person:
                _add_once(person.meetings, meeting)
        for name in meeting.accounts:
            account = entities.named("account", name)
            if account:
                _add_once(account.meetings, meeting)
    _account_tags(read.notes, entities)

    table = LinkTable()
    backlinks: dict[str, list[Note]] = defaultdict(list)
    for note in read.notes:
        links, note_problems = _note_table(note, resolver, cache)
        table.of_note[note.path] = links
        problems += note_problems
        _record(note, links, entities, backlinks, stats)
    cache.tables = {path: entry for path, entry in cache.tables.items() if path in notes}
    embeds = _embed_graph(read.notes, table)
    problems += embed_problems(embeds, notes, MAX_EMBED_DEPTH)

    others = [n for n in read.notes if not n.is_meeting and n.path not in entities.of_note]
    pages = assign_page_paths(
        notes,
        meetings,
        entities.all,
        folders_of(n.path for n in others),
        use_directory_urls,
        bases or [],
    )
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
    sections = {"person": archive.people, "account": archive.accounts, "topic": archive.topics}
    for entity in sorted(entities.all, key=lambda e: e.page_path):
        entity.meetings.sort(key=newest_first)
        entity.mentions.sort(key=newest_first)
        if entity.kind == "topic":
            entity.meetings = [n for n in entity.mentions if n.is_meeting]
        sections[entity.kind][entity.slug] = entity
    archive.backlinks = {p: sorted(ns, key=newest_first) for p, ns in backlinks.items()}
    for meeting in meetings:
        archive.tasks.extend(_meeting_tasks(meeting, entities, problems))
        archive.decisions.extend(
            Decision(meeting, meeting.body_line + index, text) for index, text in meeting.decisions
        )
    used = set(backlinks) | _property_uses(read.notes, resolver)
    private = _private_attachments(read, resolver, used)
    embedded = {target for edges in embeds.values() for target, _ in edges}
    return ArchiveBuild(
        archive, table, entities, pages, resolver, problems, stats, others, private, embedded
    )


def _embed_graph(notes: list[Note], table: LinkTable) -> dict[str, list[tuple[str, int]]]:
    """Which note embeds which whole note, and on which line of its body."""
    graph: dict[str, list[tuple[str, int]]] = {}
    for note in notes:
        links = table.of_note.get(note.path, {})
        for ref in note.links:
            if ref.kind != "embed":
                continue
            target = links.get((True, ref.written))
            link = parse_wikilink(ref.written)
            if (
                target is not None
                and target.kind == "note"
                and target.path
                and not (link.headings or link.block)
            ):
                graph.setdefault(note.path, []).append((target.path, ref.line))
    return graph


def newest_first(note: Note) -> tuple[int, str, str]:
    ordinal = note.date.toordinal() if note.date else 0
    return (-ordinal, note.title.casefold(), note.path)


def _resolver(
    notes: dict[str, Note],
    attachments: list[str],
    withheld: dict[str, str],
    cache: ModelCache,
) -> Resolver:
    aliases = {path: n.aliases for path, n in notes.items() if n.aliases}
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        sorted(notes),
        sorted(attachments),
        sorted(aliases.items()),
        sorted(withheld.items()),
    ):
        digest.update(repr(part).encode("utf-8"))
    names = digest.hexdigest()
    if cache.resolver is None or cache.names != names:
        cache.resolver = Resolver(list(notes), attachments, aliases, withheld)
        cache.names = names
        cache.tables.clear()
    cache.resolver.new_build()
    return cache.resolver


def _account_tags(notes: list[Note], entities: Entities) -> None:
    """`account/<slug>` tags list a meeting under that account (once, whatever else lists it)."""
    listed = {(id(a), id(m)) for a in entities.all if a.kind == "account" for m in a.meetings}
    for note in notes:
        if not note.is_meeting:
            continue
        for tag in note.tags:
            if tag.lower().startswith("account/") and len(tag) > len("account/"):
                account = entities.account_for_tag(tag.split("/", 1)[1])
                if account is not None and (id(account), id(note)) not in listed:
                    listed.add((id(account), id(note)))
                    account.meetings.append(note)


def _note_table(
    note: Note, resolver: Resolver, cache: ModelCache
) -> tuple[dict[LinkKey, Target], list[Problem]]:
    """The note's links resolved, and the problems they have (once per target)."""
    known = cache.tables.get(note.path)
    if known is not None and known[0] == note.content_hash:
        return known[1], known[2]
    links: dict[LinkKey, Target] = {}
    problems: list[Problem] = []
    reported: set[str] = set()
    for ref in note.links:
        key = (ref.kind in ("wikilink", "embed"), ref.written)
        if key in links:
            continue
        target = _resolve_ref(ref, note, resolver)
        links[key] = target
        problem = _problem(ref, target, note, resolver)
        if problem is not None and ref.target not in reported:
            reported.add(ref.target)
            problems.append(problem)
    cache.tables[note.path] = (note.content_hash, links, problems)
    return links, problems


def _resolve_ref(ref: LinkRef, note: Note, resolver: Resolver) -> Target:
    if ref.kind in ("wikilink", "embed"):
        if not ref.target:
            return Target("note", note.path)
        return _target(resolver.resolve(ref.target, note.path), ref.target, named=_is_name(ref))
    # A Markdown link: the file at that path from the note's folder, else (as Obsidian does)
    # a file of that name anywhere in the vault.
    exact = inside_vault(posixpath.join(note.folder, ref.target))
    if exact and resolver.exists(exact):
        return _target(Resolution(exact), ref.target)
    found = resolver.resolve(ref.target.removeprefix("./"), note.path)
    if found.path is None and found.withheld is None and _has_extension(ref.target):
        found = resolver.by_file_name(ref.target)
    return _target(found, ref.target)


def _target(found: Resolution, written: str, named: bool = False) -> Target:
    if found.path is not None:
        kind: TargetKind = "note" if _is_note(found.path) else "attachment"
        return Target(kind, found.path, ambiguous=found.ambiguous, by_name=found.by_name)
    if found.withheld is not None:
        return Target("withheld", reason=found.withheld)
    if named:
        return Target("entity", name=written)
    return Target("unresolved", name=written)


def _is_note(path: str) -> bool:
    return is_note_path(path)


def _is_name(ref: LinkRef) -> bool:
    """A bare name (no folder, no file extension) that may be a person, account or topic."""
    target = ref.target
    return "/" not in target and "\\" not in target and not _has_extension(target)


def _has_extension(target: str) -> bool:
    name = target.replace("\\", "/").rsplit("/", 1)[-1]
    return "." in name and not name.lower().endswith(".md") and len(name.rsplit(".", 1)[1]) <= 5


def _record(
    note: Note,
    links: dict[LinkKey, Target],
    entities: Entities,
    backlinks: dict[str, list[Note]],
    stats: Counter[str],
) -> None:
    """Backlinks and mentions; topics for bare names nothing else answers to."""
    for (wiki, written), target in links.items():
        stats["links"] += 1
        if (
            wiki
            and target.kind in ("note", "attachment")
            and any(r.kind == "embed" and r.written == written for r in note.links)
        ):
            stats["embeds"] += 1
        if target.kind == "entity" and target.name is not None:
            entity = entities.by_name.get(note_key(target.name)) or entities.named(
                "topic", target.name
            )
            if entity is None:
                stats["withheld"] += 1
                continue
            stats["resolved"] += 1
            _add_once(entity.mentions, note)
        elif target.kind in ("note", "attachment"):
            stats["resolved"] += 1
            if target.path is not None and target.path != note.path:
                _add_once(backlinks[target.path], note)
                owner = entities.of_note.get(target.path)
                if owner is not None:
                    _add_once(owner.mentions, note)
        elif target.kind == "withheld":
            stats["withheld"] += 1
        else:
            stats["unresolved"] += 1


def _problem(ref: LinkRef, target: Target, note: Note, resolver: Resolver) -> Problem | None:
    line = note.body_line + ref.line
    shown = f"[[{ref.target}]]" if ref.kind in ("wikilink", "embed") else ref.target
    if target.kind == "unresolved":
        what = {
            "wikilink": "linked note",
            "embed": "embedded file" if _has_extension(ref.target) else "embedded note",
            "markdown": "linked file",
            "image": "image",
            "reference": "linked file",
            "html": "linked file",
        }.get(ref.kind, "link")
        if ref.kind == "wikilink" and _has_extension(ref.target):
            what = "linked file"
        message = f"{what} {shown} is not in the vault: shown as unresolved text"
        guess = resolver.nearest(ref.target, note.path)
        if guess and guess != note.path:
            message += f" (did you mean [[{_without_extension(guess)}]]?)"
        return Problem(note.path, message, line)
    if target.kind == "withheld" and target.reason in ("excluded", "draft"):
        # a warning, as MkDocs gives for a link to a page excluded from the site
        option = "exclude_docs" if target.reason == "excluded" else "draft_docs"
        return Problem(
            note.path, f"{shown} is excluded from the site ({option}): shown as text", line
        )
    if target.by_name and target.path is not None:
        return Problem(
            note.path,
            f"{shown} leads nowhere from this note; used {target.path}, the only file of "
            "that name in the vault",
            line,
            "info",
        )
    if target.ambiguous:
        return Problem(
            note.path,
            f"{shown} matches several notes; chose the shortest path {target.path}",
            line,
            "info",
        )
    return None


def _without_extension(path: str) -> str:
    return path.rsplit(".", 1)[0] if _is_note(path) else path


def _property_uses(notes: list[Note], resolver: Resolver) -> set[str]:
    """Files a published note names in a property (`cover: "[[x.png]]"`): used, so published."""
    used: set[str] = set()
    for note in notes:
        for written in frontmatter_links(note.meta):
            for found in (resolver.resolve(written, note.path), resolver.by_file_name(written)):
                if found.path is not None:
                    used.add(found.path)
    return used


def _private_attachments(read: VaultRead, resolver: Resolver, linked: set[str]) -> list[str]:
    """Attachments that an unpublished note (private, or with unreadable frontmatter) uses, in
    any way, and no published note does."""
    found: set[str] = set()
    for withheld in read.withheld:
        folder = posixpath.dirname(withheld.path)
        for wiki, written in withheld.uses:
            candidates = [resolver.resolve(written, withheld.path)]
            exact = inside_vault(posixpath.join(folder, written))
            if exact and resolver.exists(exact):
                candidates.append(Resolution(exact))
            if not wiki or _has_extension(written):
                candidates.append(resolver.by_file_name(written))
            for found_one in candidates:
                if found_one.path is not None and not _is_note(found_one.path):
                    found.add(found_one.path)
    return sorted(found - linked)


def _add_once(items: list[Note], note: Note) -> None:
    """Append unless it was the last one added (links come note by note, so this dedupes)."""
    if not items or items[-1] is not note:
        items.append(note)


def _meeting_tasks(meeting: Note, entities: Entities, problems: list[Problem]) -> list[Task]:
    found: list[Task] = []
    participants = [e for name in meeting.people if (e := entities.named("person", name))]
    for number, parsed in enumerate(meeting.parsed_tasks, start=1):
        task = Task(
            meeting=meeting,
            line=meeting.body_line + parsed.line,
            anchor=f"^{parsed.block}" if parsed.block else f"task-{number}",
            text=parsed.text,
            status=parsed.status,  # type: ignore[arg-type]
            symbol=parsed.symbol,
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
    entities: Entities,
    meeting: Note,
    task: Task,
    problems: list[Problem],
) -> Entity | None:
    """`@Name` → the participant whose full name, first name or alias matches, else a person
    known by that name or alias, else nobody (the name stays as written)."""
    for name in names:
        key = note_key(name)
        matches = [p for p in participants if key in entities.person_keys(p)]
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
        entity = entities.by_name.get(note_key(name))
        if entity is not None and entity.kind == "person":
            task.owner_name = name
            return entity
    return None
