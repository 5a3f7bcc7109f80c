"""Dataview's values and how they behave: types, comparison, truth, arithmetic, display.

Values are plain Python: None (null), bool, int/float (number), str, `datetime` (date;
dates without a time are midnight), Duration, Link, list, dict (object) and Lambda. The
rules follow Dataview's (blacksmithgu/obsidian-dataview, data-model/value.ts and
expression/binaryop.ts): null sorts before everything, values of different types sort by
the name of their type, `=` is "compares equal". Pure functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from .errors import QueryError

_MONTH_SECONDS = 30 * 86_400
_YEAR_SECONDS = 365 * 86_400


@dataclass(frozen=True)
class Duration:
    """A span of time: whole months (years are 12) and seconds (days are 86,400)."""

    months: int = 0
    seconds: float = 0.0

    def approximate_seconds(self) -> float:
        """For comparing: a month as 30 days, as luxon compares durations."""
        years, months = divmod(self.months, 12)
        return years * _YEAR_SECONDS + months * _MONTH_SECONDS + self.seconds

    def plus(self, other: Duration, sign: int = 1) -> Duration:
        return Duration(self.months + sign * other.months, self.seconds + sign * other.seconds)

    def times(self, factor: float) -> Duration:
        return Duration(round(self.months * factor), self.seconds * factor)


@dataclass(frozen=True)
class Link:
    """A link: to a published note (`resolved`), or to something not published."""

    path: str
    """The vault path of the note if resolved, else the target as written."""
    display: str | None = None
    subpath: str | None = None
    kind: str = "file"
    """"file", "header" or "block"."""
    embed: bool = False
    resolved: bool = False


@dataclass(frozen=True)
class Lambda:
    """`(x) => x + 1`: parameter names and the compiled body."""

    parameters: tuple[str, ...]
    call: Callable[[list[Any]], Any]


Value: TypeAlias = Any
"""None, bool, int, float, str, datetime, Duration, Link, list, dict or Lambda."""


def type_of(value: Value) -> str:
    """Dataview's name for the value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, Link):
        return "link"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Lambda):
        return "function"
    return "null"


def compare(left: Value, right: Value) -> int:
    """A total order over every value, as Dataview's compareValue."""
    left_type, right_type = type_of(left), type_of(right)
    if left_type == "null" or right_type == "null":
        return (left_type != "null") - (right_type != "null")
    if left_type != right_type:
        return -1 if left_type < right_type else 1
    if left_type == "duration":
        return _sign(left.approximate_seconds() - right.approximate_seconds())
    if left_type == "link":
        return _compare_links(left, right)
    if left_type == "array":
        for a, b in zip(left, right, strict=False):
            found = compare(a, b)
            if found:
                return found
        return _sign(len(left) - len(right))
    if left_type == "object":
        keys = compare(sorted(left), sorted(right))
        if keys:
            return keys
        return next((c for k in sorted(left) if (c := compare(left[k], right[k]))), 0)
    if left_type == "function":
        return 0
    if left_type == "string":
        return _compare_text(left, right)
    return -1 if left < right else (1 if left > right else 0)


def _sign(number: float) -> int:
    return (number > 0) - (number < 0)


def _compare_text(left: str, right: str) -> int:
    """Like localeCompare: case matters only between otherwise equal texts."""
    a, b = left.casefold(), right.casefold()
    if a != b:
        return -1 if a < b else 1
    return -1 if left < right else (1 if left > right else 0)


def _compare_links(left: Link, right: Link) -> int:
    found = _compare_text(left.path, right.path) or _compare_text(left.kind, right.kind)
    if found:
        return found
    if bool(left.subpath) != bool(right.subpath):
        return 1 if left.subpath else -1
    return _compare_text(left.subpath or "", right.subpath or "")


def truthy(value: Value) -> bool:
    """Dataview's truth: null, false, 0, "", [] and {} are false."""
    kind = type_of(value)
    if kind == "null":
        return False
    if kind == "date":
        return True
    if kind == "duration":
        return bool(value.approximate_seconds() != 0)
    if kind == "link":
        return bool(value.path)
    if kind == "function":
        return True
    return bool(value)


# -- arithmetic -----------------------------------------------------------------------------


