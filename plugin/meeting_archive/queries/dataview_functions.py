"""Dataview's functions (`contains`, `length`, `lower`, `default`, `choice`, `date`, `dur`…),
as its docs define them, vectorized over lists where Dataview vectorizes them.

Each function takes its evaluated arguments and an Env (how to resolve a link among the
published notes, how to call a lambda); it raises QueryError on arguments it cannot take.
Pure functions; regular expressions go through regex.py's guard.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .dataview_values import (
    Duration,
    Lambda,
    Link,
    Value,
    binary,
    compare,
    format_date,
    inner_link,
    read_date,
    read_duration,
    to_string,
    truthy,
    type_of,
)
from .errors import QueryError
from .regex import compile_js, js_replacement


@dataclass(frozen=True)
class Env:
    """What functions may use besides their arguments."""

    today: dt.date
    resolve: Callable[[str], str | None]
    """A link target → the vault path of the published note it names, if any."""
    day_of: Callable[[str], dt.datetime | None]
    """A note's vault path → its `file.day`."""


Function = Callable[[list[Value], Env], Value]


def _arity(name: str, args: list[Value], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise QueryError(f"{name}() takes {wanted} argument(s), not {len(args)}")


def _call(function: Value, *args: Value) -> Value:
    if not isinstance(function, Lambda):
        raise QueryError(f"expected a function like (x) => …, not a {type_of(function)}")
    return function.call(list(args))


def _vectorized(function: Callable[..., Value]) -> Callable[..., Value]:
    """Apply to each element when the first argument is a list."""

    def apply(first: Value, *rest: Value) -> Value:
        if isinstance(first, list):
            return [apply(item, *rest) for item in first]
        return function(first, *rest)

    return apply


def _text(name: str, value: Value) -> str:
    if not isinstance(value, str):
        raise QueryError(f"{name}() needs text, not a {type_of(value)}")
    return value


def _number(name: str, value: Value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryError(f"{name}() needs a number, not a {type_of(value)}")
    return value


def _list(value: Value) -> list[Value]:
    return list(value) if isinstance(value, list | tuple) else [value]


# -- constructors ---------------------------------------------------------------------------


def _date(args: list[Value], env: Env) -> Value:
    _arity("date", args, 1, 2)
    if len(args) == 2:
        raise QueryError("date(text, format) is not supported: write the date as YYYY-MM-DD")
    value = args[0]
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, Link):
        return env.day_of(value.path) if value.resolved else read_date(value.path)
    if isinstance(value, str):
        return _shorthand_date(value, env.today) or read_date(value)
    return None


def shorthand_dates(today: dt.date) -> dict[str, dt.datetime]:
    """`date(today)`, `date(sow)`…, on a given today (weeks start on Monday)."""
    midnight = dt.datetime(today.year, today.month, today.day)
    monday = midnight - dt.timedelta(days=today.weekday())
    month_start = midnight.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    end_of_day = dt.timedelta(days=1, microseconds=-1000)
    values = {
        "now": midnight,
        "today": midnight,
        "yesterday": midnight - dt.timedelta(days=1),
        "tomorrow": midnight + dt.timedelta(days=1),
        "sow": monday,
        "eow": monday + dt.timedelta(days=6) + end_of_day,
        "som": month_start,
        "eom": next_month - dt.timedelta(microseconds=1000),
        "soy": midnight.replace(month=1, day=1),
        "eoy": midnight.replace(month=12, day=31) + end_of_day,
    }
    longer = {"start-of-week": "sow", "end-of-week": "eow", "start-of-month": "som",
              "end-of-month": "eom", "start-of-year": "soy", "end-of-year": "eoy"}  # fmt: skip
    values.update({long: values[short] for long, short in longer.items()})
    return values


def _shorthand_date(text: str, today: dt.date) -> dt.datetime | None:
    return shorthand_dates(today).get(text.strip().lower())


def _dur(args: list[Value], env: Env) -> Value:
    _arity("dur", args, 1)
    value = args[0]
    if isinstance(value, Duration):
        return value
    return read_duration(value) if isinstance(value, str) else None


def _number_of(args: list[Value], env: Env) -> Value:
    _arity("number", args, 1)
    value = args[0]
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        found = re.search(r"-?\d+(\.\d+)?", value)
        return (float(found.group()) if found.group(1) else int(found.group())) if found else None
    return None


def _link(args: list[Value], env: Env) -> Value:
    _arity("link", args, 1, 2)
    if isinstance(args[0], Link):
        target = args[0]
        return Link(target.path, args[1] if len(args) > 1 else target.display, target.subpath,
                    target.kind, target.embed, target.resolved)  # fmt: skip
    found = inner_link(_text("link", args[0]), env.resolve)
    display = _text("link", args[1]) if len(args) > 1 and args[1] is not None else None
    return Link(found.path, display, found.subpath, found.kind, False, found.resolved)


def _object(args: list[Value], env: Env) -> Value:
    if len(args) % 2:
        raise QueryError("object() takes keys and values in pairs")
    return {_text("object", args[i]): args[i + 1] for i in range(0, len(args), 2)}


# -- numbers --------------------------------------------------------------------------------


def _round(args: list[Value], env: Env) -> Value:
    _arity("round", args, 1, 2)
    digits = int(_number("round", args[1])) if len(args) > 1 else 0

    def one(value: Value) -> Value:
        if value is None:
            return None
        number = _number("round", value)
        scale = 10**digits
        rounded = math.floor(number * scale + 0.5) / scale
        return int(rounded) if digits <= 0 else rounded

    return _vectorized(one)(args[0])


def _unary_number(name: str, function: Callable[[float], float]) -> Function:
    def apply(args: list[Value], env: Env) -> Value:
        _arity(name, args, 1)
        return _vectorized(lambda v: None if v is None else int(function(_number(name, v))))(
            args[0]
        )

    return apply


def _extreme(name: str, pick: int) -> Function:
    def apply(args: list[Value], env: Env) -> Value:
        values = list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)
        values = [v for v in values if v is not None]
        if not values:
            return None
        best = values[0]
        for value in values[1:]:
            if compare(value, best) * pick > 0:
                best = value
        return best

    return apply


