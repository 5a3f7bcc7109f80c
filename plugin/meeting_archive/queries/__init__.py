"""Queries in notes, run at build time: Obsidian Tasks, Dataview (DQL) and Obsidian Bases.

Each engine is a pure function of a query's text and a QueryVault (build.py makes one from
the plugin's model) to a plain result (results.py), which render.py turns into HTML with
the plugin's own URLs. Anything that cannot be parsed or run raises QueryError.
"""

from __future__ import annotations

from .bases import base_views, bases_query
from .build import query_vault
from .data import QueryFile, QueryTask, QueryVault
from .dataview import dataview_query
from .errors import QueryError
from .render import render_result
from .results import QueryResult
from .tasks_query import tasks_query

__all__ = [
    "QueryError",
    "QueryFile",
    "QueryResult",
    "QueryTask",
    "QueryVault",
    "base_views",
    "bases_query",
    "dataview_query",
    "query_vault",
    "render_result",
    "tasks_query",
]
