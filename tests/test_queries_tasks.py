"""The Obsidian Tasks query language, as tables of (query, vault, expected tasks).

The vault is built from the plugin's own `Note`s (through `query_vault`), so task lines are
read as they are in a build. Today is Friday 2023-02-10, the date the Tasks docs use for
their tables of date filters; their explain outputs (on 2022-10-21) are checked word for
word, and every ```tasks block of the Tasks docs corpus either parses or is refused with a
reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypothesis_profiles  # noqa: F401  (registers and loads the profile: no deadline, derandomized)
from meeting_archive.model import Note
from meeting_archive.queries import QueryError, query_vault, render_result, run_query
from meeting_archive.queries.data import QueryFile, QueryTask, QueryVault
from meeting_archive.queries.task_line import parse_task_line
from meeting_archive.queries.tasks_order import urgency
from meeting_archive.queries.tasks_query import parse_tasks_query, tasks_query

TODAY = dt.date(2023, 2, 10)
TASKS_DOCS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "obsidian-tasks-docs"

MEETING = """# Acme sync

## Action items
- [ ] A Send terms @Jason 📅 2023-02-13 🔺 #task
- [x] B Book room ✅ 2023-02-06 📅 2023-02-06 #task
- [ ] C Review `config[[0]]` ⏳ 2023-02-09 #task #inbox
- [/] D Draft proposal 🛫 2023-02-08 📅 2023-02-20 ⏫
- [-] E Old plan ❌ 2023-02-07

## Notes
- [ ] F Weekly report 🔁 every week 📅 2023-02-10 🔽
```
- [ ] not a task: in code
```
"""
IDEAS = """- [ ] G idea one #inbox/later
- [ ] H idea two ➕ 2023-01-01 ⏬
    - [ ] I nested idea 🛫 2023-02-11
