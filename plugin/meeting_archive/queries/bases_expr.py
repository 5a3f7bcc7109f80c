"""Obsidian Bases expressions (filter statements and formulas): parse once, run per note.

Parsed with grammars/bases.lark into closures; the values, operators and functions are the
ones the Bases docs define (Bases syntax, Functions), with JavaScript's behaviour where the
docs defer to it. An expression that fails on a note (a method of the wrong type, a
circular formula) gives null for that note, as a cell that shows nothing; only a query that
cannot be parsed, or names a function that does not exist, is an error. `now()` and
`today()` are the build date (at midnight): a static page has no other now. Touches
nothing but its grammar (package data).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .data import QueryFile, QueryVault, link_key, tag_key
from .dataview_values import Duration, Link, add_duration, format_number, inner_link, read_date
from .errors import QueryError, position_of
from .regex import compile_js, js_replacement

Value = Any
Compiled = Callable[["Scope"], Value]


class Failed(Exception):
    """An expression that cannot be evaluated for one note (it gives null there)."""


@dataclass(frozen=True)
class File:
    """A note as a Bases value (`file`, `this`, `file("path")`)."""

    file: QueryFile


@dataclass(frozen=True)
class Pattern:
    """A regular expression literal, `/abc/g`."""

    pattern: re.Pattern[str]
    every: bool


@dataclass
class Runtime:
    """One base's context: the vault, its formulas, the note that shows it (`this`)."""

    vault: QueryVault
    this_path: str | None = None
    formulas: dict[str, Compiled] = field(default_factory=dict)
    relative: bool = False

    def resolve(self, target: str) -> str | None:
        found = self.vault.resolve(target)
        return found.path if found else None


@dataclass
class Scope:
    file: QueryFile
    runtime: Runtime
    names: Mapping[str, Value] = field(default_factory=dict)
    """`value`, `index`, `acc` inside list methods; `values` in summaries."""
    memo: dict[str, Value] = field(default_factory=dict)
    """Formula values already computed for this note."""
    computing: set[str] = field(default_factory=set)

    def with_names(self, **names: Value) -> Scope:
        return Scope(self.file, self.runtime, {**self.names, **names}, self.memo, self.computing)


@functools.cache
def _parser() -> Lark:
    text = resources.files(__package__).joinpath("grammars/bases.lark").read_text()
    return Lark(text, parser="lalr", lexer="contextual", propagate_positions=True)


def compile_expression(text: str, runtime: Runtime) -> Compiled:
    """The closure of a Bases expression; QueryError (line, column within `text`) if it
    cannot be parsed or names an unknown function."""
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        where = (error.line, error.column)
        if isinstance(error, UnexpectedToken) and error.token.type == "$END":
            where = position_of(text, len(text.rstrip()))
        raise QueryError(_syntax_message(error, text), *where) from None
    except (LarkError, RecursionError) as error:
        raise QueryError(f"cannot parse '{text}': {error}") from None
    return _Compiler(runtime).expr(tree)