def binary(operator: str, left: Value, right: Value) -> Value:
    """`left operator right`; QueryError if the types do not go together."""
    if operator in ("&", "|"):
        return truthy(left) and truthy(right) if operator == "&" else truthy(left) or truthy(right)
    if operator in _COMPARISONS:
        return _COMPARISONS[operator](compare(left, right))
    if left is None or right is None:
        return None
    found = _arithmetic(operator, left, right)
    if found is _NO_RULE:
        raise QueryError(
            f"No implementation found for '{type_of(left)} {operator} {type_of(right)}'"
        )
    return found


_COMPARISONS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}
_NO_RULE = object()


def _arithmetic(operator: str, left: Value, right: Value) -> Value:
    kinds = (type_of(left), type_of(right))
    if kinds == ("number", "number"):
        return _numbers(operator, left, right)
    if operator == "+" and "string" in kinds:
        return to_string(left) + to_string(right)
    if operator == "*" and kinds in (("string", "number"), ("number", "string")):
        text, count = (left, right) if kinds[0] == "string" else (right, left)
        return text * max(0, min(int(count), 10_000))
    if kinds == ("date", "duration") and operator in "+-":
        return add_duration(left, right, 1 if operator == "+" else -1)
    if kinds == ("duration", "date") and operator == "+":
        return add_duration(right, left, 1)
    if kinds == ("date", "date") and operator == "-":
        return Duration(seconds=(left - right).total_seconds())
    if kinds == ("duration", "duration") and operator in "+-":
        return left.plus(right, 1 if operator == "+" else -1)
    if kinds == ("duration", "number") and operator in "*/":
        return left.times(right if operator == "*" else _divide(1, right))
    if kinds == ("number", "duration") and operator == "*":
        return right.times(left)
    return _NO_RULE


def _numbers(operator: str, left: float, right: float) -> Value:
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "/":
        return _divide(left, right)
    if right == 0:
        return math.nan
    return math.fmod(left, right)


def _divide(left: float, right: float) -> float:
    if right == 0:
        return math.nan if left == 0 else math.copysign(math.inf, left)
    return left / right


def add_duration(day: dt.datetime, span: Duration, sign: int) -> dt.datetime:
    """`day` moved by `span`: months on the calendar (day of month kept where it can be),
    then seconds. QueryError past the years a date can hold."""
    try:
        index = day.year * 12 + day.month - 1 + sign * span.months
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        moved = day.replace(year=year, month=month + 1, day=min(day.day, last))
        return moved + dt.timedelta(seconds=sign * span.seconds)
    except (ValueError, OverflowError):
        raise QueryError("date out of range") from None


