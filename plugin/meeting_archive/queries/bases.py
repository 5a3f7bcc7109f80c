"""Obsidian Bases (`.base` files, ```` ```base ```` blocks): a YAML file of filters,
formulas, property names and views, run over the published notes.

Follows the Bases docs in the Obsidian Help vault (Bases syntax, Views, Functions): global
`filters` and a view's `filters` are joined with AND, each a statement or an and/or/not
tree of statements; `formulas` are computed per note (once each; a circular one gives
null); `properties` give columns their display names; views of type `table`, `cards` and
`list` are shown with their `order`, `sort`, `groupBy`, `limit` and `summaries`. Other
view types (a map) are refused with a QueryError naming them.

Cost: O(notes × size of the base); the rows shown are capped at MAX_ROWS. Reads nothing
but the base's text (with PyYAML's safe loader) and the vault; writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .bases_expr import (
    Compiled,
    File,
    Runtime,
    Scope,
    compile_expression,
    equal,
    evaluate,
    formula_value,
    member,
    note_property,
    text_of,
    truthy,
)
from .data import QueryVault
from .dataview_values import Link
from .errors import QueryError
from .results import (
    MAX_ROWS,
    Cell,
    CellLink,
    ListItem,
    ListResult,
    Summary,
    TableGroup,
    TableResult,
)

_VIEW_TYPES = ("table", "cards", "list")
_FILE_LABELS = {
    "file.name": "file name",
    "file.basename": "file name",
    "file.path": "file path",
    "file.folder": "folder",
    "file.ext": "extension",
    "file.size": "size",
    "file.ctime": "created time",
    "file.mtime": "modified time",
    "file.tags": "tags",
    "file.links": "links",
    "file.backlinks": "backlinks",
}


@dataclass
class View:
    name: str
    kind: str
    filters: Compiled | None = None
    order: list[str] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    """(property, descending)."""
    group: tuple[str, bool] | None = None
    limit: int | None = None
    summaries: dict[str, str] = field(default_factory=dict)


@dataclass
class Base:
    """A parsed base."""

    runtime: Runtime
    filters: Compiled | None
    views: list[View]
    names: dict[str, str]
    """Property → display name."""
    summaries: dict[str, Compiled]


def parse_base(text: str, vault: QueryVault, this_path: str | None = None) -> Base:
    """Parse a base; QueryError with the line and column in `text` if it cannot be."""
    data = _yaml(text)
    runtime = Runtime(vault, this_path)
    where = _Locator(text)
    for name, formula in _mapping(data.get("formulas"), "formulas").items():
        runtime.formulas[str(name)] = where.compile(str(formula), runtime)
    names = {
        _property_id(str(key)): str(value["displayName"])
        for key, value in _mapping(data.get("properties"), "properties").items()
        if isinstance(value, Mapping) and value.get("displayName") is not None
    }
    summaries = {
        str(name): where.compile(str(formula), runtime)
        for name, formula in _mapping(data.get("summaries"), "summaries").items()
    }
    views = [
        _view(v, i, where, runtime) for i, v in enumerate(_sequence(data.get("views"), "views"))
    ]
    filters = _filters(data.get("filters"), where, runtime)
    return Base(
        runtime, filters, views or [View("Table", "table", order=["file.name"])], names, summaries
    )


def base_views(text: str) -> tuple[str, ...]:
    """The names of a base's views, in order (the first is the one an embed shows)."""
    views = _sequence(_yaml(text).get("views"), "views")
    return tuple(
        str(v.get("name") or f"View {i + 1}") for i, v in enumerate(views) if isinstance(v, Mapping)
    )


