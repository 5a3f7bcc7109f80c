"""Queries in notes, run at build time: Obsidian Tasks, Dataview (DQL) and Obsidian Bases.

Each engine is a pure function of a query's text and a QueryVault (build.py makes one from
the plugin's model, published notes only) to a plain result (results.py), which render.py
turns into HTML with the plugin's own URLs. Anything that cannot be parsed or run raises
QueryError, with the line and column in the query's text. DataviewJS is never run.
"""

from __future__ import annotations

from typing import Literal

from .bases import base_views, bases_query
from .build import query_vault
from .data import QueryFile, QueryTask, QueryVault
from .dataview import dataview_query
from .errors import QueryError
from .render import render_result
from .results import (
    MAX_ROWS,
    CellLink,
    ListItem,
    ListResult,
    QueryResult,
    Summary,
    TableGroup,
    TableResult,
    TaskGroup,
    TaskResult,
)
from .tasks_query import tasks_query

Language = Literal["tasks", "dataview", "base"]


def run_query(
    language: Language, text: str, vault: QueryVault, note_path: str | None = None,
    view: str | None = None,
) -> QueryResult:  # fmt: skip
    """Run a ```` ```tasks ````, ```` ```dataview ```` or ```` ```base ```` block (or a
    `.base` file) found in the note at `note_path`; `view` names a base's view."""
    if language == "tasks":
        return tasks_query(text, vault, note_path)
    if language == "dataview":
        return dataview_query(text, vault, note_path)
    return bases_query(text, vault, view, note_path)


__all__ = [
    "MAX_ROWS",
    "CellLink",
    "Language",
    "ListItem",
    "ListResult",
    "QueryError",
    "QueryFile",
    "QueryResult",
    "QueryTask",
    "QueryVault",
    "Summary",
    "TableGroup",
    "TableResult",
    "TaskGroup",
    "TaskResult",
    "base_views",
    "bases_query",
    "dataview_query",
    "query_vault",
    "render_result",
    "run_query",
    "tasks_query",
]
