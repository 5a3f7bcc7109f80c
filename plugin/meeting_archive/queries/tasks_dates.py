"""The dates of Tasks queries: `2023-04-20`, `today`, `in two weeks`, `next monday`,
`14 October`, ranges (`2023-11-25 2023-11-30`, `this week`, `2022-W14`, `2021-Q4`,
`2023-10`, `2023`), each read against a given today, as the Tasks docs define them.

Pure functions over `datetime.date`; the phrases are parsed with the grammar in
grammars/tasks_dates.lark. Weeks run Monday to Sunday (ISO 8601), as in Tasks.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_WEEKDAYS.update({name.lower()[:3]: i for i, name in enumerate(calendar.day_name)})
_MAX_OFFSET = 100_000
"""Days, weeks, months or years: more than this cannot be a date Python can hold."""


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days (a single date has start == end)."""

    start: dt.date
    end: dt.date
    relative: bool
    """Read against today (so the result changes with the build date)."""
    is_range: bool = True


@functools.cache
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("grammars/tasks_dates.lark").read_text()
    return Lark(grammar, parser="lalr", lexer="contextual")


def read_dates(text: str, today: dt.date) -> DateRange | None:
    """The date or range `text` names, or None if it names none."""
    try:
        tree = _parser().parse(text.strip())
    except LarkError:
        return None
    try:
        return _evaluate(tree, today)
    except (ValueError, OverflowError):
        return None


def describe(day: dt.date) -> str:
    """`2022-10-21 (Friday 21st October 2022)`, as Tasks' explanations write a date."""
    return f"{day.isoformat()} ({day:%A} {_ordinal(day.day)} {day:%B} {day.year})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _evaluate(tree: Tree[Token], today: dt.date) -> DateRange:
    kind = str(tree.data)
    args = [a for a in tree.children if a is not None]
    if kind in _RANGES:
        return _RANGES[kind](args, today)
    day = _SINGLES[kind](args, today)
    return DateRange(day, day, relative=_is_relative(kind, args), is_range=False)


def _is_relative(kind: str, args: list[Tree[Token] | Token]) -> bool:
    """Whether a single date depends on today: all but ISO dates and dates with a year."""
    if kind in ("iso", "month_year"):
        return False
    if kind in ("day_month", "month_day"):
        return not any(isinstance(a, Tree) and a.data == "year" for a in args)
    return True


def _iso_range(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    start, end = (dt.date.fromisoformat(str(a)) for a in args)
    return DateRange(min(start, end), max(start, end), relative=False)


def _relative_range(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    step = {"last": -1, "this": 0, "next": 1}[str(args[0]).lower()]
    period = str(args[1]).lower()
    if period == "week":
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=step)
        return DateRange(monday, monday + dt.timedelta(days=6), relative=True)
    if period == "month":
        first = _add_months(today.replace(day=1), step)
        return DateRange(first, _month_end(first), relative=True)
    if period == "quarter":
        first = _add_months(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), 3 * step)
        return DateRange(first, _month_end(_add_months(first, 2)), relative=True)
    year = today.year + step
    return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), relative=True)


def _week_number(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    year, week = str(args[0]).lower().split("-w")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    return DateRange(monday, monday + dt.timedelta(days=6), relative=False)


def _quarter_number(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    year, quarter = str(args[0]).lower().split("-q")
    if not 1 <= int(quarter) <= 4:
        raise ValueError(f"no quarter {quarter}")
    first = dt.date(int(year), 3 * int(quarter) - 2, 1)
    return DateRange(first, _month_end(_add_months(first, 2)), relative=False)


def _month_number(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    year, month = str(args[0]).split("-")
    first = dt.date(int(year), int(month), 1)
    return DateRange(first, _month_end(first), relative=False)


def _year_number(args: list[Tree[Token] | Token], today: dt.date) -> DateRange:
    year = int(str(args[0]))
    return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), relative=False)


_RANGES = {
    "iso_range": _iso_range,
    "relative_range": _relative_range,
    "week_number": _week_number,
    "quarter_number": _quarter_number,
    "month_number": _month_number,
    "year_number": _year_number,
}


def _count(node: Tree[Token] | Token) -> int:
    word = str(node.children[0] if isinstance(node, Tree) else node).lower()
    number = _NUMBER_WORDS[word] if word in _NUMBER_WORDS else int(word)
    if number > _MAX_OFFSET:
        raise ValueError("too far away")
    return number


def _offset(today: dt.date, count: int, unit: str) -> dt.date:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return today + dt.timedelta(days=count)
    if unit == "week":
        return today + dt.timedelta(weeks=count)
    if unit == "month":
        return _add_months(today, count)
    return _add_months(today, 12 * count)


def _ago(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    return _offset(today, -_count(args[0]), str(args[1]))


def _later(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    numbers = [a for a in args if isinstance(a, Tree)]
    unit = next(a for a in args if isinstance(a, Token) and a.type == "UNIT")
    return _offset(today, _count(numbers[0]), str(unit))


def _weekday(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    modifier = str(args[0]).lower() if len(args) == 2 else None
    wanted = _WEEKDAYS[str(args[-1]).lower()]
    return today + dt.timedelta(days=_days_to_weekday(today, wanted, modifier))


def _days_to_weekday(today: dt.date, wanted: int, modifier: str | None) -> int:
    """chrono's rule (weekdays Monday=0 here): `this` looks forward, `last` back, `next` into
    the following week, no modifier takes the closest."""
    forward = (wanted - today.weekday()) % 7
    backward = forward - 7 if forward else -7
    if modifier == "this":
        return forward
    if modifier == "last":
        return backward
    if modifier == "next":
        sunday, saturday = 6, 5
        if today.weekday() == sunday:
            return 7 if wanted == sunday else wanted + 1
        if today.weekday() == saturday:
            return {saturday: 7, sunday: 8}.get(wanted, wanted + 2)
        return forward if wanted < today.weekday() else forward + 7
    return forward if forward < -backward else backward


def _day_of(node: Tree[Token] | Token) -> int:
    text = str(node.children[0] if isinstance(node, Tree) else node).lower()
    return int(text.rstrip("stndrh"))


def _day_month(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    year = (
        int(str(args[2].children[0])) if len(args) > 2 and isinstance(args[2], Tree) else today.year
    )
    return dt.date(year, _MONTHS[str(args[1]).lower()], _day_of(args[0]))


def _month_day(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    years = [a for a in args[2:] if isinstance(a, Tree)]
    year = int(str(years[0].children[0])) if years else today.year
    return dt.date(year, _MONTHS[str(args[0]).lower()], _day_of(args[1]))


def _month_year(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    return dt.date(int(str(args[1])), _MONTHS[str(args[0]).lower()], 1)


def _month(args: list[Tree[Token] | Token], today: dt.date) -> dt.date:
    return dt.date(today.year, _MONTHS[str(args[0]).lower()], 1)


_SINGLES = {
    "iso": lambda args, today: dt.date.fromisoformat(str(args[0])),
    "today": lambda args, today: today,
    "tomorrow": lambda args, today: today + dt.timedelta(days=1),
    "yesterday": lambda args, today: today - dt.timedelta(days=1),
    "ago": _ago,
    "later": _later,
    "weekday": _weekday,
    "day_month": _day_month,
    "month_day": _month_day,
    "month_year": _month_year,
    "month": _month,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    """Like moment: the day of the month is kept where it can be, else the month's last."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
