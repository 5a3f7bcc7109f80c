"""One Markdown task line read as the Tasks plugin reads it (its emoji format).

Pure text: `- [ ] Send terms @Jason 📅 2025-10-07 🔺 #task` → the status symbol, the
description Tasks shows and searches, and the fields. As in Tasks, fields are read from the
end of the line backwards, so a date written in the middle of the text stays text (Tasks'
own "find tasks with invalid data" searches rely on that). The file and line the task is on
are added by build.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

TASK_LINE = re.compile(r"^([ \t>]*)([-*+]|\d+[.)]) +\[(.)\] *(.*?)\s*$")
_BLOCK_LINK = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)$")
_VS = "\ufe0f?"
_DATE = r"(\d{4}-\d{2}-\d{2})"
_DATE_FIELDS = {
    "due": re.compile("[📅📆🗓]" + _VS + " *" + _DATE + "$"),
    "scheduled": re.compile("[⏳⌛]" + _VS + " *" + _DATE + "$"),
    "start": re.compile("🛫" + _VS + " *" + _DATE + "$"),
    "done": re.compile("✅" + _VS + " *" + _DATE + "$"),
    "created": re.compile("➕" + _VS + " *" + _DATE + "$"),
    "cancelled": re.compile("❌" + _VS + " *" + _DATE + "$"),
}
_PRIORITY = re.compile("([🔺⏫🔼🔽⏬])" + _VS + "$")
PRIORITY_OF_SIGN = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest"}
_RECURRENCE = re.compile("🔁" + _VS + r" ?([a-zA-Z0-9, !]+)$")
_ON_COMPLETION = re.compile("🏁" + _VS + r" *([a-zA-Z]+)$")
_DEPENDS_ON = re.compile("⛔" + _VS + r" *([a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+ *)*)$")
_ID = re.compile("🆔" + _VS + r" *([a-zA-Z0-9_-]+)$")
_TRAILING_TAG = re.compile(r"(?:^|\s)(#[^ !@#$%^&*(),.?\":{}|<>]+)$")
TAG = re.compile(r"(?:^|(?<=\s))#[^ \t!@#$%^&*(),.?\":{}|<>]+")
"""A tag as Tasks finds them: `#` after a space or at the start, up to punctuation."""
GLOBAL_FILTER = "#task"
_OWNER = re.compile(
    r"(?:(?<=\s)|^)@(?:\[\[([^\]|]+)(?:\|[^\]]*)?\]\]|([^\W\d][\w.'-]*(?: [A-Z][\w'-]+)?))"
)
_MAX_FIELDS = 20
"""Tasks reads at most this many fields from the end of a line."""


@dataclass
class TaskLine:
    """What one task line says."""

    indent: str
    status_symbol: str
    description: str
    dates: dict[str, dt.date] = field(default_factory=dict)
    invalid_dates: set[str] = field(default_factory=set)
    priority: str = "none"
    recurrence: str | None = None
    on_completion: str | None = None
    id: str | None = None
    depends_on: tuple[str, ...] = ()
    block_id: str | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None


def parse_task_line(line: str) -> TaskLine | None:
    """The task on `line`, or None if the line is not a task."""
    match = TASK_LINE.match(line)
    if match is None:
        return None
    indent, symbol, rest = match.group(1), match.group(3), match.group(4)
    task = TaskLine(indent=indent, status_symbol=symbol, description="")
    block = _BLOCK_LINK.search(rest)
    if block:
        task.block_id = block.group(1)
        rest = rest[: block.start()].rstrip()
    rest, trailing_tags = _read_fields(rest, task)
    description = " ".join([rest, *reversed(trailing_tags)]).strip()
    task.description = _without_global_filter(description)
    task.tags = tuple(
        t for t in dict.fromkeys(TAG.findall(task.description)) if t.casefold() != GLOBAL_FILTER
    )
    owner = _OWNER.search(task.description)
    if owner:
        task.owner = (owner.group(1) or owner.group(2).rstrip(".'-")).strip()
    return task


def _read_fields(rest: str, task: TaskLine) -> tuple[str, list[str]]:
    """Strip the fields from the end of `rest` into `task`; return what is left and the
    tags found between the fields (Tasks puts those back at the end of the description)."""
    trailing_tags: list[str] = []
    for _ in range(_MAX_FIELDS):
        found = _read_one_field(rest, task)
        if found is None:
            tag = _TRAILING_TAG.search(rest)
            if tag is None:
                break
            trailing_tags.append(tag.group(1))
            found = rest[: tag.start()]
        rest = found.rstrip()
    return rest, trailing_tags


def _read_one_field(rest: str, task: TaskLine) -> str | None:
    """`rest` without its last field (stored in `task`), or None if it does not end in one."""
    match = _PRIORITY.search(rest)
    if match:
        task.priority = PRIORITY_OF_SIGN[match.group(1)]
        return rest[: match.start()]
    for name, pattern in _DATE_FIELDS.items():
        match = pattern.search(rest)
        if match:
            _set_date(task, name, match.group(1))
            return rest[: match.start()]
    for pattern, setter in (
        (_RECURRENCE, _set_recurrence),
        (_ON_COMPLETION, _set_on_completion),
        (_DEPENDS_ON, _set_depends_on),
        (_ID, _set_id),
    ):
        match = pattern.search(rest)
        if match:
            setter(task, match.group(1))
            return rest[: match.start()]
    return None


def _set_date(task: TaskLine, name: str, text: str) -> None:
    try:
        task.dates[name] = dt.date.fromisoformat(text)
        task.invalid_dates.discard(name)
    except ValueError:
        task.dates.pop(name, None)
        task.invalid_dates.add(name)


def _set_recurrence(task: TaskLine, text: str) -> None:
    task.recurrence = text.strip() or None


def _set_on_completion(task: TaskLine, text: str) -> None:
    task.on_completion = text.strip().lower()


def _set_depends_on(task: TaskLine, text: str) -> None:
    task.depends_on = tuple(part.strip() for part in text.split(",") if part.strip())


def _set_id(task: TaskLine, text: str) -> None:
    task.id = text


def _without_global_filter(description: str) -> str:
    words = [w for w in description.split(" ") if w.casefold() != GLOBAL_FILTER]
    return re.sub(r"\s{2,}", " ", " ".join(words)).strip()


_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t>]*)(?:[-*+]|\d+[.)])(?:[ \t]|$)")


@dataclass(frozen=True)
class PlacedTask:
    """A task line with where it stands: its index among the lines given, the heading above
    it, how deep it is nested and the index of the list item it is nested under."""

    index: int
    line: str
    task: TaskLine
    heading: str | None
    depth: int
    parent: int | None


def tasks_in_lines(lines: Iterable[tuple[int, str]]) -> list[PlacedTask]:
    """The tasks among `lines` ((index, text), code already left out), each placed."""
    found: list[PlacedTask] = []
    heading: str | None = None
    open_items: list[tuple[int, int]] = []  # (indent width, index) of the enclosing items
    for index, line in lines:
        title = _HEADING.match(line)
        if title:
            heading, open_items = (title.group(1) or "").strip(), []
            continue
        item = _LIST_ITEM.match(line)
        if item is None:
            if line.strip() and not line.startswith((" ", "\t")):
                open_items = []  # a paragraph ends the list
            continue
        width = len(item.group(1).expandtabs(4))
        while open_items and open_items[-1][0] >= width:
            open_items.pop()
        parent = open_items[-1][1] if open_items else None
        depth = len(open_items)
        open_items.append((width, index))
        task = parse_task_line(line)
        if task is not None:
            found.append(PlacedTask(index, line, task, heading, depth, parent))
    return found
