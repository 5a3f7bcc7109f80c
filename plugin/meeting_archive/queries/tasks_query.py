"""The Obsidian Tasks query language (```` ```tasks ```` blocks): parse, then run on a vault.

The query text is read as Tasks reads it: lines ending in `\\` continue on the next one,
`#` lines are comments, `{{! … }}` is removed and `{{query.file.…}}` placeholders are
expanded; each remaining line is one instruction, parsed with grammars/tasks.lark. A Boolean
line (`(a) AND NOT (b)`) is first split into its filters at its delimiters, as Tasks does,
and the rest parsed with grammars/tasks_boolean.lark. Instructions of the language that
cannot run on a static site (JavaScript functions, presets, the tree and columns views) are
refused with a QueryError that names them, never ignored.

Running a query costs O(tasks × instructions): filters test each task once, sort keys and
groups are computed once per task and instruction, the result is capped at MAX_ROWS.
Touches nothing but its grammars (package data) and `vault.memo`, where what a filter finds
in the whole vault is kept for the next query.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from .data import QueryTask, QueryVault
from .errors import QueryError
from .results import MAX_ROWS, Cell, Summary, TaskGroup, TaskResult
from .tasks_filters import Context, Explanation, Filter, Test, build_filter, leaf
from .tasks_order import Grouper, GroupKey, Sorter, default_sorters, grouper, sorter, urgency

_FILTER_KINDS = frozenset(
    [
        "done",
        "not_done",
        "date_filter",
        "has_date",
        "no_date",
        "invalid_date",
        "text_filter",
        "tag_filter",
        "has_tags",
        "no_tags",
        "has_id",
        "no_id",
        "has_depends_on",
        "no_depends_on",
        "priority_filter",
        "is_recurring",
        "is_not_recurring",
        "is_blocking",
        "is_not_blocking",
        "is_blocked",
        "is_not_blocked",
        "status_type_filter",
        "exclude_sub_items",
    ]
)
_REFUSED = (
    (re.compile(r"^(filter|sort|group) +by +function\b", re.I),
     "custom filters, sorts and groups are JavaScript, which is never run when the site is built"),
    (re.compile(r"^preset\b", re.I),
     "presets are defined in the Tasks plugin's settings, which the published site does not have"),
    (re.compile(r"^view +columns\b", re.I), "the columns view cannot be shown on a static page"),
)  # fmt: skip
_ELEMENTS = {"backlinks": "backlink", "nested backlinks": "nested backlink"}
_FIELD_ELEMENTS = (
    ("id", "id"),
    ("depends on", "depends on"),
    ("priority", "priority"),
    ("recurrence", "recurrence rule"),
    ("on completion", "on completion"),
    ("created", "created date"),
    ("start", "start date"),
    ("scheduled", "scheduled date"),
    ("due", "due date"),
    ("cancelled", "cancelled date"),
    ("done", "done date"),
)
"""The task fields a result shows, in Tasks' order, and the layout element naming each."""
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_PROPERTY = re.compile(r"""^query\.file\.property\(\s*(['"])(.*)\1\s*\)$""")
_DELIMITERS = {"(": ")", "[": "]", "{": "}", '"': '"'}
_DELIMITER_ERROR = (
    "All filters in a Boolean instruction must be inside one of these pairs of delimiter "
    'characters: (...) or [...] or {...} or "...". Combinations of those delimiters are no '
    "longer supported."
)


@functools.cache
def _grammar(name: str) -> Lark:
    text = resources.files(__package__).joinpath(f"grammars/{name}.lark").read_text()
    return Lark(text, parser="lalr", lexer="contextual")


