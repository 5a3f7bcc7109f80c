"""Where every page lives: stable, shareable page paths for notes, entities and folders.

- the home page `''`: the vault's `index.md`, else its root `README.md`, else the dashboard;
- a meeting: `meetings/<date>-<slug of title>` (a frontmatter `slug:` overrides; a title that
  starts with the meeting's own date does not repeat it), wherever the note is;
- a person, account or topic: `people/<slug>`, `accounts/<slug>`, `topics/<slug>`;
- any other note: its vault path, slugified; a folder's `index.md` or `README.md` is the
  folder's page;
- an Obsidian Bases file (`.base`): its vault path, slugified, its extension with its name
  (`Meetings.base` → `meetings-base`);
- a folder of other notes: its slugified path.

Pages are claimed in that order, each by the file it is written to, so two that would share
one get `-2`, `-3`… in the order of their source paths: a rebuild gives each the same URL.
Listing pages past the first are at `<listing>/_page-N`, a name no slug can take.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Entity, Note, section_of
from .urls import dest_uri, folder_page_path, is_index_name, slugify, vault_page_path

SECTIONS = ("meetings", "people", "accounts", "topics", "actions", "tags", "graph")
"""The generated index pages, in the order of the sidebar."""
DASHBOARD = "dashboard"
"""Where the dashboard is when the vault has its own home page."""
_DATE_PREFIX = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[\s_.:–—-]+|$)")


def listing_page(base: str, number: int) -> str:
    """Page `number` (from 2) of a long listing at `base` ('' is the home page's)."""
    return f"{base}/_page-{number}" if base else f"_page-{number}"


@dataclass
class PagePaths:
    """The page path of every note, entity and folder, and the redirects from URLs an earlier
    version of the plugin gave (a meeting whose slug repeated its date)."""

    use_directory_urls: bool
    of_note: dict[str, str] = field(default_factory=dict)
    of_folder: dict[str, str] = field(default_factory=dict)
    """Vault folder ('' is the root) → its page path (for folders that have a page)."""
    index_pages: set[str] = field(default_factory=set)
    """Page paths that are a folder's page (written as `<path>/index.html`)."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Old page path → the page path it moved to."""
    of_base: dict[str, str] = field(default_factory=dict)
    """Vault path of an Obsidian Bases file → its page."""
    home: str | None = None
    """The vault note that is the home page, if any."""
    dashboard: str = ""
    _taken: set[str] = field(default_factory=set)

    def claim(self, base: str, index: bool = False) -> str:
        page, n = base, 1
        while self._dest(page, index) in self._taken:
            n += 1
            page = f"{base}-{n}" if base else f"home-{n}"
        self._taken.add(self._dest(page, index))
        if index:
            self.index_pages.add(page)
        return page

    def _dest(self, page: str, index: bool) -> str:
        return dest_uri(page, self.use_directory_urls, index or page in self.index_pages)


def meeting_slug(note: Note) -> tuple[str, str | None]:
    """(slug, the slug an earlier version gave when it differs): from `slug:` or the title,
    without a leading copy of the meeting's own date."""
    own = note.meta.get("slug")
    if isinstance(own, (str, int)) and own != "":
        return slugify(str(own)), None
    title = note.title
    match = _DATE_PREFIX.match(title)
    if match and note.date is not None:
        written = f"{match[1]}-{match[2]}-{match[3]}"
        if written == note.date.isoformat() and title[match.end() :].strip():
            return slugify(title[match.end() :]), slugify(title)
    return slugify(title), None


def assign_page_paths(
    notes: dict[str, Note],
    meetings: list[Note],
    entities: Iterable[Entity],
    other_folders: Iterable[str],
    use_directory_urls: bool,
    bases: Iterable[str] = (),
) -> PagePaths:
    """Give every note, entity and folder page its page path (see the module docstring);
    `other_folders` are the vault folders that get a page."""
    paths = PagePaths(use_directory_urls)
    home = notes.get("index.md") or notes.get("README.md")
    if home is not None:
        paths.home = home.path
        paths.of_note[home.path] = paths.claim("", index=True)
        paths.of_folder[""] = ""
        paths.dashboard = paths.claim(DASHBOARD)
    else:
        paths.dashboard = paths.claim("", index=True)
        paths.of_folder[""] = ""
    for section in SECTIONS:
        paths.claim(section, index=True)
    for meeting in sorted(meetings, key=lambda n: n.path):
        assert meeting.date is not None
        slug, old = meeting_slug(meeting)
        page = paths.of_note[meeting.path] = paths.claim(
            f"meetings/{meeting.date.isoformat()}-{slug}"
        )
        if old is not None:
            previous = f"meetings/{meeting.date.isoformat()}-{old}"
            if paths._dest(previous, False) not in paths._taken:
                paths.redirects[previous] = page
    ordered = sorted(
        entities,
        key=lambda e: (
            ("person", "account", "topic").index(e.kind),
            e.note is None,
            e.note.path if e.note else "",
            e.name.casefold(),
        ),
    )
    for entity in ordered:
        entity.page_path = paths.claim(f"{section_of(entity.kind)}/{slugify(entity.name)}")
        entity.slug = entity.page_path.split("/", 1)[1]
        if entity.note is not None and entity.note.path not in paths.of_note:
            paths.of_note[entity.note.path] = entity.page_path
    for base in sorted(bases):
        # `Meetings.base` beside a `Meetings/` folder and a `Meetings.md` note: the extension
        # is part of its name (`meetings-base`)
        folder, _, name = base.rpartition("/")
        paths.of_base[base] = paths.claim(
            "/".join(p for p in (folder_page_path(folder), slugify(name)) if p)
        )
    folders = set(other_folders)
    for note in sorted(notes.values(), key=lambda n: n.path):
        if note.path in paths.of_note:
            continue
        name = note.path.rsplit("/", 1)[-1]
        folder = note.folder
        if is_index_name(name) and folder and folder not in paths.of_folder:
            page = paths.claim(vault_page_path(note.path), index=True)
            paths.of_folder[folder] = page
        else:
            page = paths.claim(vault_page_path(note.path) or "home")
        paths.of_note[note.path] = page
    for folder in sorted(folders):
        if folder not in paths.of_folder:
            paths.of_folder[folder] = paths.claim(folder_page_path(folder), index=True)
    for note in notes.values():
        note.page_path = paths.of_note[note.path]
    return paths


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder holding one of the paths, and each folder above it ('' not included)."""
    found: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found