- [ ] J bad date 📅 2023-02-30
- [ ] K first 🆔 abc
- [ ] L second ⛔ abc
"""
JASON = """## Tasks
- [?] M Call back @Jason 📅 2023-02-03 🔼
- [ ] N Plan #context/home
"""
ALL = "ABCDEFGHIJKLMN"


def notes() -> list[Note]:
    return [
        Note("Meetings/2023-02-06 Acme sync.md", "Acme sync", {"date": "2023-02-06"}, MEETING, 4),
        Note("Inbox/Ideas.md", "Ideas", {}, IDEAS, 1),
        Note("People/Jason.md", "Jason", {"type": "person"}, JASON, 3),
    ]


@pytest.fixture(scope="module")
def vault() -> QueryVault:
    return query_vault(notes(), TODAY)


def found(query: str, vault: QueryVault, query_path: str | None = None) -> str:
    """The letters of the tasks a query finds, in the order shown."""
    result = tasks_query(query, vault, query_path)
    return "".join(t.description[0] for g in result.groups for t in g.tasks)


def without(letters: str) -> str:
    return "".join(c for c in ALL if c not in letters)


# -- filters ---------------------------------------------------------------------------------

FILTERS = [
    ("done", "BE"),
    ("not done", without("BE")),
    ("due before 2023-02-10", "BM"),
    ("due on 2023-02-10", "F"),
    ("due 2023-02-10", "F"),
    ("due in 2023-02-10", "F"),
    ("due after 2023-02-13", "D"),
    ("due on or before 2023-02-06", "BM"),
    ("due on or after 2023-02-13", "AD"),
    ("due today", "F"),
    ("due tomorrow", ""),
    ("due AFTER yesterday", "ADF"),
    ("due this week", "BF"),
    ("due next week", "A"),
    ("due last week", "M"),
    ("due before next week", "BFM"),
    ("due after this week", "AD"),
    ("due in or before this week", "BFM"),
    ("due in or after next week", "AD"),
    ("due 2023-02-01 2023-02-10", "BFM"),
    ("due 2023-W07", "A"),
    ("due 2023-02", "ABDFM"),
    ("due 2023-Q1", "ABDFM"),
    ("due 2023", "ABDFM"),
    ("due before in two weeks", "ABDFM"),
    ("due in two weeks", ""),
    ("due next monday", "A"),
    ("due last friday", "M"),
    ("has due date", "ABDFJM"),
    ("no due date", "CEGHIKLN"),
    ("due date is invalid", "J"),
    ("scheduled before today", "C"),
    ("has scheduled date", "C"),
    ("no scheduled date", without("C")),
    ("starts before 2023-02-09", without("I")),
    ("starts after today", without("D")),
    ("start before tomorrow", without("I")),
    ("( (starts before tomorrow) AND (has start date) )", "D"),
    ("has start date", "DI"),
    ("happens before 2023-02-09", "BDM"),
    ("happens on 2023-02-10", "F"),
    ("has happens date", "ABCDFIM"),
    ("no happens date", "EGHJKLN"),
    ("created before 2023-02-01", "H"),
    ("has created date", "H"),
    ("done on 2023-02-06", "B"),
    ("has done date", "B"),
    ("cancelled 2023-02-07", "E"),
    ("has cancelled date", "E"),
    ("no cancelled date", without("E")),
    ("is recurring", "F"),
    ("is not recurring", without("F")),
    ("recurrence includes WEEK", "F"),
    ("recurrence does not include week", without("F")),
    ("priority is highest", "A"),
    ("priority is high", "D"),
    ("priority is above medium", "AD"),
    ("priority is below none", "FH"),
    ("priority is not none", "ADFHM"),
    ("priority is none", "BCEGIJKLN"),
    ("priority is lowest", "H"),
    ("path includes inbox", "GHIJKL"),
    ("path does not include Meetings", "GHIJKLMN"),
    ("path regex matches /^People\\//", "MN"),
    ("path regex matches /^people/i", "MN"),
    ("path regex does not match /^_templates/", ALL),
    ("filename includes ideas.md", "GHIJKL"),
    ("filename does not include ideas", "ABCDEFMN"),
    ("folder includes meetings/", "ABCDEF"),
    ("folder regex matches /^People\\/$/", "MN"),
    ("root includes People", "MN"),
    ("root does not include people", "ABCDEFGHIJKL"),
    ("heading includes action", "ABCDE"),
    ("heading does not include action", "FGHIJKLMN"),
    ("heading regex matches /^Notes$/", "F"),
    ("heading regex does not match /Notes/", "ABCDEGHIJKLMN"),
    ("description includes @jason", "AM"),
    ("description does not include idea", "ABCDEFJKLMN"),
    ("description regex matches /^[A-Z] [A-Z]/", "ABCDEFMN"),
    ("description regex does not match /idea/", "ABCDEFJKLMN"),
    ("description includes `config[[0]]`", "C"),
    ("tags include #inbox", "CG"),
    ("tags include inbox", "CG"),
    ("tag includes home", "N"),
    ("tags include #home", ""),
    ("tags includes #context", "N"),
    ("tag regex matches /#inbox$/", "C"),
    ("tags regex does not match /inbox/", "ABDEFHIJKLMN"),
    ("tags do not include inbox", "ABDEFHIJKLMN"),
    ("tag does not include #inbox", "ABDEFHIJKLMN"),
    ("has tags", "CGN"),
    ("no tags", "ABDEFHIJKLM"),
    ("status.type is IN_PROGRESS", "D"),
    ("status.type is in_progress", "D"),
    ("status.type is not TODO", "BDE"),
    ("status.type is CANCELLED", "E"),
    ("status.name includes unknown", "M"),
    ("status.name does not include do", "DEM"),
    ("status.name regex matches /^In /", "D"),
    ("exclude sub-items", without("I")),
    ("has id", "K"),
    ("no id", without("K")),
    ("id includes AB", "K"),
    ("has depends on", "L"),
    ("no depends on", without("L")),
    ("is blocking", "K"),
    ("is not blocking", without("K")),
    ("is blocked", "L"),
    ("is not blocked", without("L")),
    # Boolean combinations (Combining Filters)
    ("(due before 2023-02-10) OR (description includes idea)", "BGHIM"),
    ("(path includes inbox) XOR (tags include inbox)", "CHIJKL"),
    ("NOT (path includes inbox)", "ABCDEFMN"),
    ("(has due date) AND NOT (done)", "ADFJM"),
    ("(has due date) OR NOT (path includes Meetings)", "ABDFGHIJKLMN"),
    ("[tags include #inbox] OR [heading includes Tasks]", "CGMN"),
    ("{priority is high} OR {priority is highest}", "AD"),
    ('"is recurring" OR "done"', "BEF"),
    ("(path includes Inbox)AND(has id)", "K"),
    ("(priority is highest) OR \\\n    (priority is lowest)", "AH"),
    ("not done\n(tags include #inbox) OR \\\n( (path includes Inbox/) AND \\\n  (path does not include Ideas) \\\n)", "CG"),
    # lines are joined with AND; comments and blank lines are ignored
    ("not done\n# a comment\n\npath includes inbox\nhas start date", "I"),
    ("not done\nshort mode {{! an inline comment }}\npriority is lowest", "H"),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_filter(query: str, expected: str, vault: QueryVault) -> None:
    assert "".join(sorted(found(query, vault))) == expected


def test_run_query_runs_each_language(vault: QueryVault) -> None:
    assert run_query("tasks", "is blocked", vault).summary.total == 1
    assert run_query("dataview", 'LIST FROM "People"', vault).summary.total == 1
    assert run_query("base", "filters: 'file.inFolder(\"Inbox\")'", vault, "People/Jason.md").summary.total == 1


def test_code_blocks_hold_no_tasks(vault: QueryVault) -> None:
    assert "not a task" not in {t.description for t in vault.tasks}


def test_boolean_priority_is_not_xor_and_or() -> None:
    """Combining Filters, "Execution Priority": the extra brackets change nothing."""
    lines = [f"- [ ] t{i} " + " ".join(f"#{n}" for n in names)
             for i, names in enumerate([[], ["XX"], ["YY"], ["ZZ"], ["XX", "YY"], ["YY", "ZZ"], ["XX", "ZZ"]])]
    vault = query_vault([Note("n.md", "n", {}, "\n".join(lines), 1)], TODAY)
    pairs = [
        ("(tag includes #XX) OR (tag includes #YY) AND (tag includes #ZZ)",
         "(tag includes #XX) OR ( (tag includes #YY) AND (tag includes #ZZ) )"),
        ("(tag includes #XX) AND (tag includes #YY) OR (tag includes #ZZ)",
         "( (tag includes #XX) AND (tag includes #YY) ) OR (tag includes #ZZ)"),
    ]
    for plain, bracketed in pairs:
        shown = [t.description for g in tasks_query(plain, vault).groups for t in g.tasks]
        assert shown == [t.description for g in tasks_query(bracketed, vault).groups for t in g.tasks]
        assert shown


# -- sorting and grouping -------------------------------------------------------------------

SORTS = [
    ("path includes Meetings", "DAFCBE"),  # the default: status type, then urgency, due…
    ("has due date\nsort by due", "JMBFAD"),
    ("has due date\nsort by due reverse", "DAFBMJ"),
    ("path includes Meetings\nsort by priority", "ADCBEF"),
    ("path includes Inbox\nsort by description", "GHIJKL"),
    ("path includes Inbox\nsort by description reverse", "LKJIHG"),
    ("has tags\nsort by tag", "NCG"),
    ("has tags\nsort by tag 2", "CGN"),  # none has a 2nd tag: the default order
    ("has happens date\nsort by happens", "MBDCFIA"),
    ("not done\nhas due date\nsort by urgency", "AMDFJ"),
    ("path includes Meetings\nsort by status", "DAFCBE"),
    ("path includes Meetings\nsort by status.name", "EBDAFC"),
    ("path includes Meetings\nsort by recurring", "FDACBE"),
    ("path includes Meetings\nsort by heading reverse", "FDACBE"),
    ("done\nsort by done reverse", "EB"),
    ("sort by path\nlimit 3", "JGK"),  # then urgency, then due: invalid first
    ("sort by filename reverse\nlimit 2", "MN"),
    ("sort by created\nlimit 1", "H"),
    ("sort by start\nlimit 2", "DI"),
    ("sort by scheduled\nlimit 1", "C"),
    ("sort by cancelled\nlimit 1", "E"),
    ("sort by id\nlimit 1", "K"),
    ("path includes Meetings\nsort by status.type\nsort by description reverse", "DFCABE"),
]


@pytest.mark.parametrize(("query", "expected"), SORTS)
def test_sort(query: str, expected: str, vault: QueryVault) -> None:
    assert found(query, vault) == expected


def test_sort_by_random_is_a_stable_shuffle(vault: QueryVault) -> None:
    first = found("sort by random", vault)
    assert sorted(first) == sorted(ALL)
    assert found("sort by random", vault) == first


def groups(query: str, vault: QueryVault) -> list[tuple[list[str], str]]:
    result = tasks_query(query, vault)
    return [
        ([h if isinstance(h, str) else (h.text or h.path) for h in g.headings],
         "".join(t.description[0] for t in g.tasks))
        for g in result.groups
    ]


GROUPS = [
    ("path includes Meetings\ngroup by priority",
     [(["Highest priority"], "A"), (["High priority"], "D"), (["Normal priority"], "CBE"),
      (["Low priority"], "F")]),
    ("path includes Meetings\ngroup by due",
     [(["2023-02-06 Monday"], "B"), (["2023-02-10 Friday"], "F"), (["2023-02-13 Monday"], "A"),
      (["2023-02-20 Monday"], "D"), (["No due date"], "CE")]),
    ("has due date\ngroup by due reverse\nlimit groups 1",
     [(["2023-02-20 Monday"], "D"), (["2023-02-13 Monday"], "A"), (["2023-02-10 Friday"], "F"),
      (["2023-02-06 Monday"], "B"), (["2023-02-03 Friday"], "M"), (["Invalid due date"], "J")]),
    ("not done\ngroup by filename",
     [(["2023-02-06 Acme sync"], "DAFC"), (["Ideas"], "JGKLIH"), (["Jason"], "MN")]),
    ("has tags\ngroup by tags", [(["#context/home"], "N"), (["#inbox"], "C"), (["#inbox/later"], "G")]),
    ("path includes Jason\ngroup by tags", [(["#context/home"], "N"), (["(No tags)"], "M")]),
    ("path includes Ideas\ngroup by heading", [(["(No heading)"], "JGKLIH")]),
    ("path includes Meetings\ngroup by heading", [(["Action items"], "DACBE"), (["Notes"], "F")]),
    ("path includes Meetings\ngroup by status", [(["Done"], "BE"), (["Todo"], "DAFC")]),
    ("path includes Meetings\ngroup by status.type",
     [(["IN_PROGRESS"], "D"), (["TODO"], "AFC"), (["DONE"], "B"), (["CANCELLED"], "E")]),
    ("path includes Meetings\ngroup by status.name",
     [(["Cancelled"], "E"), (["Done"], "B"), (["In Progress"], "D"), (["Todo"], "AFC")]),
    ("not done\ngroup by folder\nlimit groups 1", [(["Inbox/"], "J"), (["Meetings/"], "D"), (["People/"], "M")]),
    ("path includes Jason\ngroup by path", [(["People/Jason"], "MN")]),
    ("path includes Jason\ngroup by root", [(["People/"], "MN")]),
    ("path includes Jason\ngroup by backlink", [(["Jason > Tasks"], "MN")]),
    ("path includes Meetings\nis recurring\ngroup by recurrence", [(["every week"], "F")]),
    ("path includes Meetings\ngroup by recurring", [(["Not Recurring"], "DACBE"), (["Recurring"], "F")]),
    ("path includes Inbox\nhas id\ngroup by id", [(["abc"], "K")]),
    ("path includes Inbox\ngroup by happens",
     [(["2023-02-11 Saturday"], "I"), (["No happens date"], "JGKLH")]),
    ("path includes Inbox\ngroup by created", [(["2023-01-01 Sunday"], "H"), (["No created date"], "JGKLI")]),
    ("path includes Meetings\ngroup by start", [(["2023-02-08 Wednesday"], "D"), (["No start date"], "AFCBE")]),
    ("path includes Meetings\ngroup by scheduled", [(["2023-02-09 Thursday"], "C"), (["No scheduled date"], "DAFBE")]),
    ("path includes Meetings\ngroup by done", [(["2023-02-06 Monday"], "B"), (["No done date"], "DAFCE")]),
    ("path includes Meetings\ngroup by cancelled", [(["2023-02-07 Tuesday"], "E"), (["No cancelled date"], "DAFCB")]),
    ("path includes Meetings\nnot done\ngroup by urgency", [(["16.43"], "A"), (["10.23"], "D"), (["8.80"], "F"), (["6.95"], "C")]),
    ("not done\ngroup by folder\ngroup by heading\nlimit 5",
     [(["Meetings/", "Action items"], "DAC"), (["Meetings/", "Notes"], "F"), (["People/", "Tasks"], "M")]),
]


@pytest.mark.parametrize(("query", "expected"), GROUPS)
def test_group(query: str, expected: list[tuple[list[str], str]], vault: QueryVault) -> None:
    assert groups(query, vault) == expected


def test_limits_count_what_they_leave_out(vault: QueryVault) -> None:
    result = tasks_query("not done\nlimit 2", vault)
    assert (sum(len(g.tasks) for g in result.groups), result.summary.total) == (2, 12)
    html = render_result(result, lambda p, a: f"/{p}#{a}", lambda p: p)
    assert '<p class="ma-query-count">2 of 12 tasks</p>' in html
    assert tasks_query("limit to 1 tasks", vault).summary.total == 14


# -- layout ----------------------------------------------------------------------------------

EVERY_FIELD = ("id", "depends on", "priority", "recurrence", "on completion", "created", "start",
               "scheduled", "due", "cancelled", "done")
LAYOUTS = [
    ("", {"fields": EVERY_FIELD, "short_mode": False, "show_tags": True, "show_backlink": True,
          "show_urgency": False, "show_task_count": True, "show_group_count": False}),
    ("hide due date\nhide priority\nhide recurrence rule",
     {"fields": tuple(f for f in EVERY_FIELD if f not in ("due", "priority", "recurrence"))}),
    ("hide id\nhide depends on\nhide on completion\nhide created date\nhide start date\n"
     "hide scheduled date\nhide cancelled date\nhide done date", {"fields": ("priority", "recurrence", "due")}),
    ("hide due date\nshow due date", {"fields": EVERY_FIELD}),
    ("short mode", {"short_mode": True}),
    ("short mode\nfull mode", {"short_mode": False}),
    ("hide tags\nhide backlink\nhide task count", {"show_tags": False, "show_backlink": False,
                                                     "show_task_count": False}),
    ("show urgency\nshow group count", {"show_urgency": True, "show_group_count": True}),
    ("hide edit button\nhide postpone button\nhide toolbar\nhide tree\nignore global query\nview list",
     {"fields": EVERY_FIELD, "short_mode": False}),
]


@pytest.mark.parametrize(("query", "expected"), LAYOUTS)
def test_layout(query: str, expected: dict[str, object], vault: QueryVault) -> None:
    result = tasks_query(f"path includes Jason\n{query}", vault)
    assert {name: getattr(result, name) for name in expected} == expected


def test_rendered_task_items(vault: QueryVault) -> None:
    html = render_result(
        tasks_query("path includes Meetings\nsort by description\nlimit 3", vault),
        lambda path, anchor: f"/site/{path}#{anchor}", lambda path: "Acme <sync>",
    )
    assert '<li class="ma-task task-list-item ma-task-todo" data-task=" ">' in html
    assert 'data-task="x"' in html
    assert "<code>config[[0]]</code>" in html
    assert '<span class="ma-task-priority" title="highest priority">🔺</span>' in html
    assert 'data-due="2023-02-13"' in html
    assert 'href="/site/Meetings/2023-02-06 Acme sync.md#task-7"' in html
    assert "Acme &lt;sync&gt; &gt; Action items" in html
    assert "As of" not in html


def test_note_text_is_always_escaped() -> None:
    body = '## <h1 onclick="x">\n- [ ] "><script>alert(1)</script> `<b>` 🔁 every "day" 🆔 a"b'
    v = query_vault([Note('n "<x>".md', "<title>", {}, body, 1)], TODAY)
    html = render_result(tasks_query("group by heading\ngroup by filename", v), lambda p, a: f"/{p}#{a}", lambda p: p)
    assert "<script" not in html and "<b>" not in html and "<h1" not in html and "<x>" not in html
    assert "&lt;script&gt;" in html and "<code>&lt;b&gt;</code>" in html
    assert 'href="/n &quot;&lt;x&gt;&quot;.md#task-2"' in html


def test_short_mode_shows_signs_only(vault: QueryVault) -> None:
    html = render_result(tasks_query("path includes Meetings\nshort mode", vault), lambda p, a: "#", str)
    assert "📅 2023" not in html and "📅</span>" in html


@pytest.mark.parametrize(
    ("query", "relative"),
    [("due today", True), ("due 2023-02-10", False), ("due 14 October", True),
     ("due 25th May 2023", False), ("(due this week) OR (done)", True), ("not done", False)],
)
def test_relative_dates_are_flagged(query: str, relative: bool, vault: QueryVault) -> None:
    result = tasks_query(query, vault)
    assert result.summary.relative_dates is relative
    html = render_result(result, lambda p, a: "#", str)
    assert ('As of <time datetime="2023-02-10">2023-02-10</time>' in html) is relative


# -- errors ----------------------------------------------------------------------------------

ERRORS = [
    ("not done\nfoo bar", "do not understand query: foo bar", 2, 1),
    ("due before blah", "do not understand due date", 1, 1),
    ("not done\n  sort by nothing", "do not understand query: sort by nothing", 2, 11),
    ('"not done" AND (is recurring)', "must be inside one of these pairs of delimiter characters", 1, 1),
    ("(not done) AND {is recurring}", "must be inside one of these pairs", 1, 1),
    ("(description includes (maybe)) OR (description includes (perhaps))", "malformed boolean query", 1, 30),
    ("(done) AND (sort by due)", "couldn't parse sub-expression 'sort by due': it is not a filter", 1, 1),
    ("description regex matches /(a+)+$/", "repeats a repetition", 1, 1),
    ("description regex matches nope", "must be written between slashes", 1, 1),
    ("path regex matches /[/", "cannot read regex", 1, 1),
    ("tags regex matches /x/q", "unknown regex flag 'q'", 1, 1),
    ("filter by function task.isDone", "JavaScript, which is never run", 1, 1),
    ("group by function task.due", "JavaScript", 1, 1),
    ("sort by function task.lineNumber", "JavaScript", 1, 1),
    ("preset overdue_tasks", "presets are defined in the Tasks plugin's settings", 1, 1),
    ("view columns by priority", "columns view", 1, 1),
    ("show tree", "tree of nested tasks", 1, 1),
    ("due before {{date:YYYY-MM-DD}}", "template text", 1, 12),
    ("path includes {{query.file.path}}", "the note holding the query is not known", 1, 15),
    ("group by {{query.file.property('level')}}", "has no property 'level'", 1, 10),
    ("limit groups to x tasks", "do not understand query", 1, 17),
]


@pytest.mark.parametrize(("query", "message", "line", "column"), ERRORS)
def test_errors_name_line_and_column(query: str, message: str, line: int, column: int,
                                     vault: QueryVault) -> None:
    with pytest.raises(QueryError) as caught:
        tasks_query(query, vault)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_corrected_delimiters_work(vault: QueryVault) -> None:
    """Combining Filters, "Troubleshooting": another delimiter fixes the broken query."""
    v = query_vault([Note("w.md", "w", {}, "- [ ] call (maybe)\n- [ ] call (perhaps)\n- [ ] call", 1)], TODAY)
    result = tasks_query("[description includes (maybe)] OR [description includes (perhaps)]", v)
    assert [t.description for g in result.groups for t in g.tasks] == ["call (maybe)", "call (perhaps)"]


def test_trailing_double_backslash_searches_for_a_backslash() -> None:
    v = query_vault([Note("b.md", "b", {}, "- [ ] path C:\\\n- [ ] plain", 1)], TODAY)
    assert [t.description for g in tasks_query("description includes \\\\", v).groups
            for t in g.tasks] == ["path C:\\"]


def test_placeholders_read_the_query_file(vault: QueryVault) -> None:
    assert found("path includes {{query.file.path}}", vault, "People/Jason.md") == "MN"
    assert sorted(found("folder includes {{query.file.folder}}", vault, "Inbox/Ideas.md")) == list("GHIJKL")
    files = (QueryFile("q.md", frontmatter={"level": "priority"}),)
    with_property = QueryVault(files, TODAY)
    assert tasks_query("group by {{query.file.property('level')}}", with_property, "q.md").groups == ()


# -- explain: the Tasks docs' outputs, word for word -----------------------------------------

EXPLAINED = dt.date(2022, 10, 21)
EXPLAINS = [
    ("starts after 2 years ago\nscheduled after 1 week ago\ndue before tomorrow\nexplain", """\
