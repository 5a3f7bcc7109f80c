"""`sort by` and `group by` of the Tasks query language, and urgency (the default order).

Sort keys and group headings follow the Tasks docs (Sorting, Grouping, Urgency): dates sort
invalid first, then earliest to latest, then undated; group headings are sorted
alphabetically except where Tasks orders them (priorities, status types, urgency).
Pure functions of a task and today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from .data import PRIORITIES, QueryTask
from .results import Cell, CellLink
from .tasks_filters import date_field_name

SortKey = tuple[float, str]
GroupKey = tuple[float, str]
"""How a group heading sorts: (rank, text)."""

_PRIORITY_RANK = {name: index for index, name in enumerate(PRIORITIES)}
_STATUS_TYPE_ORDER = {
    "IN_PROGRESS": 1,
    "TODO": 2,
    "ON_HOLD": 3,
    "DONE": 4,
    "CANCELLED": 5,
    "NON_TASK": 6,
}
_PRIORITY_SCORE = {
    "highest": 9.0,
    "high": 6.0,
    "medium": 3.9,
    "none": 1.95,
    "low": 0.0,
    "lowest": -1.8,
}
DEFAULT_SORT = ("status.type", "urgency", "due", "priority", "path")
"""Appended to every query's own `sort by` lines, as Tasks does."""


def urgency(task: QueryTask, today: dt.date) -> float:
    """Tasks' urgency score: due date, priority, scheduled and start dates, summed."""
    score = _PRIORITY_SCORE.get(task.priority, 1.95)
    if task.due is not None:
        overdue = (today - task.due).days
        if overdue >= 7:
            score += 12.0
        elif overdue >= -14:
            score += 12.0 * ((overdue + 14.0) * 0.8 / 21.0 + 0.2)
        else:
            score += 12.0 * 0.2
    if task.scheduled is not None and task.scheduled <= today:
        score += 5.0
    if task.start is not None and task.start > today:
        score -= 3.0
    return score


@dataclass(frozen=True)
class Sorter:
    instruction: str
    key: Callable[[QueryTask, dt.date], SortKey]
    reverse: bool = False


@dataclass(frozen=True)
class Grouper:
    instruction: str
    groups: Callable[[QueryTask, dt.date], list[tuple[GroupKey, Cell]]]
    """The groups a task is in (a task with two tags is in two groups)."""
    reverse: bool = False


# -- sorting ----------------------------------------------------------------------------------


def _date_sort_key(name: str) -> Callable[[QueryTask, dt.date], SortKey]:
    def key(task: QueryTask, today: dt.date) -> SortKey:
        if name == "happens":
            value = task.happens
        else:
            if name in task.invalid_dates:
                return (0.0, "")
            value = getattr(task, name)
        return (1.0, value.isoformat()) if value is not None else (2.0, "")

    return key


def _visible_text(description: str) -> str:
    """The description as reading view shows it, for sorting: links by their text."""
    text = re.sub(r"\[\[([^\]|]*\|)?([^\]]*)\]\]", r"\2", description)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|==|~~|\*|_)", "", text).casefold()


def _text_key(value: Callable[[QueryTask], str | None]) -> Callable[[QueryTask, dt.date], SortKey]:
    """Text sorts case-insensitively; a task without the value sorts first."""

    def key(task: QueryTask, today: dt.date) -> SortKey:
        text = value(task)
        return (0.0, "") if text is None else (1.0, text.casefold())

    return key


def _tag_sort_key(index: int) -> Callable[[QueryTask, dt.date], SortKey]:
    def key(task: QueryTask, today: dt.date) -> SortKey:
        if len(task.tags) < index:
            return (1.0, "")
        return (0.0, task.tags[index - 1].casefold())

    return key


def _random_key(task: QueryTask, today: dt.date) -> SortKey:
    digest = hashlib.sha256(f"{today.isoformat()}\n{task.description}".encode()).hexdigest()
    return (0.0, digest)


_SORT_KEYS: dict[str, Callable[[QueryTask, dt.date], SortKey]] = {
    "status": lambda t, today: (1.0 if t.is_done else 0.0, ""),
    "status.name": lambda t, today: (0.0, t.status_name.casefold()),
    "status.type": lambda t, today: (float(_STATUS_TYPE_ORDER.get(t.status_type, 9)), ""),
    "urgency": lambda t, today: (-urgency(t, today), ""),
    "description": lambda t, today: (0.0, _visible_text(t.description)),
    "priority": lambda t, today: (float(_PRIORITY_RANK.get(t.priority, 3)), ""),
    "recurring": lambda t, today: (0.0 if t.recurrence else 1.0, ""),
    "path": lambda t, today: (0.0, t.path.casefold()),
    "filename": lambda t, today: (0.0, t.filename.casefold()),
    "heading": _text_key(lambda t: t.heading),
    "id": lambda t, today: (0.0, t.id.casefold()) if t.id else (1.0, ""),
    "random": _random_key,
}


