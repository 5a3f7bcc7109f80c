"""Obsidian Tasks lines and decisions, read from a note's text.

`- [ ] Send terms @Jason 📅 2025-10-07 🔺 #task` → a ParsedTask with its fields; the owner is
kept as written here and matched to a person in archive.py, which knows the participants.
Statuses are read as the Tasks plugin reads them: `[ ]` todo, `[x]` done, `[/]` in progress,
`[-]` cancelled, and any other symbol a custom status that counts as todo.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import obsidian

TASK_LINE = re.compile(r"^(\s*(?:>\s*)*)([-*+]|\d+[.)]) \[(.)\][ \t]+(\S.*)$")
_TASK_LINES = re.compile(r"^[ \t>]*(?:[-*+]|\d+[.)]) \[.\][ \t]+\S.*$", re.MULTILINE)
_VS = "\ufe0f?"
_DATE_FIELDS = {
    "due": "📅📆🗓",
    "scheduled": "⏳",
    "start": "🛫",
    "done": "✅",
    "created": "➕",
    "cancelled": "❌",
}
PRIORITIES = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest"}
PRIORITY_RANK = {"highest": 0, "high": 1, "medium": 2, None: 3, "low": 4, "lowest": 5}
_DATE_FIELD = re.compile(
    "([" + "".join(_DATE_FIELDS.values()) + "])" + _VS + r"\s*(\d{4}-\d{2}-\d{2})"
)
_PRIORITY = re.compile("([" + "".join(PRIORITIES) + "])" + _VS)
_RECURRENCE = re.compile("🔁" + _VS + r"\s*([^📅📆🗓⏳🛫✅➕❌🔺⏫🔼🔽⏬#^`]*)")
_OWNER = re.compile(
    r"(?:(?<=\s)|^)@(?:\[\[([^\]|]+)(?:\|[^\]]*)?\]\]|([^\W\d][\w.'-]*(?: [A-Z][\w'-]+)?))"
)
_TASK_TAG = re.compile(r"(?:(?<=\s)|^)#task\b")
_BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+(?!\[.\] )(.*\S)\s*$")
_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")

# (name, type) of the statuses the Tasks plugin ships and those common themes style; any other
# symbol is a custom status, which the Tasks plugin counts as todo.
STATUSES: dict[str, tuple[str, str]] = {
    " ": ("Todo", "TODO"),
    "x": ("Done", "DONE"),
    "X": ("Done", "DONE"),
    "/": ("In progress", "IN_PROGRESS"),
    "-": ("Cancelled", "CANCELLED"),
    ">": ("Rescheduled", "TODO"),
    "<": ("Scheduled", "TODO"),
    "!": ("Important", "TODO"),
    "?": ("Question", "TODO"),
    "*": ("Star", "TODO"),
    '"': ("Quote", "TODO"),
    "l": ("Location", "TODO"),
    "b": ("Bookmark", "TODO"),
    "i": ("Information", "TODO"),
    "S": ("Savings", "TODO"),
    "I": ("Idea", "TODO"),
    "p": ("Pro", "TODO"),
    "c": ("Con", "TODO"),
    "f": ("Fire", "TODO"),
    "k": ("Key", "TODO"),
    "w": ("Win", "TODO"),
    "u": ("Up", "TODO"),
    "d": ("Down", "TODO"),
}


def status_of(symbol: str) -> tuple[str, str, str]:
    """(name, Tasks status type, open/done/cancelled) of a checkbox symbol."""
    name, kind = STATUSES.get(symbol, (f"Custom ({symbol})", "TODO"))
    state = {"DONE": "done", "CANCELLED": "cancelled"}.get(kind, "open")
    return name, kind, state


@dataclass
class ParsedTask:
    line: int
    """Line index within the body (0-based)."""
    text: str
    """The description: without the emoji fields, `@owner`, `#task` and the block id; inline
    code kept as written."""
    status: str
    """open, done or cancelled."""
    symbol: str = " "
    owner_names: list[str] = field(default_factory=list)
    """`@Jason Vallery` gives ["Jason Vallery", "Jason"]: the longer first, the caller picks."""
    dates: dict[str, dt.date] = field(default_factory=dict)
    priority: str | None = None
    recurrence: str | None = None
    block: str | None = None


def parse_task(line: str, index: int = 0) -> ParsedTask | None:
    """Parse one line; None if it is not a task."""
    match = TASK_LINE.match(line)
    if not match:
        return None
    symbol, rest = match.group(3), match.group(4)
    block = obsidian.block_id(rest)
    if block:
        rest = block[0]
    # Fields are never read inside code: `` `@config` `` is not an owner.
    spans: list[str] = []

    def keep(found: re.Match[str]) -> str:
        spans.append(found.group())
        return f"\x00{len(spans) - 1}\x00"

    rest = _CODE.sub(keep, rest) if "`" in rest else rest
    task = ParsedTask(index, "", status_of(symbol)[2], symbol, block=block[1] if block else None)
    for emoji, value in _DATE_FIELD.findall(rest):
        name = next(k for k, v in _DATE_FIELDS.items() if emoji in v)
        try:
            task.dates.setdefault(name, dt.date.fromisoformat(value))
        except ValueError:
            continue
    priority = _PRIORITY.search(rest)
    if priority:
        task.priority = PRIORITIES[priority.group(1)]
    recurrence = _RECURRENCE.search(rest)
    if recurrence:
        task.recurrence = recurrence.group(1).strip() or None
    owner = _OWNER.search(rest)
    if owner:
        if owner.group(1):
            task.owner_names = [owner.group(1).strip()]
        else:
            written = owner.group(2).rstrip(".'-")
            task.owner_names = [written] + ([written.split(" ")[0]] if " " in written else [])
    text = _RECURRENCE.sub("", rest)
    text = _DATE_FIELD.sub("", text)
    text = _PRIORITY.sub("", text)
    text = _OWNER.sub("", text)
    text = _TASK_TAG.sub("", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    if spans:
        text = re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], text)
    task.text = text
    return task


def parse_tasks(body: str) -> list[ParsedTask]:
    """Every task line outside code."""
    found = []
    for in_code, first_line, segment in obsidian.segments(body):
        if in_code or "[" not in segment:
            continue
        for match in _TASK_LINES.finditer(segment):
            task = parse_task(match.group(), first_line + segment.count("\n", 0, match.start()))
            if task is not None:
                found.append(task)
    return found


def parse_decisions(body: str, heading_text: str = "Decisions") -> list[tuple[int, str]]:
    """Top-level list items under the decisions heading: (line index, text)."""
    wanted = heading_text.casefold()
    decisions: list[tuple[int, str]] = []
    if not any(
        obsidian.plain_text(h.group(2) or "").casefold() == wanted
        for h in obsidian.HEADING_LINES.finditer(body)
    ):
        return decisions  # no heading reads so: no need to walk the lines

    level: int | None = None
    for index, line, in_code in obsidian.iter_lines(body):
        if in_code:
            continue
        found = obsidian.heading(line)
        if found:
            if level is not None and found[0] <= level:
                level = None
            if obsidian.plain_text(found[1]).casefold() == wanted:
                level = found[0]
            continue
        if level is not None:
            bullet = _BULLET.match(line)
            if bullet:
                decisions.append((index, bullet.group(1)))
    return decisions
