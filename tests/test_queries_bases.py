"""Obsidian Bases (`.base` YAML), as tables of (base, vault, expected rows).

The reference is the Bases docs of the Obsidian Help vault (Bases syntax, Functions,
Views): their example base, and the results their function reference states.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hypothesis_profiles  # noqa: F401  (registers and loads the profile: no deadline, derandomized)
from meeting_archive.model import Note
from meeting_archive.queries import QueryError, base_views, bases_query, query_vault, render_result
from meeting_archive.queries.bases_expr import File, Runtime, Scope, compile_expression
from meeting_archive.queries.data import QueryFile, QueryVault
from meeting_archive.queries.dataview_values import Link
from meeting_archive.queries.results import CellLink, ListResult, TableResult

TODAY = dt.date(2025, 10, 6)
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def notes() -> list[Note]:
    return [
        Note("Meetings/2025-10-01 Acme kickoff.md", "Acme kickoff",
             {"type": "meeting", "account": "[[Acme]]", "status": "done", "price": 10, "age": 4,
              "date": dt.date(2025, 10, 1)}, "Met [[Jason]].", 5, tags=["meeting"]),
        Note("Meetings/2025-09-20 Globex sync.md", "Globex sync",
             {"type": "meeting", "account": "[[Globex]]", "status": "open", "price": 3.5, "age": 2,
              "date": dt.date(2025, 9, 20)}, "", 5, tags=["meeting", "project/x"]),
        Note("Accounts/Acme.md", "Acme", {"type": "account", "tier": "gold"}, "See [[Globex]]", 3),
        Note("Accounts/Globex.md", "Globex", {"type": "account", "tier": "silver"}, "", 3),
        Note("Required Reading/Textbook.md", "Textbook", {}, "", 1, tags=["book"]),
        Note("Required Reading/Novel.md", "Novel", {}, "[[Textbook]]", 1, tags=["book"]),
        Note("_meta/templates/Template.md", "Template", {"type": "template"}, "", 1),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def vault() -> QueryVault:
    return query_vault(notes(), TODAY)


def text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, CellLink):
        return f"[[{cell.text or cell.path.rsplit('/', 1)[-1].removesuffix('.md')}]]"
    if isinstance(cell, tuple):
        return "[" + ", ".join(text(c) for c in cell) + "]"
    return str(cell)


def rows(base: str, vault: QueryVault, view: str | None = None) -> tuple[tuple[str, ...], list[Any]]:
    result = bases_query(base, vault, view, "Accounts/Acme.md")
    if isinstance(result, ListResult):
        return ("list",), [text(i.value) + (f" {text(i.detail)}" if i.detail else "") for i in result.items]
    assert isinstance(result, TableResult)
    out: list[Any] = []
    for group in result.groups:
        if group.heading is not None:
            out.append(f"# {text(group.heading)}")
        out.extend(tuple(text(c) for c in row) for row in group.rows)
    return result.headers, out


# The example base of "Bases syntax", on the vault above.
DOCS_BASE = """
filters:
  or:
    - file.hasTag("tag")
    - and:
        - file.hasTag("book")
        - file.hasLink("Textbook")
    - not:
        - file.hasTag("book")
        - file.inFolder("Required Reading")
formulas:
  formatted_price: 'if(price, price.toFixed(2) + " dollars")'
  ppu: "(price / age).toFixed(2)"
properties:
  status:
    displayName: Status
  formula.formatted_price:
    displayName: "Price"
  file.ext:
    displayName: Extension
summaries:
  customAverage: 'values.mean().round(3)'
views:
  - type: table
    name: "My table"
    limit: 10
    groupBy:
      property: note.age
      direction: DESC
    filters:
      and:
        - 'status != "done"'
        - or:
            - "formula.ppu > 5"
            - "price > 2.1"
    order:
      - file.name
      - file.ext
      - note.age
      - formula.ppu
      - formula.formatted_price
    summaries:
      formula.ppu: Average
