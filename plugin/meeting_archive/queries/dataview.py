"""Dataview's query language (DQL: ```` ```dataview ```` blocks): LIST, TABLE and TASK.

The query is parsed with grammars/dataview.lark and compiled into closures once; it then
runs as Dataview runs it: FROM picks pages through the vault's lookups (folder, tag,
links), the data commands (WHERE, SORT, GROUP BY, FLATTEN, LIMIT) apply in the order
written, and the header decides what is shown. Pages are read as Dataview reads them
(frontmatter and inline fields, typed; `file.*`), once per vault. DataviewJS is never run:
the caller does not pass it here.

Cost: O(pages picked × size of the query), the result capped at MAX_ROWS. Touches nothing
but its grammar (package data) and `vault.memo`, where the page rows are kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .data import QueryFile, QueryTask, QueryVault, link_key, tag_key
from .dataview_functions import FUNCTIONS, Env, call_function, shorthand_dates
from .dataview_values import (
    Duration,
    Lambda,
    Link,
    Value,
    binary,
    compare,
    from_inline,
    from_yaml,
    inner_link,
    read_date,
    read_duration,
    to_string,
    truthy,
    type_of,
)
from .errors import QueryError, position_of
from .inline_fields import canonical_key
from .results import (
    MAX_ROWS,
    Cell,
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

Compiled = Callable[["Scope"], Value]
_RELATIVE_DATES = frozenset(shorthand_dates(dt.date(2000, 1, 1)))


@functools.cache
def _parser() -> Lark:
    text = resources.files(__package__).joinpath("grammars/dataview.lark").read_text()
    return Lark(text, parser="lalr", lexer="contextual", propagate_positions=True)


# -- rows -------------------------------------------------------------------------------------


class TaskRow(dict[str, Any]):
    """A TASK query's row: the task's fields over its page's, and the task itself."""

    def __init__(self, data: Mapping[str, Any], task: QueryTask) -> None:
        super().__init__(data)
        self.task = task