def sorter(instruction: str, name: str, tag_index: int | None, reverse: bool) -> Sorter:
    """The sorter of `sort by <name>`."""
    name = date_field_name(name)
    if name in ("due", "scheduled", "start", "done", "created", "cancelled", "happens"):
        return Sorter(instruction, _date_sort_key(name), reverse)
    if name == "tag":
        return Sorter(instruction, _tag_sort_key(tag_index or 1), reverse)
    return Sorter(instruction, _SORT_KEYS[name], reverse)


def default_sorters() -> list[Sorter]:
    return [sorter(f"sort by {name}", name, None, False) for name in DEFAULT_SORT]


# -- grouping ---------------------------------------------------------------------------------


def _alphabetical(text: str) -> tuple[GroupKey, Cell]:
    return (0.0, f"{text.casefold()}\x00{text}"), text


def _date_groups(name: str) -> Callable[[QueryTask, dt.date], list[tuple[GroupKey, Cell]]]:
    def groups(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
        if name != "happens" and name in task.invalid_dates:
            return [((0.0, ""), f"Invalid {name} date")]
        value = task.happens if name == "happens" else getattr(task, name)
        if value is None:
            return [((2.0, ""), f"No {name} date")]
        return [((1.0, value.isoformat()), f"{value.isoformat()} {value:%A}")]

    return groups


def _priority_groups(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    name = task.priority if task.priority in _PRIORITY_RANK else "none"
    label = "Normal" if name == "none" else name.capitalize()
    return [((float(_PRIORITY_RANK[name]), ""), f"{label} priority")]


def _tag_groups(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    if not task.tags:
        return [_alphabetical("(No tags)")]
    return [_alphabetical(tag) for tag in task.tags]


def _filename_group(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    key, _ = _alphabetical(task.file_stem)
    return [(key, CellLink(task.path, None, task.file_stem))]


def _backlink_group(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    text = f"{task.file_stem} > {task.heading}" if task.heading else task.file_stem
    key, _ = _alphabetical(text)
    return [(key, CellLink(task.path, None, text))]


def _status_type_group(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    return [((float(_STATUS_TYPE_ORDER.get(task.status_type, 9)), ""), task.status_type)]


def _urgency_group(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    score = urgency(task, today)
    return [((-round(score, 2), ""), f"{score:.2f}")]


def _heading_groups(task: QueryTask, today: dt.date) -> list[tuple[GroupKey, Cell]]:
    """Tasks under no heading come first."""
    if task.heading is None:
        return [((-1.0, ""), "(No heading)")]
    return [_alphabetical(task.heading)]


def _path_without_extension(task: QueryTask) -> str:
    return task.path[:-3] if task.path.lower().endswith(".md") else task.path


_GROUPS: dict[str, Callable[[QueryTask, dt.date], list[tuple[GroupKey, Cell]]]] = {
    "status": lambda t, today: [_alphabetical("Done" if t.is_done else "Todo")],
    "status.name": lambda t, today: [_alphabetical(t.status_name)],
    "status.type": _status_type_group,
    "priority": _priority_groups,
    "urgency": _urgency_group,
    "recurring": lambda t, today: [_alphabetical("Recurring" if t.recurrence else "Not Recurring")],
    "recurrence": lambda t, today: [_alphabetical(t.recurrence or "None")],
    "tags": _tag_groups,
    "path": lambda t, today: [_alphabetical(_path_without_extension(t))],
    "root": lambda t, today: [_alphabetical(t.root)],
    "folder": lambda t, today: [_alphabetical(t.folder)],
    "filename": _filename_group,
    "backlink": _backlink_group,
    "heading": _heading_groups,
    "id": lambda t, today: [_alphabetical(t.id)] if t.id else [((2.0, ""), "No id")],
}


def grouper(instruction: str, name: str, reverse: bool) -> Grouper:
    """The grouper of `group by <name>`."""
    name = date_field_name(name)
    if name in ("due", "scheduled", "start", "done", "created", "cancelled", "happens"):
        return Grouper(instruction, _date_groups(name), reverse)
    return Grouper(instruction, _GROUPS[name], reverse)
