"""Frontmatter (Obsidian's Properties): YAML between `---` lines at the top of a note, read as
Obsidian reads it, and the values the plugin depends on, validated in one place.

- Keys are matched case-insensitively (`Tags`, `tag`, `Publish` are `tags`, `tag`, `publish`);
  two keys that differ only in case make the frontmatter unreadable, as a key written twice
  does (which one would Obsidian use? the note is left out rather than published by guess).
- YAML 1.1 traps that Obsidian (YAML 1.2) does not fall into are undone: `14:00` is text, not
  the sexagesimal 840; an unquoted `[[Acme]]` (YAML's list in a list) is the link it meant.
- A value that is a list or a mapping is never turned into text (YAML aliases can make a few
  lines expand to gigabytes): walks over values are bounded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import frontmatter.default_handlers
import yaml

from . import obsidian

MAX_VALUES = 2_000
"""Most scalars read from one frontmatter value (a walk past that stops)."""


class FrontmatterError(ValueError):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")

try:  # the safe loader, in C when libyaml is there
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _NoteLoader(_SafeLoader):
    """YAML's safe loader, stricter where privacy is at stake: a key written twice, or two keys
    that differ only in case (`publish: false` … `Publish: true`), is an error rather than "the
    last one wins"; an impossible date (`2025-02-30`) stays text, for parse_date to report with
    its line; a sexagesimal number (`14:00`) stays text, as YAML 1.2 reads it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                folded = str(key_node.value).casefold()
                if folded in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key '{key_node.value}' appears twice (keys are not case-sensitive)",
                        key_node.start_mark,
                    )
                seen.add(folded)
        return super().construct_mapping(node, deep)

    def construct_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_number(self, node: yaml.ScalarNode) -> Any:
        if _SEXAGESIMAL.match(str(node.value)):
            return self.construct_scalar(node)
        if node.tag.endswith(":int"):
            return self.construct_yaml_int(node)
        return self.construct_yaml_float(node)


_NoteLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoteLoader.construct_timestamp)
_NoteLoader.add_constructor("tag:yaml.org,2002:int", _NoteLoader.construct_number)
_NoteLoader.add_constructor("tag:yaml.org,2002:float", _NoteLoader.construct_number)
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


def scalar(value: Any) -> str | None:
    """A value as text when it is one value (a string, number, boolean or date); None for a
    list or mapping, which is never turned into text."""
    if value is None or not isinstance(value, (str, int, float, dt.date)):
        return None
    return str(value).strip()


def scalars(value: Any, limit: int = MAX_VALUES) -> Iterator[str]:
    """Every scalar inside a value (lists and mappings walked, keys and values), at most
    `limit` of them: what a tags field or a property holds, however it is nested."""
    stack = [value]
    seen = 0
    while stack and seen < limit:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend(reversed([*item.keys(), *item.values()]))
        elif isinstance(item, list):
            stack.extend(reversed(item))
        else:
            text = scalar(item)
            if text:
                yield text


@dataclass
class Properties:
    """A note's frontmatter, read case-insensitively. `problems` are (message, key) pairs for
    values that had to be repaired."""

    meta: dict[str, Any]
    text: str = ""
    """The note's text (to find the line of a key for a problem)."""
    problems: list[tuple[str, int | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {key.casefold(): value for key, value in self.meta.items()}

    def get(self, *keys: str) -> Any:
        """The value of the first of `keys` the note has (any letter case)."""
        for key in keys:
            folded = key.casefold()
            if folded in self._by_key:
                return self._by_key[folded]
        return None

    def has(self, key: str) -> bool:
        return key.casefold() in self._by_key

    def strings(self, *keys: str, split: bool = False) -> list[str]:
        """The non-empty strings of the given keys: a string, a list (one level of nesting
        flattened: `[[x]]`), or nothing. With `split`, strings are split at commas and spaces
        (`tags: a, b`)."""
        out: list[str] = []
        for key in keys:
            value = self._by_key.get(key.casefold())
            if value is None:
                continue
            items = value if isinstance(value, list) else [value]
            items = [i for item in items for i in (item if isinstance(item, list) else [item])]
            for item in items[:MAX_VALUES]:
                text = scalar(item)
                if text is None:
                    continue
                if split:
                    out.extend(p for p in re.split(r"[,\s]+", text) if p)
                elif text:
                    out.append(text)
        return out

    def names(self, key: str) -> list[str]:
        """Names from a people or account field: `Jai Menon`, `'[[Jai Menon]]'`, `[[X|Y]]`, and
        an unquoted `[[Acme]]` (YAML's list in a list: repaired, with a problem)."""
        value = self._by_key.get(key.casefold())
        if value is None:
            return []
        names: list[str] = []
        items = [value] if _nested_link(value) else value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, list):
                link = _nested_link(item)
                if link is not None:
                    names.append(link)
                    self.problems.append(
                        (
                            f"{key}: [[{link}]] without quotes is read by YAML as a list in a "
                            f"list; read as the link [[{link}]] (write '[[{link}]]' in quotes)",
                            self.line_of(key),
                        )
                    )
                    continue
            text = scalar(item)
            if text:
                names.extend(part for part in obsidian.split_names(text) if part)
        return list(dict.fromkeys(names))

    def line_of(self, key: str) -> int | None:
        match = re.search(rf"^{re.escape(key)}\s*:", self.text, re.MULTILINE | re.IGNORECASE)
        return self.text.count("\n", 0, match.start()) + 1 if match else None


def _nested_link(item: Any) -> str | None:
    """`[[Acme]]` unquoted is YAML's [['Acme']]: the name, when it is that shape."""
    if (
        isinstance(item, list)
        and len(item) == 1
        and isinstance(item[0], list)
        and len(item[0]) == 1
    ):
        inner = scalar(item[0][0])
        if inner:
            return obsidian.parse_wikilink(inner).target or None
    return None


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A date from `2025-10-06`, `2025-10-06T14:00`, `2025-10-06 14:00+02:00` or a YAML date
    (with or without a time zone: only the day counts)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if scalar(value) is None:
        return None, f"a {type(value).__name__} is not a date (expected YYYY-MM-DD)"
    text = str(value).strip().strip("'\"")
    match = re.match(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        r"(?:[ ]?(?:Z|[+-]\d{2}:?\d{2}))?)?$",
        text,
    )
    if not match:
        return None, f"{text!r} is not a date (expected YYYY-MM-DD)"
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError as err:
        return None, f"{text!r} is not a valid date ({err})"


def frontmatter_links(meta: dict[str, Any]) -> list[str]:
    """Wikilink targets and plain paths written in any property (`cover: "[[x.png]]"`,
    `banner: img/x.png`, lists and mappings of them): what a property can make a note use."""
    found: list[str] = []
    for text in scalars(meta):
        links = obsidian.WIKILINK.findall(text)
        if links:
            found.extend(obsidian.parse_wikilink(inner).target for _, inner in links)
        elif "/" in text or "." in text:
            local = obsidian.local_target(text)
            if local is not None and local[0]:
                found.append(local[0])
    return [f for f in found if f]
