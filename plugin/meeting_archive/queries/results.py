"""What a query gives back: plain values that render.py turns into HTML.

Engine-independent: a Tasks query, a Dataview TASK query and a Dataview LIST give the same
shapes, so that one renderer serves all three languages. Cells are already formatted the
way their language formats them (dates, numbers), except links, which stay vault paths
until the renderer turns them into the plugin's own URLs. Plain data; touches nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, TypeAlias

from .data import QueryTask

MAX_ROWS = 1_000
"""At most this many tasks, rows or list items in one result; the rest is counted, not shown."""


@dataclass(frozen=True)
class CellLink:
    """A link to a published note (or to a heading or task in it)."""

    path: str
    anchor: str | None = None
    text: str | None = None
    """What the link shows; None: the note's title."""


Cell: TypeAlias = "str | CellLink | tuple[Cell, ...] | None"
"""A value as shown: text, a link, a list of cells, or nothing (an empty cell)."""


@dataclass(frozen=True)
class Summary:
    """What a result is and when: shared by every kind of result."""

    today: dt.date
    relative_dates: bool = False
    """The query used a date relative to `today`; the page should say so."""
    total: int = 0
    """How many tasks, rows or items matched, before any limit."""
    cut: int = 0
    """How many of them are left out because of MAX_ROWS."""


@dataclass(frozen=True)
class TaskGroup:
    headings: tuple[Cell, ...]
    """One heading per `group by` level; empty for ungrouped results."""
    tasks: tuple[QueryTask, ...]


@dataclass(frozen=True)
class TaskResult:
    """Tasks to show as a task list (a Tasks query, or a Dataview TASK query)."""

    groups: tuple[TaskGroup, ...]
    summary: Summary
    fields: tuple[str, ...] = ("priority", "recurrence", "start", "scheduled", "due", "done")
    """Task fields shown after the description, in the order given; the names are "id",
    "depends on", "priority", "recurrence", "on completion", "created", "start",
    "scheduled", "due", "cancelled" and "done" (Tasks' own order)."""
    short_mode: bool = False
    """Show the fields' signs only, not their values."""
    show_tags: bool = True
    show_backlink: bool = True
    show_urgency: bool = False
    show_task_count: bool = True
    show_group_count: bool = False
    urgency: tuple[tuple[str, int, float], ...] = ()
    """(path, line, urgency) of the tasks shown, when `show_urgency`."""
    explanation: str | None = None
    """The text of an `explain` instruction."""


@dataclass(frozen=True)
class TableGroup:
    heading: Cell
    """The group's key; None for an ungrouped table."""
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class TableResult:
    """A table (Dataview TABLE, a Bases table view) or cards (a Bases cards view)."""

    headers: tuple[str, ...]
    groups: tuple[TableGroup, ...]
    summary: Summary
    layout: Literal["table", "cards"] = "table"
    name: str | None = None
    """The Bases view's name."""
    summaries: tuple[Cell, ...] | None = None
    """A Bases view's summary row (one cell per column), if it has one."""


@dataclass(frozen=True)
class ListItem:
    value: Cell
    children: tuple[ListItem, ...] = ()
    detail: Cell = None
    """Shown after the value, as `value: detail` (Dataview's `LIST expression`)."""


@dataclass(frozen=True)
class ListResult:
    """A bulleted list (Dataview LIST)."""

    items: tuple[ListItem, ...]
    summary: Summary


QueryResult: TypeAlias = "TaskResult | TableResult | ListResult"
