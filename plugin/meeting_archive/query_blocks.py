"""Queries in a vault, run at build time over the published notes: ```` ```tasks ````,
```` ```dataview ```` and ```` ```base ```` blocks in notes, `.base` files and their embeds.

The engines are in queries/ (pure functions over a QueryVault); this module gives them the
build's published notes and links, and turns a block into the HTML a page shows, or, when it
cannot be parsed, into the block as code with a warning naming the file, the line and the
position in the query. DataviewJS is never run: it stays code, with an info line.

What a page's queries show depends on what queries can see of every note; that is one fact
(its fingerprint: everything a QueryVault holds of every note, so an edit that changes only
a note's prose re-runs no query).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import queries
from .archive import ArchiveBuild
from .model import Problem

LANGUAGES = ("tasks", "dataview", "base")
NOT_RUN = ("dataviewjs",)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]*)[^\n]*$")
Href = Callable[[str, "str | None"], str]


@dataclass
class Queries:
    """The build's queries: the vault they read (made when first asked for) and the base
    files' texts."""

    build: ArchiveBuild
    today: dt.date
    bases: dict[str, str] = field(default_factory=dict)
    """Vault path of each `.base` file → its text."""
    _vault: queries.QueryVault | None = None
    _prints: dict[bool, str] = field(default_factory=dict)
    _rows: dict[Any, str] = field(default_factory=dict)
    """Task rows as rendered, for the next result that shows them (queries/render.py)."""

    @property
    def vault(self) -> queries.QueryVault:
        if self._vault is None:
            links = {
                path: [
                    t.path
                    for t in table.values()
                    if t.kind == "note" and t.path is not None and t.path != path
                ]
                for path, table in self.build.links.of_note.items()
            }
            notes = self.build.archive.notes.values()
            times = {
                n.path: (dt.datetime.fromtimestamp(n.ctime), dt.datetime.fromtimestamp(n.mtime))
                for n in notes
                if n.mtime
            }
            self._vault = queries.query_vault(notes, self.today, times, links=links)
        return self._vault

    def fingerprint(self, times: bool) -> str:
        """Of everything the queries can see (not the notes' prose); the files' times only for
        queries that read them (every edit changes a time)."""
        if times not in self._prints:
            files = self.vault.files
            if not times:
                files = tuple(dataclasses.replace(f, ctime=None, mtime=None) for f in files)
            seen = repr((self.today, files, sorted(self.bases.items()))).encode("utf-8")
            self._prints[times] = hashlib.blake2b(seen, digest_size=12).hexdigest()
        return self._prints[times]

    def run(
        self,
        language: str,
        text: str,
        note: str | None,
        link: Href,
        name_of: Callable[[str], str],
        view: str | None = None,
    ) -> str:
        """The HTML of a query's result (raises queries.QueryError)."""
        result = queries.run_query(language, text, self.vault, note, view)  # type: ignore[arg-type]
        return f'<div class="ma-query ma-query-{language}">{queries.render_result(result, link, name_of, self._rows)}</div>'

    def views(self, text: str) -> tuple[str, ...]:
        return queries.base_views(text)


def reads_times(text: str) -> bool:
    """Whether a query reads the files' times (Dataview's `file.mtime`, a base's `file.ctime`)."""
    return bool(re.search(r"\b[cm](?:time|day)\b", text))


def query_problem(
    language: str, error: queries.QueryError, path: str, fence_line: int | None
) -> Problem:
    """A warning for a query that cannot be parsed or run: the file, the line of the error
    in the file (the fence is `fence_line`), and the position within the query."""
    line = fence_line + error.line if fence_line is not None else None
    return Problem(
        path,
        f"{language} query cannot be run: {error.message} (line {error.line}, column "
        f"{error.column} of the query): shown as code",
        line,
    )


def not_run(language: str, path: str, line: int | None) -> Problem:
    return Problem(
        path,
        f"a {language} block is not run (no script from a note runs at build time): shown as code",
        line,
        "info",
    )
