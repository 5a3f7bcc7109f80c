"""Dataview's query language (DQL), as tables of (query, vault, expected rows).

The vault is built from the plugin's `Note`s through `query_vault` (frontmatter and inline
fields read as Dataview reads them). The functions are checked against the examples of
Dataview's own function reference, where it states their results.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypothesis_profiles  # noqa: F401  (registers and loads the profile: no deadline, derandomized)
from meeting_archive.model import Note
from meeting_archive.queries import QueryError, dataview_query, query_vault, render_result
from meeting_archive.queries.data import QueryFile, QueryVault
from meeting_archive.queries.dataview import Runtime, Scope, parse_dataview
from meeting_archive.queries.dataview_values import Duration, Link, compare, from_inline, truthy
from meeting_archive.queries.inline_fields import canonical_key, inline_fields, line_fields
from meeting_archive.queries.results import CellLink, ListResult, TableResult, TaskResult

TODAY = dt.date(2025, 10, 6)

KICKOFF = """# Kickoff
Mood:: good
We met [[Jason]].
- [ ] Send terms 📅 2025-10-07 [owner:: Jason]
- [x] Intro ✅ 2025-10-01
`code:: no`
```
fence:: no
```
"""
GLOBEX_SYNC = """**Status**:: open
Notes with [duration:: 2 hours] and (hidden:: yes).
- [ ] Follow up 📅 2025-09-25
"""


def notes() -> list[Note]:
    return [
        Note("Meetings/2025-10-01 Acme kickoff.md", "Acme kickoff",
             {"type": "meeting", "account": "[[Acme]]", "attendees": ["[[Jason]]", "Mary"], "rating": 4},
             KICKOFF, 6, tags=["meeting"]),
        Note("Meetings/2025-09-20 Globex sync.md", "Globex sync",
             {"type": "meeting", "account": "[[Globex]]", "rating": 2, "date": dt.date(2025, 9, 20)},
             GLOBEX_SYNC, 6, tags=["meeting", "project/x"]),
        Note("Accounts/Acme.md", "Acme", {"type": "account", "tier": "gold", "Renewal Date": dt.date(2026, 1, 1)},
             "Links to [[Globex]].", 4),
        Note("Accounts/Globex.md", "Globex", {"type": "account", "tier": "silver"}, "", 3),
        Note("People/Jason.md", "Jason", {"type": "person", "aliases": ["JV"]}, "- [ ] Call Acme", 4, aliases=["JV"]),
        Note("Daily/2025-10-06.md", "2025-10-06", {}, "today note #daily", 1, tags=["daily"]),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def vault() -> QueryVault:
    return query_vault(notes(), TODAY)


def text(cell: Any) -> str:
    """A cell as text: links as [[name]], lists as [a, b]."""
    if cell is None:
        return ""
    if isinstance(cell, CellLink):
        name = cell.text or cell.path.rsplit("/", 1)[-1].removesuffix(".md")
        return f"[[{name}]]"
    if isinstance(cell, tuple):
        return "[" + ", ".join(text(c) for c in cell) + "]"
    return str(cell)


def table(query: str, vault: QueryVault, this: str | None = None) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    result = dataview_query(query, vault, this)
    assert isinstance(result, TableResult)
    return result.headers, [tuple(text(c) for c in row) for g in result.groups for row in g.rows]


def listed(query: str, vault: QueryVault, this: str | None = None) -> list[str]:
    result = dataview_query(query, vault, this)
    assert isinstance(result, ListResult)
    out = []
    for item in result.items:
        line = text(item.value) + (f": {text(item.detail)}" if item.detail is not None else "")
        if item.children:
            line += " > " + ", ".join(text(c.value) + (f": {text(c.detail)}" if c.detail else "") for c in item.children)
        out.append(line)
    return out


K, G = "[[2025-10-01 Acme kickoff]]", "[[2025-09-20 Globex sync]]"

TABLES = [
    ('TABLE account, rating FROM "Meetings" SORT rating DESC',
     ("File", "account", "rating"), [(K, "[[Acme]]", "4"), (G, "[[Globex]]", "2")]),
    ('TABLE WITHOUT ID file.name AS "Name", tier FROM "Accounts" SORT file.name',
     ("Name", "tier"), [("Acme", "gold"), ("Globex", "silver")]),
    ("TABLE rows.file.name AS notes GROUP BY type",
     ("type", "notes"), [("-", "[2025-10-06]"), ("account", "[Acme, Globex]"),
                         ("meeting", "[2025-10-01 Acme kickoff, 2025-09-20 Globex sync]"), ("person", "[Jason]")]),
    ('TABLE mood, status, duration, hidden FROM "Meetings"',
     ("File", "mood", "status", "duration", "hidden"), [(K, "good", "-", "-", "-"), (G, "-", "open", "2 hours", "yes")]),
    ("TABLE attendees FLATTEN attendees WHERE attendees", ("File", "attendees"), [(K, "[[Jason]]"), (K, "Mary")]),
    ('TABLE length(file.tasks) AS tasks, file.day FROM "Meetings"',
     ("File", "tasks", "file.day"), [(K, "2", "October 01, 2025"), (G, "1", "September 20, 2025")]),
    ('TABLE renewal-date FROM "Accounts"', ("File", "renewal-date"),
     [("[[Acme]]", "January 01, 2026"), ("[[Globex]]", "-")]),
    ('TABLE file.inlinks, file.outlinks WHERE file.name = "Acme"', ("File", "file.inlinks", "file.outlinks"),
     [("[[Acme]]", f"[{K}]", "[[[Globex]]]")]),
    ('TABLE dateformat(file.day, "yyyy-MM-dd") AS d FROM "Daily"', ("File", "d"), [("[[2025-10-06]]", "2025-10-06")]),
    ('TABLE date(today) - file.day AS age FROM "Meetings" SORT age',
     ("File", "age"), [(K, "5 days"), (G, "2 weeks, 2 days")]),
    ('TABLE choice(rating > 3, "good", "bad") AS verdict, default(mood, "?") AS m FROM "Meetings"',
     ("File", "verdict", "m"), [(K, "good", "good"), (G, "bad", "?")]),
    ('TABLE round(rating / 3, 2) AS r FROM "Meetings"', ("File", "r"), [(K, "1.33"), (G, "0.67")]),
    ('TABLE join(attendees, " & ") AS who FROM #meeting WHERE attendees', ("File", "who"), [(K, "Jason & Mary")]),
    ('TABLE WITHOUT ID upper(tier), lower("ABC") FROM "Accounts"', ("upper(tier)", 'lower("ABC")'),
     [("GOLD", "abc"), ("SILVER", "abc")]),
    ('TABLE filter(file.tasks.text, (t) => contains(t, "terms")) AS t FROM "Meetings"',
     ("File", "t"), [(K, "[Send terms 📅 2025-10-07 [owner:: Jason]]"), (G, "[]")]),
    ('TABLE WITHOUT ID key AS type, length(rows) AS n FROM "Meetings" OR "Accounts" GROUP BY type',
     ("type", "n"), [("account", "2"), ("meeting", "2")]),
    ('TABLE file.tags, file.etags FROM #project', ("File", "file.tags", "file.etags"),
     [(G, "[#meeting, #project, #project/x]", "[#meeting, #project/x]")]),
    ("TABLE file.aliases WHERE file.aliases", ("File", "file.aliases"), [("[[Jason]]", "[JV]")]),
    ('TABLE account.tier AS tier FROM "Meetings"', ("File", "tier"), [(K, "gold"), (G, "silver")]),
    ('TABLE T.text AS "Task", T.completed FROM "Meetings" FLATTEN file.tasks AS T WHERE T.text',
     ("File", "Task", "T.completed"),
     [(K, "Send terms 📅 2025-10-07 [owner:: Jason]", "false"), (K, "Intro ✅ 2025-10-01", "true"),
      (G, "Follow up 📅 2025-09-25", "false")]),
]


@pytest.mark.parametrize(("query", "headers", "rows"), TABLES)
def test_table(query: str, headers: tuple[str, ...], rows: list[tuple[str, ...]], vault: QueryVault) -> None:
    assert table(query, vault) == (headers, rows)


LISTS = [
    ("LIST FROM #meeting", [K, G]),
    ("LIST FROM #project", [G]),
    ('LIST FROM "Accounts" or "People"', ["[[Acme]]", "[[Globex]]", "[[Jason]]"]),
    ('LIST FROM #meeting and -"Meetings/2025-09-20 Globex sync"', [K]),
    ("LIST FROM [[Acme]]", [K]),
    ("LIST FROM [[Jason]]", [K]),
    ("LIST FROM [[JV]]", [K]),
    ("LIST FROM outgoing([[Acme]])", ["[[Globex]]"]),
    ("LIST FROM outgoing([[2025-10-01 Acme kickoff]])", ["[[Jason]]", "[[Acme]]"]),  # in the order written
    ("LIST FROM !#meeting", ["[[Acme]]", "[[Globex]]", "[[Jason]]", "[[2025-10-06]]"]),
    ('LIST FROM (#meeting or "Accounts") and -#project', [K, "[[Acme]]", "[[Globex]]"]),
    ('LIST FROM "Meetings/2025-09-20 Globex sync.md"', [G]),
    ('LIST FROM "Nowhere"', []),
    ("LIST WHERE account = [[Acme]]", [K]),
    ('LIST WHERE contains(file.tags, "#proj")', [G]),
    ('LIST WHERE econtains(file.tags, "#project")', [G]),
    ('LIST WHERE icontains(tier, "GOLD")', ["[[Acme]]"]),
    ("LIST WHERE file.day >= date(today) - dur(1 week)", [K, "[[2025-10-06]]"]),
    ("LIST WHERE file.day = date(2025-09-20)", [G]),
    ('LIST WHERE date(file.day) > date("2025-10-01")', ["[[2025-10-06]]"]),
    ('LIST rating FROM "Meetings"', [f"{K}: 4", f"{G}: 2"]),
    ('LIST WITHOUT ID tier FROM "Accounts"', ["gold", "silver"]),
    ('LIST FROM "Accounts" GROUP BY tier', ["gold > [[Acme]]", "silver > [[Globex]]"]),
    ('LIST FROM "Meetings" LIMIT 1', [K]),
    ('LIST WHERE typeof(rating) = "number"', [K, G]),
    ("LIST WHERE length(attendees) = 2", [K]),
    ('LIST WHERE contains(attendees, this.file.link) AND this.file.name = "Jason"', [K]),
    ("LIST FROM [[]]", [K]),
    ('LIST WHERE regexmatch("^A.*", file.name)', ["[[Acme]]"]),
    ('LIST WHERE startswith(file.folder, "Acc")', ["[[Acme]]", "[[Globex]]"]),
    ("LIST WHERE rating >= 2 AND rating <= 3", [G]),
    ("LIST WHERE rating & !(rating > 3)", [G]),
    ('LIST WHERE !rating AND file.folder != "Daily"', ["[[Acme]]", "[[Globex]]", "[[Jason]]"]),
    ('LIST WHERE file.name != "Acme" and type = "account"', ["[[Globex]]"]),
    ("LIST SORT file.name DESC LIMIT 2", ["[[Jason]]", "[[Globex]]"]),
    ('list from "Meetings" where file.day.year = 2025 sort file.day asc', [G, K]),
    ('LIST WHERE [[Acme]].tier = "gold" AND file.name = "Jason"', ["[[Jason]]"]),
    ('LIST WHERE any(file.tasks, (t) => t.completed)', [K]),
    ("LIST WHERE mood", [K]),
    ('LIST WHERE row["type"] = "person"', ["[[Jason]]"]),
]


@pytest.mark.parametrize(("query", "expected"), LISTS)
def test_list(query: str, expected: list[str], vault: QueryVault) -> None:
    assert listed(query, vault, "People/Jason.md") == expected


def tasks(query: str, vault: QueryVault) -> list[tuple[str, list[str]]]:
    result = dataview_query(query, vault)
    assert isinstance(result, TaskResult)
    return [(text(g.headings[0]), [t.description for t in g.tasks]) for g in result.groups]


TASKS = [
    ("TASK WHERE !completed", [(K, ["Send terms 📅 2025-10-07 [owner:: Jason]"]), (G, ["Follow up"]), ("[[Jason]]", ["Call Acme"])]),
    ('TASK FROM "Meetings" WHERE due AND due < date(2025-10-01)', [(G, ["Follow up"])]),
    ('TASK FROM "Meetings" WHERE due < date(2025-10-01)', [(K, ["Intro"]), (G, ["Follow up"])]),  # null < date
    ("TASK WHERE due = date(2025-10-07)", [(K, ["Send terms 📅 2025-10-07 [owner:: Jason]"])]),
    # Tasks inherit their page's fields, and the page has the task's [owner:: Jason].
    ('TASK WHERE owner = "Jason"', [(K, ["Send terms 📅 2025-10-07 [owner:: Jason]", "Intro"])]),
    ("TASK WHERE completed", [(K, ["Intro"])]),
    ("TASK WHERE completion = date(2025-10-01)", [(K, ["Intro"])]),
    ('TASK WHERE contains(text, "terms")', [(K, ["Send terms 📅 2025-10-07 [owner:: Jason]"])]),
    ('TASK WHERE file.name = "Jason"', [("[[Jason]]", ["Call Acme"])]),
    ("TASK FROM #meeting GROUP BY status",
     [(" ", ["Send terms 📅 2025-10-07 [owner:: Jason]", "Follow up"]), ("x", ["Intro"])]),
    ('TASK FROM "Meetings" SORT due DESC LIMIT 1', [(K, ["Send terms 📅 2025-10-07 [owner:: Jason]"])]),
]


@pytest.mark.parametrize(("query", "expected"), TASKS)
def test_task(query: str, expected: list[tuple[str, list[str]]], vault: QueryVault) -> None:
    assert tasks(query, vault) == expected


def test_relative_dates_are_flagged(vault: QueryVault) -> None:
    assert dataview_query("LIST WHERE file.day > date(today)", vault).summary.relative_dates
    assert dataview_query('LIST WHERE file.day > date("sow")', vault).summary.relative_dates
    assert not dataview_query("LIST WHERE file.day > date(2025-01-01)", vault).summary.relative_dates


def test_rendered_table_and_list(vault: QueryVault) -> None:
    def link(path: str, anchor: str | None) -> str:
        return "/" + path.removesuffix(".md") + "/" + (f"#{anchor}" if anchor else "")

    html = render_result(dataview_query('TABLE account AS "Account <x>" FROM "Meetings"', vault), link,
                         lambda p: p.rsplit("/", 1)[-1])
    assert "<thead><tr><th>File</th><th>Account &lt;x&gt;</th></tr></thead>" in html
    assert '<a href="/Accounts/Acme/">Acme.md</a>' in html
    assert "<ul" in render_result(dataview_query("LIST", vault), link, str)
    empty = render_result(dataview_query('TABLE x FROM "Nowhere"', vault), link, str)
    assert "No results." in empty


def test_rows_are_capped(vault: QueryVault) -> None:
    files = tuple(QueryFile(f"n{i}.md") for i in range(1_205))
    result = dataview_query("TABLE file.name", QueryVault(files, TODAY))
    assert isinstance(result, TableResult)
    assert (len(result.groups[0].rows), result.summary.total, result.summary.cut) == (1_000, 1_205, 205)
    assert "Showing the first 1,000 of 1,205" in render_result(result, lambda p, a: "#", str)


ERRORS = [
    ("LIST WHERE", "it ends too early", 1, 11),
    ("TABLE a b", "unexpected 'b'", 1, 9),
    ('LIST FROM "a" WHERE x\nFROM "b"', "FROM must come right after TABLE, LIST or TASK", 2, 1),
    ("CALENDAR file.day", "CALENDAR queries are not supported", 1, 1),
    ("LIST WHERE file.name - 1", "No implementation found for 'string - number'", 1, 12),
    ("LIST WHERE nope(1)", "No function named 'nope'", 1, 12),
    ('LIST WHERE regextest("(a+)+", file.name)', "repeats a repetition", 1, 12),
    ('LIST FROM csv("x.csv")', "csv() sources are not supported", 1, 11),
    ('LIST LIMIT "x"', "LIMIT needs a number", 1, 6),
    ("TABLE date(2025-13-01)", "not a date", 1, 7),
    ("LIST WHERE length(1, 2)", "length() takes 1 argument(s), not 2", 1, 12),
    ('LIST\nWHERE x = "unclosed', "unexpected '\"'", 2, 11),
    ("LIST WHERE -file.name", "cannot negate a string", 1, 12),
    ("TABLE file.name WHERE", "it ends too early", 1, 22),
    ('LIST WHERE date("12/31/2022", "MM/dd/yyyy")', "date(text, format) is not supported", 1, 12),
    ("LIST WHERE hash(file.name)", "No function named 'hash'", 1, 12),
]


@pytest.mark.parametrize(("query", "message", "line", "column"), ERRORS)
def test_errors_name_line_and_column(query: str, message: str, line: int, column: int, vault: QueryVault) -> None:
    with pytest.raises(QueryError) as caught:
        dataview_query(query, vault)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


# -- values and functions, as Dataview's reference states them ------------------------------


def value(expression: str, vault: QueryVault | None = None) -> Any:
    """What an expression evaluates to (dates and links as Python values)."""
    query = parse_dataview(f"TABLE WITHOUT ID {expression}")
    runtime = Runtime(vault or QueryVault((), TODAY), None)
    return query.fields[0].value(Scope({}, runtime))


FUNCTIONS = [
    ('lower("YES")', "yes"), ('lower(["YES", "NO"])', ["yes", "no"]),
    ('replace("yes", "e", "a")', "yas"), ('replace(["yes", "ree"], "e", "a")', ["yas", "raa"]),
    ('object("a", 6)', {"a": 6}), ('length(object("hello", 1, "goodbye", 2))', 2),
    ("list(1, 2, 3)", [1, 2, 3]), ('array("a", "b", "c")', ["a", "b", "c"]),
    ('date("2020-04-18")', dt.datetime(2020, 4, 18)), ('number("18 years")', 18), ("number(34)", 34),
    ('number("hmm")', None), ("string(18)", "18"), ("string(dur(8 hours))", "8 hours"),
    ("typeof(8)", "number"), ('typeof("text")', "string"), ("typeof([1, 2, 3])", "array"),
    ("typeof({ a: 1, b: 2 })", "object"), ("typeof(date(2020-01-01))", "date"),
    ("typeof(dur(8 minutes))", "duration"),
    ("round(16.555555)", 17), ("round(16.555555, 2)", 16.56), ("trunc(12.937)", 12), ("trunc(-93.33333)", -93),
    ("floor(12.937)", 12), ("floor(-93.33333)", -94), ("floor(-0.837764)", -1), ("ceil(12.937)", 13),
    ("ceil(-93.33333)", -93), ("ceil(-0.837764)", 0),
    ("min(1, 2, 3)", 1), ("min([1, 2, 3])", 1), ('min("a", "ab", "abc")', "a"), ("max(1, 2, 3)", 3),
    ('max("a", "ab", "abc")', "abc"), ("sum([1, 2, 3])", 6), ("sum([])", None),
    ("sum(nonnull([null, 1, 8]))", 9), ("product([1,2,3])", 6), ("product([])", None),
    ("average([1, 2, 3])", 2), ("average([])", None), ("average(nonnull([null, 1, 2]))", 1.5),
    ("minby([1, 2, 3], (k) => k)", 1), ("minby([1, 2, 3], (k) => 0 - k)", 3), ("maxby([1, 2, 3], (k) => k)", 3),
    ("maxby([1, 2, 3], (k) => 0 - k)", 1),
    ('contains("Hello", "Lo")', False), ('contains("Hello", "lo")', True), ('icontains("Hello", "Lo")', True),
    ('econtains("Hello", "Lo")', False), ('econtains("Hello", "lo")', True),
    ('econtains(["this","is","example"], "ex")', False), ('econtains(["this","is","example"], "is")', True),
    ("contains(list(1, 2, 3), 3)", True), ("contains(list(), 1)", False),
    ('econtains(["These", "are", "words"], "word")', False), ('econtains({key:"value", pairs:"here"}, "key")', True),
    ('econtains({key:"value", pairs:"here"}, "here")', False),
    ('containsword("word", "Word")', True), ('containsword("words", "Word")', False),
    ('containsword("Hello there!", "hello")', True), ('containsword("Hello there chaps!", "chap")', False),
    ('containsword(["word", "Words"], "Word")', [True, False]),
    ('containsword(["Word", "Words in word"], "WORD")', [True, True]),
    ('extract(object("test", 1))', {}),
    ("sort(list(3, 2, 1))", [1, 2, 3]), ('sort(list("a", "b", "aa"))', ["a", "aa", "b"]),
    ("reverse(list(1, 2, 3))", [3, 2, 1]), ("length([])", 0), ("length([1, 2, 3])", 3),
    ("nonnull([])", []), ("nonnull([null, false])", [False]), ("nonnull([1, 2, 3])", [1, 2, 3]),
    ("all([1, 2, 3])", True), ("all([true, false])", False), ("all(true, false)", False),
    ("all(true, true, true)", True), ("all([1, 2, 3], (x) => x > 0)", True), ("all([1, 2, 3], (x) => x > 1)", False),
    ('all(["apple", "pie", 3], (x) => typeof(x) = "string")', False),
    ("any(list(1, 2, 3))", True), ("any(list(false, false, false))", False), ("any(true, false)", True),
    ("any(list(1, 2, 3), (x) => x > 2)", True), ("any(list(1, 2, 3), (x) => x = 0)", False),
    ("none([])", True), ("none([false, false])", True), ("none([false, true])", False), ("none([1, 2, 3])", False),
    ("none([1, 2, 3], (x) => x = 0)", True), ('none(["Apple", "Pi", "Banana"], (x) => startswith(x, "A"))', False),
    ("join(list(1, 2, 3))", "1, 2, 3"), ('join(list(1, 2, 3), " ")', "1 2 3"), ("join(6)", "6"), ("join(list())", ""),
    ("filter([1, 2, 3], (x) => x >= 2)", [2, 3]), ('filter(["yes", "no", "yas"], (x) => startswith(x, "y"))', ["yes", "yas"]),
    ("map([1, 2, 3], (x) => x + 2)", [3, 4, 5]), ('map(["yes", "no"], (x) => x + "?")', ["yes?", "no?"]),
    ("flat(list(1, 2, 3, list(4, 5), 6))", [1, 2, 3, 4, 5, 6]),
    ("flat(list(1, list(21, 22), list(list (311, 312, 313))), 4)", [1, 21, 22, 311, 312, 313]),
    ("slice([1, 2, 3, 4, 5], 3)", [4, 5]), ('slice(["ant", "bison", "camel", "duck", "elephant"], 0, 2)', ["ant", "bison"]),
    ("slice([1, 2, 3, 4, 5], -2)", [4, 5]),
    ('regextest("\\w+", "hello")', True), ('regextest(".", "a")', True), ('regextest("yes|no", "maybe")', False),
    ('regextest("what", "what\'s up dog?")', True), ('regexmatch("\\w+", "hello")', True),
    ('regexmatch("what", "what\'s up dog?")', False), ('regexreplace("yes", "[ys]", "a")', "aea"),
    ('regexreplace("Suite 1000", "\\d+", "-")', "Suite -"),
    ('replace("what", "wh", "h")', "hat"),
    ('replace("The big dog chased the big cat.", "big", "small")', "The small dog chased the small cat."),
    ('upper("Test")', "TEST"), ('split("hello world", " ")', ["hello", "world"]),
    ('split("hello there world", " ", 2)', ["hello", "there"]),
    ('split("hello there world", "(t?here)")', ["hello ", "there", " world"]),
    ('split("hello there world", "( )(x)?")', ["hello", " ", "", "there", " ", "", "world"]),
    ('startswith("yes", "ye")', True), ('startswith("path/to/something", "path/")', True),
    ('endswith("yes", "ye")', False), ('padleft("hello", 7)', "  hello"), ('padleft("yes", 5, "!")', "!!yes"),
    ('padright("hello", 7)', "hello  "), ('padright("yes", 5, "!")', "yes!!"),
    ('substring("hello", 0, 2)', "he"), ('substring("hello", 2, 4)', "ll"), ('substring("hello", 2)', "llo"),
    ('truncate("Hello there!", 8)', "Hello..."), ('truncate("Hello there!", 8, "/")', "Hello t/"),
    ('truncate("Hello there!", 10)', "Hello t..."), ('truncate("Hello there!", 10, "!")', "Hello the!"),
    ('truncate("Hello there!", 20)', "Hello there!"),
    ("default(list(1, 2, null), 3)", [1, 2, 3]), ("ldefault(list(1, 2, null), 3)", [1, 2, None]),
    ('choice(true, "yes", "no")', "yes"), ('choice(false, "yes", "no")', "no"),
    ("striptime(date(2021-09-20T20:17))", dt.datetime(2021, 9, 20)),
    ('dateformat(date(2022-01-05T12:18:04), "yyyy-MM-dd")', "2022-01-05"),
    ('dateformat(date(2022-01-05T12:18:04), "HH:mm:ss")', "12:18:04"),
    ("meta([[2021-11-01|Displayed link text]]).display", "Displayed link text"),
    ("meta([[2021-11-01]]).display", None), ("meta([[My Project#Next Actions]]).subpath", "Next Actions"),
    ("meta([[My Project#^9bcbe8]]).subpath", "9bcbe8"), ("meta([[My Project#Next Actions]]).path", "My Project"),
    ("meta([[My Project]]).type", "file"), ("meta([[My Project#Next Actions]]).type", "header"),
    ("meta([[My Project#^9bcbe8]]).type", "block"), ("meta(![[x.png]]).embed", True),
    # Literals and expressions
    ("list(1, 2, 3)[0] = 1", True), ("date(2021-09-20T20:17).hour", 20), ("date(2021-07-14).month", 7),
    ("dur(1 s, 2 m, 3 h) = dur(3 hours) + dur(2 minutes) + dur(1 second)", True),
    ("dur(1s 2m 3h) = dur(1second 2min 3h)", True), ("dur(2 days 4 hours).hours", 4), ("dur(3 days).days", 3),
    ("date(2021-11-11) + dur(1 month)", dt.datetime(2021, 12, 11)), ("date(2021-01-31) + dur(1 month)", dt.datetime(2021, 2, 28)),
    ("date(2021-11-11) - date(2021-11-01) = dur(10 days)", True), ('"⭐" * 3', "⭐⭐⭐"),
    ('"a" + 1', "a1"), ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 % 3", 1), ("1 / 0 > 1000", True),
    ("null + 1", None), ("true and false or true", True), ("{ a: 1, b: 2 }.b", 2), ('{ a: 1 }["a"]', 1),
    ("[[1, 2],[3, 4]][1][0]", 3), ("[[Link]] = [[Link|other text]]", True), ("null < 0", True),
    ('1 < "a"', True), ('date(2025-01-01) < "2024"', True), ("[1, 2] < [1, 2, 3]", True),
    ("date(today)", dt.datetime(2025, 10, 6)), ("date(tomorrow) - date(yesterday) = dur(2 days)", True),
    ("date(sow)", dt.datetime(2025, 10, 6)), ("date(eom).day", 31), ("date(soy).month", 1), ("-dur(1 day)", Duration(0, -86400)),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), FUNCTIONS)
def test_function(expression: str, expected: Any) -> None:
    assert value(expression) == expected


def test_links_in_values_resolve_among_published_notes(vault: QueryVault) -> None:
    assert value("[[JV]]", vault) == Link("People/Jason.md", None, None, "file", False, True)
    assert value("[[Secret]]", vault) == Link("Secret", None, None, "file", False, False)
    assert value("[[Acme]].tier", vault) == "gold"
    assert value("[[Secret]].tier", vault) is None


@pytest.mark.parametrize(
    ("left", "right", "order"),
    [(None, 0, -1), (1, 2, -1), ("b", "a", 1), ("a", "B", -1), (1, "a", -1), (True, 1, -1),
     ([1, 2], [1, 3], -1), ({"a": 1}, {"a": 1}, 0), (Duration(1, 0), Duration(0, 86400 * 31), -1),
     (dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1), 0), (Link("a.md"), Link("a.md", "x"), 0)],
)
def test_comparison_rules(left: Any, right: Any, order: int) -> None:
    assert compare(left, right) == order
    assert compare(right, left) == -order


@pytest.mark.parametrize(("value_", "expected"), [(None, False), (0, False), ("", False), ([], False), ({}, False),
                                                  (1, True), ("x", True), ([0], True), (Duration(0, 0), False)])
def test_truth(value_: Any, expected: bool) -> None:
    assert truthy(value_) is expected


# -- inline fields ------------------------------------------------------------------------------

INLINE = [
    ("Basic Field:: Some random Value", [("basic-field", "Some random Value")]),
    ("**Bold Field**:: Nice!", [("bold-field", "Nice!")]),
    ("I would rate this a [rating:: 9]! It was [mood:: acceptable].", [("rating", "9"), ("mood", "acceptable")]),
    ("- [ ] Send an mail to David about the deadline [due:: 2022-04-05].", [("due", "2022-04-05")]),
    ("This will not show the (longKeyIDontNeedWhenReading:: key).", [("longkeyidontneedwhenreading", "key")]),
    ("[link:: [[Note|alias]]] and [nested:: [a] b]", [("link", "[[Note|alias]]"), ("nested", "[a] b")]),
    ("- key:: value in a list item", [("key", "value in a list item")]),
    ("Noël:: Un jeu de console", [("noël", "Un jeu de console")]),
    ("[🎅:: a console game]", [("🎅", "a console game")]),
    ("`code:: no` but [yes:: 1]", [("yes", "1")]),
    ("no field here", []), ("::", []), ("[broken:: never closed", [("broken", "never closed")]),
    ("a [b:c] :: d", []),
]


@pytest.mark.parametrize(("line", "expected"), INLINE)
def test_inline_fields(line: str, expected: list[tuple[str, str]]) -> None:
    assert line_fields(line) == expected


def test_inline_fields_skip_fenced_code() -> None:
    assert inline_fields("a:: 1\n```\nb:: 2\n```\n~~~~\nc:: 3\n~~~~\nd:: 4") == {"a": ["1"], "d": ["4"]}


@pytest.mark.parametrize(("raw", "expected"), [
    ("2022-04-05", dt.datetime(2022, 4, 5)), ("2 hours", Duration(0, 7200)), ("9", 9), ("2.5", 2.5),
    ("true", True), ('"quoted"', "quoted"), ("[[Note]]", Link("Note")), ("a, b", "a, b"), ("1, 2", [1, 2]),
    ("", None), ("plain text", "plain text"), ("#tag", "#tag"),
])  # fmt: skip
def test_inline_values_are_typed_as_dataview_types_them(raw: str, expected: Any) -> None:
    assert from_inline(raw, lambda target: None) == expected


@pytest.mark.parametrize(("key", "canonical"), [("Basic Field", "basic-field"), ("Hello!", "hello"),
                                                ("this is a field", "this-is-a-field"), ("Bold", "bold")])
def test_canonical_keys(key: str, canonical: str) -> None:
    assert canonical_key(key) == canonical


def test_flatten_as_in_the_docs() -> None:
    """Data Commands, FLATTEN: one row per author."""
    files = (
        QueryFile("stegEnvironmentalPsychologyIntroduction2018 SN.md", tags=("#LiteratureNote",),
                  frontmatter={"authors": ["Steg, L.", "Van den Berg, A. E.", "De Groot, J. I. M."]}),
        QueryFile("Soap Dragons SN.md", tags=("#LiteratureNote",), frontmatter={"authors": ["Robert Lamb", "Joe McCormick"]}),
    )  # fmt: skip
    headers, rows = table("TABLE authors FROM #LiteratureNote\nFLATTEN authors", QueryVault(files, TODAY))
    assert headers == ("File", "authors")
    assert [r[1] for r in rows] == ["Steg, L.", "Van den Berg, A. E.", "De Groot, J. I. M.", "Robert Lamb", "Joe McCormick"]


# -- properties -------------------------------------------------------------------------------

WORDS = ["LIST", "TABLE", "TASK", "FROM", "WHERE", "SORT", "GROUP BY", "FLATTEN", "LIMIT", "AS", "WITHOUT ID",
         "#tag", '"f"', "[[a]]", "outgoing(", "(", ")", ",", "file.name", "file.tasks", "rows", "date(today)",
         "dur(1 day)", "contains(", "length(", "=", "!=", "<", "+", "-", "*", "/", "%", "and", "or", "!", "1",
         "null", "[", "]", "{", "}", ":", "(x) =>", "x", ".", "desc", "\n", " ", "this", "map(", "flat(", "-5"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=3)), max_size=20))
def test_random_query_text_raises_only_query_errors(words: list[str]) -> None:
    with contextlib.suppress(QueryError):
        dataview_query(" ".join(words), QueryVault((), TODAY))


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True) | st.text(max_size=8)
    | st.sampled_from(["[[Acme]]", "2025-01-01", "3 days", "#tag", "[[x|y]]"]) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
QUERIES = ["TABLE rating, account, file.tasks.text SORT rating DESC", "LIST WHERE rating > 1 GROUP BY type",
           "TABLE x FLATTEN x", "TASK WHERE !completed GROUP BY file.folder", "LIST WHERE contains(file.tags, \"a\")",
           "TABLE length(x), default(x, 1), typeof(x) SORT x", "LIST x WHERE x = [[Acme]] OR x"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(["x", "rating", "type", "account", "X"]), YAML_VALUES, max_size=4),
                max_size=5),
       st.lists(st.text(st.characters(codec="utf-8"), max_size=30), max_size=5))
def test_random_vaults_never_fail_but_with_query_errors(frontmatters: list[dict[str, Any]], bodies: list[str]) -> None:
    notes = [Note(f"n{i}.md", f"n{i}", fm, bodies[i] if i < len(bodies) else "", 1)
             for i, fm in enumerate(frontmatters)]
    vault = query_vault(notes, TODAY)
    for query in QUERIES:
        with contextlib.suppress(QueryError):
            render_result(dataview_query(query, vault), lambda p, a: "#", str)
