"""Pages made in earlier builds, on disk, outside the vault: a build that starts with the cache
of the last one (a CI build with its cache restored) makes again only the pages whose facts
changed (facts.py decides; this file only keeps the values).

One SQLite file (the standard library's), one row per page source: the page as JSON (no
pickle: a cache restored from elsewhere is data, never code), zlib-compressed. Safe to delete
at any time. A cache written by another version of the plugin is emptied on open.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import pickle
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from . import __version__
from .facts import Key
from .model import Note, Problem
from .rendered import LateFragment, RenderedPage

FILE = "pages.sqlite"
SITE_WIDE = ""
"""The source name of what the glue keeps for the whole site, not for one page."""


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """The plugin's version and a digest of its code: a page made by other code is stale
    (a release bumps the version; a checkout being worked on changes the digest)."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=12)
    package = Path(__file__).parent
    for path in sorted([*package.glob("*.py"), *package.glob("*/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class RenderCache:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self.broken = False

    def _open(self) -> sqlite3.Connection | None:
        if self._db is not None or self.broken:
            return self._db
        try:
            os.makedirs(self.folder, exist_ok=True)
            db = sqlite3.connect(os.path.join(self.folder, FILE), check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS page (src TEXT PRIMARY KEY, value BLOB)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS extra (kind TEXT, src TEXT, value BLOB, PRIMARY KEY (kind, src))"
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != code_version():
                db.execute("DELETE FROM page")
                db.execute("DELETE FROM extra")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (code_version(),))
                db.commit()
        except (sqlite3.Error, OSError):
            self.broken = True  # a cache that cannot be used is no cache: build without it
            return None
        self._db = db
        return db

    def get(self, src: str) -> RenderedPage | None:
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM page WHERE src = ?", (src,)).fetchone()
            return None if row is None else from_json(json.loads(zlib.decompress(row[0])))
        except (sqlite3.Error, zlib.error, ValueError, KeyError, TypeError):
            return None

    def store(self, pages: dict[str, RenderedPage]) -> None:
        db = self._open()
        if db is None or not pages:
            return
        rows = [
            (src, zlib.compress(json.dumps(to_json(page), ensure_ascii=False).encode("utf-8"), 1))
            for src, page in pages.items()
        ]
        with contextlib.suppress(sqlite3.Error):
            db.executemany("INSERT OR REPLACE INTO page VALUES (?, ?)", rows)
            db.commit()

    def get_extra(self, kind: str, src: str) -> bytes | None:
        """What the glue kept about a page beside its value (`kind` names what), as bytes."""
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT value FROM extra WHERE kind = ? AND src = ?", (kind, src)
            ).fetchone()
            return None if row is None else zlib.decompress(row[0])
        except (sqlite3.Error, zlib.error):
            return None

    def store_extras(self, values: dict[tuple[str, str], bytes]) -> None:
        """Keep what the glue knows about pages (`(kind, src)` → bytes), all or none."""
        db = self._open()
        if db is None or not values:
            return
        rows = [(kind, src, zlib.compress(value, 1)) for (kind, src), value in values.items()]
        with contextlib.suppress(sqlite3.Error):
            db.executemany("INSERT OR REPLACE INTO extra VALUES (?, ?, ?)", rows)
            db.commit()

    def get_note(self, path: str, digest: str) -> Note | None:
        """A published note as parsed by an earlier build from the same bytes (`digest`)."""
        stored = self.get_extra(NOTE_KIND, path)
        if stored is None:
            return None
        try:
            note = _NoteUnpickler(io.BytesIO(stored)).load()
        except Exception:  # whatever the bytes are, they are no note: parse it again
            return None
        return note if isinstance(note, Note) and note.content_hash == digest else None

    def store_notes(self, notes: dict[str, Note]) -> None:
        """Keep notes as parsed, by path (each knows the digest of its bytes)."""
        self.store_extras(
            {(NOTE_KIND, path): pickle.dumps(note, protocol=5) for path, note in notes.items()}
        )

    def forget_except(self, keep: set[str]) -> None:
        db = self._open()
        if db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            for table in ("page", "extra"):
                known = {row[0] for row in db.execute(f"SELECT DISTINCT src FROM {table}")}
                gone = [(src,) for src in known - keep - {SITE_WIDE}]
                if gone:
                    db.executemany(f"DELETE FROM {table} WHERE src = ?", gone)
            db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def to_json(page: RenderedPage) -> dict[str, Any]:
    return {
        "src": page.src,
        "title": page.title,
        "html": page.html,
        "toc": list(page.toc),
        "meta": page.meta,
        "fills": list(page.fills),
        "secret": page.secret,
        "late": [[f.target, list(f.headings), f.source, f.line] for f in page.late],
        "problems": [[p.path, p.message, p.line, p.level] for p in page.problems],
        "inputs": [[list(key), printed] for key, printed in page.inputs],
    }


def from_json(data: dict[str, Any]) -> RenderedPage:
    inputs: tuple[tuple[Key, str], ...] = tuple(
        (tuple(str(k) for k in key), str(printed)) for key, printed in data["inputs"]
    )
    return RenderedPage(
        src=data["src"],
        title=data["title"],
        html=data["html"],
        toc=tuple(data["toc"]),
        meta=data["meta"],
        fills=tuple(data["fills"]),
        secret=data["secret"],
        late=tuple(LateFragment(t, tuple(h), s, line) for t, h, s, line in data["late"]),
        problems=tuple(Problem(p, m, line, level) for p, m, line, level in data["problems"]),
        inputs=inputs,
    )


NOTE_KIND = "note"

_NOTE_TYPES = {
    ("meeting_archive.model", "Note"),
    ("meeting_archive.obsidian", "LinkRef"),
    ("meeting_archive.tasks", "ParsedTask"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}
"""All a parsed note is made of (its frontmatter is YAML's plain types)."""


class _NoteUnpickler(pickle.Unpickler):
    """Reads back the plain data of a note and nothing else: a cache file that was tampered
    with can name no other class or function (Python's "restricting globals")."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _NOTE_TYPES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a note")
        return super().find_class(module, name)
