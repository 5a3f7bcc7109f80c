"""Query results → HTML strings, with the plugin's own URLs.

`link(path, anchor)` gives the href of a published note (or of a task in it: anchor
`task-<line>`), `name_of(path)` its title; nothing else about URLs is known here. Every
string that comes from a note is escaped; no attribute or URL is built from note text
except through `link`. Tasks show as the plugin's action items do: a status box with
`data-task="<symbol>"`, the description with its inline code, the due date and priority,
a link to the task's line. Pure functions; touches nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..listings import status_box
from .data import QueryTask
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
    TaskResult,
)

Href = Callable[[str, "str | None"], str]
NameOf = Callable[[str], str]

_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_WIKILINK = re.compile(r"\[\[([^\[\]|#]*)(?:#[^\[\]|]*)?(?:\|([^\[\]]*))?\]\]")
_TAG = re.compile(r"(?:^|(?<=\s))#[^\s!@#$%^&*(),.?\":{}|<>]+")
_PRIORITY_SIGNS = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}
_SIGNS = {
    "recurrence": "🔁",
    "on completion": "🏁",
    "created": "➕",
    "start": "🛫",
    "scheduled": "⏳",
    "due": "📅",
    "cancelled": "❌",
    "done": "✅",
    "id": "🆔",
    "depends on": "⛔",
}
_STATUS_LABELS = {"TODO": "To do", "DONE": "Done", "IN_PROGRESS": "In progress",
                  "CANCELLED": "Cancelled", "ON_HOLD": "On hold", "NON_TASK": "Not a task"}  # fmt: skip


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def render_result(
    result: QueryResult, link: Href, name_of: NameOf, memo: dict[Any, str] | None = None
) -> str:
    """The HTML of any query result; `memo` keeps each task's row for the next result that
    shows it the same way (one build's queries show the same tasks many times)."""
    if isinstance(result, TaskResult):
        return render_tasks(result, link, name_of, memo)
    if isinstance(result, TableResult):
        return render_table(result, link, name_of)
    return render_list(result, link, name_of)


def _as_of(summary: Summary) -> str:
    if not summary.relative_dates:
        return ""
    day = summary.today.isoformat()
    return f'<p class="ma-query-as-of">As of <time datetime="{day}">{day}</time></p>'


def _cut(summary: Summary) -> str:
    if not summary.cut:
        return ""
    shown = summary.total - summary.cut
    return (
        f'<p class="ma-query-cut">Showing the first {shown:,} of {summary.total:,} '
        f"(a query shows at most {MAX_ROWS:,}).</p>"
    )


# -- cells ------------------------------------------------------------------------------------


def render_cell(value: Cell, link: Href, name_of: NameOf) -> str:
    if value is None:
        return ""
    if isinstance(value, CellLink):
        text = value.text if value.text is not None else name_of(value.path)
        return f'<a href="{esc(link(value.path, value.anchor))}">{esc(text)}</a>'
    if isinstance(value, tuple):
        if not value:
            return ""
        if len(value) == 1:
            return render_cell(value[0], link, name_of)
        items = "".join(f"<li>{render_cell(v, link, name_of)}</li>" for v in value)
        return f'<ul class="ma-query-values">{items}</ul>'
    return esc(value)


# -- tasks ------------------------------------------------------------------------------------


def render_tasks(
    result: TaskResult, link: Href, name_of: NameOf, memo: dict[Any, str] | None = None
) -> str:
    parts = [_as_of(result.summary)]
    if result.explanation is not None:
        parts.append(f'<pre class="ma-query-explain">{esc(result.explanation)}</pre>')
    urgency = {(path, line): score for path, line, score in result.urgency}
    previous: Sequence[Cell] = ()
    for group in result.groups:
        for level, heading in enumerate(group.headings):
            if tuple(previous[: level + 1]) != tuple(group.headings[: level + 1]):
                count = (
                    f" ({len(group.tasks)})"
                    if result.show_group_count and level == len(group.headings) - 1
                    else ""
                )
                tag = f"h{min(4 + level, 6)}"
                parts.append(
                    f'<{tag} class="ma-query-group">{render_cell(heading, link, name_of)}{count}</{tag}>'
                )
        previous = group.headings
        items = "".join(
            _task_item(t, result, urgency.get((t.path, t.line)), link, name_of, memo)
            for t in group.tasks
        )
        parts.append(f'<ul class="ma-query-tasks contains-task-list">{items}</ul>')
    shown = sum(len(g.tasks) for g in result.groups)
    if result.show_task_count:
        parts.append(f'<p class="ma-query-count">{_count_text(shown, result.summary.total)}</p>')
    parts.append(_cut(result.summary))
    return f'<div class="ma-query ma-query-tasks-result">{"".join(parts)}</div>'


def _count_text(shown: int, total: int) -> str:
    noun = "task" if total == 1 else "tasks"
    return f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}"


def _task_item(
    task: QueryTask,
    result: TaskResult,
    urgency: float | None,
    link: Href,
    name_of: NameOf,
    memo: dict[Any, str] | None = None,
) -> str:
    href = esc(link(task.path, f"task-{task.line}")) if result.show_backlink else ""
    key = (task.path, task.line, result.show_tags, tuple(result.fields), result.show_backlink, urgency, href)
    if memo is not None and (known := memo.get(key)) is not None:
        return known
    made = _make_task_item(task, result, urgency, href, name_of)
    if memo is not None:
        memo[key] = made
    return made