Explanation of this Tasks code block query:

  starts after 2 years ago =>
    start date is after 2020-10-21 (Wednesday 21st October 2020) OR no start date

  scheduled after 1 week ago =>
    scheduled date is after 2022-10-14 (Friday 14th October 2022)

  due before tomorrow =>
    due date is before 2022-10-22 (Saturday 22nd October 2022)"""),
    ("explain\npath regex matches /^Root/Sub-Folder/Sample File\\.md/i", """\
Explanation of this Tasks code block query:

  path regex matches /^Root/Sub-Folder/Sample File\\.md/i =>
    using regex:     '^Root\\/Sub-Folder\\/Sample File\\.md' with flag 'i'"""),
    ("explain\nnot done\n(due before tomorrow) AND (is recurring)", """\
Explanation of this Tasks code block query:

  not done =>
    status type is TODO or IN_PROGRESS or ON_HOLD

  (due before tomorrow) AND (is recurring) =>
    AND (All of):
      due before tomorrow =>
        due date is before 2022-10-22 (Saturday 22nd October 2022)
      is recurring"""),
    ("explain\n"
     "(                                                                                       \\\n"
     "    (description includes 1) AND (description includes 2) AND (description includes 3)  \\\n"
     ") OR (                                                                                  \\\n"
     "    (description includes 5) AND (description includes 6) AND (description includes 7)  \\\n"
     ")                                                                                       \\\n"
     "AND NOT (description includes 7)", """\