def _sum(args: list[Value], env: Env) -> Value:
    _arity("sum", args, 1)
    values = _list(args[0])
    if not values:
        return None
    total = values[0]
    for value in values[1:]:
        total = binary("+", total, value)
    return total


def _product(args: list[Value], env: Env) -> Value:
    _arity("product", args, 1)
    values = [_number("product", v) for v in _list(args[0])]
    return math.prod(values) if values else None


def _average(args: list[Value], env: Env) -> Value:
    _arity("average", args, 1)
    values = [_number("average", v) for v in _list(args[0])]
    return sum(values) / len(values) if values else None


def _by(name: str, pick: int) -> Function:
    def apply(args: list[Value], env: Env) -> Value:
        _arity(name, args, 2)
        values = _list(args[0])
        if not values:
            return None
        keyed = [(_call(args[1], v), v) for v in values]
        best = keyed[0]
        for item in keyed[1:]:
            if compare(item[0], best[0]) * pick > 0:
                best = item
        return best[1]

    return apply


# -- containers -----------------------------------------------------------------------------


def _contains(kind: str) -> Function:
    def one(container: Value, value: Value) -> bool:
        if isinstance(container, str):
            if not isinstance(value, str):
                return False
            if kind == "icontains":
                return value.casefold() in container.casefold()
            return value in container
        if isinstance(container, Mapping):
            return isinstance(value, str) and value in container
        if isinstance(container, list):
            if kind == "econtains":
                return any(compare(item, value) == 0 for item in container)
            return any(one(item, value) for item in container)
        return compare(container, value) == 0

    def apply(args: list[Value], env: Env) -> Value:
        _arity(kind, args, 2)
        return one(args[0], args[1])

    return apply