def _yaml(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise QueryError(f"the base is not valid YAML: {error.problem}", line, column) from None
    except yaml.YAMLError as error:
        raise QueryError(f"the base is not valid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise QueryError("a base is a YAML mapping (filters, formulas, properties, views)")
    return data


def _mapping(value: Any, what: str) -> dict[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise QueryError(f"'{what}' must be a mapping")
    return value


def _sequence(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise QueryError(f"'{what}' must be a list")
    return value


@dataclass
class _Locator:
    """Places an expression's errors in the base's text (the line the expression is on)."""

    text: str

    def compile(self, expression: str, runtime: Runtime) -> Compiled:
        try:
            return compile_expression(expression, runtime)
        except QueryError as error:
            found = self.text.find(expression)
            if found < 0:
                raise
            line = self.text.count("\n", 0, found) + 1
            column = found - (self.text.rfind("\n", 0, found) + 1) + 1
            if error.line > 1:
                line, column = line + error.line - 1, error.column
            else:
                column += error.column - 1
            raise QueryError(error.message, line, column) from None


def _filters(node: Any, where: _Locator, runtime: Runtime) -> Compiled | None:
    """A filter (a statement, or an `and`/`or`/`not` of filters) as one test."""
    if node is None:
        return None
    if isinstance(node, str | bool | int | float):
        statement = where.compile(
            str(node).lower() if isinstance(node, bool) else str(node), runtime
        )
        return lambda scope: truthy(evaluate(statement, scope))
    if isinstance(node, list):
        node = {"and": node}
    if not isinstance(node, dict) or len(node) != 1:
        raise QueryError(f"a filter is a statement or one of and/or/not, not {node!r}")
    ((operator, children),) = node.items()
    if operator not in ("and", "or", "not"):
        raise QueryError(f"unknown filter group '{operator}' (and, or, not)")
    tests = [t for c in _sequence(children, str(operator)) if (t := _filters(c, where, runtime))]
    if operator == "and":
        return lambda scope: all(t(scope) for t in tests)
    if operator == "or":
        return lambda scope: any(t(scope) for t in tests)
    return lambda scope: not any(t(scope) for t in tests)


def _view(node: Any, index: int, where: _Locator, runtime: Runtime) -> View:
    if not isinstance(node, Mapping):
        raise QueryError(f"view {index + 1} must be a mapping")
    kind = str(node.get("type", "table"))
    name = str(node.get("name") or f"View {index + 1}")
    if kind not in _VIEW_TYPES:
        raise QueryError(
            f"view '{name}': {kind} views are not supported (table, cards and list are)"
        )
    view = View(name, kind, _filters(node.get("filters"), where, runtime))
    view.order = [_property_id(str(p)) for p in _sequence(node.get("order"), "order")] or [
        "file.name"
    ]
    for item in _sequence(node.get("sort"), "sort"):
        if isinstance(item, Mapping) and item.get("property"):
            view.sort.append((_property_id(str(item["property"])), _descending(item)))
    group = node.get("groupBy")
    if isinstance(group, Mapping) and group.get("property"):
        view.group = (_property_id(str(group["property"])), _descending(group))
    if node.get("limit") is not None:
        if not isinstance(node["limit"], int) or isinstance(node["limit"], bool):
            raise QueryError(f"view '{name}': limit must be a number")
        view.limit = max(0, node["limit"])
    view.summaries = {
        _property_id(str(k)): str(v)
        for k, v in _mapping(node.get("summaries"), "summaries").items()
    }
    return view


def _descending(item: Mapping[str, Any]) -> bool:
    return str(item.get("direction", "ASC")).upper() == "DESC"


def _property_id(name: str) -> str:
    """`status` and `note.status` are the same property."""
    name = name.strip()
    return name[5:] if name.startswith("note.") else name


def property_of(scope: Scope, prop: str) -> Any:
    """The value of a property (`status`, `file.name`, `formula.x`) for the scope's note."""
    if prop.startswith("file."):
        return member(File(scope.file), prop[5:], scope)
    if prop.startswith("formula."):
        return formula_value(prop[8:], scope)
    return note_property(scope.file, prop, scope.runtime)


def _value(scope: Scope, prop: str) -> Any:
    """A property's value for the scope's note; null where it cannot be computed."""
    return evaluate(functools.partial(_property_in, prop), scope)


def _property_in(prop: str, scope: Scope) -> Any:
    return property_of(scope, prop)


# -- running ----------------------------------------------------------------------------------


def run_base(base: Base, view_name: str | None = None) -> TableResult | ListResult:
    """One view of a base (the first if `view_name` is None)."""
    view = _pick(base.views, view_name)
    runtime = base.runtime
    scopes = [Scope(f, runtime) for f in runtime.vault.files]
    tests = [t for t in (base.filters, view.filters) if t is not None]
    rows = [s for s in scopes if all(t(s) for t in tests)]
    rows = _sorted(rows, view.sort)
    total = len(rows)
    if view.limit is not None:
        rows = rows[: view.limit]
    cut = max(0, len(rows) - MAX_ROWS)
    rows = rows[:MAX_ROWS]
    if view.kind == "list":
        return _list(view, rows, runtime, total, cut)
    headers = tuple(base.names.get(p) or _label(p) for p in view.order)
    groups = _groups(view, rows)
    summary = _summary_row(base, view, rows)
    return TableResult(
        headers,
        tuple(
            TableGroup(heading, tuple(_row(view, r) for r in members))
            for heading, members in groups
        ),
        Summary(runtime.vault.today, runtime.relative, total, cut),
        layout="cards" if view.kind == "cards" else "table",
        name=view.name,
        summaries=summary,
    )


def bases_query(
    text: str, vault: QueryVault, view: str | None = None, this_path: str | None = None
) -> TableResult | ListResult:
    """Parse a base and show one view of it (`![[X.base#View]]` names the view), from the
    note at `this_path` (what `this` is)."""
    return run_base(parse_base(text, vault, this_path), view)


def _pick(views: list[View], name: str | None) -> View:
    if name is None:
        return views[0]
    for view in views:
        if view.name == name:
            return view
    for view in views:
        if view.name.casefold() == name.casefold():
            return view
    raise QueryError(f"the base has no view named '{name}'")


def _label(prop: str) -> str:
    if prop in _FILE_LABELS:
        return _FILE_LABELS[prop]
    return prop.split(".", 1)[1] if prop.startswith(("file.", "formula.")) else prop


def _sort_key(value: Any) -> tuple[int, Any]:
    """How Bases orders a column: empty last, numbers, dates, then text."""
    if value is None or value == "" or value == []:
        return (9, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (1, value) if not math.isnan(value) else (8, 0)
    if isinstance(value, dt.datetime):
        return (2, value)
    return (3, text_of(value).casefold())


def _sorted(rows: list[Scope], order: Sequence[tuple[str, bool]]) -> list[Scope]:
    for prop, descending in reversed(order):
        keyed = [(_sort_key(_value(r, prop)), r) for r in rows]
        empty = [r for k, r in keyed if k[0] == 9]
        full = [(k, r) for k, r in keyed if k[0] != 9]
        full.sort(key=lambda item: item[0], reverse=descending)
        rows = [r for _, r in full] + empty
    return rows


def _groups(view: View, rows: list[Scope]) -> list[tuple[Cell, list[Scope]]]:
    if view.group is None:
        return [(None, rows)]
    prop, descending = view.group
    found: dict[Any, tuple[Any, list[Scope]]] = {}
    for row in rows:
        value = _value(row, prop)
        found.setdefault(_group_key(value), (value, []))[1].append(row)
    ordered = sorted(found.values(), key=lambda item: _sort_key(item[0]), reverse=descending)
    return [(cell(value) if value is not None else None, members) for value, members in ordered]


def _group_key(value: Any) -> Any:
    if isinstance(value, File):
        return ("note", value.file.path)
    if isinstance(value, Link):
        return ("note", value.path) if value.resolved else ("text", value.path)
    if isinstance(value, list):
        return tuple(_group_key(v) for v in value)
    if isinstance(value, dict):
        return text_of(value)
    return (type(value).__name__, value)


def cell(value: Any) -> Cell:
    """A Bases value as a cell."""
    if value is None:
        return None
    if isinstance(value, File):
        return CellLink(value.file.path, None, value.file.name)
    if isinstance(value, Link):
        if value.resolved:
            anchor = (
                f"^{value.subpath}" if value.kind == "block" and value.subpath else value.subpath
            )
            return CellLink(value.path, anchor, value.display)
        return value.display or value.path
    if isinstance(value, list):
        return tuple(cell(v) for v in value)
    return text_of(value)


def _row(view: View, scope: Scope) -> tuple[Cell, ...]:
    values: list[Cell] = []
    for prop in view.order:
        if prop in ("file.name", "file.basename"):
            values.append(CellLink(scope.file.path, None, scope.file.name))
            continue
        values.append(cell(_value(scope, prop)))
    return tuple(values)


def _list(view: View, rows: list[Scope], runtime: Runtime, total: int, cut: int) -> ListResult:
    others = [p for p in view.order if p not in ("file.name", "file.basename")]
    items = []
    for scope in rows:
        details = tuple(c for p in others if (c := cell(_value(scope, p))))
        items.append(
            ListItem(CellLink(scope.file.path, None, scope.file.name), detail=details or None)
        )
    return ListResult(tuple(items), Summary(runtime.vault.today, runtime.relative, total, cut))


# -- summaries --------------------------------------------------------------------------------


def _numbers(values: list[Any]) -> list[float]:
    return [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _dates(values: list[Any]) -> list[dt.datetime]:
    return [v for v in values if isinstance(v, dt.datetime)]


def _range(values: list[Any]) -> Any:
    numbers, dates = _numbers(values), _dates(values)
    if numbers:
        return max(numbers) - min(numbers)
    if dates:
        return f"{(max(dates) - min(dates)).days} days"
    return None


_SUMMARIES: dict[str, Callable[[list[Any]], Any]] = {
    "average": lambda v: statistics.fmean(_numbers(v)) if _numbers(v) else None,
    "min": lambda v: min(_numbers(v)) if _numbers(v) else None,
    "max": lambda v: max(_numbers(v)) if _numbers(v) else None,
    "sum": lambda v: sum(_numbers(v)),
    "range": _range,
    "median": lambda v: statistics.median(_numbers(v)) if _numbers(v) else None,
    "stddev": lambda v: statistics.pstdev(_numbers(v)) if len(_numbers(v)) > 0 else None,
    "earliest": lambda v: min(_dates(v)) if _dates(v) else None,
    "latest": lambda v: max(_dates(v)) if _dates(v) else None,
    "checked": lambda v: sum(1 for x in v if x is True),
    "unchecked": lambda v: sum(1 for x in v if x is False),
    "empty": lambda v: sum(1 for x in v if x in (None, "", [])),
    "filled": lambda v: sum(1 for x in v if x not in (None, "", [])),
    "unique": lambda v: len({text_of(x) for x in v if x is not None}),
}


def _summary_row(base: Base, view: View, rows: list[Scope]) -> tuple[Cell, ...] | None:
    if not view.summaries:
        return None
    out: list[Cell] = []
    for prop in view.order:
        name = view.summaries.get(prop)
        if name is None:
            out.append(None)
            continue
        values = [_value(r, prop) for r in rows]
        out.append(_summarize(base, name, values, rows))
    return tuple(out)


def _summarize(base: Base, name: str, values: list[Any], rows: list[Scope]) -> Cell:
    if name in base.summaries:
        scope = rows[0].with_names(values=values) if rows else None
        found = evaluate(base.summaries[name], scope) if scope else None
    elif name.lower() in _SUMMARIES:
        try:
            found = _SUMMARIES[name.lower()](values)
        except (ValueError, TypeError, statistics.StatisticsError):
            found = None
    else:
        raise QueryError(f"unknown summary '{name}'")
    if isinstance(found, float) and not found.is_integer():
        found = round(found, 2)
    return cell(found)


__all__ = ["Base", "base_views", "bases_query", "cell", "equal", "parse_base", "run_base"]
