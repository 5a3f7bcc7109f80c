"""The oracles of oracles.py, on hand-made vaults and sites: each finds the defect planted
for it, and none finds anything on a clean site — so an oracle that finds nothing on a
corpus cannot pass for a site without faults."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

import pytest

import oracles
from oracles import EDIT_PREFIX, prose_runs

NOTE = """\
---
title: Weekly notes
Tags: [work]
---
# The weekly planning notes

The team agreed to ship the importer before the end of the month.
See [[Other note|the other note]] and [the guide](guide.md) for the background of this decision.

%% A comment that Obsidian hides, with a fence inside:
```json
{"kanban-plugin": "basic", "secret": "do not publish this setting"}
```
%%

> [!tip] Keep the backlog short and sharp
> Nobody reads a backlog of five hundred items from start to finish.

| Column one | Column two |
| --- | --- |
| cells are not checked here | neither is this one |

- [ ] Write the release notes for the customers 📅 2025-01-10 ⏫
- A list item that says something worth reading aloud #project/alpha ^block-1

Inline `code with %% percent signs` does not open any comment at all.
"""
KEPT = [
    "The weekly planning notes",
    "Keep the backlog short and sharp",
    "Nobody reads a backlog of five hundred items from start to finish.",
    "Write the release notes for the customers",
    "A list item that says something worth reading aloud",
    "does not open any comment at all.",
]
PRIVATE_NOTES = {
    "Private/Off.md": "---\npublish: false\n---\nSalary figures for the whole team this year.\n",
    "Private/Maybe.md": "---\nPublish: maybe\n---\nA note that does not clearly say publish.\n",
    "Private/Draft.md": "---\nDRAFT: yes\n---\nA draft that nobody should read yet at all.\n",
    "Private/Tagged.md": "---\nTAGS: [Private]\n---\nTagged private in its frontmatter properties.\n",
    "Private/Inline.md": "Tagged private in its body text #private here.\n",
    "Private/Broken.md": "---\ntitle: [unclosed\n---\nFrontmatter that no YAML reader can parse.\n",
    "Private/Twice.md": "---\npublish: true\nPublish: false\n---\nTwo keys that differ only in case.\n",
    ".obsidian/Hidden.md": "A note in a dot-folder is never published at all.\n",
    "Templates/Excluded.md": "A template that the configuration leaves out.\n",
}


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def _page(body: str, source: str | None = None, nav: str = "") -> str:
    edit = f'<a href="{EDIT_PREFIX}{quote(source)}" rel="edit">Edit this page</a>' if source else ""
    return (
        f"<!doctype html><html><head><title>x</title></head><body><nav>{nav}</nav>"
        f'<article class="md-content__inner">{edit}{body}</article></body></html>'
    )


def _clean_site(tmp_path: Path) -> tuple[Path, Path]:
    vault = _write(tmp_path / "vault", {"Weekly.md": NOTE, **PRIVATE_NOTES})
    body = (
        "<p>The team agreed to ship the importer before the end of the month.<br>\nSee "
        '<a href="../other/">the other note</a> and <a href="../guide/">the guide</a> for '
        "the background of this decision.</p>"
    ) + "".join(f"<p>{html_escape(text)}</p>" for text in KEPT)
    site = _write(
        tmp_path / "site",
        {
            "index.html": _page("<p>Home</p>", nav='<a href="weekly/">Weekly</a>'),
            "weekly/index.html": _page(
                f'<h1 id="top-heading">The <em>weekly</em> planning notes</h1>{body}'
                '<a href="../weekly/#top-heading">x</a><img src="../img/a%20b.png?v=1">',
                "Weekly.md",
                nav='<a href="../">Home</a>',
            ),
            "img/a b.png": "png",
            "other/index.html": _page("<p>Other</p>"),
            "guide/index.html": _page("<p>Guide</p>"),
        },
    )
    return vault, site


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def _all(
    vault: Path, site: Path, records: list[logging.LogRecord] | None = None
) -> dict[str, list[oracles.Finding]]:
    return oracles.run_oracles(vault, site, records or [], exclude="Templates/").findings


def test_a_clean_site_has_no_findings(tmp_path: Path) -> None:
    vault, site = _clean_site(tmp_path)
    report = oracles.run_oracles(vault, site, [], exclude="Templates/")
    assert report.findings == {name: [] for name in oracles.ORACLES}
    assert report.notes == 1  # every private, hidden and excluded note was skipped
    assert report.kept == report.total >= len(KEPT)


def test_the_reader_decides_privacy_on_its_own(tmp_path: Path) -> None:
    vault, _ = _clean_site(tmp_path)
    notes = oracles.read_vault(vault, "Templates/")
    assert {p: n.reason for p, n in notes.items() if not n.published} == {
        "Private/Off.md": "private",
        "Private/Maybe.md": "private",
        "Private/Draft.md": "private",
        "Private/Tagged.md": "private",
        "Private/Inline.md": "private",
        "Private/Broken.md": "unreadable",
        "Private/Twice.md": "unreadable",
        ".obsidian/Hidden.md": "hidden",
        "Templates/Excluded.md": "excluded",
    }


def test_lost_finds_a_missing_sentence(tmp_path: Path) -> None:
    vault, site = _clean_site(tmp_path)
    page = site / "weekly" / "index.html"
    page.write_text(page.read_text().replace("Nobody reads a backlog", "Nobody"), encoding="utf-8")
    result = oracles.prose_check(vault, site, exclude="Templates/")
    assert result.kept == result.total - 1 and result.percent < 100
    (finding,) = result.findings
    assert finding.where == "Weekly.md → weekly/index.html"
    assert "lost 1: 'Nobody reads a backlog of'" in finding.what
    assert all(not f for name, f in _all(vault, site).items() if name != "lost")


def test_lost_finds_a_note_that_no_page_names(tmp_path: Path) -> None:
    vault, site = _clean_site(tmp_path)
    page = site / "weekly" / "index.html"
    page.write_text(page.read_text().replace('rel="edit"', ""), encoding="utf-8")
    (finding,) = oracles.nothing_lost(vault, site, exclude="Templates/")
    assert finding.where == "Weekly.md" and "no page's edit link names it" in finding.what


def test_lost_compares_normalised_text(tmp_path: Path) -> None:
    vault = _write(
        tmp_path / "vault",
        {"N.md": "Some **bold** and _emphasis_ and ==marked== &amp; text\nover two lines.\n"},
    )
    site = _write(
        tmp_path / "site",
        {
            "index.html": _page("", nav='<a href="n.html">n</a>'),
            "n.html": _page(
                "<p>Some <strong>bold</strong> and <em>emphasis</em> and <mark>marked</mark> &amp; text<br>over two lines.</p>",
                "N.md",
            ),
        },
    )
    assert oracles.nothing_lost(vault, site) == []


@pytest.mark.parametrize(
    ("source", "runs"),
    [
        # Obsidian's comments: a `%%` outside code runs to the next `%%`, fences included.
        (
            "Shown before the comment. %% hidden words here %% shown after the comment.",
            ["Shown before the comment.", "shown after the comment."],
        ),
        (
            '%% kanban:settings\n```\n{"kanban-plugin": "basic words here"}\n```\n%%\nThe board text after it.',
            ["The board text after it."],
        ),
        (
            "Drawing below this line.\n%%\n# Excalidraw Data\n## Text Elements\nlabel words in drawing\n%%",
            ["Drawing below this line."],
        ),
        (
            "Visible part of the note.\n%% never closed\nall of this is hidden from view",
            ["Visible part of the note."],
        ),
        (
            "```\n%% not a comment inside a fence\n```\nProse after the fence here.",
            ["Prose after the fence here."],
        ),
        # (a run of fewer than three words, like "Use" here, proves too little to check)
        ("Use `%%` to open a comment in any note.", ["to open a comment in any note."]),
        # Syntax is not prose: links, embeds, tags, task fields, callout markers, tables, HTML.
        (
            "Read [[Folder/Target note#Heading|the alias text]] to learn more about it.",
            ["to learn more about it."],
        ),
        (
            "![[picture.png|300]] Caption words follow the embed.",
            ["Caption words follow the embed."],
        ),
        (
            "- [x] Done with the quarterly report ✅ 2025-01-02 🔁 every week",
            ["Done with the quarterly report"],
        ),
        (
            "- [ ] Send the renewal deck to them @Jai Menon 📅 2025-01-10",
            ["Send the renewal deck to them"],
        ),
        (
            "> [!warning]- Folded title of the callout\n> Body of the callout goes here.",
            ["Folded title of the callout", "Body of the callout goes here."],
        ),
        (
            "| a | b |\n|---|---|\n| cell words one | cell words two |\nParagraph after the table ends.",
            ["Paragraph after the table ends."],
        ),
        (
            '<div class="x">\nhtml block words here\n</div>\n\nParagraph after the HTML.',
            ["Paragraph after the HTML."],
        ),
        (
            "A heading id { #custom-id } is no prose of this note.",
            ["A heading id", "is no prose of this note."],
        ),
        (
            "Mail <someone@example.com> or visit https://example.com/a#b and tell us what you think.",
            ["and tell us what you think."],
        ),
        (
            r"An escaped \[[not a link]] stays as text in the note.",
            ["An escaped [[not a link]] stays as text in the note."],
        ),
    ],
)
def test_prose_runs(source: str, runs: list[str]) -> None:
    assert prose_runs(source).runs == runs


def test_literal_brackets_and_tags() -> None:
    assert prose_runs(r"Type \[[ to link").literal_brackets
    assert prose_runs("Type `[[` to link").literal_brackets
    assert prose_runs("An unclosed [[ stays text").literal_brackets
    assert not prose_runs("A [[link]] is syntax").literal_brackets
    assert prose_runs("Words #Private/Sub and #two, not C#").tags == {"private/sub", "two"}


def test_chunks_cover_a_run() -> None:
    run = "one two three four five six seven"
    assert oracles.chunks(run) == ["one two three four five", "three four five six seven"]
    assert oracles.chunks("快速入门指南的第一部分内容") == [
        "快速入门指南的第一部",
        "门指南的第一部分内容",
    ]


def test_broken_finds_missing_files_and_fragments(tmp_path: Path) -> None:
    vault = _write(tmp_path / "vault", {})
    site = _write(
        tmp_path / "site",
        {
            "index.html": _page(
                '<a href="a/">ok</a><a href="a/#here">ok</a><a href="a">ok: hosts redirect</a>'
                '<a href="a/#gone">bad fragment</a><a href="missing/">bad file</a>'
                '<a href="https://example.com/x">external</a><a href="mailto:x@y">external</a>'
                '<a href="#">ok</a><a href="#top">ok</a><img src="b%20c.png?x=1"><img src="nope.png">'
                '<a href="../outside.html">above the root</a><a name="anchor"></a><a href="#anchor">ok</a>'
            ),
            "a/index.html": _page('<h2 id="here">Here</h2>'),
            "b c.png": "x",
        },
    )
    found = sorted(f.what for f in oracles.nothing_broken(vault, site))
    assert found == [
        "<a href='../outside.html'> names no file",
        "<a href='a/#gone'>: no id 'gone' on a/index.html",
        "<a href='missing/'> names no file",
        "<img src='nope.png'> names no file",
    ]


def test_raw_finds_syntax_in_visible_text(tmp_path: Path) -> None:
    vault = _write(tmp_path / "vault", {"N.md": "text", "Escaped.md": r"Type \[[ to link"})
    site = _write(
        tmp_path / "site",
        {
            "index.html": _page(
                "<p>Embed{ .ma-embed-source } and {: .x} and { #id } and %% and ==marked== and [[Note]]</p>"
                "<pre><code>{ .ok } %% ==ok== [[ok]]</code></pre><kbd>[[</kbd>",
                "N.md",
            ),
            "escaped.html": _page("<p>Type [[ to link</p>", "Escaped.md"),
            "clean.html": _page("<p>a = b == c, {braces} and %</p>"),
        },
    )
    found = oracles.nothing_raw(vault, site)
    assert [f.what.split(" in ")[0] for f in found] == [
        "attribute list '{ .ma-embed-source }'",
        "attribute list '{: .x}'",
        "attribute list '{ #id }'",
        "%% '%%'",
        "==highlight== '==marked=='",
        "[[ '[['",
    ]
    assert {f.where for f in found} == {"index.html"}


def test_unreachable_finds_a_page_no_link_leads_to(tmp_path: Path) -> None:
    vault, site = _clean_site(tmp_path)
    home = site / "index.html"
    home.write_text(_page("<p>Home</p>"), encoding="utf-8")
    (finding,) = oracles.everything_reachable(vault, site, exclude="Templates/")
    assert finding.where == "Weekly.md" and "weekly/index.html" in finding.what
    # Reached through another page (breadth-first), and through a percent-encoded link.
    _write(
        site,
        {
            "index.html": _page("", nav='<a href="hub%20page/">hub</a>'),
            "hub page/index.html": _page('<a href="../weekly/index.html">w</a>'),
        },
    )
    assert oracles.everything_reachable(vault, site, exclude="Templates/") == []


def test_heavy_finds_a_page_over_1_mb(tmp_path: Path) -> None:
    vault = _write(tmp_path / "vault", {})
    site = _write(
        tmp_path / "site",
        {
            "index.html": _page("<p>small</p>"),
            "big/index.html": _page("<p>" + "x" * 1_200_000 + "</p>"),
        },
    )
    (finding,) = oracles.no_heavy_page(vault, site)
    assert finding.where == "big/index.html" and "1,200," in finding.what


def _record(
    message: str,
    level: int = logging.WARNING,
    name: str = "mkdocs.plugins.meeting_archive.plugin",
    exc: bool = False,
) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord(name, level, __file__, 1, message, None, exc_info)


def test_log_finds_warnings_without_a_line_and_tracebacks(tmp_path: Path) -> None:
    vault = _write(tmp_path / "vault", {"Notes/A note.md": "x"})
    site = _write(tmp_path / "site", {"index.html": _page("")})
    records = [
        _record("meeting_archive: Notes/A note.md:3: linked note [[X]] is not in the vault"),
        _record("Notes/A note.md:3:7: cannot be parsed"),
        _record("meeting_archive: 55 notes published", logging.INFO),
        _record("Config value 'x': unrecognised", name="mkdocs.config"),
        _record("meeting_archive: Notes/A note.md: heading 'X' is not in Y.md"),
        _record("meeting_archive: Gone.md:2: something"),
        _record("meeting_archive: Notes/A note.md:0: something"),
        _record("Error reading page", logging.ERROR, exc=True),
    ]
    found = [f.what.split(":")[0] for f in oracles.honest_log(vault, site, records)]
    assert found == [
        "warning without path",
        "warning names no file of the vault",
        "warning at line 0",
        "traceback",
    ]