# -- statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One instruction: as written (continuation lines and all) and as it is run."""

    raw: str
    joined: str
    """Continuation lines joined."""
    text: str
    """…and placeholders expanded, comments removed, trimmed: the instruction."""
    line: int
    pieces: tuple[tuple[int, int, int], ...]
    """(offset in `joined`, line, column) where each written line starts."""

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column in the query text of an offset in `joined`."""
        start, line, column = self.pieces[0]
        for piece in self.pieces:
            if piece[0] <= offset:
                start, line, column = piece
        return line, column + offset - start

    def error(self, message: str, offset: int | None = None) -> QueryError:
        if offset is None:
            offset = len(self.joined) - len(self.joined.lstrip())
        line, column = self.position(offset)
        return QueryError(message, line, column)


def statements(text: str, placeholders: Mapping[str, str] | None) -> list[Statement]:
    """The query's instructions, comments and blank lines left out."""
    found: list[Statement] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        first = index
        raw: list[str] = []
        joined = ""
        pieces: list[tuple[int, int, int]] = []
        while True:
            line = lines[index]
            raw.append(line)
            if pieces:  # a continuation line is joined without its indentation
                stripped = line.lstrip()
                pieces.append((len(joined), index + 1, 1 + len(line) - len(stripped)))
                line = stripped
            else:
                pieces.append((0, index + 1, 1))
            if line.endswith("\\\\"):
                joined += line[:-1]
            elif line.endswith("\\") and index + 1 < len(lines):
                joined += line[:-1].rstrip() + " "
                index += 1
                continue
            else:
                joined += line.removesuffix("\\")
            break
        index += 1
        statement = _statement("\n".join(raw), joined, first + 1, tuple(pieces), placeholders)
        if statement is not None:
            found.append(statement)
    return found


def _statement(
    raw: str,
    joined: str,
    line: int,
    pieces: tuple[tuple[int, int, int], ...],
    placeholders: Mapping[str, str] | None,
) -> Statement | None:
    text = joined.strip()
    if not text or text.startswith("#"):
        return None
    statement = Statement(raw, joined, text, line, pieces)
    expanded = _expand(statement, placeholders).strip()
    if not expanded:
        return None
    return Statement(raw, joined, expanded, line, pieces)