"""

GLOBEX, ACME_KICKOFF = "[[2025-09-20 Globex sync]]", "[[2025-10-01 Acme kickoff]]"

BASES = [
    (DOCS_BASE, None, ("file name", "Extension", "age", "ppu", "Price"),
     ["# 2", (GLOBEX, "md", "2", "1.75", "3.50 dollars")]),
    # the global filters alone: the novel (a book linking to the textbook) and every non-book
    ("filters:\n  or:\n    - and:\n        - file.hasTag('book')\n        - file.hasLink('Textbook')\n"
     "    - not:\n        - file.hasTag('book')\n        - file.inFolder('Required Reading')\n",
     None, ("file name",),
     [(ACME_KICKOFF,), (GLOBEX,), ("[[Acme]]",), ("[[Globex]]",), ("[[Novel]]",), ("[[Template]]",)]),
    ('filters: file.hasTag("meeting")\nviews:\n  - type: table\n    order: [file.name, account, date, status]\n'
     "    sort:\n      - property: date\n        direction: ASC\n", None, ("file name", "account", "date", "status"),
     [(GLOBEX, "[[Globex]]", "2025-09-20", "open"), (ACME_KICKOFF, "[[Acme]]", "2025-10-01", "done")]),
    ('filters:\n  and:\n    - \'!file.inFolder("_meta/templates")\'\n    - file.ext == "md"\n'
     "views:\n  - type: table\n    groupBy:\n      property: file.folder\n      direction: ASC\n"
     "    order: [file.name, file.tags]\n", None, ("file name", "tags"),
     ["# Accounts", ("[[Acme]]", "[]"), ("[[Globex]]", "[]"),
      "# Meetings", (ACME_KICKOFF, "[#meeting]"), (GLOBEX, "[#meeting, #project/x]"),
      "# Required Reading", ("[[Textbook]]", "[#book]"), ("[[Novel]]", "[#book]")]),
    ("filters: 'type == \"account\"'\nformulas:\n  label: 'file.basename + \" (\" + tier.upper() + \")\"'\n"
     "views:\n  - type: cards\n    name: Cards\n    order: [file.name, formula.label]\n"
     "  - type: list\n    name: As a list\n    order: [file.name, tier]\n", None,
     ("file name", "label"), [("[[Acme]]", "Acme (GOLD)"), ("[[Globex]]", "Globex (SILVER)")]),
    ("filters: 'type == \"account\"'\nviews:\n  - type: table\n  - type: list\n    name: As a list\n"
     "    order: [file.name, tier]\n", "As a list", ("list",), ["[[Acme]] [gold]", "[[Globex]] [silver]"]),
    ("filters: 'account == link(\"Acme\")'\n", None, ("file name",), [(ACME_KICKOFF,)]),
    ("filters: 'account == \"Acme\"'\n", None, ("file name",), [(ACME_KICKOFF,)]),
    ("filters: 'account == this'\n", None, ("file name",), [(ACME_KICKOFF,)]),
    ("filters: 'file.hasLink(this.file)'\n", None, ("file name",), [(ACME_KICKOFF,)]),
    ("filters: 'file.backlinks.contains(this)'\n", None, ("file name",), [("[[Globex]]",)]),
    ("filters: 'file.links.length > 0'\nviews:\n  - type: table\n    order: [file.name, file.links]\n", None,
     ("file name", "links"), [(ACME_KICKOFF, "[[[Acme]]]"), (GLOBEX, "[[[Globex]]]"), ("[[Acme]]", "[[[Globex]]]"),
                              ("[[Novel]]", "[[[Textbook]]]")]),
    ('filters: \'date > date("2025-09-25")\'\n', None, ("file name",), [(ACME_KICKOFF,)]),
    ('filters: \'date < today() - "1 week"\'\n', None, ("file name",), [(GLOBEX,)]),
    ("filters: 'file.name.contains(\"Acme\")'\nviews:\n  - type: table\n    limit: 1\n    sort:\n"
     "      - property: file.name\n        direction: DESC\n", None, ("file name",), [("[[Acme]]",)]),
    ("filters: 'price'\nformulas:\n  total: 'price * age'\nviews:\n  - type: table\n"
     "    order: [file.name, formula.total, price]\n    summaries:\n      formula.total: Sum\n      price: Max\n",
     None, ("file name", "total", "price"), [(ACME_KICKOFF, "40", "10"), (GLOBEX, "7", "3.5")]),
    ("filters:\n  not:\n    - 'type == \"meeting\"'\n    - file.inFolder(\"Required Reading\")\n", None,
     ("file name",), [("[[Acme]]",), ("[[Globex]]",), ("[[Template]]",)]),
    ("filters: 'file.hasProperty(\"tier\") && !file.hasTag(\"meeting\")'\n", None, ("file name",),
     [("[[Acme]]",), ("[[Globex]]",)]),
    ("filters: 'file.hasTag(\"book\", \"project\")'\n", None, ("file name",),
     [(GLOBEX,), ("[[Textbook]]",), ("[[Novel]]",)]),
    ("filters: 'note[\"tier\"] == \"gold\" || file.path.startsWith(\"_meta\")'\n", None, ("file name",),
     [("[[Acme]]",), ("[[Template]]",)]),
    ("properties:\n  tier:\n    displayName: Level\nviews:\n  - type: table\n    filters: 'tier'\n"
     "    order: [file.name, note.tier, file.folder, file.path]\n", None, ("file name", "Level", "folder", "file path"),
     [("[[Acme]]", "gold", "Accounts", "Accounts/Acme.md"), ("[[Globex]]", "silver", "Accounts", "Accounts/Globex.md")]),
    ("formulas:\n  a: 'formula.b + 1'\n  b: 'formula.a + 1'\nviews:\n  - type: table\n    filters: 'tier == \"gold\"'\n"
     "    order: [file.name, formula.a]\n", None, ("file name", "a"), [("[[Acme]]", "")]),
]


@pytest.mark.parametrize(("base", "view", "headers", "expected"), BASES)
def test_base(base: str, view: str | None, headers: tuple[str, ...], expected: list[Any], vault: QueryVault) -> None:
    assert rows(base, vault, view) == (headers, expected)


def test_summaries(vault: QueryVault) -> None:
    result = bases_query(BASES[15][0], vault)
    assert isinstance(result, TableResult)
    assert result.summaries == (None, "47", "10")
    docs = bases_query(DOCS_BASE.replace("formula.ppu: Average", "note.age: customAverage"), vault)
    assert isinstance(docs, TableResult) and docs.summaries == (None, None, "2", None, None)


def test_view_names_and_the_default_view(vault: QueryVault) -> None:
    base = BASES[4][0]
    assert base_views(base) == ("Cards", "As a list")
    assert isinstance(bases_query(base, vault), TableResult)
    assert bases_query(base, vault).layout == "cards"  # type: ignore[union-attr]
    assert isinstance(bases_query(base, vault, "as a list"), ListResult)
    assert rows("", vault)[0] == ("file name",)


def test_rendered_base(vault: QueryVault) -> None:
    result = bases_query(DOCS_BASE, vault)
    html = render_result(result, lambda p, a: "/" + p, lambda p: p)
    assert '<table class="ma-query-table"><caption>My table</caption><thead><tr><th>file name</th>' in html
    assert '<tr class="ma-query-group"><th colspan="5" scope="rowgroup">2</th></tr>' in html
    assert "<tfoot>" in html
    cards = render_result(bases_query(BASES[4][0], vault), lambda p, a: "/" + p, str)
    assert '<table class="ma-query-cards">' in cards


def test_relative_dates_are_flagged(vault: QueryVault) -> None:
    assert bases_query(BASES[13][0], vault).summary.relative_dates
    assert not bases_query(BASES[12][0], vault).summary.relative_dates


@pytest.mark.skipif(not (CORPORA / "obsidian-tasks-docs").is_dir(), reason="corpus not here")
def test_the_corpus_base() -> None:
    base = (CORPORA / "obsidian-tasks-docs" / "docs pages.base").read_text(encoding="utf-8")
    files = (QueryFile("Queries/Filters.md", tags=("#feature/filters",), frontmatter={"tags": ["x"]}),
             QueryFile("_meta/templates/T.md"), QueryFile("Home.md"))
    result = bases_query(base, QueryVault(files, TODAY))
    assert isinstance(result, TableResult)
    assert [(g.heading, [text(r[0]) for r in g.rows]) for g in result.groups] == [
        ("/", ["[[Home]]"]), ("Queries", ["[[Filters]]"])]
    assert result.headers == ("file name", "tags", "tags")


ERRORS = [
    ('filters: \'file.hasTag("\'\n', "cannot parse", 1, 23),
    ("filters: 'file.hasTag(\"x\"'\n", "it ends too early", 1, 26),
    ("views:\n  - type: map\n", "map views are not supported", 1, 1),
    ("filters: 'foo(1)'\n", "unknown function foo()", 1, 11),
    ("filters: 'file.frobnicate()'\n", "unknown function .frobnicate()", 1, 11),
    ("views: [a\n", "not valid YAML", 2, 1),
    ("filters:\n  xor: []\n", "unknown filter group 'xor'", 1, 1),
    ("formulas:\n  x: '1 +'\n", "it ends too early", 2, 10),
    ("views:\n  - type: table\n    limit: lots\n", "limit must be a number", 1, 1),
    ("- a list\n", "a base is a YAML mapping", 1, 1),
    ("filters: '\"a\".replace(/(a+)+/, \"b\")'\n", "repeats a repetition", 1, 11),
    ("views:\n  - type: table\n    summaries:\n      file.name: Bogus\n", "unknown summary 'Bogus'", 1, 1),
]


@pytest.mark.parametrize(("base", "message", "line", "column"), ERRORS)
def test_errors_name_line_and_column(base: str, message: str, line: int, column: int, vault: QueryVault) -> None:
    with pytest.raises(QueryError) as caught:
        bases_query(base, vault)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_unknown_view_is_an_error(vault: QueryVault) -> None:
    with pytest.raises(QueryError, match="no view named 'Nope'"):
        bases_query(BASES[4][0], vault, "Nope")


# -- the functions, as the Bases docs state their results ---------------------------------------


def value(expression: str, vault: QueryVault | None = None, path: str = "Accounts/Acme.md") -> Any:
    vault = vault or QueryVault((QueryFile("Accounts/Acme.md", frontmatter={"price": 2, "tier": "gold"}),), TODAY)
    runtime = Runtime(vault, path)
    return compile_expression(expression, runtime)(Scope(vault.by_path[path], runtime))


FUNCTIONS = [
    ('"hello".contains("ell")', True), ('"hello".containsAll("h", "e")', True),
    ('"hello".containsAny("x", "y", "e")', True), ('"hello".endsWith("lo")', True),
    ('"Hello world".isEmpty()', False), ('"".isEmpty()', True), ('"Test".lower()', "test"),
    ('"a:b:c:d".replace(/:/, "-")', "a-b:c:d"), ('"a:b:c:d".replace(/:/g, "-")', "a-b-c-d"),
    ('"John Smith".replace(/(\\w+) (\\w+)/, "$2, $1")', "Smith, John"), ('"123".repeat(2)', "123123"),
    ('"hello".reverse()', "olleh"), ('"hello".slice(1, 4)', "ell"), ('"a,b,c,d".split(",", 3)', ["a", "b", "c"]),
    ('"a,b,c,d".split(/,/, 3)', ["a", "b", "c"]), ('"hello".startsWith("he")', True),
    ('"hello world".title()', "Hello World"), ('"  hi  ".trim()', "hi"), ('"hello".length', 5),
    ("(-5).abs()", 5), ("(2.1).ceil()", 3), ("(2.9).floor()", 2), ("5.isEmpty()", False), ("(2.5).round()", 3),
    ("(2.3333).round(2)", 2.33), ("(3.14159).toFixed(2)", "3.14"),
    ("[1,2,3].contains(2)", True), ("[1,2,3].containsAll(2,3)", True), ("[1,2,3].containsAny(3,4)", True),
    ("[1,2,3,4].filter(value > 2)", [3, 4]), ("[1,[2,3]].flat()", [1, 2, 3]), ("[1,2,3].isEmpty()", False),
    ('[1,2,3].join(",")', "1,2,3"), ("[1,2,3,4].map(value + 1)", [2, 3, 4, 5]), ("[1,2,3].reduce(acc + value, 0)", 6),
    ("[3, 'x', 5].filter(value.isType(\"number\")).reduce(if(acc == null || value > acc, value, acc), null)", 5),
    ("[1,2,3].reverse()", [3, 2, 1]), ("[1,2,3,4].slice(1,3)", [2, 3]), ("[3, 1, 2].sort()", [1, 2, 3]),
    ('["c", "a", "b"].sort()', ["a", "b", "c"]), ("[1,2,2,3].unique()", [1, 2, 3]), ("[1,2,3].length", 3),
    ("[1, 2, 3][0]", 1), ("{}.isEmpty()", True), ('{"a": 1, "b": 2}.keys()', ["a", "b"]),
    ('{"a": 1, "b": 2}.values()', [1, 2]), ('/abc/.matches("abcde")', True),
    ("1.isTruthy()", True), ('"example".isType("string")', True), ('true.isType("boolean")', True),
    ("123.toString()", "123"), ('list("value")', ["value"]), ('number("3.4")', 3.4), ("number(true)", 1),
    ("max(1, 5, 3)", 5), ("min(4, 2)", 2), ('if(price, "$" + price.toFixed(2), "")', "$2.00"),
    ('if(missing, "Modified", "Unmodified")', "Unmodified"), ('if(false, "x")', None),
    ('date("2024-12-01") + "1M" + "4h" + "3m"', dt.datetime(2025, 1, 1, 4, 3)),
    ('(now() + "1d") - now()', 86_400_000), ('date("2025-05-27").format("YYYY-MM-DD")', "2025-05-27"),
    ('now().date().format("YYYY-MM-DD HH:mm:ss")', "2025-10-06 00:00:00"), ('date("2025-05-27").year', 2025),
    ('date("2025-05-27 13:45:00").time()', "13:45:00"), ('date("2025-05-27").format("dddd Do MMMM")', "Tuesday 27th May"),
    ('today() + "7d"', dt.datetime(2025, 10, 13)), ('date("2025-10-01").relative()', "5 days ago"),
    ("note.price * 2", 4), ('note["tier"]', "gold"), ("tier", "gold"), ("file.name", "Acme.md"),
    ("file.basename", "Acme"), ("file.ext", "md"), ("file.folder", "Accounts"), ("this.file.basename", "Acme"),
    ('file.asLink("A").toString()', "A"), ('link("Acme") == file', True), ('file.hasTag("x")', False),
    ("radius * (2 * 3.14)", None), ('"a" + 1 + true', "a1true"), ("7 % 4", 3), ("-(2 + 3)", -5),
    ("!(1 > 2) && (2 >= 2) || false", True), ('"b" > "a"', True), ("null == null", True), ("1 == true", False),
    ('duration("1d") * 2 == duration("2d")', True), ('html("<b>x</b>")', "<b>x</b>"), ('icon("plus")', None),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), FUNCTIONS)
def test_function(expression: str, expected: Any) -> None:
    assert value(expression) == expected


def test_links_in_properties_are_links(vault: QueryVault) -> None:
    found = value("account", vault, "Meetings/2025-10-01 Acme kickoff.md")
    assert found == Link("Accounts/Acme.md", None, None, "file", False, True)
    assert value("account.asFile()", vault, "Meetings/2025-10-01 Acme kickoff.md") == File(vault.by_path["Accounts/Acme.md"])
    assert value("account.linksTo(link(\"Globex\"))", vault, "Meetings/2025-10-01 Acme kickoff.md") is True


def test_a_formula_failing_on_one_note_gives_null_there(vault: QueryVault) -> None:
    base = ("formulas:\n  up: 'tier.upper()'\nviews:\n  - type: table\n    filters: 'file.inFolder(\"Accounts\") || price'\n"
            "    order: [file.name, formula.up]\n")
    assert rows(base, vault)[1] == [(ACME_KICKOFF, ""), (GLOBEX, ""), ("[[Acme]]", "GOLD"), ("[[Globex]]", "SILVER")]


# -- properties -------------------------------------------------------------------------------

WORDS = ["filters:", "\n", "  ", "- ", "and:", "or:", "not:", "file.hasTag(\"x\")", "'", '"', "views:", "type: table",
         "type: cards", "order:", "file.name", "formula.x", "formulas:", "x: ", "1 +", "price", "(", ")", ".",
         "contains(", "==", "!=", "<", "&&", "||", "!", "[", "]", "{", "}", ",", "now()", "if(", "\"1d\"", "/a/g",
         "replace(", "split(", "map(value", "groupBy:", "property:", "sort:", "limit:", "summaries:", "Average",
         "name:", "this", "file.inFolder(", ":", "date(", "0", "-1", "1e400"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=3)), max_size=20))
def test_random_base_text_raises_only_query_errors(words: list[str]) -> None:
    with contextlib.suppress(QueryError):
        bases_query("".join(words), QueryVault((), TODAY))


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats() | st.text(max_size=8)
    | st.sampled_from(["[[Acme]]", "2025-01-01", "#tag", "[[x|y]]", "![[a.png]]"]) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(["price", "age", "status", "tier", "date", "account"]),
                                YAML_VALUES, max_size=5), max_size=5))
def test_random_vaults_never_make_evaluation_fail(frontmatters: list[dict[str, Any]]) -> None:
    notes = [Note(f"f/n{i}.md", f"n{i}", fm, "", 1) for i, fm in enumerate(frontmatters)]
    vault = query_vault(notes, TODAY)
    extra = ("formulas:\n  s: 'status.lower() + price'\n  d: 'date + \"1d\"'\nviews:\n  - type: table\n"
             "    order: [file.name, formula.s, formula.d, account, tier]\n    sort:\n      - property: price\n"
             "    groupBy:\n      property: tier\n    summaries:\n      price: Average\n      date: Earliest\n")
    for base in (DOCS_BASE, extra):
        render_result(bases_query(base, vault), lambda p, a: "#", str)