# -- reading values -------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?)?)?)?"
    r"(?:Z|[+-]\d{1,2}(?::\d{2})?)?$"
)
DURATION_UNITS = {
    **dict.fromkeys(("year", "years", "yr", "yrs"), (12, 0)),
    **dict.fromkeys(("month", "months", "mo", "mos"), (1, 0)),
    **dict.fromkeys(("week", "weeks", "wk", "wks", "w"), (0, 7 * 86_400)),
    **dict.fromkeys(("day", "days", "d"), (0, 86_400)),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), (0, 3_600)),
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), (0, 60)),
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), (0, 1)),
}
_DURATION_PART = re.compile(r"\s*,?\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]+)")
_LINK = re.compile(r"^!?\[\[([^\[\]]*?)\]\]$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def read_date(text: str) -> dt.datetime | None:
    """`2021-04-18`, `2021-04`, `2021-09-20T20:17`…; None if `text` is not one."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    parts = [int(g) if g else 0 for g in match.groups()]
    try:
        return dt.datetime(parts[0], parts[1], parts[2] or 1, parts[3], parts[4], parts[5],
                           parts[6] * 1000)  # fmt: skip
    except ValueError:
        return None


def read_duration(text: str) -> Duration | None:
    """`3 days`, `1h 30m`, `2 days, 4 hours`; None if `text` is not one."""
    text = text.strip()
    position, months, seconds = 0, 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position or match.group(2).lower() not in DURATION_UNITS:
            return None
        unit_months, unit_seconds = DURATION_UNITS[match.group(2).lower()]
        count = float(match.group(1))
        months += round(count * unit_months)
        seconds += count * unit_seconds
        position = match.end()
    if position == 0 or position != len(text):
        return None
    return Duration(months, seconds)


def inner_link(inner: str, resolve: Callable[[str], str | None], embed: bool = False) -> Link:
    """The link `[[inner]]` says, resolved among published notes."""
    target, _, display = inner.partition("|")
    subpath: str | None = None
    kind = "file"
    if "#^" in target:
        target, subpath = target.split("#^", 1)
        kind = "block"
    elif "#" in target:
        target, subpath = target.split("#", 1)
        kind = "header"
    found = resolve(target) if target.strip() else None
    return Link(
        found or target.strip(), display or None, subpath or None, kind, embed, found is not None
    )


def from_text(text: str, resolve: Callable[[str], str | None]) -> Value:
    """A frontmatter string as Dataview reads it: a date, a duration or a link if it is one."""
    found = read_date(text)
    if found is not None:
        return found
    span = read_duration(text)
    if span is not None:
        return span
    link = _LINK.match(text.strip())
    if link:
        return inner_link(link.group(1), resolve, text.strip().startswith("!"))
    return text


def from_yaml(value: Any, resolve: Callable[[str], str | None]) -> Value:
    """A frontmatter value (as YAML gave it) as a Dataview value."""
    if isinstance(value, str):
        return from_text(value, resolve)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, list | tuple):
        return [from_yaml(v, resolve) for v in value]
    if isinstance(value, Mapping):
        return {str(k): from_yaml(v, resolve) for k, v in value.items()}
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


def from_inline(text: str, resolve: Callable[[str], str | None]) -> Value:
    """An inline field's raw value as Dataview reads it (typed literals, `a, b` lists)."""
    if not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")] if "," in text else [text.strip()]
    values = [_inline_atom(p, resolve) for p in parts]
    if len(values) > 1 and all(v is not _NO_RULE for v in values):
        return values
    single = _inline_atom(text.strip(), resolve)
    return text.strip() if single is _NO_RULE else single


def _inline_atom(text: str, resolve: Callable[[str], str | None]) -> Value:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    found = from_text(text, resolve)
    if found is not text or text.startswith("#"):
        return found
    return _NO_RULE


# -- display --------------------------------------------------------------------------------


def to_string(value: Value) -> str:
    """Dataview's string of a value (`string()`, concatenation, text cells)."""
    kind = type_of(value)
    if kind == "null":
        return "-"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return format_number(value)
    if kind == "date":
        return format_date(value)
    if kind == "duration":
        return format_duration(value)
    if kind == "link":
        return link_text(value)
    if kind == "array":
        return ", ".join(to_string(v) for v in value)
    if kind == "object":
        return "{ " + ", ".join(f"{k}: {to_string(v)}" for k, v in value.items()) + " }"
    if kind == "function":
        return "<function>"
    return str(value)


def format_number(number: float) -> str:
    if isinstance(number, float):
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        if number.is_integer() and abs(number) < 1e21:
            return str(int(number))
    return str(number)


def format_date(day: dt.datetime) -> str:
    """Dataview's default formats: `October 07, 2025`, `2:05 PM - October 07, 2025`."""
    text = f"{day:%B} {day.day:02d}, {day.year}"
    if (day.hour, day.minute, day.second) == (0, 0, 0):
        return text
    return f"{day.hour % 12 or 12}:{day.minute:02d} {'AM' if day.hour < 12 else 'PM'} - {text}"


def format_duration(span: Duration) -> str:
    years, months = divmod(abs(span.months), 12)
    seconds = abs(span.seconds)
    weeks, seconds = divmod(seconds, 7 * 86_400)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    units = (("year", years), ("month", months), ("week", weeks), ("day", days),
             ("hour", hours), ("minute", minutes), ("second", seconds))  # fmt: skip
    parts = [f"{format_number(float(n))} {u}{'' if n == 1 else 's'}" for u, n in units if n]
    sign = "-" if span.months < 0 or span.seconds < 0 else ""
    return sign + ", ".join(parts) if parts else "0 seconds"


def link_text(link: Link) -> str:
    if link.display:
        return link.display
    name = link.path.rsplit("/", 1)[-1]
    name = name[:-3] if name.lower().endswith(".md") else name
    return f"{name} > {link.subpath}" if link.subpath else name