def _expand(statement: Statement, placeholders: Mapping[str, str] | None) -> str:
    """`{{! comment }}` removed, `{{query.file.path}}` and the like replaced."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name.startswith("!"):
            return ""
        if placeholders is not None and name in placeholders:
            return placeholders[name]
        raise statement.error(
            _placeholder_problem(name, placeholders), statement.joined.find(match.group(0))
        )

    return _PLACEHOLDER.sub(replace, statement.text)


def _placeholder_problem(name: str, placeholders: Mapping[str, str] | None) -> str:
    intro = f"There was an error expanding one or more placeholders: '{{{{{name}}}}}'"
    if ":" in name or name.startswith(("date", "tp.", "time")):
        return f"{intro} is template text (Templater, Daily notes) that was never expanded"
    prop = _PROPERTY.match(name)
    if prop:
        return f"{intro}: the note holding the query has no property '{prop.group(2)}'"
    if name.startswith("query.file.") and placeholders is None:
        return f"{intro}: the note holding the query is not known"
    return f"{intro}: unknown property"


def placeholders_for(query_path: str | None, properties: Mapping[str, Any]) -> dict[str, str]:
    """The `{{query.file.…}}` values of a query in the note at `query_path`."""
    if query_path is None:
        return {}
    folder = posixpath.dirname(query_path)
    filename = query_path.rsplit("/", 1)[-1]
    values = {
        "query.file.path": query_path,
        "query.file.pathWithoutExtension": _without_extension(query_path),
        "query.file.root": f"{query_path.split('/', 1)[0]}/" if "/" in query_path else "/",
        "query.file.folder": f"{folder}/" if folder else "/",
        "query.file.filename": filename,
        "query.file.filenameWithoutExtension": _without_extension(filename),
    }
    for key, value in properties.items():
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        for quote in "'\"":
            values[f"query.file.property({quote}{key}{quote})"] = text
    return values


def _without_extension(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


# -- the query --------------------------------------------------------------------------------


@dataclass
class TasksQuery:
    """A parsed Tasks query."""

    today: dt.date
    filters: list[tuple[Statement, Filter]] = field(default_factory=list)
    sorters: list[Sorter] = field(default_factory=list)
    groupers: list[Grouper] = field(default_factory=list)
    limit: int | None = None
    group_limit: int | None = None
    hidden: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    short_mode: bool = False
    explain: bool = False
    listed: list[Statement] = field(default_factory=list)
    """Sort, group and layout instructions, for `explain`."""

    @property
    def relative_dates(self) -> bool:
        return any(f.relative for _, f in self.filters)


def parse_tasks_query(text: str, today: dt.date, query_path: str | None = None,
                      query_properties: Mapping[str, Any] | None = None) -> TasksQuery:  # fmt: skip
    """Parse a Tasks query; relative dates are read against `today`.

    `query_path` is the vault path of the note holding the query (for `{{query.file.…}}`),
    `query_properties` that note's frontmatter (for `{{query.file.property('x')}}`).
    """
    query = TasksQuery(today)
    values = placeholders_for(query_path, query_properties or {}) if query_path else None
    for statement in statements(text, values):
        _add(query, statement)
    return query


def _add(query: TasksQuery, statement: Statement) -> None:
    if _is_boolean(statement.text):
        query.filters.append((statement, _boolean(statement, query.today)))
        return
    tree = _instruction(statement, statement.text)
    kind = str(tree.data)
    if kind in _FILTER_KINDS:
        query.filters.append((statement, _filter(statement, statement.text, tree, query.today)))
    elif kind in ("sort", "group"):
        _order(query, statement, tree)
    elif kind in ("limit", "limit_groups"):
        number = int(
            next(str(t) for t in tree.children if isinstance(t, Token) and t.type == "INT")
        )
        if kind == "limit":
            query.limit = number
        else:
            query.group_limit = number
    else:
        _layout(query, statement, kind, tree)


def _instruction(statement: Statement, text: str) -> Tree[Token]:
    for pattern, reason in _REFUSED:
        if pattern.match(text):
            raise statement.error(f"'{text}' is not supported: {reason}")
    try:
        tree = _grammar("tasks").parse(text)
    except UnexpectedInput as error:
        offset = statement.joined.find(text)
        column = max(0, offset) + max(0, error.column - 1)
        raise statement.error(f"do not understand query: {text}", column) from None
    except LarkError:
        raise statement.error(f"do not understand query: {text}") from None
    instruction = tree.children[0]
    assert isinstance(instruction, Tree)
    return instruction


def _filter(statement: Statement, text: str, tree: Tree[Token], today: dt.date) -> Filter:
    try:
        return build_filter(text, tree, today)
    except QueryError as error:
        raise statement.error(error.message) from None


def _order(query: TasksQuery, statement: Statement, tree: Tree[Token]) -> None:
    key_tree = next(c for c in tree.children if isinstance(c, Tree))
    words = [str(t).lower() for t in key_tree.scan_values(lambda v: isinstance(v, Token))]
    reverse = any(isinstance(c, Token) and c.type == "REVERSE" for c in tree.children)
    name = words[0]
    if tree.data == "sort":
        index = int(words[1]) if len(words) > 1 else None
        query.sorters.append(sorter(statement.text, name, index, reverse))
    else:
        query.groupers.append(grouper(statement.text, name, reverse))
    query.listed.append(statement)


def _layout(query: TasksQuery, statement: Statement, kind: str, tree: Tree[Token]) -> None:
    if kind == "explain":
        query.explain = True
        return
    if kind in ("short_mode", "full_mode"):
        query.short_mode = kind == "short_mode"
    elif kind in ("hide", "show"):
        element = " ".join(str(tree.children[-1]).lower().split())
        element = _ELEMENTS.get(element, element)
        if kind == "show" and element == "tree":
            raise statement.error(
                "'show tree' is not supported: the tree of nested tasks cannot be shown on a "
                "static page (tasks are listed flat)"
            )
        (query.hidden if kind == "hide" else query.shown).add(element)
        (query.shown if kind == "hide" else query.hidden).discard(element)
    elif kind == "unsupported":
        raise statement.error(f"'{statement.text}' is not supported")
    query.listed.append(statement)


# -- Boolean instructions ---------------------------------------------------------------------


def _is_boolean(text: str) -> bool:
    return text[:1] in _DELIMITERS or re.match(r"^NOT\s*[(\[{\"]", text) is not None


@dataclass(frozen=True)
class _Part:
    text: str
    offset: int
    kind: str
    """"filter", or the operator piece it is: "binary" (`) AND (`), "unary" (`NOT (`),
    "open" (leading delimiters), "close" (trailing delimiters)."""


def _boolean(statement: Statement, today: dt.date) -> Filter:
    text = statement.text
    body = re.sub(r"^(?:NOT\s*)+", "", text)
    opener = body[:1]
    closer = _DELIMITERS.get(opener)
    if closer is None or not text.endswith(closer):
        raise statement.error(_DELIMITER_ERROR)
    parts = _split_boolean(text, opener, closer)
    simplified, filters, offsets = _simplify(parts, opener, closer)
    try:
        tree = _grammar("tasks_boolean").parse(simplified)
    except UnexpectedInput as error:
        raise statement.error(
            f"malformed boolean query -- could not read '{simplified}' "
            "(check the documentation for guidelines)",
            _offset_in(statement, offsets, error.column - 1),
        ) from None
    sub_filters = {name: _sub_filter(statement, sub, today) for name, sub in filters.items()}
    test, explanation = _combine(tree, sub_filters)
    relative = any(f.relative for f in sub_filters.values())
    return Filter(text, test, Explanation(f"{text} =>", [explanation]), relative)


def _split_boolean(text: str, opener: str, closer: str) -> list[_Part]:
    """The line cut, as Tasks cuts it, into filters and operator-plus-delimiter pieces."""
    o, c = re.escape(opener), re.escape(closer)
    cuts = [
        (re.compile(rf"{c}\s*(?:AND\s+NOT|OR\s+NOT|AND|OR|XOR)\s*{o}"), "binary"),
        (re.compile(rf"NOT\s*{o}"), "unary"),
        (re.compile(rf"^[\s{o}]+"), "open"),
        (re.compile(rf"[\s{c}]+$"), "close"),
    ]
    parts = [_Part(text, 0, "filter")]
    for pattern, kind in cuts:
        parts = [piece for part in parts for piece in _cut(part, pattern, kind)]
    return [p for p in parts if p.text.strip()]


def _cut(part: _Part, pattern: re.Pattern[str], kind: str) -> list[_Part]:
    if part.kind != "filter":
        return [part]
    pieces: list[_Part] = []
    position = 0
    for match in pattern.finditer(part.text):
        if match.start() == match.end():
            continue
        if match.start() > position:
            pieces.append(
                _Part(part.text[position : match.start()], part.offset + position, "filter")
            )
        pieces.append(_Part(match.group(), part.offset + match.start(), kind))
        position = match.end()
    if position < len(part.text):
        pieces.append(_Part(part.text[position:], part.offset + position, "filter"))
    return pieces


def _simplify(
    parts: list[_Part], opener: str, closer: str
) -> tuple[str, dict[str, str], list[tuple[int, int]]]:
    """`(f1) AND NOT (f2)`, the filters' texts by placeholder, and (offset in the
    simplified line, offset in the instruction) for each piece."""
    out: list[str] = []
    filters: dict[str, str] = {}
    offsets: list[tuple[int, int]] = []
    length = 0
    for part in parts:
        if part.kind == "filter":
            piece = f"f{len(filters) + 1}"
            filters[piece] = part.text.strip()
        elif part.kind == "binary":
            operator = re.search(r"AND\s+NOT|OR\s+NOT|AND|OR|XOR", part.text)
            piece = f") {' '.join(operator.group().split()) if operator else ''} ("
        elif part.kind == "unary":
            piece = "NOT ("
        elif part.kind == "open":
            piece = " ".join("(" * part.text.count(opener))
        else:
            piece = " ".join(")" * part.text.count(closer))
        offsets.append((length, part.offset))
        out.append(piece)
        length += len(piece) + 1
    return " ".join(out), filters, offsets


def _offset_in(statement: Statement, offsets: list[tuple[int, int]], column: int) -> int:
    found = 0
    for simplified, original in offsets:
        if simplified <= column:
            found = original
    return statement.joined.find(statement.text) + found


def _sub_filter(statement: Statement, text: str, today: dt.date) -> Filter:
    try:
        tree = _grammar("tasks").parse(text).children[0]
    except LarkError:
        raise statement.error(f"couldn't parse sub-expression '{text}'") from None
    if not isinstance(tree, Tree) or str(tree.data) not in _FILTER_KINDS:
        raise statement.error(f"couldn't parse sub-expression '{text}': it is not a filter")
    return _filter(statement, text, tree, today)


def _combine(tree: Tree[Token] | Token, filters: Mapping[str, Filter]) -> tuple[Test, Explanation]:
    if isinstance(tree, Token):
        found = filters[str(tree)]
        return found.test, _copy(found.explanation)
    if tree.data == "not_":
        test, explanation = _combine(tree.children[0], filters)
        return (lambda t, c: not test(t, c)), Explanation("None of", [explanation], "NOT")
    left, left_explained = _combine(tree.children[0], filters)
    right, right_explained = _combine(tree.children[1], filters)
    tests: dict[str, tuple[str, Test]] = {
        "and_": ("AND", lambda t, c: left(t, c) and right(t, c)),
        "or_": ("OR", lambda t, c: left(t, c) or right(t, c)),
        "xor_": ("XOR", lambda t, c: left(t, c) != right(t, c)),
    }
    symbol, test = tests[str(tree.data)]
    return test, Explanation.combine(symbol, left_explained, right_explained)


def _copy(explanation: Explanation) -> Explanation:
    return Explanation(
        explanation.description, [_copy(c) for c in explanation.children], explanation.symbol
    )


# -- running ----------------------------------------------------------------------------------


def run_tasks_query(query: TasksQuery, vault: QueryVault) -> TaskResult:
    """The tasks of `vault` that `query` finds, sorted, limited and grouped."""
    found = _filtered(query, vault)
    total = len(found)
    for sort in reversed([*query.sorters, *default_sorters()]):
        found.sort(key=functools.partial(_sort_key, sort.key, query.today), reverse=sort.reverse)
    if query.limit is not None:
        found = found[: query.limit]
    groups, cut = _cap(_grouped(found, query.groupers, query.today, query.group_limit))
    shown_urgency = "urgency" in query.shown
    return TaskResult(
        groups=groups,
        summary=Summary(query.today, query.relative_dates, total, cut),
        fields=tuple(name for name, element in _FIELD_ELEMENTS if element not in query.hidden),
        short_mode=query.short_mode,
        show_tags="tags" not in query.hidden,
        show_backlink="backlink" not in query.hidden,
        show_urgency=shown_urgency,
        show_task_count="task count" not in query.hidden,
        show_group_count="group count" in query.shown,
        urgency=tuple(
            (t.path, t.line, round(urgency(t, query.today), 2)) for g in groups for t in g.tasks
        )
        if shown_urgency
        else (),
        explanation=explain(query) if query.explain else None,
    )


def _filtered(query: TasksQuery, vault: QueryVault) -> list[QueryTask]:
    """The tasks that pass every filter. Each filter narrows the next one's work; what a
    filter finds in the whole vault is kept with the vault (its text says all it depends
    on, placeholders being expanded), so that the `not done` of a hundred queries is
    computed once."""
    context = Context(query.today, vault.tasks)
    memo: dict[str, tuple[list[QueryTask], frozenset[int]]] = vault.memo.setdefault("tasks", {})
    found: list[QueryTask] | None = None
    for _, each in query.filters:
        key = f"{query.today.isoformat()} {each.instruction}"
        if key in memo:
            whole, ids = memo[key]
            found = whole if found is None else [t for t in found if id(t) in ids]
            continue
        if found is None:
            found = [t for t in vault.tasks if each.test(t, context)]
            memo[key] = (found, frozenset(id(t) for t in found))
        else:
            found = [t for t in found if each.test(t, context)]
    return list(vault.tasks) if found is None else list(found)


def _sort_key(key: Callable[[QueryTask, dt.date], tuple[float, str]], today: dt.date,
              task: QueryTask) -> tuple[float, str]:  # fmt: skip
    return key(task, today)


def _grouped(tasks: list[QueryTask], groupers: list[Grouper], today: dt.date,
             group_limit: int | None) -> list[TaskGroup]:  # fmt: skip
    if not groupers:
        return [TaskGroup((), tuple(tasks))] if tasks else []
    buckets: dict[tuple[GroupKey, ...], tuple[tuple[Cell, ...], list[QueryTask]]] = {}
    for task in tasks:
        levels = [g.groups(task, today) for g in groupers]
        for combination in itertools.product(*levels):
            key = tuple(k for k, _ in combination)
            buckets.setdefault(key, (tuple(h for _, h in combination), []))[1].append(task)
    keys = list(buckets)
    for level in reversed(range(len(groupers))):
        keys.sort(key=lambda k: k[level], reverse=groupers[level].reverse)
    return [
        TaskGroup(
            buckets[k][0],
            tuple(buckets[k][1][:group_limit] if group_limit is not None else buckets[k][1]),
        )
        for k in keys
    ]


def _cap(groups: list[TaskGroup]) -> tuple[tuple[TaskGroup, ...], int]:
    kept: list[TaskGroup] = []
    room = MAX_ROWS
    cut = 0
    for group in groups:
        if room <= 0:
            cut += len(group.tasks)
            continue
        kept.append(TaskGroup(group.headings, group.tasks[:room]))
        cut += max(0, len(group.tasks) - room)
        room -= len(group.tasks)
    return tuple(kept), cut


# -- explain ----------------------------------------------------------------------------------


def explain(query: TasksQuery) -> str:
    """What `explain` shows, as in the Tasks docs ("Explaining Queries")."""
    blocks = [_explain_filter(s, f) for s, f in query.filters] or [
        "  No filters supplied. All tasks will match the query."
    ]
    if query.limit is not None:
        blocks.append(f"  At most {query.limit} task{'' if query.limit == 1 else 's'}.")
    if query.group_limit is not None:
        plural = "" if query.group_limit == 1 else "s"
        blocks.append(
            f'  At most {query.group_limit} task{plural} per group (if any "group by" options are supplied).'
        )
    blocks += [f"  {s.text}" for s in query.listed]
    return "Explanation of this Tasks code block query:\n\n" + "\n\n".join(blocks)


def _explain_filter(statement: Statement, found: Filter) -> str:
    lines: list[str] = []
    if statement.raw.strip() != statement.text:
        raw = statement.raw.split("\n")
        if len(raw) > 1:
            lines += [f"  {line}" for line in raw] + ["   =>"]
        else:
            lines.append(f"  {statement.raw.strip()} =>")
    lines.append(found.explanation.text("  "))
    return "\n".join(lines)


def tasks_query(text: str, vault: QueryVault, query_path: str | None = None) -> TaskResult:
    """Parse and run a Tasks query held by the note at `query_path` (if known)."""
    holder = vault.by_path.get(query_path) if query_path else None
    properties = holder.frontmatter if holder is not None else {}
    query = parse_tasks_query(text, vault.today, query_path, properties)
    return run_tasks_query(query, vault)


__all__ = ["TasksQuery", "explain", "leaf", "parse_tasks_query", "run_tasks_query", "tasks_query"]
