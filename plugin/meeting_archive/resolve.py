"""Link targets → vault files, by Obsidian's rules.

One index is built once per build from the list of vault files: every file under its name
and under each suffix of its path, every note under its aliases. A lookup is then a few
dictionary reads, so resolving L links over N files costs O(N + L), never a scan per link.
Nothing is read from disk: a target that is not in the index does not exist, which is also
why no link can reach outside the vault.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .urls import inside_vault, note_key

GUESSES = 200
"""Broken links of a build that get a "did you mean" from a fuzzy match of their name."""


@dataclass(frozen=True)
class Resolution:
    """Where a link target leads: a vault file, a withheld (unpublished) note, or nowhere."""

    path: str | None = None
    withheld: str | None = None
    """Why the note it names is not published (private, excluded…), when it is one."""
    ambiguous: tuple[str, ...] = ()
    """Other candidates, when the shortest-path rule had to choose."""
    by_name: bool = False
    """Found by file name anywhere in the vault, the path as written leading nowhere."""


def _stem_key(path: str) -> str:
    key = note_key(path)
    for ext in (".md", ".markdown", ".mdown", ".mkdn", ".mkd"):
        if key.endswith(ext):
            return key[: -len(ext)].strip()
    return key


@dataclass
class Resolver:
    """Obsidian's resolution over a fixed set of files.

    `note_paths` are Markdown notes (matched without their extension), `other_paths`
    attachments (matched by full file name), `aliases` maps a note path to its aliases,
    `withheld` maps each name of an unpublished note to why it is not published, so that a
    link to it is known not to be a missing file.
    """

    note_paths: Iterable[str]
    other_paths: Iterable[str] = ()
    aliases: dict[str, list[str]] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)
    lookups: int = 0
    """Index entries touched so far (for the test that resolution is linear)."""

    def __post_init__(self) -> None:
        self._by_suffix: dict[str, list[str]] = defaultdict(list)
        self._by_alias: dict[str, list[str]] = defaultdict(list)
        self._by_file_name: dict[str, list[str]] = defaultdict(list)
        self._paths: set[str] = set()
        self._notes: list[str] = []
        self._note_set: set[str] = set()
        self._memo: dict[tuple[str, str], Resolution] = {}
        self._stems_by_start: dict[str, list[str]] = defaultdict(list)
        self._guesses = GUESSES
        for path in self.note_paths:
            self._notes.append(path)
            self._note_set.add(path)
            stem = _stem_key(path.rsplit("/", 1)[-1])
            self._stems_by_start[stem[:3]].append(stem)
            self._add(path, _stem_key(path))
        for path in self.other_paths:
            self._add(path, note_key(path))
            self._by_file_name[note_key(path.rsplit("/", 1)[-1])].append(path)
        for path, names in self.aliases.items():
            for alias in names:
                self._by_alias[note_key(alias)].append(path)
        # Every name a link could reach a withheld note by: as for a published note, each suffix
        # of its path (`Sub/Note`, `Note`), and its aliases.
        self._withheld: dict[str, str] = {}
        for name, reason in self.withheld.items():
            parts = _stem_key(name).split("/")
            for i in range(len(parts)):
                self._withheld.setdefault("/".join(parts[i:]), reason)

    def _add(self, path: str, matchable: str) -> None:
        self._paths.add(path)
        parts = matchable.split("/")
        for i in range(len(parts)):
            self._by_suffix["/".join(parts[i:])].append(path)

    def resolve(self, target: str, from_path: str = "") -> Resolution:
        """Resolve `target` (as written in `[[target]]`) from the note at `from_path`."""
        folder = posixpath.dirname(from_path)
        memo_key = (target, folder)
        known = self._memo.get(memo_key)
        if known is None:
            known = self._memo[memo_key] = self._resolve(target, from_path, folder)
        return known

    def _resolve(self, target: str, from_path: str, folder: str) -> Resolution:
        if not target.strip():
            return Resolution(from_path or None)
        raw = target.strip().replace("\\", "/")
        relative = raw.startswith(("./", "../"))
        anchored = raw.startswith("/")
        clean = inside_vault(posixpath.join(folder, raw) if relative else raw.lstrip("/"))
        if not clean:
            return Resolution()
        key = note_key(clean)
        stem = _stem_key(key)
        for candidate_key in (key, stem) if stem != key else (key,):
            found = self._lookup(candidate_key, clean, folder, exact_only=relative or anchored)
            if found.path or found.withheld:
                return found
        return Resolution()

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
            return Resolution(withheld=self._withheld.get(key))
        self.lookups += len(candidates)
        if len(candidates) == 1:
            return Resolution(candidates[0])
        return _choose(candidates, key, written, folder)

    def by_file_name(self, target: str) -> Resolution:
        """An attachment found by its file name alone, when exactly one file has it: what a
        path written for another layout (`../../images/x.png`) meant."""
        name = note_key(target.replace("\\", "/").rsplit("/", 1)[-1])
        found = self._by_file_name.get(name, [])
        return Resolution(found[0], by_name=True) if len(found) == 1 else Resolution()

    def new_build(self) -> None:
        """A resolver kept from the last build guesses for this build's broken links afresh."""
        self._guesses = GUESSES

    def exists(self, path: str) -> bool:
        return path in self._paths

    def nearest(self, written: str, from_path: str = "") -> str | None:
        """The note a broken link most likely meant: among the notes of the same name the one
        whose path is most like the link's, else the closest name (for "did you mean")."""
        name = _stem_key(written.replace("\\", "/").rsplit("/", 1)[-1])
        same = [p for p in self._by_suffix.get(name, []) if p in self._note_set]
        if not same and self._guesses > 0:
            # a misspelt name: the closest among a few names that begin as it does, and only
            # for the first broken links of a build (many broken links must not cost a scan
            # of the vault each)
            self._guesses -= 1
            stems = self._stems_by_start.get(name[:3], [])
            close = difflib.get_close_matches(name, stems[:100], n=1, cutoff=0.75)
            same = (
                [p for p in self._by_suffix.get(close[0], []) if p in self._note_set]
                if close
                else []
            )
        if len(same) < 2:
            return same[0] if same else None
        wanted = _stem_key(written.lstrip("./"))
        folder = posixpath.dirname(from_path)

        def rank(path: str) -> tuple[float, int, int, str]:
            likeness = difflib.SequenceMatcher(None, wanted, _stem_key(path)).ratio()
            return (-likeness, posixpath.dirname(path) != folder, path.count("/"), path)

        return min(same, key=rank)


def _match_key(path: str) -> str:
    return _stem_key(path)


def _choose(candidates: list[str], key: str, written: str, folder: str) -> Resolution:
    """Exact vault path, then the linking note's folder, then the shortest path.

    Among names that differ only in case, the one spelled as written wins first.
    """
    exact_case = [p for p in candidates if _strip_ext(p).endswith(_strip_ext(written))]
    pool = exact_case or candidates
    for path in pool:
        if _match_key(path) == key:
            return Resolution(path)
    same_folder = [p for p in pool if posixpath.dirname(p) == folder]
    if same_folder:
        return Resolution(sorted(same_folder)[0])
    ranked = sorted(pool, key=lambda p: (p.count("/"), len(p), p))
    return Resolution(ranked[0], ambiguous=tuple(ranked[1:]))


def _strip_ext(path: str) -> str:
    lowered = path.lower()
    for ext in (".md", ".markdown", ".mdown", ".mkdn", ".mkd"):
        if lowered.endswith(ext):
            return path[: -len(ext)]
    return path
