"""Read the vault: files → published notes, with private and unreadable ones left out.

A note is judged private here, before anything else sees it, and nothing of it is kept but
the names a link could use to reach it (so that a link to it becomes plain text instead of a
topic page named after it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import frontmatter.default_handlers
import yaml

from . import obsidian, offload
from .model import Note, Problem
from .repair import NotText, decode_note


@dataclass(frozen=True)
class ReadOptions:
    people_fields: tuple[str, ...] = ("participants", "attendees")
    account_fields: tuple[str, ...] = ("account", "accounts")
    date_field: str = "date"
    private_tags: tuple[str, ...] = ("private",)
    repair: bool = True


@dataclass
class Withheld:
    """A note that is not published: only the names that could link to it."""

    path: str
    names: list[str]
    reason: str  # "private", "unreadable", "outside" (through a symlink) or "excluded"
    links: list[tuple[bool, str]] = field(default_factory=list)
    """What a private note (or one whose frontmatter cannot be read) links to or embeds, as
    written ((is a wikilink, target)): an attachment that only such notes use is not published
    either. Never written anywhere."""


@dataclass
class VaultRead:
    notes: list[Note] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def repairs(self) -> int:
        return sum(n.repairs for n in self.notes)


ReadResult = tuple[Note | Withheld, list[Problem]]


class NoteCache:
    """Parsed notes by (path, mtime, size), so that `mkdocs serve` re-reads only what changed."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Stamp, ReadResult]] = {}
        self.reads = 0
        """How many files were read and parsed (not served from the cache): for tests."""

    def get(self, path: str, abs_path: str, options: ReadOptions) -> ReadResult:
        stamp = _stamp(abs_path, options)
        hit = self._entries.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = _read(path, abs_path, options)
        self.reads += 1
        self._entries[path] = (stamp, result)
        return result

    def stale(self, files: list[tuple[str, str]], options: ReadOptions) -> list[tuple[str, str]]:
        """The files that `get` would read (new or changed since they were cached)."""
        out = []
        for path, abs_path in files:
            hit = self._entries.get(path)
            try:
                if hit is not None and hit[0] == _stamp(abs_path, options):
                    continue
            except OSError:
                pass  # `get` reports it
            out.append((path, abs_path))
        return out

    def add(self, read: list[tuple[str, Stamp, ReadResult]]) -> None:
        """Entries read elsewhere (see `read_ahead`)."""
        for path, stamp, result in read:
            self._entries[path] = (stamp, result)
        self.reads += len(read)

    def forget_except(self, paths: set[str]) -> None:
        for gone in self._entries.keys() - paths:
            del self._entries[gone]


Stamp = tuple[int, int, ReadOptions]
READ_AHEAD_AT = 400
"""From this many notes to read, half are read in a forked process (offload.py)."""


def _stamp(abs_path: str, options: ReadOptions) -> Stamp:
    stat = os.stat(abs_path)
    return (stat.st_mtime_ns, stat.st_size, options)


def _read(path: str, abs_path: str, options: ReadOptions) -> ReadResult:
    with open(abs_path, "rb") as f:
        raw = f.read()
    return read_note(path, raw, options)


def _read_all(
    files: list[tuple[str, str]], options: ReadOptions
) -> list[tuple[str, Stamp, ReadResult]]:
    out = []
    for path, abs_path in files:
        try:
            out.append((path, _stamp(abs_path, options), _read(path, abs_path, options)))
        except OSError:
            continue  # read again in place, where the error is reported
    return out


def read_ahead(files: list[tuple[str, str]], options: ReadOptions, cache: NoteCache) -> None:
    """Fill the cache with every stale note, half of them read and parsed in a forked process
    while this one reads the other half (a note's YAML, repair and tags are pure work)."""
    if len(files) < READ_AHEAD_AT or not offload.can_fork():
        return  # (as under `mkdocs serve`, whose threads make forking unsafe)
    stale = cache.stale(files, options)
    if len(stale) < READ_AHEAD_AT:
        return
    middle = len(stale) // 2
    job = offload.Background(lambda: _read_all(stale[middle:], options))
    job.start()
    for path, abs_path in stale[:middle]:
        try:
            cache.get(path, abs_path, options)
        except OSError:
            continue
    cache.add(job.result())


def read_vault(
    files: Iterable[tuple[str, str]], options: ReadOptions, cache: NoteCache | None = None
) -> VaultRead:
    """Read (vault path, absolute path) pairs of Markdown files into a VaultRead."""
    cache = cache if cache is not None else NoteCache()
    files = list(files)
    read_ahead(files, options, cache)
    result = VaultRead()
    seen: set[str] = set()
    for path, abs_path in files:
        seen.add(path)
        try:
            item, problems = cache.get(path, abs_path, options)
        except OSError as err:
            item = Withheld(path, [path], "unreadable")
            problems = [Problem(path, f"cannot be read ({err.strerror}): left out")]
        result.problems.extend(problems)
        if isinstance(item, Note):
            result.notes.append(item)
        else:
            result.withheld.append(item)
    cache.forget_except(seen)
    return result