def _containsword(args: list[Value], env: Env) -> Value:
    _arity("containsword", args, 2)
    word = re.escape(_text("containsword", args[1]))
    pattern = re.compile(rf"(?<!\w){word}(?!\w)", re.IGNORECASE)

    def one(text: Value) -> Value:
        return pattern.search(_text("containsword", text)) is not None

    return [one(t) for t in args[0]] if isinstance(args[0], list) else one(args[0])


def _length(args: list[Value], env: Env) -> Value:
    _arity("length", args, 1)
    value = args[0]
    if value is None:
        return 0
    if isinstance(value, list | str | Mapping):
        return len(value)
    return 0


def _compare_first(left: tuple[Value, Value], right: tuple[Value, Value]) -> int:
    return compare(left[0], right[0])


def _sort(args: list[Value], env: Env) -> Value:
    _arity("sort", args, 1, 2)
    values = _list(args[0])
    if len(args) > 1:
        keyed: list[tuple[Value, Value]] = [(_call(args[1], v), v) for v in values]
        keyed.sort(key=functools.cmp_to_key(_compare_first))
        return [v for _, v in keyed]
    return sorted(values, key=functools.cmp_to_key(compare))


def _nonnull(args: list[Value], env: Env) -> Value:
    return [v for v in _list(args[0] if len(args) == 1 else args) if v is not None]


def _quantifier(name: str) -> Function:
    def apply(args: list[Value], env: Env) -> Value:
        if len(args) == 2 and isinstance(args[1], Lambda) and isinstance(args[0], list):
            results = [truthy(_call(args[1], v)) for v in args[0]]
        else:
            values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
            results = [truthy(v) for v in values]
        if name == "all":
            return all(results)
        if name == "any":
            return any(results)
        return not any(results)

    return apply


def _join(args: list[Value], env: Env) -> Value:
    _arity("join", args, 1, 2)
    separator = _text("join", args[1]) if len(args) > 1 else ", "
    return separator.join(to_string(v) for v in _list(args[0]))


def _filter(args: list[Value], env: Env) -> Value:
    _arity("filter", args, 2)
    return [v for v in _list(args[0]) if truthy(_call(args[1], v))]


def _map(args: list[Value], env: Env) -> Value:
    _arity("map", args, 2)
    return [_call(args[1], v) for v in _list(args[0])]


def _flat(args: list[Value], env: Env) -> Value:
    _arity("flat", args, 1, 2)
    depth = int(_number("flat", args[1])) if len(args) > 1 else 1

    def flatten(values: list[Value], level: int) -> list[Value]:
        out: list[Value] = []
        for value in values:
            if isinstance(value, list) and level > 0:
                out.extend(flatten(value, level - 1))
            else:
                out.append(value)
        return out

    return flatten(_list(args[0]), min(depth, 100))


def _slice(args: list[Value], env: Env) -> Value:
    _arity("slice", args, 1, 3)
    values = _list(args[0])
    start = int(_number("slice", args[1])) if len(args) > 1 else 0
    end = int(_number("slice", args[2])) if len(args) > 2 else len(values)
    return values[start:end]


def _unique(args: list[Value], env: Env) -> Value:
    _arity("unique", args, 1)
    out: list[Value] = []
    for value in _list(args[0]):
        if not any(compare(value, seen) == 0 for seen in out):
            out.append(value)
    return out


def _extract(args: list[Value], env: Env) -> Value:
    if not args or not isinstance(args[0], Mapping):
        raise QueryError("extract() needs an object")
    return {k: args[0].get(k) for k in args[1:] if isinstance(k, str)}


# -- text -----------------------------------------------------------------------------------


def _string_function(name: str, arity: tuple[int, int], body: Callable[..., Value]) -> Function:
    def apply(args: list[Value], env: Env) -> Value:
        _arity(name, args, *arity)
        if args[0] is None:
            return None
        return _vectorized(body)(*args)

    return apply


def _regextest(args: list[Value], env: Env) -> Value:
    _arity("regextest", args, 2)
    return compile_js(_text("regextest", args[0])).search(_text("regextest", args[1])) is not None


def _regexmatch(args: list[Value], env: Env) -> Value:
    _arity("regexmatch", args, 2)
    return (
        compile_js(_text("regexmatch", args[0])).fullmatch(_text("regexmatch", args[1])) is not None
    )


