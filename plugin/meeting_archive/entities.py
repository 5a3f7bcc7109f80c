"""People, accounts and topics: names from fields, tags, `type:` notes and links, merged into
one entity per name, case-insensitively and through aliases (and a person's emails)."""

from __future__ import annotations

from .model import Entity, EntityKind, Note
from .resolve import Resolver
from .urls import note_key, slugify


def entity_kind(note: Note) -> EntityKind | None:
    """`type: person` and `type: account` notes are their entity's note (a meeting never is)."""
    kind = note.type.lower()
    if kind in ("person", "account") and not note.is_meeting:
        return kind  # type: ignore[return-value]
    return None


class Entities:
    """The build's entities, by every name they answer to."""

    def __init__(self, resolver: Resolver, notes: dict[str, Note]) -> None:
        self.resolver = resolver
        self.notes = notes
        self.all: list[Entity] = []
        self.of_note: dict[str, Entity] = {}
        self.by_name: dict[str, Entity] = {}
        self._by_email: dict[str, Entity] = {}
        self._account_slugs: dict[str, Entity] = {}
        self._slugged = 0

    def for_note(self, note: Note, kind: EntityKind) -> Entity:
        entity = self.of_note.get(note.path)
        if entity is None:
            entity = Entity(
                kind,
                note.stem if kind != "topic" else note.title,
                note=note,
                aliases=list(note.aliases),
            )
            self.of_note[note.path] = entity
            self.all.append(entity)
            for name in (note.stem, note.title, *note.aliases):
                self.by_name.setdefault(note_key(name), entity)
            for email in note.emails:
                self._by_email.setdefault(email, entity)
        return entity

    def named(self, kind: EntityKind, name: str) -> Entity | None:
        """The entity a name in a field or link means; None for an unpublished note's name."""
        email = name.strip().lower()
        if "@" in email and email in self._by_email:
            return self._by_email[email]
        found = self.resolver.resolve(name)
        if found.path is not None and found.path in self.notes:
            note = self.notes[found.path]
            if not note.is_meeting:
                return self.for_note(note, entity_kind(note) or kind)
        elif found.withheld:
            return None
        key = note_key(name)
        entity = self.by_name.get(key)
        if entity is None:
            entity = Entity(kind, name.strip())
            self.by_name[key] = entity
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

    def person_keys(self, person: Entity) -> set[str]:
        """Every name `@Owner` may use for a person: full name, first name, aliases, title."""
        keys = {note_key(person.name), note_key(person.name.split(" ")[0])}
        keys.update(note_key(a) for a in person.aliases)
        if person.note is not None:
            keys.add(note_key(person.note.title))
        return keys