Explanation of this Tasks code block query:

  (                                                                                       \\
      (description includes 1) AND (description includes 2) AND (description includes 3)  \\
  ) OR (                                                                                  \\
      (description includes 5) AND (description includes 6) AND (description includes 7)  \\
  )                                                                                       \\
  AND NOT (description includes 7)
   =>
  ( (description includes 1) AND (description includes 2) AND (description includes 3) ) OR ( (description includes 5) AND (description includes 6) AND (description includes 7) ) AND NOT (description includes 7) =>
    OR (At least one of):
      AND (All of):
        description includes 1
        description includes 2
        description includes 3
      AND (All of):
        AND (All of):
          description includes 5
          description includes 6
          description includes 7
        NOT:
          description includes 7"""),
    ("limit 50\nheading includes tasks\nexplain", """\
Explanation of this Tasks code block query:

  heading includes tasks

  At most 50 tasks."""),
    ("not done\ndue next week\nexplain", """\
Explanation of this Tasks code block query:

  not done =>
    status type is TODO or IN_PROGRESS or ON_HOLD

  due next week =>
    due date is between:
      2022-10-24 (Monday 24th October 2022) and
      2022-10-30 (Sunday 30th October 2022) inclusive"""),
    ("explain", """\
Explanation of this Tasks code block query:

  No filters supplied. All tasks will match the query."""),
    ("explain\npath includes {{query.file.path}}\npath includes {{query.file.pathWithoutExtension}}\n"
     "root includes {{query.file.root}}\nfolder includes {{query.file.folder}}\n"
     "filename includes {{query.file.filename}}\nfilename includes {{query.file.filenameWithoutExtension}}\n\n"
     "description includes Some Cryptic String {{! Inline comments are removed before search }}", """\