def _syntax_message(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return f"cannot parse '{text}': it ends too early"
    if isinstance(error, UnexpectedToken):
        return f"cannot parse '{text}': unexpected '{error.token}'"
    if isinstance(error, UnexpectedCharacters) and error.pos_in_stream is not None:
        return f"cannot parse '{text}': unexpected '{text[error.pos_in_stream]}'"
    return f"cannot parse '{text}'"


def evaluate(compiled: Compiled, scope: Scope) -> Value:
    """The value for one note; null if it cannot be computed there."""
    try:
        return compiled(scope)
    except (
        Failed,
        ValueError,
        TypeError,
        OverflowError,
        ZeroDivisionError,
        RecursionError,
        QueryError,
    ):
        return None


# -- compiling --------------------------------------------------------------------------------


@dataclass
class _Compiler:
    runtime: Runtime

    def expr(self, node: Tree[Token] | Token) -> Compiled:
        if isinstance(node, Token):
            raise QueryError(f"unexpected '{node}'", node.line, node.column)
        handler = getattr(self, f"_{node.data}")
        compiled: Compiled = handler(node)
        return compiled

    def _number(self, node: Tree[Token]) -> Compiled:
        text = str(node.children[0])
        value = float(text) if any(c in text for c in ".eE") else int(text)
        return lambda scope: value

    def _string(self, node: Tree[Token]) -> Compiled:
        value = _unquote(str(node.children[0]))
        return lambda scope: value

    def _true(self, node: Tree[Token]) -> Compiled:
        return lambda scope: True

    def _false(self, node: Tree[Token]) -> Compiled:
        return lambda scope: False

    def _null(self, node: Tree[Token]) -> Compiled:
        return lambda scope: None

    def _regex(self, node: Tree[Token]) -> Compiled:
        text = str(node.children[0])
        body, flags = text[1 : text.rindex("/")], text[text.rindex("/") + 1 :]
        value = Pattern(compile_js(body, flags), "g" in flags)
        return lambda scope: value

    def _name(self, node: Tree[Token]) -> Compiled:
        name = str(node.children[0])
        return lambda scope: _name(scope, name)

    def _list_literal(self, node: Tree[Token]) -> Compiled:
        items = self._arguments(node.children[0] if node.children else None)
        return lambda scope: [item(scope) for item in items]

    def _object_literal(self, node: Tree[Token]) -> Compiled:
        pairs = []
        for pair in node.children:
            if isinstance(pair, Tree):
                key = str(pair.children[0])
                name = _unquote(key) if key[:1] in "'\"" else key
                pairs.append((name, self.expr(pair.children[1])))
        return lambda scope: {name: value(scope) for name, value in pairs}

    def _arguments(self, node: Tree[Token] | Token | None) -> list[Compiled]:
        if node is None or isinstance(node, Token):
            return []
        return [self.expr(c) for c in node.children]

    def _member(self, node: Tree[Token]) -> Compiled:
        target, name = self.expr(node.children[0]), str(node.children[1])
        return lambda scope: member(target(scope), name, scope)

    def _index(self, node: Tree[Token]) -> Compiled:
        target, key = self.expr(node.children[0]), self.expr(node.children[1])
        return lambda scope: _index(target(scope), key(scope), scope)

    def _call(self, node: Tree[Token]) -> Compiled:
        name = str(node.children[0])
        args = self._arguments(node.children[1] if len(node.children) > 1 else None)
        function = GLOBALS.get(name)
        if function is None:
            raise QueryError(f"unknown function {name}()", *_where(node))
        if name in ("now", "today"):
            self.runtime.relative = True
        return lambda scope: function(args, scope)

    def _method(self, node: Tree[Token]) -> Compiled:
        target, name = self.expr(node.children[0]), str(node.children[1])
        args = self._arguments(node.children[2] if len(node.children) > 2 else None)
        if name not in METHOD_NAMES:
            raise QueryError(f"unknown function .{name}()", *_where(node))
        return lambda scope: call_method(target(scope), name, args, scope)

    def _not_(self, node: Tree[Token]) -> Compiled:
        inner = self.expr(node.children[0])
        return lambda scope: not truthy(inner(scope))

    def _negative(self, node: Tree[Token]) -> Compiled:
        inner = self.expr(node.children[0])
        return lambda scope: arithmetic("*", _number(inner(scope)), -1)

    def _and_(self, node: Tree[Token]) -> Compiled:
        left, right = self.expr(node.children[0]), self.expr(node.children[1])
        return lambda scope: truthy(left(scope)) and truthy(right(scope))

    def _or_(self, node: Tree[Token]) -> Compiled:
        left, right = self.expr(node.children[0]), self.expr(node.children[1])
        return lambda scope: truthy(left(scope)) or truthy(right(scope))

    def _compare(self, node: Tree[Token]) -> Compiled:
        left, right = self.expr(node.children[0]), self.expr(node.children[2])
        operator = str(node.children[1])
        return lambda scope: compare(operator, left(scope), right(scope), scope)

    def _arithmetic(self, node: Tree[Token]) -> Compiled:
        left, right = self.expr(node.children[0]), self.expr(node.children[2])
        operator = str(node.children[1])
        return lambda scope: arithmetic(operator, left(scope), right(scope))


def _where(node: Tree[Token]) -> tuple[int, int]:
    return (getattr(node.meta, "line", 1), getattr(node.meta, "column", 1))


def _unquote(text: str) -> str:
    try:
        value = json.loads('"' + text[1:-1].replace('"', '\\"').replace("\\'", "'") + '"')
    except json.JSONDecodeError:
        return text[1:-1]
    return str(value)


# -- names, members, conversions --------------------------------------------------------------


def property_value(raw: Value, runtime: Runtime) -> Value:
    """A frontmatter value as Bases sees it: `[[links]]` are links, dates are dates."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith(("[[", "![[")) and text.endswith("]]") and text.count("[[") == 1:
            return inner_link(text.lstrip("!")[2:-2], runtime.resolve, text.startswith("!"))
        return raw
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, list | tuple):
        return [property_value(v, runtime) for v in raw]
    if isinstance(raw, Mapping):
        return {str(k): property_value(v, runtime) for k, v in raw.items()}
    return raw


def note_property(file: QueryFile, name: str, runtime: Runtime) -> Value:
    if name in file.frontmatter:
        return property_value(file.frontmatter[name], runtime)
    folded = name.casefold()
    for key, value in file.frontmatter.items():
        if str(key).casefold() == folded:
            return property_value(value, runtime)
    return None


class _Formulas:
    """`formula` itself: its members are the base's formulas."""


class _Note:
    """`note` itself: its members are the note's properties."""


_FORMULAS = _Formulas()
_NOTE = _Note()


def _name(scope: Scope, name: str) -> Value:
    if name in scope.names:
        return scope.names[name]
    if name == "file":
        return File(scope.file)
    if name == "note":
        return _NOTE
    if name == "formula":
        return _FORMULAS
    if name == "this":
        holder = scope.runtime.vault.by_path.get(scope.runtime.this_path or "")
        return File(holder) if holder else None
    return note_property(scope.file, name, scope.runtime)


def formula_value(name: str, scope: Scope) -> Value:
    """A formula's value for the scope's note, computed once; a circular one fails."""
    if name in scope.memo:
        return scope.memo[name]
    compiled = scope.runtime.formulas.get(name)
    if compiled is None or name in scope.computing:
        raise Failed(f"formula {name}")
    scope.computing.add(name)
    try:
        value = evaluate(compiled, scope)
    finally:
        scope.computing.discard(name)
    scope.memo[name] = value
    return value


_FILE_FIELDS: dict[str, Callable[[QueryFile, Runtime], Value]] = {
    "name": lambda f, rt: f.path.rsplit("/", 1)[-1],
    "basename": lambda f, rt: f.name,
    "path": lambda f, rt: f.path,
    "folder": lambda f, rt: f.folder or "/",
    "ext": lambda f, rt: f.ext,
    "size": lambda f, rt: f.size,
    "properties": lambda f, rt: property_value(dict(f.frontmatter), rt),
    "tags": lambda f, rt: list(f.tags),
    "links": lambda f, rt: [Link(p, resolved=True) for p in f.outlinks],
    "backlinks": lambda f, rt: [Link(p, resolved=True) for p in f.inlinks],
    "embeds": lambda f, rt: [],
    "ctime": lambda f, rt: f.ctime,
    "mtime": lambda f, rt: f.mtime,
    "file": lambda f, rt: File(f),
}
_DATE_FIELDS: dict[str, Callable[[dt.datetime], int]] = {
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "hour": lambda d: d.hour,
    "minute": lambda d: d.minute,
    "second": lambda d: d.second,
    "millisecond": lambda d: d.microsecond // 1000,
}


def member(value: Value, name: str, scope: Scope) -> Value:
    """`value.name`."""
    if value is _FORMULAS:
        return formula_value(name, scope)
    if value is _NOTE:
        return note_property(scope.file, name, scope.runtime)
    if isinstance(value, File):
        if name in _FILE_FIELDS:
            return _FILE_FIELDS[name](value.file, scope.runtime)
        return None
    if isinstance(value, Mapping):
        return value.get(name)
    if isinstance(value, dt.datetime):
        return _DATE_FIELDS[name](value) if name in _DATE_FIELDS else None
    if isinstance(value, str | list) and name == "length":
        return len(value)
    return None


def _index(value: Value, key: Value, scope: Scope) -> Value:
    if isinstance(key, str):
        return member(value, key, scope)
    if isinstance(value, list | str) and isinstance(key, int | float) and not isinstance(key, bool):
        position = int(key)
        return value[position] if -len(value) <= position < len(value) else None
    return None


# -- truth, comparison, arithmetic ------------------------------------------------------------


def truthy(value: Value) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str | list | tuple | dict):
        return len(value) > 0
    if isinstance(value, Link):
        return bool(value.path)
    return True