def _regexreplace(text: Value, pattern: Value, replacement: Value) -> Value:
    compiled = compile_js(_text("regexreplace", pattern))
    return compiled.sub(
        js_replacement(_text("regexreplace", replacement)), _text("regexreplace", text)
    )


def _split(args: list[Value], env: Env) -> Value:
    _arity("split", args, 2, 3)
    pattern = compile_js(_text("split", args[1]))
    parts: list[Value] = [
        p if p is not None else "" for p in pattern.split(_text("split", args[0]))
    ]
    return parts[: int(_number("split", args[2]))] if len(args) > 2 else parts


def _pad(name: str, left: bool) -> Callable[..., Value]:
    def pad(text: Value, length: Value, padding: Value = " ") -> Value:
        value, fill = _text(name, text), _text(name, padding) or " "
        missing = max(0, min(int(_number(name, length)), 10_000) - len(value))
        extra = (fill * missing)[:missing]
        return extra + value if left else value + extra

    return pad


def _substring(text: Value, start: Value, end: Value = None) -> Value:
    value = _text("substring", text)
    stop = int(_number("substring", end)) if end is not None else len(value)
    return value[max(0, int(_number("substring", start))) : max(0, stop)]


def _truncate(text: Value, length: Value, suffix: Value = "...") -> Value:
    value, tail = _text("truncate", text), _text("truncate", suffix)
    size = int(_number("truncate", length))
    return value if len(value) <= size else value[: max(0, size - len(tail))] + tail


# -- utility ----------------------------------------------------------------------------------


def _default(args: list[Value], env: Env) -> Value:
    _arity("default", args, 2)
    if isinstance(args[0], list):
        return [args[1] if v is None else v for v in args[0]]
    return args[1] if args[0] is None else args[0]


def _ldefault(args: list[Value], env: Env) -> Value:
    _arity("ldefault", args, 2)
    return args[1] if args[0] is None else args[0]


def _choice(args: list[Value], env: Env) -> Value:
    _arity("choice", args, 3)
    return args[1] if truthy(args[0]) else args[2]