Explanation of this Tasks code block query:

  path includes {{query.file.path}} =>
  path includes some/sample/file path.md

  path includes {{query.file.pathWithoutExtension}} =>
  path includes some/sample/file path

  root includes {{query.file.root}} =>
  root includes some/

  folder includes {{query.file.folder}} =>
  folder includes some/sample/

  filename includes {{query.file.filename}} =>
  filename includes file path.md

  filename includes {{query.file.filenameWithoutExtension}} =>
  filename includes file path

  description includes Some Cryptic String {{! Inline comments are removed before search }} =>
  description includes Some Cryptic String"""),
    ("(priority is highest) OR       \\\n    (priority is lowest)\nexplain", """\
Explanation of this Tasks code block query:

  (priority is highest) OR       \\
      (priority is lowest)
   =>
  (priority is highest) OR (priority is lowest) =>
    OR (At least one of):
      priority is highest
      priority is lowest"""),
    ("# Search for a single backslash:\ndescription includes \\\\\nexplain", """\
Explanation of this Tasks code block query:

  description includes \\\\ =>
  description includes \\"""),
    ("limit groups 3\ngroup by due\nsort by priority\nshort mode\nexplain", """\
Explanation of this Tasks code block query:

  No filters supplied. All tasks will match the query.

  At most 3 tasks per group (if any "group by" options are supplied).

  group by due

  sort by priority

  short mode"""),
]


@pytest.mark.parametrize(("query", "expected"), EXPLAINS)
def test_explain_as_in_the_docs(query: str, expected: str) -> None:
    result = tasks_query(query, QueryVault((), EXPLAINED), "some/sample/file path.md")
    assert result.explanation == expected
    html = render_result(result, lambda p, a: "#", str)
    assert '<pre class="ma-query-explain">Explanation of this Tasks code block query:' in html


# Filters, "Appendix: Tasks 2.0.0 improvements to date filters", run on 2023-02-10.
APPENDIX = [
    ("due before 2023-02-09", "due date is before 2023-02-09 (Thursday 9th February 2023)"),
    ("due on 2023-02-09", "due date is on 2023-02-09 (Thursday 9th February 2023)"),
    ("due in 2023-02-09", "due date is on 2023-02-09 (Thursday 9th February 2023)"),
    ("due 2023-02-09", "due date is on 2023-02-09 (Thursday 9th February 2023)"),
    ("due after 2023-02-09", "due date is after 2023-02-09 (Thursday 9th February 2023)"),
    ("due before 2023-02-07 2023-02-11", "due date is before 2023-02-07 (Tuesday 7th February 2023)"),
    ("due on 2023-02-07 2023-02-11", "due date is between:|2023-02-07 (Tuesday 7th February 2023) and|"
                                     "2023-02-11 (Saturday 11th February 2023) inclusive"),
    ("due 2023-02-07 2023-02-11", "due date is between:|2023-02-07 (Tuesday 7th February 2023) and|"
                                  "2023-02-11 (Saturday 11th February 2023) inclusive"),
    ("due after 2023-02-07 2023-02-11", "due date is after 2023-02-11 (Saturday 11th February 2023)"),
    ("due before last week", "due date is before 2023-01-30 (Monday 30th January 2023)"),
    ("due in last week", "due date is between:|2023-01-30 (Monday 30th January 2023) and|"
                         "2023-02-05 (Sunday 5th February 2023) inclusive"),
    ("due after last week", "due date is after 2023-02-05 (Sunday 5th February 2023)"),
    ("due before this week", "due date is before 2023-02-06 (Monday 6th February 2023)"),
    ("due this week", "due date is between:|2023-02-06 (Monday 6th February 2023) and|"
                      "2023-02-12 (Sunday 12th February 2023) inclusive"),
    ("due after this week", "due date is after 2023-02-12 (Sunday 12th February 2023)"),
    ("due before next week", "due date is before 2023-02-13 (Monday 13th February 2023)"),
    ("due on next week", "due date is between:|2023-02-13 (Monday 13th February 2023) and|"
                         "2023-02-19 (Sunday 19th February 2023) inclusive"),
    ("due after next week", "due date is after 2023-02-19 (Sunday 19th February 2023)"),
    ("due on or before next week", "due date is on or before 2023-02-19 (Sunday 19th February 2023)"),
    ("due in or after next week", "due date is on or after 2023-02-13 (Monday 13th February 2023)"),
    ("happens before 2023-02-09", "due, start or scheduled date is before 2023-02-09 (Thursday 9th February 2023)"),
]


@pytest.mark.parametrize(("query", "expected"), APPENDIX)
def test_date_filters_explained_as_in_the_docs(query: str, expected: str) -> None:
    text = tasks_query(f"{query}\nexplain", QueryVault((), TODAY)).explanation or ""
    lines = [line.strip() for line in text.split("\n")[3:]]
    assert "|".join(lines) == expected


# -- what the Tasks docs state about results ---------------------------------------------------


def test_description_as_the_docs_define_it() -> None:
    """Filters, "Description": what `description` searches."""
    for line in ["- [ ] Do stuff  ⏫  #tag1 ✅ 2022-08-12 #tag2/sub-tag ",
                 "- [ ] #task Do stuff  ⏫  #tag1 ✅ 2022-08-12 #tag2/sub-tag "]:
        task = parse_task_line(line)
        assert task is not None and task.description == "Do stuff #tag1 #tag2/sub-tag"


@pytest.mark.parametrize(
    ("fields", "score"),
    [({"due": TODAY, "priority": "medium"}, 12.7),
     ({"priority": "high", "scheduled": TODAY - dt.timedelta(1), "start": TODAY - dt.timedelta(1)}, 11.0),
     ({"priority": "high", "scheduled": TODAY + dt.timedelta(1), "start": TODAY + dt.timedelta(1)}, 3.0),
     ({"due": TODAY - dt.timedelta(8)}, 13.95), ({"due": TODAY + dt.timedelta(30)}, 4.35), ({}, 1.95)],
)
def test_urgency_as_the_docs_compute_it(fields: dict[str, object], score: float) -> None:
    """Urgency, "Examples" (and the table's extremes)."""
    task = QueryTask("n.md", 1, "x", "- [ ] x", **fields)  # type: ignore[arg-type]
    assert round(urgency(task, TODAY), 2) == score


def one_file(lines: list[str]) -> QueryVault:
    return query_vault([Note("n.md", "n", {}, "\n".join(lines), 1)], TODAY)


@pytest.mark.parametrize(
    ("body", "query", "expected"),
    [
        # Filters, "Tags": the # is optional; if given it must be there; partial matches.
        (["- [ ] a #home", "- [ ] b #location/home"], "tags include #home", ["a #home"]),
        (["- [ ] a #home", "- [ ] b #location/home"], "tags include home", ["a #home", "b #location/home"]),
        (["- [ ] a #foo/bar", "- [ ] b #foo-bar", "- [ ] c #bar"], "tags include foo", ["a #foo/bar", "b #foo-bar"]),
        (["- [ ] a #t", "- [ ] b #t/x", "- [ ] c #tea"], "tag regex matches /#t$/", ["a #t"]),
        (["- [ ] a #Book", "- [ ] b #books"], "tag regex matches /#book$/i", ["a #Book"]),
        # Filters, "Text filters": sub-string, case-insensitive, quotes included.
        (["## Monday Day Planner", "- [ ] a", "## Day Planner for typical day", "- [ ] b", "## DAY PLANNER",
          "- [ ] c", "## Other", "- [ ] d"], "heading includes Day Planner", ["a", "b", "c"]),
        (['## "Day Planner"', "- [ ] a", "## Day Planner", "- [ ] b"], 'heading includes "Day Planner"', ["a"]),
        # Filters, "Start Date": `starts` searches also find tasks without a start date.
        (["- [ ] a 🛫 2023-02-10", "- [ ] b 🛫 2023-02-12", "- [ ] c"], "starts before tomorrow", ["a", "c"]),
        # Filters, "Happens": one of start, scheduled or due is enough.
        ([f"- [ ] a 🛫 {TODAY} 📅 {TODAY + dt.timedelta(7)}", "- [ ] b 📅 2023-03-01"],
         "happens before tomorrow", ["a"]),
        # Filters, "Status": done is DONE/CANCELLED, not done TODO/IN_PROGRESS.
        (["- [ ] a", "- [x] b", "- [/] c", "- [-] d", "- [X] e"], "done", ["b", "e", "d"]),
        (["- [ ] a", "- [x] b", "- [/] c", "- [-] d", "- [?] e"], "not done", ["c", "a", "e"]),
        # Combining Filters, "XOR": not both.
        (["- [ ] a #inbox"], "(path includes n.md) XOR (description includes #inbox)", []),
        # Finding tasks with invalid dates.
        (["- [ ] a 📅 2022-02-30", "- [ ] b ⏳ 2022-13-01", "- [ ] c 📅 2022-02-28"],
         "(cancelled date is invalid) OR (created date is invalid) OR (done date is invalid) OR "
         "(due date is invalid) OR (scheduled date is invalid) OR (start date is invalid)", ["a", "b"]),
        # Find tasks with invalid data: an emoji a field was not read from stays in the text.
        (["- [ ] a 📅 2023-02-01 late", "- [ ] b 📅 2023-02-01"], "(description includes 📅)", ["a 📅 2023-02-01 late"]),
        # Sorting, "Reverse sorting": without a done date first when reversed.
        (["- [x] a ✅ 2023-01-01", "- [x] b", "- [x] c ✅ 2023-02-01"], "sort by done reverse", ["b", "c", "a"]),
        # Priority: low is below none.
        (["- [ ] a 🔽", "- [ ] b", "- [ ] c ⏬"], "sort by priority", ["b", "a", "c"]),
    ],
)
def test_docs_stated_results(body: list[str], query: str, expected: list[str]) -> None:
    result = tasks_query(query, one_file(body))
    assert [t.description for g in result.groups for t in g.tasks] == expected


# -- the Tasks docs corpus ----------------------------------------------------------------------

_OPEN = re.compile(r"^((?:[ \t]*>)*[ \t]*)(`{3,}|~{3,})tasks[ \t]*$")


def corpus_blocks() -> list[tuple[str, int, str]]:
    """Every ```tasks block of the Tasks docs: (file, line, query)."""
    blocks = []
    for path in sorted(TASKS_DOCS.rglob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        index = 0
        while index < len(lines):
            opening = _OPEN.match(lines[index])
            if opening is None:
                index += 1
                continue
            prefix, fence = opening.groups()
            body, index = [], index + 1
            while index < len(lines):
                inner = lines[index][len(prefix):] if lines[index].startswith(prefix) else lines[index].lstrip(" >")
                if inner.strip() and set(inner.strip()) == {fence[0]} and len(inner.strip()) >= len(fence):
                    break
                body.append(inner)
                index += 1
            blocks.append((str(path.relative_to(TASKS_DOCS)), index, "\n".join(body)))
            index += 1
    return blocks


REFUSED = {
    "JavaScript, which is never run": 3,
    "template text (Templater, Daily notes) that was never expanded": 4,
    "the tree of nested tasks cannot be shown on a static page": 2,
    "presets are defined in the Tasks plugin's settings": 2,
    "has no property 'level_1_group'": 2,
}


@pytest.mark.skipif(not TASKS_DOCS.is_dir(), reason="the Tasks docs corpus is not here")
def test_every_block_of_the_tasks_docs_parses_or_is_refused_with_a_reason() -> None:
    blocks = corpus_blocks()
    refused: dict[str, int] = {}
    parsed = 0
    for name, line, query in blocks:
        try:
            parse_tasks_query(query, TODAY, "Queries/Example.md")
            parsed += 1
        except QueryError as error:
            reason = next((r for r in REFUSED if r in error.message), None)
            assert reason is not None, f"{name}:{line}: {error}"
            refused[reason] = refused.get(reason, 0) + 1
    assert (len(blocks), parsed) == (88, 75)
    assert refused == REFUSED


# -- properties -------------------------------------------------------------------------------

WORDS = ["not", "done", "due", "before", "after", "on", "in", "or", "today", "next", "week", "2023-02-10",
         "(", ")", "[", "]", "AND", "OR", "NOT", "XOR", "\\", "\n", "#", "{{", "}}", "!", "/", "group",
         "by", "sort", "limit", "tags", "include", "regex", "matches", "path", "priority", "is", "high",
         "explain", "hide", "due date", "heading", "includes", '"', "description", "reverse", " "]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=25))