def _identity(value: Value, scope: Scope) -> Value:
    """What a link, a file or a note's name stand for when compared: a note's path."""
    if isinstance(value, File):
        return ("note", value.file.path)
    if isinstance(value, Link):
        return ("note", value.path) if value.resolved else ("text", value.path)
    return value


def compare(operator: str, left: Value, right: Value, scope: Scope) -> bool:
    if operator in ("==", "!="):
        return equal(left, right, scope) == (operator == "==")
    ordered = _ordered(left, right)
    if ordered is None:
        return False
    a, b = ordered
    return bool({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[operator])


def equal(left: Value, right: Value, scope: Scope) -> bool:
    if isinstance(left, Link | File) or isinstance(right, Link | File):
        if isinstance(left, str):
            left = _resolved_text(left, scope)
        if isinstance(right, str):
            right = _resolved_text(right, scope)
        return bool(_identity(left, scope) == _identity(right, scope))
    if isinstance(left, dt.datetime) and isinstance(right, str):
        return left == read_date(right)
    if isinstance(right, dt.datetime) and isinstance(left, str):
        return right == read_date(left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            equal(a, b, scope) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return bool(left == right)


def _resolved_text(text: str, scope: Scope) -> Value:
    target = text[2:-2] if text.startswith("[[") and text.endswith("]]") else text
    found = scope.runtime.resolve(target.split("|", 1)[0])
    return ("note", found) if found else ("text", target)


def _ordered(left: Value, right: Value) -> tuple[Any, Any] | None:
    """The two values as Python can order them, if they are of kinds that order."""
    if isinstance(left, dt.datetime) and isinstance(right, str):
        right = read_date(right)
    elif isinstance(right, dt.datetime) and isinstance(left, str):
        left = read_date(left)
    if isinstance(left, Duration) and isinstance(right, Duration):
        return left.approximate_seconds(), right.approximate_seconds()
    for kind in ((int, float), (str,), (dt.datetime,)):
        if isinstance(left, kind) and isinstance(right, kind):
            if isinstance(left, bool) or isinstance(right, bool):
                return None
            return left, right
    return None


def _number(value: Value) -> Value:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Failed("not a number")
    return value


def arithmetic(operator: str, left: Value, right: Value) -> Value:
    if left is None or right is None:
        return None
    if operator == "+" and (isinstance(left, str) or isinstance(right, str)):
        if isinstance(left, dt.datetime) and isinstance(right, str):
            return add_duration(left, _duration_of(right), 1)
        return text_of(left) + text_of(right)
    if isinstance(left, dt.datetime):
        return _date_arithmetic(operator, left, right)
    if isinstance(left, Duration) and operator in "*/" and isinstance(right, int | float):
        return left.times(right if operator == "*" else 1 / right)
    if isinstance(left, Duration) and isinstance(right, Duration) and operator in "+-":
        return left.plus(right, 1 if operator == "+" else -1)
    a, b = _number(left), _number(right)
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if b == 0:
        return math.nan if a == 0 or operator == "%" else math.copysign(math.inf, a)
    return a / b if operator == "/" else math.fmod(a, b)


def _date_arithmetic(operator: str, left: dt.datetime, right: Value) -> Value:
    if isinstance(right, dt.datetime) and operator == "-":
        return (left - right).total_seconds() * 1000
    if operator in "+-" and isinstance(right, str | Duration):
        span = right if isinstance(right, Duration) else _duration_of(right)
        return add_duration(left, span, 1 if operator == "+" else -1)
    raise Failed("date arithmetic")


_UNITS = {
    **dict.fromkeys(("y", "year", "years"), (12, 0.0)),
    **dict.fromkeys(("M", "month", "months"), (1, 0.0)),
    **dict.fromkeys(("w", "week", "weeks"), (0, 7 * 86_400.0)),
    **dict.fromkeys(("d", "day", "days"), (0, 86_400.0)),
    **dict.fromkeys(("h", "hour", "hours"), (0, 3_600.0)),
    **dict.fromkeys(("m", "minute", "minutes"), (0, 60.0)),
    **dict.fromkeys(("s", "second", "seconds"), (0, 1.0)),
}
_DURATION_PART = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*,?")


def _duration_of(text: str) -> Duration:
    """`1M`, `2h`, `7d`, `1 week`, `1 day 4h`: the Bases date arithmetic units."""
    months, seconds, position = 0, 0.0, 0
    for match in _DURATION_PART.finditer(text):
        unit = match.group(2)
        unit = unit if unit in _UNITS else unit.lower()
        if match.start() != position or unit not in _UNITS:
            raise Failed(f"not a duration: {text}")
        count = float(match.group(1))
        months += round(count * _UNITS[unit][0])
        seconds += count * _UNITS[unit][1]
        position = match.end()
    if position == 0 or text[position:].strip():
        raise Failed(f"not a duration: {text}")
    return Duration(months, seconds)


def text_of(value: Value) -> str:
    """A value as text (concatenation, `toString()`, cells)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Link):
        return value.display or value.path.rsplit("/", 1)[-1].removesuffix(".md")
    if isinstance(value, File):
        return value.file.name
    if isinstance(value, list):
        return ", ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {text_of(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Duration):
        return format_number(value.approximate_seconds() * 1000)
    if isinstance(value, Pattern):
        return f"/{value.pattern.pattern}/"
    return str(value)


# -- global functions -------------------------------------------------------------------------

Global = Callable[[list[Compiled], Scope], Value]


def _values(args: list[Compiled], scope: Scope) -> list[Value]:
    return [a(scope) for a in args]


def _need(args: list[Compiled], low: int, high: int) -> None:
    if not low <= len(args) <= high:
        raise Failed("wrong number of arguments")


def _global_date(args: list[Compiled], scope: Scope) -> Value:
    _need(args, 1, 1)
    value = args[0](scope)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        found = read_date(value.replace(" ", "T", 1))
        if found is None:
            raise Failed(f"not a date: {value}")
        return found
    raise Failed("not a date")


def _midnight(scope: Scope) -> dt.datetime:
    today = scope.runtime.vault.today
    return dt.datetime(today.year, today.month, today.day)


def _if(args: list[Compiled], scope: Scope) -> Value:
    _need(args, 2, 3)
    if truthy(args[0](scope)):
        return args[1](scope)
    return args[2](scope) if len(args) > 2 else None


def _global_link(args: list[Compiled], scope: Scope) -> Value:
    _need(args, 1, 2)
    values = _values(args, scope)
    target = values[0]
    display = text_of(values[1]) if len(values) > 1 and values[1] is not None else None
    if isinstance(target, File):
        return Link(target.file.path, display, resolved=True)
    if isinstance(target, Link):
        return Link(target.path, display or target.display, target.subpath, target.kind,
                    target.embed, target.resolved)  # fmt: skip
    text = text_of(target)
    inner = text[2:-2] if text.startswith("[[") and text.endswith("]]") else text
    found = inner_link(inner, scope.runtime.resolve)
    return Link(
        found.path, display or found.display, found.subpath, found.kind, False, found.resolved
    )


def _global_file(args: list[Compiled], scope: Scope) -> Value:
    _need(args, 1, 1)
    value = args[0](scope)
    if isinstance(value, File):
        return value
    path = value.path if isinstance(value, Link) else scope.runtime.resolve(text_of(value))
    found = scope.runtime.vault.by_path.get(path or "")
    return File(found) if found else None


def _global_number(args: list[Compiled], scope: Scope) -> Value:
    _need(args, 1, 1)
    value = args[0](scope)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.timestamp() * 1000
    try:
        return float(text_of(value)) if "." in text_of(value) else int(text_of(value))
    except ValueError:
        raise Failed("not a number") from None


def _extreme(pick: Callable[..., Value]) -> Global:
    def apply(args: list[Compiled], scope: Scope) -> Value:
        numbers = [_number(v) for v in _values(args, scope) if v is not None]
        return pick(numbers) if numbers else None

    return apply


def _random(args: list[Compiled], scope: Scope) -> Value:
    """Deterministic per note and build date, so that a build is reproducible."""
    seed = f"{scope.runtime.vault.today.isoformat()}\n{scope.file.path}"
    return int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16) / 16**12


GLOBALS: dict[str, Global] = {
    "date": _global_date,
    "duration": lambda args, scope: _duration_of(text_of(args[0](scope))) if args else None,
    "if": _if,
    "link": _global_link,
    "list": lambda args, scope: (
        (lambda v: v if isinstance(v, list) else [v])(args[0](scope)) if args else []
    ),
    "max": _extreme(max),
    "min": _extreme(min),
    "now": lambda args, scope: _midnight(scope),
    "today": lambda args, scope: _midnight(scope),
    "number": _global_number,
    "file": _global_file,
    "escapeHTML": lambda args, scope: text_of(args[0](scope)) if args else "",
    "html": lambda args, scope: text_of(args[0](scope)) if args else "",
    "image": lambda args, scope: _global_link(args[:1], scope) if args else None,
    "icon": lambda args, scope: None,
    "random": _random,
}
"""`html()` is shown as text, never as HTML: nothing a note says becomes markup."""


# -- methods ------------------------------------------------------------------------------------

Method = Callable[[Value, list[Compiled], Scope], Value]


def _args(args: list[Compiled], scope: Scope) -> list[Value]:
    return [a(scope) for a in args]


def _text(value: Value) -> str:
    if not isinstance(value, str):
        raise Failed("not text")
    return value


def _replace(value: Value, args: list[Compiled], scope: Scope) -> Value:
    pattern, replacement = _args(args, scope)
    if isinstance(pattern, Pattern):
        count = 0 if pattern.every else 1
        return pattern.pattern.sub(js_replacement(text_of(replacement)), _text(value), count=count)
    return _text(value).replace(text_of(pattern), text_of(replacement))


def _split(value: Value, args: list[Compiled], scope: Scope) -> Value:
    values = _args(args, scope)
    separator = values[0]
    parts: list[str] = (
        [p or "" for p in separator.pattern.split(_text(value))]
        if isinstance(separator, Pattern)
        else _text(value).split(text_of(separator))
    )
    return parts[: int(_number(values[1]))] if len(values) > 1 else parts


def _round(value: Value, args: list[Compiled], scope: Scope) -> Value:
    digits = int(_number(args[0](scope))) if args else 0
    scale = 10**digits
    rounded = math.floor(_number(value) * scale + 0.5) / scale
    return int(rounded) if digits <= 0 else rounded


def _to_fixed(value: Value, args: list[Compiled], scope: Scope) -> Value:
    digits = max(0, min(int(_number(args[0](scope))) if args else 0, 100))
    return f"{_number(value):.{digits}f}"


def _slice(args: list[Compiled], scope: Scope) -> slice:
    bounds = [int(_number(a(scope))) for a in args[:2]]
    return slice(*bounds) if bounds else slice(None)


def _list_each(value: Value, args: list[Compiled], scope: Scope) -> list[tuple[Value, Value]]:
    if not isinstance(value, list) or len(args) != 1:
        raise Failed("not a list")
    return [(item, args[0](scope.with_names(value=item, index=i))) for i, item in enumerate(value)]


def _reduce(value: Value, args: list[Compiled], scope: Scope) -> Value:
    if not isinstance(value, list) or len(args) != 2:
        raise Failed("not a list")
    acc = args[1](scope)
    for i, item in enumerate(value):
        acc = args[0](scope.with_names(value=item, index=i, acc=acc))
    return acc


def _contains_value(container: Value, needle: Value, scope: Scope) -> bool:
    if isinstance(container, str):
        return isinstance(needle, str) and needle in container
    if isinstance(container, list):
        return any(equal(item, needle, scope) for item in container)
    return False


def _has_tag(file: QueryFile, wanted: list[Value]) -> bool:
    keys = {tag_key(t) for t in file.tags}
    for tag in wanted:
        key = tag_key(text_of(tag))
        if key in keys or any(k.startswith(key + "/") for k in keys):
            return True
    return False


def _in_folder(file: QueryFile, folder: Value) -> bool:
    wanted = text_of(folder).strip("/").casefold()
    return (
        not wanted
        or file.folder.casefold() == wanted
        or file.folder.casefold().startswith(wanted + "/")
    )


def _has_link(file: QueryFile, other: Value, scope: Scope) -> bool:
    if isinstance(other, File):
        target: str | None = other.file.path
    elif isinstance(other, Link):
        target = other.path if other.resolved else None
    else:
        target = scope.runtime.resolve(text_of(other))
    return target is not None and target in file.outlinks


def _links_to(link: Value, other: Value, scope: Scope) -> bool:
    source = (
        scope.runtime.vault.by_path.get(link.path)
        if isinstance(link, Link) and link.resolved
        else None
    )
    return source is not None and _has_link(source, other, scope)


def _sort_key(value: Value) -> tuple[int, Any]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, dt.datetime):
        return (1, value)
    return (2, text_of(value).casefold())


def _unique(value: Value, scope: Scope) -> list[Value]:
    out: list[Value] = []
    for item in value:
        if not any(equal(item, seen, scope) for seen in out):
            out.append(item)
    return out


def _is_type(value: Value, kind: str) -> bool:
    names: dict[str, type | tuple[type, ...]] = {
        "string": str, "number": (int, float), "boolean": bool, "date": dt.datetime,
        "list": list, "object": dict, "link": Link, "file": File,
    }  # fmt: skip
    if kind == "null":
        return value is None
    if kind == "number" and isinstance(value, bool):
        return False
    wanted = names.get(kind)
    return wanted is not None and isinstance(value, wanted)


def _is_empty(value: Value) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | dict):
        return len(value) == 0
    return False


def _format(value: Value, args: list[Compiled], scope: Scope) -> Value:
    if not isinstance(value, dt.datetime):
        raise Failed("not a date")
    return moment_format(value, text_of(args[0](scope)) if args else "YYYY-MM-DD")


def _relative(value: Value, scope: Scope) -> str:
    if not isinstance(value, dt.datetime):
        raise Failed("not a date")
    scope.runtime.relative = True
    days = (value.date() - scope.runtime.vault.today).days
    if days == 0:
        return "today"
    count = abs(days)
    unit = "day" if count == 1 else "days"
    if count >= 365:
        count, unit = count // 365, "year" if count < 730 else "years"
    elif count >= 30:
        count, unit = count // 30, "month" if count < 60 else "months"
    return f"in {count} {unit}" if days > 0 else f"{count} {unit} ago"


_STRING_METHODS: dict[str, Method] = {
    "contains": lambda v, a, s: _text(v).find(text_of(a[0](s))) >= 0,
    "containsAll": lambda v, a, s: all(text_of(x) in _text(v) for x in _args(a, s)),
    "containsAny": lambda v, a, s: any(text_of(x) in _text(v) for x in _args(a, s)),
    "endsWith": lambda v, a, s: _text(v).endswith(text_of(a[0](s))),
    "startsWith": lambda v, a, s: _text(v).startswith(text_of(a[0](s))),
    "lower": lambda v, a, s: _text(v).lower(),
    "upper": lambda v, a, s: _text(v).upper(),
    "title": lambda v, a, s: re.sub(r"\b\w", lambda m: m.group().upper(), _text(v)),
    "trim": lambda v, a, s: _text(v).strip(),
    "replace": _replace,
    "repeat": lambda v, a, s: _text(v) * max(0, min(int(_number(a[0](s))), 10_000)),
    "reverse": lambda v, a, s: _text(v)[::-1] if isinstance(v, str) else list(reversed(v)),
    "slice": lambda v, a, s: (
        v[slice(*(int(_number(x)) for x in _args(a, s)))] if isinstance(v, str | list) else None
    ),
    "split": _split,
}
_NUMBER_METHODS: dict[str, Method] = {
    "abs": lambda v, a, s: abs(_number(v)),
    "ceil": lambda v, a, s: math.ceil(_number(v)),
    "floor": lambda v, a, s: math.floor(_number(v)),
    "round": _round,
    "toFixed": _to_fixed,
}
_LIST_METHODS: dict[str, Method] = {
    "contains": lambda v, a, s: _contains_value(v, a[0](s), s),
    "containsAll": lambda v, a, s: all(_contains_value(v, x, s) for x in _args(a, s)),
    "containsAny": lambda v, a, s: any(_contains_value(v, x, s) for x in _args(a, s)),
    "filter": lambda v, a, s: [item for item, keep in _list_each(v, a, s) if truthy(keep)],
    "map": lambda v, a, s: [mapped for _, mapped in _list_each(v, a, s)],
    "reduce": _reduce,
    "flat": lambda v, a, s: [x for item in v for x in (item if isinstance(item, list) else [item])],
    "join": lambda v, a, s: (text_of(a[0](s)) if a else ",").join(text_of(x) for x in v),
    "sort": lambda v, a, s: sorted(v, key=_sort_key),
    "reverse": lambda v, a, s: list(reversed(v)),
    "slice": lambda v, a, s: v[_slice(a, s)],
    "unique": lambda v, a, s: _unique(v, s),
    "mean": lambda v, a, s: (sum(_number(x) for x in v) / len(v)) if v else None,
    "sum": lambda v, a, s: sum(_number(x) for x in v),
}
_FILE_METHODS: dict[str, Method] = {
    "asLink": lambda v, a, s: Link(v.file.path, text_of(a[0](s)) if a else None, resolved=True),
    "hasLink": lambda v, a, s: _has_link(v.file, a[0](s), s),
    "hasProperty": lambda v, a, s: any(
        str(k).casefold() == text_of(a[0](s)).casefold() for k in v.file.frontmatter
    ),
    "hasTag": lambda v, a, s: _has_tag(v.file, _args(a, s)),
    "inFolder": lambda v, a, s: _in_folder(v.file, a[0](s)),
}
_ANY_METHODS: dict[str, Method] = {
    "isTruthy": lambda v, a, s: truthy(v),
    "isType": lambda v, a, s: _is_type(v, text_of(a[0](s))),
    "toString": lambda v, a, s: text_of(v),
    "isEmpty": lambda v, a, s: _is_empty(v),
}
_OTHER_METHODS: dict[str, Method] = {
    "format": _format,
    "date": lambda v, a, s: (
        v.replace(hour=0, minute=0, second=0, microsecond=0) if isinstance(v, dt.datetime) else None
    ),
    "time": lambda v, a, s: v.strftime("%H:%M:%S") if isinstance(v, dt.datetime) else None,
    "relative": lambda v, a, s: _relative(v, s),
    "keys": lambda v, a, s: list(v) if isinstance(v, dict) else None,
    "values": lambda v, a, s: list(v.values()) if isinstance(v, dict) else None,
    "matches": lambda v, a, s: (
        v.pattern.search(text_of(a[0](s))) is not None if isinstance(v, Pattern) else None
    ),
    "asFile": lambda v, a, s: _global_file([lambda _: v], s),
    "linksTo": lambda v, a, s: _links_to(v, a[0](s), s),
}
METHOD_NAMES = frozenset(
    [
        *_STRING_METHODS,
        *_NUMBER_METHODS,
        *_LIST_METHODS,
        *_FILE_METHODS,
        *_ANY_METHODS,
        *_OTHER_METHODS,
    ]
)


def call_method(value: Value, name: str, args: list[Compiled], scope: Scope) -> Value:
    """`value.name(args)`, the method chosen by the value's type."""
    if isinstance(value, File) and name in _FILE_METHODS:
        table = _FILE_METHODS
    elif isinstance(value, list) and name in _LIST_METHODS:
        table = _LIST_METHODS
    elif isinstance(value, str) and name in _STRING_METHODS:
        table = _STRING_METHODS
    elif isinstance(value, int | float) and not isinstance(value, bool) and name in _NUMBER_METHODS:
        table = _NUMBER_METHODS
    elif name in _ANY_METHODS:
        table = _ANY_METHODS
    elif name in _OTHER_METHODS:
        table = _OTHER_METHODS
    else:
        raise Failed(f"no method {name} on this value")
    return table[name](value, args, scope)


_MOMENT = re.compile(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a")


def moment_format(day: dt.datetime, pattern: str) -> str:
    """Format with moment.js tokens (the common ones)."""

    def token(match: re.Match[str]) -> str:
        text = match.group()
        if text.startswith("["):
            return text[1:-1]
        suffix = (
            "th"
            if 10 <= day.day % 100 <= 20
            else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
        )
        table = {
            "YYYY": f"{day.year:04d}", "YY": f"{day.year % 100:02d}", "MMMM": calendar.month_name[day.month],
            "MMM": calendar.month_abbr[day.month], "MM": f"{day.month:02d}", "M": str(day.month),
            "Do": f"{day.day}{suffix}", "DD": f"{day.day:02d}", "D": str(day.day),
            "dddd": calendar.day_name[day.weekday()], "ddd": calendar.day_abbr[day.weekday()],
            "HH": f"{day.hour:02d}", "H": str(day.hour), "hh": f"{day.hour % 12 or 12:02d}",
            "h": str(day.hour % 12 or 12), "mm": f"{day.minute:02d}", "m": str(day.minute),
            "ss": f"{day.second:02d}", "s": str(day.second),
            "A": "AM" if day.hour < 12 else "PM", "a": "am" if day.hour < 12 else "pm",
        }  # fmt: skip
        return table[text]

    return _MOMENT.sub(token, pattern)


def link_key_of(value: Value) -> str:
    """A grouping key for links and notes: the note they stand for."""
    if isinstance(value, File):
        return link_key(value.file.path)
    if isinstance(value, Link):
        return link_key(value.path)
    return text_of(value)