def read_note(path: str, raw: bytes, options: ReadOptions) -> ReadResult:
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
        return Withheld(path, [path, stem], "unreadable", obsidian.link_targets(text)), problems

    # Both spellings of each field count (a `tag: private` beside `tags: [work]` is private).
    aliases = _strings(meta.get("aliases")) + _strings(meta.get("alias"))
    names = [path, stem, *aliases]
    frontmatter_tags = [
        t.lstrip("#") for key in ("tags", "tag") for t in _strings(meta.get(key), True)
    ]
    # Any `#private` makes a note private, even one in a heading (Obsidian counts those) or in
    # a %%comment%%: when in doubt, a note is not published.
    every_tag = [*frontmatter_tags, *_private_looking_tags(body, options)]
    private_reason = _private_reason(meta, every_tag, options)
    if private_reason:
        return Withheld(path, names, "private", obsidian.link_targets(body)), []
    # A %%comment%% is never published: not its text, nor its headings, links, tags or tasks.
    # Removed here, before anything else reads the body (line numbers are kept).
    body = obsidian.strip_comments(body)
    inline_tags = obsidian.inline_tags(body)
    tags = list(dict.fromkeys(t for t in [*frontmatter_tags, *inline_tags] if t))

    title = _title(meta, body, stem)
    date, date_problem = parse_date(meta.get(options.date_field))
    if date_problem:
        problems.append(
            Problem(
                path, f"{options.date_field}: {date_problem}", _key_line(text, options.date_field)
            )
        )
    people = [n for f in options.people_fields for n in _names(meta.get(f))]
    accounts = [n for f in options.account_fields for n in _names(meta.get(f))]
    note = Note(
        path=path,
        title=title,
        meta=meta,
        body=body,
        body_line=body_line,
        aliases=aliases,
        tags=tags,
        date=date,
        people=list(dict.fromkeys(people)),
        accounts=list(dict.fromkeys(accounts)),
        is_meeting=date is not None and bool(people or accounts),
        type=_scalar(meta.get("type")) or "",
        repairs=decoded.repairs,
    )
    return note, problems


class FrontmatterError(ValueError):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

try:  # the safe loader, in C when libyaml is there
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _NoteLoader(_SafeLoader):
    """YAML's safe loader, stricter where privacy is at stake: a key written twice
    (`publish: false` … `publish: true`) is an error rather than "the last one wins", and an
    impossible date (`2025-02-30`) stays text, for parse_date to report with its line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key '{key_node.value}' appears twice", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoteLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoteLoader.construct_timestamp)
# python-frontmatter's YAML handler, given the stricter loader above.
_YAML = frontmatter.default_handlers.YAMLHandler()


def split_frontmatter(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (metadata, body, line the body starts on). Only YAML between `---` lines at the
    very top is metadata: MultiMarkdown-style `Key: value` lines stay text."""
    if not text.startswith("---"):
        return {}, text, 1
    first = text.find("\n")
    if first == -1 or text[:first].strip() != "---":
        return {}, text, 1
    close = _FENCE.search(text, first + 1)
    if close is None:
        raise FrontmatterError("no closing '---'", 1)
    try:
        meta = _YAML.load(text[first + 1 : close.start()], Loader=_NoteLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise FrontmatterError(str(reason), line) from None
    except Exception as err:
        raise FrontmatterError(str(err) or type(err).__name__, 1) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontmatterError("it is not a mapping of keys to values", 2)
    meta = {str(k): v for k, v in meta.items()}
    body_start = close.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return meta, text[body_start:], body_line


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A date from `2025-10-06`, `2025-10-06T14:00`, `2025-10-06 14:00` or a YAML date."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if _scalar(value) is None:
        return None, f"a {type(value).__name__} is not a date (expected YYYY-MM-DD)"
    text = str(value).strip().strip("'\"")
    match = re.match(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$",
        text,
    )
    if not match:
        return None, f"{text!r} is not a date (expected YYYY-MM-DD)"
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError as err:
        return None, f"{text!r} is not a valid date ({err})"


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _private_looking_tags(body: str, options: ReadOptions) -> list[str]:
    """The body's tags, headings and comments included, when any could be a private tag: a
    body without `#private` (or another private tag) in it has none, whatever its markup."""
    folded = body.casefold()
    if not any("#" + tag.casefold() in folded for tag in options.private_tags):
        return []
    return obsidian.inline_tags(body, in_headings=True)


def _private_reason(meta: dict[str, Any], tags: list[str], options: ReadOptions) -> str | None:
    if _falsy(meta.get("publish", True)):
        return "publish: false"
    if _truthy(meta.get("draft", False)):
        return "draft: true"
    private = {t.casefold() for t in options.private_tags}
    for tag in tags:
        folded = tag.casefold()
        if folded in private or any(folded.startswith(p + "/") for p in private):
            return f"tag {tag}"
    return None


def _falsy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("false", "no", "off", "0")
    return value is False or value == 0 or value is None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value) and value is not None


def _strings(value: Any, split: bool = False) -> list[str]:
    """A frontmatter value as a list of non-empty strings (a string, a list, or nothing)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    # One level of nesting is flattened (`tags: [[private]]` is read as YAML's list in a list);
    # deeper ones are not (YAML aliases can nest a list a billion items deep).
    items = [i for item in items for i in (item if isinstance(item, list) else [item])]
    out: list[str] = []
    for item in items:
        text = _scalar(item)
        if text is None:
            continue
        if split:
            out.extend(p for p in re.split(r"[,\s]+", text) if p)
        elif text:
            out.append(text)
    return out


def _names(value: Any) -> list[str]:
    """Names from a people or account field: `Jai Menon`, `'[[Jai Menon]]'`, `[[X|Y]]`."""
    names = []
    for item in _strings(value):
        for part in obsidian.split_names(item):
            if part:
                names.append(part)
    return names


def _title(meta: dict[str, Any], body: str, stem: str) -> str:
    title = _scalar(meta.get("title"))
    if title:
        return title
    heading = obsidian.first_heading(body)
    return heading or stem


def _scalar(value: Any) -> str | None:
    """A frontmatter value as text when it is one value (a string, number, boolean or date);
    None for a list or mapping, which is never turned into text: YAML aliases can make one of
    a few lines expand to gigabytes."""
    if value is None or not isinstance(value, (str, int, float, dt.date)):
        return None
    return str(value).strip()
