"""Link targets → vault files, by Obsidian's rules.

One index is built once per build from the list of vault files: every file under its name
and under each suffix of its path, every note under its aliases. A lookup is then a few
dictionary reads, so resolving L links over N files costs O(N + L), never a scan per link.
Nothing is read from disk: a target that is not in the index does not exist, which is also
why no link can reach outside the vault.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .urls import inside_vault, note_key


@dataclass(frozen=True)
class Resolution:
    """Where a link target leads: a vault file, a withheld (private) note, or nowhere."""

    path: str | None = None
    withheld: bool = False
    ambiguous: tuple[str, ...] = ()
    """Other candidates, when the shortest-path rule had to choose."""
    anywhere: bool = False
    """The same target gives the same answer from every note (no relative path, at most one
    candidate), so the answer may be cached by target alone."""


@dataclass
class Resolver:
    """Obsidian's resolution over a fixed set of files.

    `note_paths` are Markdown notes (matched without `.md`), `other_paths` attachments
    (matched by full file name), `aliases` maps a note path to its aliases, `withheld`
    names private notes, so that a link to them is known not to be a missing file.
    """

    note_paths: Iterable[str]
    other_paths: Iterable[str] = ()
    aliases: dict[str, list[str]] = field(default_factory=dict)
    withheld: Iterable[str] = ()
    lookups: int = 0
    """Index entries touched so far (for the test that resolution is linear)."""

    def __post_init__(self) -> None:
        self._by_suffix: dict[str, list[str]] = defaultdict(list)
        self._by_alias: dict[str, list[str]] = defaultdict(list)
        self._paths: set[str] = set()
        for path in self.note_paths:
            self._add(path, path[:-3] if path.lower().endswith(".md") else path)
        for path in self.other_paths:
            self._add(path, path)
        for path, names in self.aliases.items():
            for alias in names:
                self._by_alias[note_key(alias)].append(path)
        # Every name a link could reach a withheld note by: as for a published note, each suffix
        # of its path (`Sub/Note`, `Note`, `Note.markdown`), and its aliases.
        self._withheld = {
            "/".join(parts[i:])
            for name in self.withheld
            for parts in [note_key(name.removesuffix(".md")).split("/")]
            for i in range(len(parts))
        }

    def _add(self, path: str, matchable: str) -> None:
        self._paths.add(path)
        parts = note_key(matchable).split("/")
        for i in range(len(parts)):
            self._by_suffix["/".join(parts[i:])].append(path)

    def resolve(self, target: str, from_path: str = "") -> Resolution:
        """Resolve `target` (as written in `[[target]]`) from the note at `from_path`."""
        if not target.strip():
            return Resolution(from_path or None)
        raw = target.strip().replace("\\", "/")
        relative = raw.startswith(("./", "../"))
        anchored = raw.startswith("/")
        folder = posixpath.dirname(from_path)
        clean = inside_vault(posixpath.join(folder, raw) if relative else raw.lstrip("/"))
        if clean is None or not clean:
            return Resolution()
        key = note_key(clean)
        for candidate_key in (key, key[:-3] if key.endswith(".md") else None):
            if candidate_key is None:
                continue
            found = self._lookup(candidate_key, clean, folder, exact_only=relative or anchored)
            if found.path or found.withheld:
                if relative:
                    return Resolution(found.path, found.withheld, found.ambiguous)
                return found
        return Resolution(anywhere=not relative)

    def _lookup(self, key: str, written: str, folder: str, exact_only: bool) -> Resolution:
        self.lookups += 1
        candidates = self._by_suffix.get(key, [])
        if exact_only:
            candidates = [p for p in candidates if _match_key(p) == key]
        if not candidates and "/" not in key:
            self.lookups += 1
            candidates = self._by_alias.get(key, [])
        if not candidates:
            self.lookups += 1
            return Resolution(withheld=key in self._withheld, anywhere=True)
        self.lookups += len(candidates)
        if len(candidates) == 1:
            return Resolution(candidates[0], anywhere=True)
        return _choose(candidates, key, written, folder)

    def exists(self, path: str) -> bool:
        return path in self._paths


def _match_key(path: str) -> str:
    key = note_key(path)
    return key[:-3] if key.endswith(".md") else key


def _choose(candidates: list[str], key: str, written: str, folder: str) -> Resolution:
    """Exact vault path, then the linking note's folder, then the shortest path.

    Among names that differ only in case, the one spelled as written wins first.
    """
    exact_case = [
        p for p in candidates if p.removesuffix(".md").endswith(written.removesuffix(".md"))
    ]
    pool = exact_case or candidates
    for path in pool:
        if _match_key(path) == key:
            return Resolution(path)
    same_folder = [p for p in pool if posixpath.dirname(p) == folder]
    if same_folder:
        return Resolution(sorted(same_folder)[0])
    ranked = sorted(pool, key=lambda p: (p.count("/"), len(p), p))
    return Resolution(ranked[0], ambiguous=tuple(ranked[1:]))