def _derive(row: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `row` with `changes`, a task row staying one."""
    data = {**row, **changes}
    return TaskRow(data, row.task) if isinstance(row, TaskRow) else data


@dataclass
class Runtime:
    """What a running query reads: the vault, the page rows (built once per vault), today."""

    vault: QueryVault
    this_path: str | None
    env: Env = field(init=False)

    def __post_init__(self) -> None:
        self.env = Env(self.vault.today, self._resolve, self._day_of)

    def _resolve(self, target: str) -> str | None:
        found = self.vault.resolve(target)
        return found.path if found else None

    def _day_of(self, path: str) -> dt.datetime | None:
        row = self.page_row(path)
        day = row.get("file", {}).get("day") if row else None
        return day if isinstance(day, dt.datetime) else None

    def page_row(self, path: str) -> Mapping[str, Any] | None:
        rows: dict[str, Mapping[str, Any]] = self.vault.memo.setdefault("dataview", {})
        if path not in rows:
            file = self.vault.by_path.get(path)
            if file is None:
                return None
            rows[path] = _page_row(file, self._resolve)
        return rows[path]

    @property
    def this_row(self) -> Mapping[str, Any] | None:
        return self.page_row(self.this_path) if self.this_path else None


def _page_row(file: QueryFile, resolve: Callable[[str], str | None]) -> dict[str, Any]:
    """A page as Dataview reads it: frontmatter (keys as written and simplified), inline
    fields, and `file`."""
    row: dict[str, Any] = {}
    for key, value in file.frontmatter.items():
        row[str(key)] = from_yaml(value, resolve)
        row.setdefault(canonical_key(str(key)), row[str(key)])
    for key, raw in file.inline_fields.items():
        values = [from_inline(v, resolve) for v in raw]
        found: Value = values[0] if len(values) == 1 else values
        if key in row:
            old = row[key] if isinstance(row[key], list) else [row[key]]
            found = old + (found if isinstance(found, list) else [found])
        row[key] = found
    row["file"] = _file_object(file, resolve)
    return row


def _link(path: str, subpath: str | None = None, kind: str = "file") -> Link:
    return Link(path, None, subpath, kind, False, True)


def _file_object(file: QueryFile, resolve: Callable[[str], str | None]) -> dict[str, Any]:
    day = dt.datetime(file.day.year, file.day.month, file.day.day) if file.day else None
    tags: dict[str, None] = {}
    for tag in file.tags:
        parts = tag.lstrip("#").split("/")
        for depth in range(1, len(parts) + 1):
            tags["#" + "/".join(parts[:depth])] = None
    tasks = [_task_object(t, resolve) for t in file.tasks]
    return {
        "name": file.name,
        "folder": file.folder,
        "path": file.path,
        "ext": file.ext,
        "link": _link(file.path),
        "size": file.size,
        "ctime": file.ctime,
        "cday": _midnight(file.ctime),
        "mtime": file.mtime,
        "mday": _midnight(file.mtime),
        "tags": list(tags),
        "etags": list(file.tags),
        "inlinks": [_link(p) for p in file.inlinks],
        "outlinks": [_link(p) for p in file.outlinks],
        "aliases": list(file.aliases),
        "tasks": tasks,
        "lists": tasks,
        "frontmatter": dict(file.frontmatter),
        "day": day,
        "starred": False,
    }


def _midnight(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) if moment else None


_SHORTHANDS = {
    "created": re.compile(r"\u2795\s*(\d{4}-\d{2}-\d{2})"),
    "due": re.compile(r"[\U0001F4C5\U0001F4C6\U0001F5D3\uFE0F]\s*(\d{4}-\d{2}-\d{2})"),
    "completion": re.compile(r"\u2705\s*(\d{4}-\d{2}-\d{2})"),
    "scheduled": re.compile(r"[\u23F3\u231B]\s*(\d{4}-\d{2}-\d{2})"),
    "start": re.compile(r"\U0001F6EB\s*(\d{4}-\d{2}-\d{2})"),
}
"""Dataview reads a task's emoji dates anywhere in its line (Tasks, only at its end)."""


def _shorthand_dates(line: str) -> dict[str, dt.datetime | None]:
    found: dict[str, dt.datetime | None] = {}
    for name, pattern in _SHORTHANDS.items():
        match = pattern.search(line)
        found[name] = read_date(match.group(1)) if match else None
    return found


def _task_object(task: QueryTask, resolve: Callable[[str], str | None]) -> dict[str, Any]:

    marker = task.original_markdown.split("]", 1)
    section = _link(task.path, task.heading, "header") if task.heading else _link(task.path)
    data: dict[str, Any] = {
        "text": marker[1].strip() if len(marker) > 1 else task.description,
        "status": task.status_symbol,
        "checked": task.status_symbol != " ",
        "completed": task.status_symbol in "xX",
        "fullyCompleted": task.status_symbol in "xX",
        "line": task.line - 1,
        "lineCount": 1,
        "path": task.path,
        "section": section,
        "link": _link(task.path, task.block_id, "block") if task.block_id else section,
        "tags": list(task.tags),
        "task": True,
        "annotated": bool(task.fields),
        "parent": task.parent_line - 1 if task.parent_line else None,
        "blockId": task.block_id,
        **_shorthand_dates(task.original_markdown),
        "children": [],
    }
    for key, raw in task.fields:
        data[key] = from_inline(raw, resolve)
    return data


# -- expressions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    row: Mapping[str, Any]
    runtime: Runtime
    names: Mapping[str, Value] = field(default_factory=dict)
    """Lambda parameters in scope."""


@dataclass
class Compiler:
    """Lark trees → closures; notes whether the query reads a relative date."""

    text: str
    relative: bool = False

    def expr(self, node: Tree[Token] | Token) -> Compiled:
        if isinstance(node, Token):
            raise QueryError(f"unexpected '{node}'", node.line, node.column)
        handler = getattr(self, f"_{node.data}", None)
        if handler is None:
            raise QueryError(f"cannot evaluate {node.data}", *_where(node))
        compiled: Compiled = handler(node)
        return compiled

    def source_text(self, node: Tree[Token] | Token) -> str:
        if isinstance(node, Token):
            return str(node)
        start, end = node.meta.start_pos, node.meta.end_pos
        return " ".join(self.text[start:end].split())

    # literals

    def _number(self, node: Tree[Token]) -> Compiled:
        text = str(node.children[0])
        value: Value = float(text) if "." in text else int(text)
        return lambda scope: value

    def _string(self, node: Tree[Token]) -> Compiled:
        value = unquote(str(node.children[0]))
        return lambda scope: value

    def _true(self, node: Tree[Token]) -> Compiled:
        return lambda scope: True

    def _false(self, node: Tree[Token]) -> Compiled:
        return lambda scope: False

    def _null(self, node: Tree[Token]) -> Compiled:
        return lambda scope: None

    def _link(self, node: Tree[Token]) -> Compiled:
        text = str(node.children[0])
        embed = text.startswith("!")
        inner = text.lstrip("!")[2:-2]
        return lambda scope: _link_literal(inner, embed, scope)

    def _date(self, node: Tree[Token]) -> Compiled:
        inside = str(node.children[0])[5:-1].strip()
        if inside.lower() in _RELATIVE_DATES:
            self.relative = True
            name = inside.lower()
            return lambda scope: shorthand_dates(scope.runtime.vault.today)[name]
        value = read_date(inside)
        if value is None:
            raise QueryError(f"not a date: '{inside}'", *_where(node))
        return lambda scope: value

    def _duration(self, node: Tree[Token]) -> Compiled:
        inside = str(node.children[0])[4:-1].strip()
        value = read_duration(inside)
        if value is None:
            raise QueryError(f"not a duration: '{inside}'", *_where(node))
        return lambda scope: value

    def _list_literal(self, node: Tree[Token]) -> Compiled:
        items = [self.expr(c) for c in node.children if c is not None]
        return lambda scope: [item(scope) for item in items]

    def _object_literal(self, node: Tree[Token]) -> Compiled:
        pairs = []
        for pair in node.children:
            if isinstance(pair, Tree):
                key = pair.children[0]
                name = unquote(str(key)) if key.type == "STRING" else str(key)  # type: ignore[union-attr]
                pairs.append((name, self.expr(pair.children[1])))
        return lambda scope: {name: value(scope) for name, value in pairs}

    def _lambda(self, node: Tree[Token]) -> Compiled:
        head = str(node.children[0])
        parameters = tuple(
            p.strip() for p in head[head.index("(") + 1 : head.rindex(")")].split(",") if p.strip()
        )
        body = self.expr(node.children[1])

        def make(scope: Scope) -> Value:
            def call(args: list[Value]) -> Value:
                names = {**scope.names, **dict(zip(parameters, args, strict=False))}
                return body(Scope(scope.row, scope.runtime, names))

            return Lambda(parameters, call)

        return make

    # references

    def _variable(self, node: Tree[Token]) -> Compiled:
        name = str(node.children[0])
        return lambda scope: _lookup(scope, name)

    def _dot(self, node: Tree[Token]) -> Compiled:
        target = self.expr(node.children[0])
        key = str(node.children[1])
        return lambda scope: index(target(scope), key, scope.runtime)

    def _index(self, node: Tree[Token]) -> Compiled:
        target, key = self.expr(node.children[0]), self.expr(node.children[1])
        return lambda scope: index(target(scope), key(scope), scope.runtime)

    def _call(self, node: Tree[Token]) -> Compiled:
        function = node.children[0]
        args = [self.expr(c) for c in node.children[1:] if c is not None]
        where = _where(node)
        if isinstance(function, Tree) and function.data == "variable":
            name = str(function.children[0])
            if name.lower() == "date" and len(node.children) == 2:
                self._note_relative_date(node.children[1])
            if name.lower() in FUNCTIONS:
                return lambda scope: _builtin(scope, name, [a(scope) for a in args], where)
            return lambda scope: _call_named(scope, name, [a(scope) for a in args], where)
        target = self.expr(function)
        return lambda scope: _call_value(target(scope), [a(scope) for a in args], where)

    def _note_relative_date(self, argument: Tree[Token] | Token | None) -> None:
        if (
            isinstance(argument, Tree)
            and argument.data == "string"
            and unquote(str(argument.children[0])).strip().lower() in _RELATIVE_DATES
        ):
            self.relative = True

    # operators

    def _binary(self, node: Tree[Token]) -> Compiled:
        left, right = self.expr(node.children[0]), self.expr(node.children[2])
        operator = str(node.children[1]).lower()
        operator = {"and": "&", "or": "|"}.get(operator, operator)
        where = _where(node)

        def apply(scope: Scope) -> Value:
            try:
                return binary(operator, left(scope), right(scope))
            except QueryError as error:
                raise error.at(*where) from None

        return apply

    def _negate(self, node: Tree[Token]) -> Compiled:
        inner = self.expr(node.children[0])
        return lambda scope: not truthy(inner(scope))

    def _minus(self, node: Tree[Token]) -> Compiled:
        inner = self.expr(node.children[0])
        where = _where(node)

        def apply(scope: Scope) -> Value:
            value = inner(scope)
            if value is None:
                return None
            if isinstance(value, Duration):
                return value.times(-1)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise QueryError(f"cannot negate a {type_of(value)}", *where)
            return -value

        return apply


def _where(node: Tree[Token]) -> tuple[int, int]:
    meta = node.meta
    return (getattr(meta, "line", 1), getattr(meta, "column", 1))


def unquote(text: str) -> str:
    """A DQL string literal's value: `\\"` and `\\\\` unescaped, other escapes kept."""
    body = text[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            out.append(following if following in '"\\' else char + following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _link_literal(inner: str, embed: bool, scope: Scope) -> Link:
    if inner.strip() in ("", "#") and scope.runtime.this_path:
        return _link(scope.runtime.this_path)
    return inner_link(inner, scope.runtime.env.resolve, embed)


def _lookup(scope: Scope, name: str) -> Value:
    if name in scope.names:
        return scope.names[name]
    if name == "this":
        return scope.runtime.this_row
    if name == "row":
        return dict(scope.row)
    return scope.row.get(name)


def _builtin(scope: Scope, name: str, args: list[Value], where: tuple[int, int]) -> Value:
    try:
        return call_function(name, args, scope.runtime.env)
    except QueryError as error:
        raise error.at(*where) from None
    except (ValueError, OverflowError, TypeError, RecursionError) as error:
        raise QueryError(f"{name}(): {error}", *where) from None


def _call_named(scope: Scope, name: str, args: list[Value], where: tuple[int, int]) -> Value:
    function = _lookup(scope, name)
    if isinstance(function, Lambda):
        return function.call(args)
    raise QueryError(f"No function named '{name}'", *where)


def _call_value(function: Value, args: list[Value], where: tuple[int, int]) -> Value:
    if isinstance(function, Lambda):
        return function.call(args)
    raise QueryError(f"cannot call a {type_of(function)}", *where)


_DATE_PARTS: dict[str, Callable[[dt.datetime], int]] = {
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "hour": lambda d: d.hour,
    "minute": lambda d: d.minute,
    "second": lambda d: d.second,
    "millisecond": lambda d: d.microsecond // 1000,
    "week": lambda d: d.isocalendar()[1],
    "weekyear": lambda d: d.isocalendar()[0],
    "weekday": lambda d: d.isoweekday(),
}
_DURATION_PARTS: dict[str, Callable[[Duration], float]] = {
    "years": lambda s: s.months // 12,
    "months": lambda s: s.months % 12,
    "weeks": lambda s: s.seconds // (7 * 86_400),
    "days": lambda s: s.seconds % (7 * 86_400) // 86_400,
    "hours": lambda s: s.seconds % 86_400 // 3_600,
    "minutes": lambda s: s.seconds % 3_600 // 60,
    "seconds": lambda s: s.seconds % 60,
}


def index(value: Value, key: Value, runtime: Runtime) -> Value:
    """`value.key` / `value[key]` as Dataview reads it (a list swizzles: `rows.file.link`)."""
    if value is None:
        return None
    if isinstance(value, list):
        if isinstance(key, int | float) and not isinstance(key, bool):
            position = int(key)
            return value[position] if -len(value) <= position < len(value) else None
        return [index(item, key, runtime) for item in value]
    if not isinstance(key, str):
        return None
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, Link):
        row = runtime.page_row(value.path) if value.resolved else None
        return row.get(key) if row else None
    if isinstance(value, dt.datetime) and key in _DATE_PARTS:
        return _DATE_PARTS[key](value)
    if isinstance(value, Duration) and key in _DURATION_PARTS:
        return _DURATION_PARTS[key](value)
    return None


# -- sources ----------------------------------------------------------------------------------

Paths = dict[str, None]
"""Vault paths, in vault order (a dict keeps insertion order)."""


def _source(node: Tree[Token] | Token, compiler: Compiler) -> Callable[[Runtime], Paths]:
    if isinstance(node, Token):
        raise QueryError(f"unexpected '{node}' in FROM", node.line, node.column)
    kind = str(node.data)
    token = next((c for c in node.children if isinstance(c, Token)), None)
    if kind == "tag_source":
        key = tag_key(str(token))
        return lambda rt: _paths(rt.vault.by_tag.get(key, ()))
    if kind == "folder_source":
        return functools.partial(_folder, unquote(str(token)))
    if kind in ("link_source", "outgoing_source"):
        target = str(node.children[-1])[2:-2]
        incoming = kind == "link_source"
        return lambda rt: _linked(rt, target, incoming)
    if kind == "negated_source":
        inner = _source(node.children[-1], compiler)
        return lambda rt: {f.path: None for f in rt.vault.files if f.path not in inner(rt)}
    if kind == "source_op":
        left, right = _source(node.children[0], compiler), _source(node.children[2], compiler)
        both = str(node.children[1]).lower() in ("and", "&")
        return lambda rt: _combine(rt, left(rt), right(rt), both)
    if kind == "csv_source":
        raise QueryError(
            "csv() sources are not supported: CSV files are not read as data", *_where(node)
        )
    raise QueryError(f"cannot read the source {kind}", *_where(node))


def _paths(files: Iterable[QueryFile]) -> Paths:
    return {f.path: None for f in files}


def _folder(folder: str, runtime: Runtime) -> Paths:
    key = folder.strip().strip("/").casefold()
    if not key:
        return _paths(runtime.vault.files)
    found = runtime.vault.in_folder.get(key)
    if found:
        return _paths(found)
    file = runtime.vault.by_link_key.get(link_key(folder), ())
    exact = [f for f in file if link_key(f.path) == link_key(folder)]
    return _paths(exact)


def _linked(runtime: Runtime, inner: str, incoming: bool) -> Paths:
    target = inner.split("|", 1)[0].split("#", 1)[0]
    path = runtime.this_path if not target.strip() else runtime.env.resolve(target)
    file = runtime.vault.by_path.get(path) if path else None
    if file is None:
        return {}
    return dict.fromkeys(file.inlinks if incoming else file.outlinks)


def _combine(runtime: Runtime, left: Paths, right: Paths, both: bool) -> Paths:
    if both:
        return {p: None for p in left if p in right}
    return {f.path: None for f in runtime.vault.files if f.path in left or f.path in right}


# -- the query --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    value: Compiled


@dataclass(frozen=True)
class Command:
    kind: str
    """"where", "sort", "group_by", "flatten" or "limit"."""
    values: tuple[Compiled, ...] = ()
    descending: tuple[bool, ...] = ()
    name: str = ""
    where: tuple[int, int] = (1, 1)


@dataclass
class DataviewQuery:
    """A parsed DQL query."""

    kind: str
    """"table", "list" or "task"."""
    show_id: bool = True
    fields: list[Field] = field(default_factory=list)
    source: Callable[[Runtime], Paths] | None = None
    commands: list[Command] = field(default_factory=list)
    relative_dates: bool = False


def parse_dataview(text: str) -> DataviewQuery:
    """Parse a DQL query; QueryError (with line and column) if it cannot be."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise QueryError(_syntax_message(error, text), *_error_position(error, text)) from None
    except (LarkError, RecursionError) as error:
        raise QueryError(f"Dataview could not parse the query: {error}") from None
    compiler = Compiler(text)
    header = tree.children[0]
    assert isinstance(header, Tree)
    query = _header(header, compiler)
    for position, node in enumerate(tree.children[1:]):
        if isinstance(node, Tree):
            _command(query, node, compiler, position == 0)
    query.relative_dates = compiler.relative
    return query


def _error_position(error: UnexpectedInput, text: str) -> tuple[int, int]:
    """Where a syntax error is; a query that ends too early, just after its end."""
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return position_of(text, len(text.rstrip()))
    return error.line, error.column


def _syntax_message(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedCharacters):
        found = (
            text[error.pos_in_stream : error.pos_in_stream + 1]
            if error.pos_in_stream is not None
            else "?"
        )
        return f"Dataview could not parse the query: unexpected '{found}'"
    if isinstance(error, UnexpectedToken):
        if error.token.type == "$END":
            return "Dataview could not parse the query: it ends too early"
        return f"Dataview could not parse the query: unexpected '{error.token}'"
    return "Dataview could not parse the query"


def _header(node: Tree[Token], compiler: Compiler) -> DataviewQuery:
    kind = str(node.data)
    if kind == "calendar":
        raise QueryError(
            "CALENDAR queries are not supported: a calendar view is not rendered", *_where(node)
        )
    query = DataviewQuery(kind)
    query.show_id = not any(isinstance(c, Tree) and c.data == "without_id" for c in node.children)
    expressions = [c for c in node.children[1:] if isinstance(c, Tree) and c.data != "without_id"]
    if kind == "table":
        query.fields = [_field(c, compiler) for c in expressions]
    elif kind == "list" and expressions:
        query.fields = [Field(compiler.source_text(expressions[0]), compiler.expr(expressions[0]))]
    return query


def _field(node: Tree[Token], compiler: Compiler) -> Field:
    value = compiler.expr(node.children[0])
    if (
        len(node.children) > 1
        and isinstance(node.children[-1], Token)
        and node.children[-1].type in ("IDENT", "STRING")
    ):
        name_token = node.children[-1]
        name = unquote(str(name_token)) if name_token.type == "STRING" else str(name_token)
    else:
        name = compiler.source_text(node.children[0])
    return Field(name, value)


def _command(query: DataviewQuery, node: Tree[Token], compiler: Compiler, first: bool) -> None:
    kind = str(node.data)
    where = _where(node)
    if kind == "from_clause":
        if not first or query.source is not None:
            raise QueryError("FROM must come right after TABLE, LIST or TASK, once", *where)
        query.source = _source(node.children[1], compiler)
        return
    if kind == "sort":
        fields = [c for c in node.children if isinstance(c, Tree)]
        values = tuple(compiler.expr(f.children[0]) for f in fields)
        descending = tuple(
            len(f.children) > 1 and str(f.children[1]).lower().startswith("desc") for f in fields
        )
        query.commands.append(Command("sort", values, descending, where=where))
        return
    if kind in ("group_by", "flatten"):
        named = _field(node.children[1], compiler)  # type: ignore[arg-type]
        query.commands.append(Command(kind, (named.value,), name=named.name, where=where))
        return
    query.commands.append(Command(kind, (compiler.expr(node.children[1]),), where=where))


# -- running ----------------------------------------------------------------------------------


@dataclass
class _Rows:
    rows: list[Mapping[str, Any]]
    group: str | None = None
    """The GROUP BY field's name, once rows are groups."""


def run_dataview(
    query: DataviewQuery, vault: QueryVault, this_path: str | None = None
) -> QueryResult:
    """Run a parsed DQL query on the vault, from the note at `this_path` (for `this`)."""
    runtime = Runtime(vault, this_path)
    paths = query.source(runtime) if query.source else _paths(vault.files)
    pages = [row for p in paths if (row := runtime.page_row(p)) is not None]
    if query.kind == "task":
        rows = _Rows([TaskRow({**page, **task}, t) for page, file in _with_files(pages, vault)
                      for t, task in zip(file.tasks, page["file"]["tasks"], strict=True)])  # fmt: skip
    else:
        rows = _Rows(list(pages))
    for command in query.commands:
        rows = _apply(command, rows, runtime)
    summary = Summary(vault.today, query.relative_dates, _count(rows), 0)
    if query.kind == "task":
        return _task_result(rows, summary)
    if query.kind == "list":
        return _list_result(query, rows, runtime, summary)
    return _table_result(query, rows, runtime, summary)


def dataview_query(text: str, vault: QueryVault, this_path: str | None = None) -> QueryResult:
    """Parse and run a DQL query held by the note at `this_path` (if known)."""
    return run_dataview(parse_dataview(text), vault, this_path)


def _with_files(
    pages: list[Mapping[str, Any]], vault: QueryVault
) -> Iterable[tuple[Mapping[str, Any], QueryFile]]:
    for page in pages:
        yield page, vault.by_path[page["file"]["path"]]


def _count(rows: _Rows) -> int:
    if rows.group is None:
        return len(rows.rows)
    return sum(len(r["rows"]) for r in rows.rows)


def _evaluate(
    value: Compiled, row: Mapping[str, Any], runtime: Runtime, where: tuple[int, int]
) -> Value:
    try:
        return value(Scope(row, runtime))
    except QueryError as error:
        raise error.at(*where) from None
    except RecursionError:
        raise QueryError("the expression nests too deeply", *where) from None


def _apply(command: Command, rows: _Rows, runtime: Runtime) -> _Rows:
    evaluate = functools.partial(_evaluate, runtime=runtime, where=command.where)
    if command.kind == "where":
        return _Rows([r for r in rows.rows if truthy(evaluate(command.values[0], r))], rows.group)
    if command.kind == "sort":
        keyed: list[tuple[list[Value], Mapping[str, Any]]] = [
            ([evaluate(v, r) for v in command.values], r) for r in rows.rows
        ]
        order = functools.partial(_compare_rows, descending=command.descending)
        keyed.sort(key=functools.cmp_to_key(order))
        return _Rows([r for _, r in keyed], rows.group)
    if command.kind == "limit":
        amount = evaluate(command.values[0], {})
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise QueryError(f"LIMIT needs a number, not a {type_of(amount)}", *command.where)
        return _Rows(rows.rows[: max(0, int(amount))], rows.group)
    if command.kind == "flatten":
        out: list[Mapping[str, Any]] = []
        for row in rows.rows:
            value = evaluate(command.values[0], row)
            for item in value if isinstance(value, list) else [value]:
                out.append(_derive(row, **{command.name: item}))
        return _Rows(out, rows.group)
    return _group(command, rows, evaluate)


def _compare_rows(
    left: tuple[list[Value], Mapping[str, Any]],
    right: tuple[list[Value], Mapping[str, Any]],
    descending: Sequence[bool],
) -> int:
    return _compare_keys(left[0], right[0], descending)


def _compare_keys(left: list[Value], right: list[Value], descending: Sequence[bool]) -> int:
    for a, b, down in zip(left, right, descending, strict=True):
        found = compare(a, b)
        if found:
            return -found if down else found
    return 0


def _group(
    command: Command, rows: _Rows, evaluate: Callable[[Compiled, Mapping[str, Any]], Value]
) -> _Rows:
    found: dict[Any, tuple[Value, list[Mapping[str, Any]]]] = {}
    for row in rows.rows:
        key = evaluate(command.values[0], row)
        found.setdefault(group_key(key), (key, []))[1].append(row)
    groups = list(found.values())
    groups.sort(key=functools.cmp_to_key(_compare_groups))
    return _Rows([{command.name: k, "key": k, "rows": m} for k, m in groups], command.name)


def _compare_groups(
    left: tuple[Value, list[Mapping[str, Any]]], right: tuple[Value, list[Mapping[str, Any]]]
) -> int:
    return compare(left[0], right[0])


def group_key(value: Value) -> Any:
    """A hashable stand-in for a value: two values compare equal iff their keys are equal,
    so grouping is one dictionary pass, not a comparison of every pair."""
    kind = type_of(value)
    if kind == "number":
        return (kind, float(value))
    if kind == "duration":
        return (kind, value.approximate_seconds())
    if kind == "link":
        return (
            kind,
            value.path.casefold(),
            value.kind,
            bool(value.subpath),
            (value.subpath or "").casefold(),
        )
    if kind == "array":
        return (kind, tuple(group_key(v) for v in value))
    if kind == "object":
        return (kind, tuple(sorted((k, group_key(v)) for k, v in value.items())))
    if kind in ("null", "function"):
        return (kind,)
    return (kind, value)


# -- output -----------------------------------------------------------------------------------


def cell(value: Value) -> Cell:
    """A value as a cell: links stay links (if to a published note), lists stay lists."""
    if isinstance(value, Link):
        if not value.resolved:
            return value.display or value.path
        anchor = f"^{value.subpath}" if value.kind == "block" and value.subpath else value.subpath
        return CellLink(value.path, anchor, value.display)
    if isinstance(value, list):
        return tuple(cell(v) for v in value)
    return to_string(value)


def _row_id(row: Mapping[str, Any]) -> Cell:
    file = row.get("file")
    if isinstance(file, Mapping) and isinstance(file.get("path"), str):
        return CellLink(file["path"])
    return "-"


def _table_result(
    query: DataviewQuery, rows: _Rows, runtime: Runtime, summary: Summary
) -> TableResult:
    headers = ([rows.group or "File"] if query.show_id else []) + [f.name for f in query.fields]
    out: list[tuple[Cell, ...]] = []
    for row in rows.rows[:MAX_ROWS]:
        values = [cell(_evaluate(f.value, row, runtime, (1, 1))) for f in query.fields]
        identity = cell(row["key"]) if rows.group is not None else _row_id(row)
        out.append(tuple(([identity] if query.show_id else []) + values))
    cut = max(0, len(rows.rows) - MAX_ROWS)
    return TableResult(tuple(headers), (TableGroup(None, tuple(out)),), _cut(summary, cut))


def _cut(summary: Summary, cut: int) -> Summary:
    return Summary(summary.today, summary.relative_dates, summary.total, cut)


def _list_item(query: DataviewQuery, row: Mapping[str, Any], runtime: Runtime) -> ListItem:
    detail = cell(_evaluate(query.fields[0].value, row, runtime, (1, 1))) if query.fields else None
    if not query.show_id:
        return ListItem(detail if query.fields else _row_id(row))
    return ListItem(_row_id(row), detail=detail)


def _list_result(
    query: DataviewQuery, rows: _Rows, runtime: Runtime, summary: Summary
) -> ListResult:
    items: list[ListItem] = []
    room = MAX_ROWS
    for row in rows.rows:
        if room <= 0:
            break
        if rows.group is None:
            items.append(_list_item(query, row, runtime))
            room -= 1
            continue
        members = row["rows"][:room]
        items.append(
            ListItem(cell(row["key"]), tuple(_list_item(query, m, runtime) for m in members))
        )
        room -= len(members)
    shown = sum(max(1, len(i.children)) if rows.group else 1 for i in items)
    return ListResult(tuple(items), _cut(summary, max(0, summary.total - shown)))


def _task_result(rows: _Rows, summary: Summary) -> TaskResult:
    groups: list[tuple[Cell, list[QueryTask]]] = []
    if rows.group is not None:
        for row in rows.rows:
            groups.append(
                (cell(row["key"]), [r.task for r in row["rows"] if isinstance(r, TaskRow)])
            )
    else:
        by_file: dict[str, list[QueryTask]] = {}
        for row in rows.rows:
            if isinstance(row, TaskRow):
                by_file.setdefault(row.task.path, []).append(row.task)
        groups = [(CellLink(path), tasks) for path, tasks in by_file.items()]
    kept: list[TaskGroup] = []
    room = MAX_ROWS
    for heading, tasks in groups:
        if room > 0 and tasks:
            kept.append(TaskGroup((heading,), tuple(tasks[:room])))
            room -= len(tasks[:room])
    shown = sum(len(g.tasks) for g in kept)
    return TaskResult(
        tuple(kept), _cut(summary, max(0, summary.total - shown)), show_backlink=False
    )


__all__ = ["DataviewQuery", "dataview_query", "parse_dataview", "run_dataview"]