def test_random_query_text_raises_only_query_errors(words: list[str]) -> None:
    with contextlib.suppress(QueryError):
        tasks_query(" ".join(words), QueryVault((), TODAY))


LINE_PARTS = ["- [ ] ", "- [x] ", "* [/] ", "1. [-] ", "  - [?] ", "- [ ]", "📅 ", "⏳", "🛫 2023-02-31",
              "✅ 2023-02-10", "➕ 2023-01-01", "❌ ", "🔺", "⏫", "🔽", "🔁 every day", "🆔 a", "⛔ a,b",
              "#tag", "#a/b", "`code`", "[[Link]]", "^block", "2023-02-10", "\n", "## Heading\n", "```\n", " "]
QUERIES = ["not done", "due before tomorrow", "sort by urgency\ngroup by tags", "(has tags) OR (is blocked)",
           "group by filename\ngroup by heading\nsort by description", "happens this week\nsort by happens",
           "sort by tag 2\ngroup by due reverse", "is blocking\nexclude sub-items", "group by priority\nexplain",
           "status.name includes unknown\ngroup by status.type\nsort by status.name", "limit groups 1\ngroup by backlink"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(LINE_PARTS), max_size=12).map("".join), max_size=6))
def test_random_vaults_never_make_evaluation_fail(bodies: list[str]) -> None:
    notes = [Note(f"f{i}/n{i}.md", f"n{i}", {}, body, 1) for i, body in enumerate(bodies)]
    vault = query_vault(notes, TODAY)
    for query in QUERIES:
        result = tasks_query(query, vault)
        render_result(result, lambda p, a: "#", str)


def test_query_results_are_not_searched_where_they_are_shown(tmp_path: Path) -> None:
    """A result repeats what other pages say (a task is searched on its meeting's page): as
    the listings, it goes into the page after the search index has read it, so a search for a
    task finds its meeting, not every page that queries it."""
    import shutil

    from conftest import CASES, build_vault

    vault = tmp_path / "vault"
    shutil.copytree(CASES / "queries" / "vault", vault)
    built = build_vault(vault, tmp_path / "out")
    assert "Send the kickoff notes" in built.html("people/dana-reyes/")  # shown there
    entries = built.search_index()["docs"]
    where = {e["location"].split("#")[0] for e in entries if "Send the kickoff notes" in e["text"]}
    assert where and all(w.startswith("meetings/") for w in where), where
