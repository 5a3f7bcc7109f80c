"""The plugin's model → a QueryVault: the one place that knows both.

Kept thin on purpose: the plugin's model changes, this adapter follows it, and the engines
do not notice. It reads each published `Note` (frontmatter, tags, aliases, body with
comments already removed) and resolves its links among the published notes only, so that
nothing private can reach a query: not a row, not a link, not a count. Reads no file:
only the Notes it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .. import obsidian
from ..model import Note
from ..properties import frontmatter_links
from ..resolve import Resolver
from .data import QueryFile, QueryTask, QueryVault
from .inline_fields import inline_fields, line_fields
from .task_line import tasks_in_lines

_DAY_IN_NAME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")

FileTimes = Mapping[str, tuple[dt.datetime, dt.datetime]]
"""Vault path → (ctime, mtime), when the caller knows them."""


def query_vault(
    notes: Iterable[Note],
    today: dt.date,
    times: FileTimes | None = None,
    links: Mapping[str, Iterable[str]] | None = None,
) -> QueryVault:
    """The published `notes` as the query engines read them, relative dates on `today`.
    `links` gives the notes each note links to, as the build resolved them; without it they
    are resolved here, among `notes`."""
    notes = list(notes)
    if links is not None:
        outlinks = {n.path: tuple(dict.fromkeys(links.get(n.path, ()))) for n in notes}
    else:
        resolver = Resolver(
            note_paths=[n.path for n in notes], aliases={n.path: list(n.aliases) for n in notes}
        )
        outlinks = {n.path: _outlinks(n, resolver) for n in notes}
    inlinks: dict[str, list[str]] = defaultdict(list)
    for source, targets in outlinks.items():
        for target in targets:
            inlinks[target].append(source)
    files = tuple(
        _file(n, outlinks[n.path], tuple(inlinks.get(n.path, ())), (times or {}).get(n.path))
        for n in notes
    )
    return QueryVault(files=files, today=today)


def _file(
    note: Note,
    outlinks: tuple[str, ...],
    inlinks: tuple[str, ...],
    times: tuple[dt.datetime, dt.datetime] | None,
) -> QueryFile:
    fields = {k: tuple(v) for k, v in inline_fields(note.body).items()}
    return QueryFile(
        path=note.path,
        title=note.title,
        frontmatter=note.meta,
        tags=tuple(dict.fromkeys(f"#{t}" for t in note.tags)),
        aliases=tuple(note.aliases),
        inline_fields=fields,
        outlinks=outlinks,
        inlinks=inlinks,
        tasks=_tasks(note),
        ctime=times[0] if times else None,
        mtime=times[1] if times else None,
        size=len(note.body.encode("utf-8")),
        day=_day_in_name(note.stem) or note.date,
    )


def _tasks(note: Note) -> tuple[QueryTask, ...]:
    prose = ((i, line) for i, line, in_code in obsidian.iter_lines(note.body) if not in_code)
    found = []
    for placed in tasks_in_lines(prose):
        task = placed.task
        found.append(
            QueryTask(
                path=note.path,
                line=note.body_line + placed.index,
                description=task.description,
                original_markdown=placed.line,
                status_symbol=task.status_symbol,
                heading=placed.heading,
                invalid_dates=frozenset(task.invalid_dates),
                priority=task.priority,
                recurrence=task.recurrence,
                on_completion=task.on_completion,
                tags=task.tags,
                block_id=task.block_id,
                id=task.id,
                depends_on=task.depends_on,
                owner=task.owner,
                indent=placed.depth,
                parent_line=None if placed.parent is None else note.body_line + placed.parent,
                fields=tuple(line_fields(placed.line)),
                due=task.dates.get("due"),
                scheduled=task.dates.get("scheduled"),
                start=task.dates.get("start"),
                done=task.dates.get("done"),
                created=task.dates.get("created"),
                cancelled=task.dates.get("cancelled"),
            )
        )
    return tuple(found)


def _outlinks(note: Note, resolver: Resolver) -> tuple[str, ...]:
    """Published notes that `note` links to (prose and frontmatter; code left out)."""
    targets = [ref.target for ref in obsidian.scan_links(note.body)]
    targets += frontmatter_links(note.meta)
    found: dict[str, None] = {}
    for target in targets:
        path = resolver.resolve(target, note.path).path
        if path is not None:
            found[path] = None
    return tuple(found)


def _day_in_name(name: str) -> dt.date | None:
    match = _DAY_IN_NAME.search(name)
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
