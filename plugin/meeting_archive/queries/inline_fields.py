"""Dataview inline fields, read as Dataview reads them; code is not read.

- `Key:: value` taking a whole line (or a whole list item): the key may carry Markdown
  emphasis (`**Rating**:: 6`), the value runs to the end of the line;
- `[key:: value]` and `(key:: value)` anywhere in a line, several per line, brackets nested
  inside the value allowed (`[link:: [[Note]]]`). A line with any of those has no whole-line
  field (as in Dataview).

Keys are returned canonical (lower-cased, spaces as `-`, punctuation dropped), values raw:
what a value means (a date, a link) is the query engine's business. Pure text functions.
"""

from __future__ import annotations

import re
from collections import defaultdict

_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
_WRAPPERS = {"[": "]", "(": ")"}
_KEY_CHARS = re.compile(r"[^\w\s/-]", re.UNICODE)
_LEADING = re.compile(r"^[^\w]*")
_TRAILING = re.compile(r"[_*~`]*$")
_FULL_LINE_KEY = re.compile(r"^[\w\s/-]+$")
_MAX_LINE = 32_768
"""Dataview skips longer lines."""


def canonical_key(key: str) -> str:
    """Dataview's simplified name of a field: `Basic Field` → `basic-field`, `Hello!` →
    `hello`. Emoji and letters of any script are kept."""
    kept = "".join(c for c in key if not _KEY_CHARS.match(c) or ord(c) > 0x2000)
    return re.sub(r"\s+", "-", kept.strip()).lower()


def inline_fields(body: str) -> dict[str, list[str]]:
    """Every inline field of a note's body, outside fenced and inline code: canonical key →
    raw values in order of appearance."""
    found: dict[str, list[str]] = defaultdict(list)
    fence: str | None = None
    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        for key, value in line_fields(line):
            found[key].append(value)
    return dict(found)


def line_fields(line: str) -> list[tuple[str, str]]:
    """The inline fields of one line: (canonical key, raw value)."""
    if "::" not in line or len(line) > _MAX_LINE:
        return []
    text = _mask_code(line.strip())
    wrapped = _wrapped_fields(text)
    if wrapped:
        return wrapped
    whole = _full_line_field(text)
    return [whole] if whole else []


def _mask_code(line: str) -> str:
    """Inline code replaced by spaces, so that nothing inside it reads as a field."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group()), line) if "`" in line else line


def _wrapped_fields(line: str) -> list[tuple[str, str]]:
    fields: list[tuple[int, str, str]] = []
    for opener in _WRAPPERS:
        start = line.find(opener)
        while start >= 0:
            parsed = _field_at(line, start)
            if parsed is None:
                start = line.find(opener, start + 1)
                continue
            key, value, end = parsed
            fields.append((start, key, value))
            start = line.find(opener, end)
    fields.sort()
    return [(canonical_key(key), value) for _, key, value in fields if canonical_key(key)]


def _field_at(line: str, start: int) -> tuple[str, str, int] | None:
    """A `[key:: value]` starting at `start`: (key, value, index after it)."""
    opener = line[start]
    separator = line.find("::", start + 1)
    if separator < 0:
        return None
    key = line[start + 1 : separator].strip()
    if not key or any(c in key for c in "[]()"):
        return None
    closing = _closing(line, separator + 2, opener, _WRAPPERS[opener])
    if closing is None:
        return None
    return key, line[separator + 2 : closing].strip(), closing + 1


def _closing(line: str, start: int, opener: str, closer: str) -> int | None:
    """Index of the bracket that closes the field, nesting and `\\` escapes respected."""
    nesting = 0
    escaped = False
    for index in range(start, len(line)):
        char = line[index]
        if char == "\\":
            escaped = not escaped
            continue
        if escaped:
            escaped = False
            continue
        if char == opener:
            nesting += 1
        elif char == closer:
            nesting -= 1
            if nesting < 0:
                return index
    return None


def _full_line_field(line: str) -> tuple[str, str] | None:
    separator = line.find("::")
    if separator <= 0:
        return None
    key = _TRAILING.sub("", _LEADING.sub("", line[:separator].strip()))
    if not key or not _FULL_LINE_KEY.match(key):
        return None
    return canonical_key(key), line[separator + 2 :].strip()
