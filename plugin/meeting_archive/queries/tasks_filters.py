"""The filters of the Tasks query language, each with the explanation `explain` prints.

A filter is built once per query from its parsed instruction (a lark tree of
grammars/tasks.lark) and is then a plain test of one task. Regular expressions are compiled
here, once, with a guard against patterns whose matching can take exponential time.
Wording of explanations follows the Tasks docs ("Explaining Queries").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from lark import Token, Tree

from .data import PRIORITIES, QueryTask
from .errors import QueryError
from .regex import compile_js
from .tasks_dates import DateRange, describe, read_dates

Test = Callable[[QueryTask, "Context"], bool]


@dataclass
class Context:
    """What filters may need beyond the task: the vault's task dependencies, computed once
    per query and only if a dependency filter asks."""

    today: dt.date
    tasks: Sequence[QueryTask]
    _blocking: tuple[frozenset[str], frozenset[str]] | None = None

    def dependencies(self) -> tuple[frozenset[str], frozenset[str]]:
        """(ids that an open task depends on, ids of open tasks)."""
        if self._blocking is None:
            open_tasks = [t for t in self.tasks if not t.is_done]
            depended = frozenset(d for t in open_tasks for d in t.depends_on)
            ids = frozenset(t.id for t in open_tasks if t.id)
            self._blocking = (depended, ids)
        return self._blocking


@dataclass
class Explanation:
    """A line of `explain` output and the lines under it (Tasks' Explanation)."""

    description: str
    children: list[Explanation] = field(default_factory=list)
    symbol: str = ""

    def text(self, indent: str = "") -> str:
        if not self.children:
            return indent + self.description
        head = self.description
        if self.symbol:
            head = self.symbol + (f" ({self.description})" if len(self.children) > 1 else "") + ":"
        return "\n".join([indent + head, *(c.text(indent + "  ") for c in self.children)])

    @staticmethod
    def combine(symbol: str, left: Explanation, right: Explanation) -> Explanation:
        """Boolean combination; a chain of ANDs or ORs reads as one list, as in Tasks."""
        if symbol in ("AND", "OR") and left.symbol == symbol and not right.symbol:
            left.children.append(right)
            return left
        words = {"AND": "All of", "OR": "At least one of", "XOR": "Exactly one of"}
        return Explanation(words[symbol], [left, right], symbol)


@dataclass
class Filter:
    instruction: str
    test: Test
    explanation: Explanation
    relative: bool = False
    """It reads a date relative to today."""


def leaf(instruction: str, test: Test, detail: Explanation | str | None = None) -> Filter:
    """A filter whose explanation is its instruction, with `detail` under it if given."""
    if detail is None:
        return Filter(instruction, test, Explanation(instruction))
    node = detail if isinstance(detail, Explanation) else Explanation(detail)
    return Filter(instruction, test, Explanation(f"{instruction} =>", [node]))


# -- dates -----------------------------------------------------------------------------------

_DATE_NAMES = {"starts": "start"}
_EXPLAINED_AS = {"happens": "due, start or scheduled"}


def date_field_name(word: str) -> str:
    return _DATE_NAMES.get(word.lower(), word.lower())


def task_dates(task: QueryTask, name: str) -> list[dt.date | None]:
    """The task's values for a date field; `happens` has three (start, scheduled, due)."""
    if name == "happens":
        return [task.start, task.scheduled, task.due]
    value: dt.date | None = getattr(task, name)
    return [value]


def has_date(task: QueryTask, name: str) -> bool:
    if name == "happens":
        return any(d is not None for d in task_dates(task, name))
    return getattr(task, name) is not None or name in task.invalid_dates


def date_filter(
    instruction: str, word: str, relation: str | None, text: str, today: dt.date
) -> Filter:
    """`due before tomorrow`, `starts in this week`, `done 2023-01-01 2023-01-31`…"""
    name = date_field_name(word)
    dates = read_dates(text, today)
    if dates is None and relation:
        # As in Tasks, `due in two weeks` is the date "in two weeks", not a range.
        dates = read_dates(f"{relation} {text}", today)
    if dates is None:
        raise QueryError(f"do not understand {name} date: '{text}'")
    relation = (relation or "on").lower().replace("  ", " ")
    missing = name == "start"  # `starts` searches also find tasks without a start date
    matches = _date_test(relation, dates)

    def test(task: QueryTask, context: Context) -> bool:
        values = task_dates(task, name)
        if all(v is None for v in values):
            return missing and not has_date(task, name)
        return any(v is not None and matches(v) for v in values)

    explained = _date_explanation(_EXPLAINED_AS.get(name, name), relation, missing, dates)
    return Filter(instruction, test, Explanation(f"{instruction} =>", [explained]), dates.relative)


def _date_test(relation: str, dates: DateRange) -> Callable[[dt.date], bool]:
    start, end = dates.start, dates.end
    if relation == "before":
        return lambda d: d < start
    if relation == "after":
        return lambda d: d > end
    if relation in ("on or before", "in or before"):
        return lambda d: d <= end
    if relation in ("on or after", "in or after"):
        return lambda d: d >= start
    return lambda d: start <= d <= end


def _date_explanation(name: str, relation: str, missing: bool, dates: DateRange) -> Explanation:
    suffix = f" OR no {name} date" if missing else ""
    if relation in ("before", "on or after", "in or after"):
        said = {"in or after": "on or after"}.get(relation, relation)
        return Explanation(f"{name} date is {said} {describe(dates.start)}{suffix}")
    if relation in ("after", "on or before", "in or before"):
        said = {"in or before": "on or before"}.get(relation, relation)
        return Explanation(f"{name} date is {said} {describe(dates.end)}{suffix}")
    if dates.start != dates.end:
        lines = [f"{describe(dates.start)} and", f"{describe(dates.end)} inclusive"]
        if missing:
            lines.append(f"OR no {name} date")
        return Explanation(f"{name} date is between:", [Explanation(x) for x in lines])
    return Explanation(f"{name} date is on {describe(dates.start)}{suffix}")


# -- text --------------------------------------------------------------------------------------

TextValue = Callable[[QueryTask], "str | None"]

TEXT_FIELDS: dict[str, TextValue] = {
    "description": lambda t: t.description,
    "path": lambda t: t.path,
    "filename": lambda t: t.filename,
    "folder": lambda t: t.folder,
    "root": lambda t: t.root,
    "heading": lambda t: t.heading,
    "status.name": lambda t: t.status_name,
    "recurrence": lambda t: t.recurrence,
    "id": lambda t: t.id,
}


def text_filter(instruction: str, field_name: str, operator: str, needle: str) -> Filter:
    value = TEXT_FIELDS[field_name.lower()]
    operator = " ".join(operator.lower().split())
    if operator.startswith("regex"):
        pattern, detail = js_regex(needle)
        wanted = operator == "regex matches"

        def regex_test(task: QueryTask, context: Context) -> bool:
            text = value(task)
            return (text is not None and pattern.search(text) is not None) == wanted

        return leaf(instruction, regex_test, detail)
    folded = needle.casefold()
    wanted = operator == "includes"
    if field_name.lower() == "description":
        return leaf(instruction, lambda t, c: (folded in t.folded_description) == wanted)

    def test(task: QueryTask, context: Context) -> bool:
        text = value(task)
        return (text is not None and folded in text.casefold()) == wanted

    return leaf(instruction, test)


def tag_filter(instruction: str, operator: str, needle: str) -> Filter:
    operator = " ".join(operator.lower().split())
    if operator.startswith("regex"):
        pattern, detail = js_regex(needle)
        wanted = operator == "regex matches"
        return leaf(
            instruction,
            lambda t, c: any(pattern.search(tag) for tag in t.tags) == wanted,
            detail,
        )
    folded = needle.casefold()
    wanted = operator in ("include", "includes")
    return leaf(instruction, lambda t, c: any(folded in tag.casefold() for tag in t.tags) == wanted)


# -- regular expressions --------------------------------------------------------------------

_JS_REGEX = re.compile(r"^/(.+)/([a-z]*)$", re.DOTALL)


def js_regex(text: str) -> tuple[re.Pattern[str], str]:
    """A Tasks `/pattern/flags`, compiled, and how Tasks explains it."""
    match = _JS_REGEX.match(text.strip())
    if match is None:
        raise QueryError(
            f"cannot parse regex '{text}': it must be written between slashes, /like this/"
        )
    source, flags = match.group(1), match.group(2)
    pattern = compile_js(source, flags)
    shown = re.sub(r"(?<!\\)/", r"\\/", source)
    said = {0: "no flags", 1: f"flag '{flags}'"}.get(len(flags), f"flags '{flags}'")
    return pattern, f"using regex:     '{shown}' with {said}"


# -- the rest ---------------------------------------------------------------------------------

_RANK = {name: index for index, name in enumerate(PRIORITIES)}


def priority_filter(instruction: str, relation: str | None, name: str) -> Filter:
    wanted = _RANK[name.lower()]
    relation = (relation or "is").lower()
    compare: dict[str, Callable[[int], bool]] = {
        "is": lambda rank: rank == wanted,
        "above": lambda rank: rank < wanted,
        "below": lambda rank: rank > wanted,
        "not": lambda rank: rank != wanted,
    }
    matches = compare[relation]
    return leaf(instruction, lambda t, c: matches(_RANK.get(t.priority, _RANK["none"])))


def status_filter(instruction: str, done: bool) -> Filter:
    if done:
        return leaf(
            instruction, lambda t, c: t.is_done, "status type is DONE or CANCELLED or NON_TASK"
        )
    return leaf(
        instruction, lambda t, c: not t.is_done, "status type is TODO or IN_PROGRESS or ON_HOLD"
    )


def status_type_filter(instruction: str, negated: bool, name: str) -> Filter:
    wanted = name.upper()
    return leaf(instruction, lambda t, c: (t.status_type == wanted) != negated)


def _is_blocking(task: QueryTask, context: Context) -> bool:
    depended, _ = context.dependencies()
    return not task.is_done and task.id is not None and task.id in depended


def _is_blocked(task: QueryTask, context: Context) -> bool:
    _, ids = context.dependencies()
    return not task.is_done and any(d in ids for d in task.depends_on)


SIMPLE_FILTERS: dict[str, Test] = {
    "has_tags": lambda t, c: bool(t.tags),
    "no_tags": lambda t, c: not t.tags,
    "has_id": lambda t, c: t.id is not None,
    "no_id": lambda t, c: t.id is None,
    "has_depends_on": lambda t, c: bool(t.depends_on),
    "no_depends_on": lambda t, c: not t.depends_on,
    "is_recurring": lambda t, c: t.recurrence is not None,
    "is_not_recurring": lambda t, c: t.recurrence is None,
    "is_blocking": _is_blocking,
    "is_not_blocking": lambda t, c: not _is_blocking(t, c),
    "is_blocked": _is_blocked,
    "is_not_blocked": lambda t, c: not _is_blocked(t, c),
    "exclude_sub_items": lambda t, c: t.indent == 0,
}


def build_filter(instruction: str, tree: Tree[Token], today: dt.date) -> Filter:
    """The filter a parsed instruction describes."""
    kind = str(tree.data)
    words = _words(tree)
    if kind in SIMPLE_FILTERS:
        return leaf(instruction, SIMPLE_FILTERS[kind])
    if kind in ("done", "not_done"):
        return status_filter(instruction, kind == "done")
    if kind == "date_filter":
        relation = _first(tree, "relation")
        rest = str(tree.children[-1])
        return date_filter(instruction, _first(tree, "date_field") or "", relation, rest, today)
    if kind in ("has_date", "no_date", "invalid_date"):
        return _date_presence(instruction, kind, date_field_name(_first(tree, "date_field") or ""))
    if kind == "text_filter":
        return text_filter(
            instruction,
            _first(tree, "text_field") or "",
            _first(tree, "text_op") or "",
            str(tree.children[-1]),
        )
    if kind == "tag_filter":
        return tag_filter(instruction, _first(tree, "tag_op") or "", str(tree.children[-1]))
    if kind == "priority_filter":
        return priority_filter(instruction, _first(tree, "priority_relation"), words[-1])
    if kind == "status_type_filter":
        return status_type_filter(instruction, len(words) == 4, words[-1])
    raise QueryError(f"do not understand query: {instruction}")


def _date_presence(instruction: str, kind: str, name: str) -> Filter:
    if kind == "has_date":
        return leaf(instruction, lambda t, c: has_date(t, name))
    if kind == "no_date":
        return leaf(instruction, lambda t, c: not has_date(t, name))
    return leaf(instruction, lambda t, c: name in t.invalid_dates)


def _words(tree: Tree[Token]) -> list[str]:
    return [str(token) for token in tree.scan_values(lambda v: isinstance(v, Token))]


def _first(tree: Tree[Token], rule: str) -> str | None:
    """The text of the first sub-rule `rule` of the tree, words joined by single spaces."""
    for sub in tree.find_data(rule):
        return " ".join(
            " ".join(str(t).split()) for t in sub.scan_values(lambda v: isinstance(v, Token))
        )
    return None
