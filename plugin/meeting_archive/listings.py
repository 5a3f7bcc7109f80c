"""Listings as HTML, from the rows of views.py: meetings, action items, decisions, notes,
people/accounts/topics, counted names, and the pager of a long listing.

Tables have no class of their own, so Material styles them as it styles every table of the
content; a sortable listing sits in a `div.ma-sortable`. Dates never wrap (`ma-date`), names
never break inside a word (`ma-name`). `href(src, fragment)` is the link from the page being
made to another page's source; `today` marks what is overdue.

Action items' rows carry what the board's filters read (meeting-archive.js): `data-owner`, the
owner's name; `data-accounts`, a JSON list of account names; `data-due`, the ISO due date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence

from . import inline
from .markup import anchor, esc, table
from .views import DecisionRow, EntityRow, MeetingRow, Named, NoteRow, TaskRow

Href = Callable[[str, str], str]
PRIORITY_LABEL = {  # a no-break space: the sign stays with its word
    "highest": "🔺\u00a0highest",
    "high": "⏫\u00a0high",
    "medium": "🔼\u00a0medium",
    "low": "🔽\u00a0low",
    "lowest": "⏬\u00a0lowest",
}
NOTHING = "<p><em>None yet.</em></p>"


def date_cell(date: dt.date | None) -> str:
    return f'<span class="ma-date">{date.isoformat()}</span>' if date else "—"


def due(date: dt.date | None, today: dt.date) -> str:
    """A due date, marked overdue against the build date (`ma-overdue`, with the word, so
    that it is not told by colour alone)."""
    if date is None:
        return "—"
    if date < today:
        return (
            f'<span class="ma-due ma-overdue ma-date" data-due="{date.isoformat()}">'
            f'{date.isoformat()}<span class="ma-overdue-label"> overdue</span></span>'
        )
    return f'<span class="ma-due ma-date" data-due="{date.isoformat()}">{date.isoformat()}</span>'


def name_text(name: str) -> str:
    """A name that may wrap between its words only: a hyphenated word (`Tanaka-Ruiz`) is kept
    whole (a browser would break it after the hyphen)."""
    words = [
        f'<span class="ma-word">{esc(word)}</span>' if "-" in word else esc(word)
        for word in name.split(" ")
    ]
    return f'<span class="ma-name">{" ".join(words)}</span>'


def name_link(named: Named, href: Href) -> str:
    name, src = named
    text = name_text(name)
    return anchor(href(src, ""), text) if src else text


def names(items: Iterable[Named], href: Href) -> str:
    return ", ".join(name_link(n, href) for n in items) or "—"


def note_link(title: str, src: str, href: Href, fragment: str = "") -> str:
    return anchor(href(src, fragment), esc(title))


def sortable(html: str) -> str:
    return f'<div class="ma-sortable">{html}</div>'


def meetings_table(
    rows: Sequence[MeetingRow], href: Href, account: bool = True, people: bool = True
) -> str:
    if not rows:
        return "<p><em>No meetings yet.</em></p>"
    head = (
        ["Date", "Meeting"] + (["Account"] if account else []) + (["Attendees"] if people else [])
    )
    body = []
    for m in rows:
        row = [date_cell(m.date), note_link(m.title, m.src, href)]
        if account:
            row.append(names(m.accounts, href))
        if people:
            row.append(names(m.people, href))
        body.append(row)
    return table(head, body)


def status_box(symbol: str) -> str:
    """A task's checkbox, showing its status (`data-task` is the symbol, as Obsidian's themes
    have it): Material's checkbox look, disabled, named for screen readers."""
    from .tasks import status_of

    name, kind, _ = status_of(symbol)
    checked = " checked" if kind == "DONE" else ""
    return (
        f'<label class="task-list-control ma-task-box" data-task="{esc(symbol)}" '
        f'title="{esc(name)}"><input type="checkbox" disabled{checked} '
        f'aria-label="{esc(name)}"><span class="task-list-indicator"></span></label>'
    )


def task_text(text: str) -> str:
    """A task's or decision's text for a listing: inline code kept, links as their text."""
    return inline.listing_text(text) or "(no text)"


def tasks_table(
    rows: Sequence[TaskRow],
    href: Href,
    today: dt.date,
    owner: bool = True,
    account: bool = False,
) -> str:
    if not rows:
        return "<p><em>No open action items.</em></p>"
    head = ["Due", "Action item"] + (["Owner"] if owner else []) + (["Account"] if account else [])
    head += ["Priority", "Meeting"]
    body = []
    for t in rows:
        row = [
            due(t.due, today),
            f"{status_box(t.symbol)} {anchor(href(t.meeting, t.anchor), task_text(t.text))}",
        ]
        if owner:
            row.append(name_link(t.owner, href) if t.owner else "—")
        if account:
            row.append(names(t.accounts, href))
        row.append(PRIORITY_LABEL.get(t.priority or "", "—"))
        row.append(note_link(t.meeting_title, t.meeting, href))
        body.append((task_row_data(t), row))
    return _table_with_row_data(head, body)


def _table_with_row_data(head: list[str], body: list[tuple[str, list[str]]]) -> str:
    """`markup.table`, with attributes on each body row."""
    out = ["<table><thead><tr>", *(f'<th scope="col">{h}</th>' for h in head), "</tr></thead>"]
    out.append("<tbody>")
    for attributes, cells in body:
        out.append(f"<tr{attributes}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def task_row_data(t: TaskRow) -> str:
    """The attributes of an action item's row that the board's filters read."""
    owner = t.owner[0] if t.owner else ""
    accounts = json.dumps([name for name, _ in t.accounts], ensure_ascii=False)
    due_date = t.due.isoformat() if t.due else ""
    return f' data-owner="{esc(owner)}" data-accounts="{esc(accounts)}" data-due="{due_date}"'


def decisions_table(rows: Sequence[DecisionRow], href: Href) -> str:
    if not rows:
        return "<p><em>No decisions recorded.</em></p>"
    body = [
        [date_cell(d.date), task_text(d.text), note_link(d.meeting_title, d.meeting, href)]
        for d in rows
    ]
    return table(["Date", "Decision", "Meeting"], body)


def notes_list(
    rows: Sequence[NoteRow], href: Href, empty: str = "<p><em>Nowhere yet.</em></p>"
) -> str:
    if not rows:
        return empty
    items = [
        f"<li>{date_cell(n.date) + ' · ' if n.date else ''}{note_link(n.title, n.src, href)}</li>"
        for n in rows
    ]
    return "<ul>" + "".join(items) + "</ul>"


def counted(items: Sequence[tuple[str, str | None, int]], href: Href) -> str:
    return (
        "<ul>" + "".join(f"<li>{name_link((n, s), href)} ({c})</li>" for n, s, c in items) + "</ul>"
    )


def entities_table(rows: Sequence[EntityRow], href: Href, count_head: str) -> str:
    if not rows:
        return NOTHING
    body = [
        [name_link((e.name, e.src), href), str(e.meetings), date_cell(e.last), str(e.tally)]
        for e in rows
    ]
    return sortable(table(["Name", "Meetings", "Last meeting", count_head], body))


def pager(pages: Sequence[str], current: int, href: Href) -> str:
    """Links to every page of a long listing (`pages` are their sources)."""
    if len(pages) < 2:
        return ""
    links = [
        f'<strong aria-current="page">{n + 1}</strong>'
        if n == current
        else anchor(href(s, ""), str(n + 1))
        for n, s in enumerate(pages)
    ]
    return (
        '<nav class="ma-pager" aria-label="Pages of this listing">Pages: '
        + " · ".join(links)
        + "</nav>"
    )
