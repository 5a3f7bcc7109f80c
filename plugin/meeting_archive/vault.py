"""Read the vault: files → published notes, with private and unreadable ones left out.

A note is judged private here (privacy.py), before anything else sees it, and nothing of it
is kept but the names a link could use to reach it (so that a link to it becomes plain text
instead of a topic page named after it) and the files it uses (so that a file only private
notes use is not published either).

Only regular files are opened, without blocking: a named pipe called `x.md` is reported and
skipped, never waited on. Parsed notes are cached by path; an entry is used again only while
the file's stat (size, mtime, ctime, inode) is the same, or, when that changed, while its
bytes are (sync tools and `cp -p` keep size and mtime).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from . import obsidian, tasks
from .model import Note, Problem
from .privacy import frontmatter_tags, private_reason
from .properties import (
    FrontmatterError,
    Properties,
    frontmatter_links,
    parse_date,
    scalar,
    split_frontmatter,
)
from .repair import NotText, decode_note

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""MkDocs' Markdown extensions; a file with one of them in any letter case is a note."""


def is_note_path(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_EXTENSIONS)


@dataclass(frozen=True)
class ReadOptions:
    people_fields: tuple[str, ...] = ("participants", "attendees", "people")
    account_fields: tuple[str, ...] = ("account", "accounts", "org", "company")
    date_field: str = "date"
    private_tags: tuple[str, ...] = ("private",)
    repair: bool = True
    decisions_heading: str = "Decisions"


@dataclass
class Withheld:
    """A note that is not published: only the names that could link to it."""

    path: str
    names: list[str]
    reason: str
    """private, unreadable, not-regular, outside (through a symlink) or excluded."""
    uses: list[tuple[bool, str]] = field(default_factory=list)
    """What a private note (or one whose frontmatter cannot be read) links to, embeds or names
    in a property, as written ((is a wikilink, target)): a file that only such notes use is
    not published either. Never written anywhere."""


@dataclass
class VaultRead:
    notes: list[Note] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read: int = 0
    """How many files were read and parsed (not served from the cache)."""

    @property
    def repairs(self) -> int:
        return sum(n.repairs for n in self.notes)


ReadResult = tuple[Note | Withheld, list[Problem]]
Stamp = tuple[int, int, int, int, int]