def _striptime(args: list[Value], env: Env) -> Value:
    _arity("striptime", args, 1)
    value = args[0]
    if isinstance(value, dt.datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    return None


_LUXON = re.compile(
    r"'[^']*'|yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|a|EEEE|EEE|DDD|DD|D|kkkk|WW|W"
)


def dateformat(day: dt.datetime, pattern: str) -> str:
    """Format with Luxon's tokens (the common ones)."""

    def token(match: re.Match[str]) -> str:
        text = match.group()
        if text.startswith("'"):
            return text[1:-1]
        table: dict[str, Callable[[], str]] = {
            "yyyy": lambda: f"{day.year:04d}", "yy": lambda: f"{day.year % 100:02d}",
            "MMMM": lambda: f"{day:%B}", "MMM": lambda: f"{day:%b}",
            "MM": lambda: f"{day.month:02d}", "M": lambda: str(day.month),
            "dd": lambda: f"{day.day:02d}", "d": lambda: str(day.day),
            "HH": lambda: f"{day.hour:02d}", "H": lambda: str(day.hour),
            "hh": lambda: f"{day.hour % 12 or 12:02d}", "h": lambda: str(day.hour % 12 or 12),
            "mm": lambda: f"{day.minute:02d}", "m": lambda: str(day.minute),
            "ss": lambda: f"{day.second:02d}", "s": lambda: str(day.second),
            "a": lambda: "AM" if day.hour < 12 else "PM",
            "EEEE": lambda: f"{day:%A}", "EEE": lambda: f"{day:%a}",
            "DDD": lambda: format_date(day), "DD": lambda: f"{day:%b} {day.day}, {day.year}",
            "D": lambda: f"{day.month}/{day.day}/{day.year}",
            "kkkk": lambda: f"{day.isocalendar()[0]:04d}",
            "WW": lambda: f"{day.isocalendar()[1]:02d}", "W": lambda: str(day.isocalendar()[1]),
        }  # fmt: skip
        return table[text]()

    return _LUXON.sub(token, pattern)


def _dateformat(args: list[Value], env: Env) -> Value:
    _arity("dateformat", args, 2)
    if not isinstance(args[0], dt.datetime):
        return None
    return dateformat(args[0], _text("dateformat", args[1]))


def _typeof(args: list[Value], env: Env) -> Value:
    _arity("typeof", args, 1)
    return type_of(args[0])


def _meta(args: list[Value], env: Env) -> Value:
    _arity("meta", args, 1)
    link = args[0]
    if not isinstance(link, Link):
        raise QueryError(f"meta() needs a link, not a {type_of(link)}")
    return {"display": link.display, "embed": link.embed, "path": link.path,
            "subpath": link.subpath, "type": link.kind}  # fmt: skip


def _list_of(args: list[Value], env: Env) -> Value:
    return list(args)


def _string(args: list[Value], env: Env) -> Value:
    _arity("string", args, 1)
    return to_string(args[0])


def _reverse(args: list[Value], env: Env) -> Value:
    _arity("reverse", args, 1)
    return list(reversed(_list(args[0])))


def _contains_any_text(name: str, body: Callable[[str, str], bool]) -> Function:
    return _string_function(name, (2, 2), lambda t, p: body(_text(name, t), _text(name, p)))


FUNCTIONS: dict[str, Function] = {
    "date": _date,
    "dur": _dur,
    "number": _number_of,
    "string": _string,
    "link": _link,
    "list": _list_of,
    "array": _list_of,
    "object": _object,
    "typeof": _typeof,
    "round": _round,
    "trunc": _unary_number("trunc", math.trunc),
    "floor": _unary_number("floor", math.floor),
    "ceil": _unary_number("ceil", math.ceil),
    "min": _extreme("min", -1),
    "max": _extreme("max", 1),
    "sum": _sum,
    "product": _product,
    "average": _average,
    "minby": _by("minby", -1),
    "maxby": _by("maxby", 1),
    "contains": _contains("contains"),
    "icontains": _contains("icontains"),
    "econtains": _contains("econtains"),
    "containsword": _containsword,
    "extract": _extract,
    "sort": _sort,
    "reverse": _reverse,
    "length": _length,
    "nonnull": _nonnull,
    "all": _quantifier("all"),
    "any": _quantifier("any"),
    "none": _quantifier("none"),
    "join": _join,
    "filter": _filter,
    "map": _map,
    "flat": _flat,
    "slice": _slice,
    "unique": _unique,
    "distinct": _unique,
    "regextest": _regextest,
    "regexmatch": _regexmatch,
    "regexreplace": _string_function("regexreplace", (3, 3), _regexreplace),
    "replace": _string_function(
        "replace",
        (3, 3),
        lambda t, p, r: _text("replace", t).replace(_text("replace", p), _text("replace", r)),
    ),
    "lower": _string_function("lower", (1, 1), lambda t: _text("lower", t).lower()),
    "upper": _string_function("upper", (1, 1), lambda t: _text("upper", t).upper()),
    "split": _split,
    "startswith": _contains_any_text("startswith", str.startswith),
    "endswith": _contains_any_text("endswith", str.endswith),
    "padleft": _string_function("padleft", (2, 3), _pad("padleft", True)),
    "padright": _string_function("padright", (2, 3), _pad("padright", False)),
    "substring": _string_function("substring", (2, 3), _substring),
    "truncate": _string_function("truncate", (2, 3), _truncate),
    "default": _default,
    "ldefault": _ldefault,
    "choice": _choice,
    "striptime": _striptime,
    "dateformat": _dateformat,
    "meta": _meta,
}


def call_function(name: str, args: list[Value], env: Env) -> Value:
    function = FUNCTIONS.get(name.lower())
    if function is None:
        raise QueryError(f"No function named '{name}'")
    return function(args, env)


__all__ = ["FUNCTIONS", "Env", "Function", "call_function", "dateformat", "shorthand_dates"]