def _make_task_item(
    task: QueryTask, result: TaskResult, urgency: float | None, href: str, name_of: NameOf
) -> str:
    symbol = esc(task.status_symbol)
    box = status_box(task.status_symbol)  # as every task of the site shows its status
    text = task.description if result.show_tags else _TAG.sub("", task.description).strip()
    parts = [box, f'<span class="ma-task-text">{inline(text)}</span>']
    fields = _fields(task, result)
    if fields:
        parts.append(f'<span class="ma-task-fields">{fields}</span>')
    if urgency is not None:
        parts.append(f'<span class="ma-task-urgency" title="urgency">{urgency:.2f}</span>')
    if result.show_backlink:
        where = name_of(task.path) + (f" > {task.heading}" if task.heading else "")
        parts.append(f'<a class="ma-task-backlink" href="{href}">{esc(where)}</a>')
    status = esc(task.status_type.lower())
    return f'<li class="ma-task task-list-item ma-task-{status}" data-task="{symbol}">{" ".join(parts)}</li>'


def inline(text: str) -> str:
    """A task's text: escaped, inline code kept as code, wikilinks shown by their text."""
    out: list[str] = []
    position = 0
    for match in _CODE.finditer(text):
        out.append(_plain(text[position : match.start()]))
        out.append(f"<code>{esc(match.group(2).strip() or match.group(2))}</code>")
        position = match.end()
    out.append(_plain(text[position:]))
    return "".join(out)


def _plain(text: str) -> str:
    return esc(_WIKILINK.sub(lambda m: m.group(2) or m.group(1), text))


def _fields(task: QueryTask, result: TaskResult) -> str:
    shown: list[str] = []
    for name in result.fields:
        if name == "priority":
            if task.priority in _PRIORITY_SIGNS:
                sign = _PRIORITY_SIGNS[task.priority]
                title = esc(f"{task.priority} priority")
                shown.append(f'<span class="ma-task-priority" title="{title}">{sign}</span>')
            continue
        value = _field_value(task, name)
        if value is not None:
            shown.append(_field(name, _SIGNS[name], value, task, result))
    return " ".join(shown)


def _field_value(task: QueryTask, name: str) -> str | None:
    if name == "recurrence":
        return task.recurrence
    if name == "on completion":
        return task.on_completion
    if name == "id":
        return task.id
    if name == "depends on":
        return ",".join(task.depends_on) or None
    if name in task.invalid_dates:
        return "Invalid date"
    value = getattr(task, name, None)
    return value.isoformat() if value is not None else None


def _field(name: str, sign: str, value: str, task: QueryTask, result: TaskResult) -> str:
    if name == "due" and task.due is not None:
        overdue = " ma-overdue" if task.due < result.summary.today and not task.is_done else ""
        shown = sign if result.short_mode else f"{sign} {esc(value)}"
        return f'<span class="ma-due{overdue}" data-due="{esc(value)}" title="due {esc(value)}">{shown}</span>'
    shown = sign if result.short_mode else f"{sign} {esc(value)}"
    css = "ma-task-" + name.replace(" ", "-")
    # Only dates (written by this module, not by a note) go into an attribute.
    is_date = name in ("created", "start", "scheduled", "cancelled", "done") and value[:1].isdigit()
    title = f' title="{esc(name)} {esc(value)}"' if is_date else ""
    return f'<span class="{css}"{title}>{shown}</span>'


# -- tables and lists -------------------------------------------------------------------------


def render_table(result: TableResult, link: Href, name_of: NameOf) -> str:
    columns = max(1, len(result.headers))
    head = "".join(f"<th>{esc(h)}</th>" for h in result.headers)
    body = "".join(_table_group(g, columns, link, name_of) for g in result.groups)
    if not any(g.rows for g in result.groups):
        body = f'<tr><td colspan="{columns}" class="ma-query-empty">No results.</td></tr>'
    foot = ""
    if result.summaries is not None:
        cells = "".join(f"<td>{render_cell(c, link, name_of)}</td>" for c in result.summaries)
        foot = f'<tfoot><tr class="ma-query-summaries">{cells}</tr></tfoot>'
    css = "ma-query-cards" if result.layout == "cards" else "ma-query-table"
    caption = f"<caption>{esc(result.name)}</caption>" if result.name else ""
    table = f'<table class="{css}">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>'
    return f'<div class="ma-query">{_as_of(result.summary)}{table}{_cut(result.summary)}</div>'


def _table_group(group: TableGroup, columns: int, link: Href, name_of: NameOf) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td>{render_cell(c, link, name_of)}</td>" for c in row) + "</tr>"
        for row in group.rows
    )
    if group.heading is None and len(group.rows) and columns:
        return rows
    heading = render_cell(group.heading, link, name_of) or "(empty)"
    return f'<tr class="ma-query-group"><th colspan="{columns}" scope="rowgroup">{heading}</th></tr>{rows}'


def render_list(result: ListResult, link: Href, name_of: NameOf) -> str:
    if not result.items:
        body = '<p class="ma-query-empty">No results.</p>'
    else:
        body = _items(result.items, link, name_of)
    return f'<div class="ma-query">{_as_of(result.summary)}{body}{_cut(result.summary)}</div>'


def _items(items: Sequence[ListItem], link: Href, name_of: NameOf) -> str:
    out = []
    for item in items:
        text = render_cell(item.value, link, name_of)
        if item.detail is not None and item.detail != ():
            text += ": " + render_cell(item.detail, link, name_of)
        if item.children:
            text += _items(item.children, link, name_of)
        out.append(f"<li>{text}</li>")
    return f'<ul class="ma-query-list">{"".join(out)}</ul>'