class NotRegular(OSError):
    """A named pipe, socket or device: never opened for reading."""


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def read_bytes(abs_path: str) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, opened without blocking (raises NotRegular otherwise)."""
    st = os.stat(abs_path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(f"not a regular file ({_kind(st.st_mode)})")
    fd = os.open(abs_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for a pipe since the stat above
            raise NotRegular(f"not a regular file ({_kind(st.st_mode)})")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


class NoteStore(Protocol):
    """Where published notes as parsed are kept between processes (the render cache)."""

    def get_note(self, path: str, digest: str) -> Note | None: ...

    def store_notes(self, notes: dict[str, Note]) -> None: ...


class NoteCache:
    """Parsed notes by path, kept across `mkdocs serve` rebuilds on the plugin instance, and
    in `store` (on disk) for the next process: a note is parsed again only when its bytes
    changed."""

    def __init__(self, store: NoteStore | None = None) -> None:
        self._entries: dict[str, tuple[Stamp, str, ReadResult]] = {}
        self.store = store
        self._parsed: dict[str, Note] = {}

    def get(self, path: str, abs_path: str, options: ReadOptions) -> tuple[ReadResult, bool]:
        """(the note read, whether it was read and parsed now)."""
        st = os.stat(abs_path)
        hit = self._entries.get(path)
        if hit is not None and hit[0] == _stamp(st) and stat.S_ISREG(st.st_mode):
            return hit[2], False
        raw, st = read_bytes(abs_path)
        digest = content_hash(raw, options)
        if hit is not None and hit[1] == digest:
            self._entries[path] = (_stamp(st), digest, hit[2])
            return hit[2], False
        kept = self.store.get_note(path, digest) if self.store is not None else None
        if kept is not None:
            # the same bytes: the same note, but for what the file system says of the file
            note = dataclasses.replace(kept, mtime=st.st_mtime, ctime=st.st_ctime, size=len(raw))
            self._entries[path] = (_stamp(st), digest, (note, []))
            return (note, []), False
        result = read_note(path, raw, options, st=st, digest=digest)
        self._entries[path] = (_stamp(st), digest, result)
        item, problems = result
        if isinstance(item, Note) and not problems:
            self._parsed[path] = item
        return result, True

    def save(self) -> None:
        """Keep the notes parsed in this build for the next process."""
        if self.store is not None and self._parsed:
            self.store.store_notes(self._parsed)
        self._parsed = {}

    def forget_except(self, paths: set[str]) -> None:
        for gone in self._entries.keys() - paths:
            del self._entries[gone]


def content_hash(raw: bytes, options: ReadOptions) -> str:
    return hashlib.blake2b(raw + repr(options).encode(), digest_size=16).hexdigest()


def read_vault(
    files: Iterable[tuple[str, str]], options: ReadOptions, cache: NoteCache | None = None
) -> VaultRead:
    """Read (vault path, absolute path) pairs of Markdown files into a VaultRead."""
    cache = cache if cache is not None else NoteCache()
    result = VaultRead()
    seen: set[str] = set()
    for path, abs_path in files:
        seen.add(path)
        try:
            (item, problems), fresh = cache.get(path, abs_path, options)
            result.read += fresh
        except NotRegular as err:
            item, problems = (
                Withheld(path, [path], "not-regular"),
                [Problem(path, f"{err}: left out")],
            )
        except OSError as err:
            item = Withheld(path, [path], "unreadable")
            problems = [Problem(path, f"cannot be read ({err.strerror or err}): left out")]
        result.problems.extend(problems)
        if isinstance(item, Note):
            result.notes.append(item)
        else:
            result.withheld.append(item)
    cache.forget_except(seen)
    cache.save()
    return result


def read_note(
    path: str,
    raw: bytes,
    options: ReadOptions,
    *,
    st: os.stat_result | None = None,
    digest: str | None = None,
) -> ReadResult:
    """Decode, split frontmatter and classify one note."""
    stem = os.path.splitext(path.rsplit("/", 1)[-1])[0]
    try:
        decoded = decode_note(raw, repair=options.repair)
    except NotText as err:
        return Withheld(path, [path, stem], "unreadable"), [Problem(path, f"{err}: left out")]
    problems = [Problem(path, message) for message in decoded.problems]
    if decoded.repairs:
        problems.append(
            Problem(path, f"repaired {decoded.repairs} mojibake sequence(s)", level="info")
        )
    text = decoded.text
    try:
        meta, body, body_line = split_frontmatter(text)
    except FrontmatterError as err:
        problems.append(
            Problem(path, f"frontmatter cannot be parsed ({err.reason}): left out", err.line)
        )
        # It might have said `publish: false`: what it uses is treated as a private note's.
        return Withheld(path, [path, stem], "unreadable", obsidian.used_paths(text)), problems

    props = Properties(meta, text)
    aliases = props.strings("aliases", "alias")
    names = [path, stem, *aliases]
    if private_reason(props, body, options.private_tags):
        uses = obsidian.used_paths(body) + [(True, p) for p in frontmatter_links(meta)]
        return Withheld(path, names, "private", uses), []
    # A %%comment%% is never published: not its text, nor its headings, links, tags or tasks.
    # Removed here, before anything else reads the body (line numbers are kept).
    body = obsidian.strip_comments(body)
    tags = list(
        dict.fromkeys(t for t in [*frontmatter_tags(props), *obsidian.inline_tags(body)] if t)
    )
    date, date_problem = parse_date(props.get(options.date_field))
    if date_problem:
        problems.append(
            Problem(
                path, f"{options.date_field}: {date_problem}", props.line_of(options.date_field)
            )
        )
    people = [n for f in options.people_fields for n in props.names(f)]
    accounts = [n for f in options.account_fields for n in props.names(f)]
    problems += [Problem(path, message, line) for message, line in props.problems]
    note = Note(
        path=path,
        title=_title(props, body, stem),
        meta=meta,
        body=body,
        body_line=body_line,
        aliases=aliases,
        tags=tags,
        date=date,
        people=list(dict.fromkeys(people)),
        accounts=list(dict.fromkeys(accounts)),
        emails=[e.lower() for e in props.strings("email", "emails") if "@" in e],
        is_meeting=date is not None and bool(people or accounts),
        type=scalar(props.get("type")) or "",
        repairs=decoded.repairs,
        content_hash=digest or content_hash(raw, options),
        mtime=st.st_mtime if st else 0.0,
        ctime=st.st_ctime if st else 0.0,
        size=len(raw),
        links=tuple(obsidian.scan_links(body)),
        parsed_tasks=tuple(tasks.parse_tasks(body)),
        decisions=tuple(tasks.parse_decisions(body, options.decisions_heading)),
    )
    return note, problems


def _title(props: Properties, body: str, stem: str) -> str:
    title = scalar(props.get("title"))
    if title:
        return title
    heading = obsidian.first_heading(body)
    return heading or stem
