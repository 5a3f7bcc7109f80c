"""Obsidian syntax, as tables: wikilinks, tags, comments, callouts, headings, block ids."""

from __future__ import annotations

import pytest

from meeting_archive import obsidian
from meeting_archive.obsidian import Wikilink, parse_wikilink


@pytest.mark.parametrize(
    ("inner", "link"),
    [
        ("Note", Wikilink("Note")),
        ("Note|text", Wikilink("Note", alias="text")),
        ("folder/Note", Wikilink("folder/Note")),
        ("Note.md", Wikilink("Note.md")),
        ("Note#Heading", Wikilink("Note", ("Heading",))),
        ("Note#Heading|text", Wikilink("Note", ("Heading",), alias="text")),
        ("#Heading", Wikilink("", ("Heading",))),
        ("Note#^block-id", Wikilink("Note", block="block-id")),
        ("Note\\|text", Wikilink("Note", alias="text")),
        ("Note#H1#H2", Wikilink("Note", ("H1", "H2"))),
        ("image.png|300", Wikilink("image.png", alias="300")),
        (" Spaced Note ", Wikilink("Spaced Note")),
    ],
)
def test_parse_wikilink(inner: str, link: Wikilink) -> None:
    assert parse_wikilink(inner) == link


@pytest.mark.parametrize(
    ("link", "display"),
    [
        (Wikilink("Note"), "Note"),
        (Wikilink("Note", alias="text"), "text"),
        (Wikilink("Note", ("H1", "H2")), "Note > H1 > H2"),
        (Wikilink("", ("Heading",)), "Heading"),
        (Wikilink("Note", block="b1"), "Note > ^b1"),
    ],
)
def test_display(link: Wikilink, display: str) -> None:
    assert link.display == display


@pytest.mark.parametrize(
    "text",
    ["[[Note]]", "![[a.png|300]]", "[[A#B#C|d]]", "[[Note#^blk]]", "[[#Only]]"],
)
def test_source_round_trips(text: str) -> None:
    match = obsidian.WIKILINK.fullmatch(text)
    assert match is not None
    assert parse_wikilink(match.group(2), bool(match.group(1))).source() == text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("see [[A]] and [[B|b]]", ["A", "B|b"]),
        ("unclosed [[A and [[B]]", ["B"]),
        ("empty [[]] stays", [""]),
        ("no link `[[code]]` here", ["code"]),  # the regex alone sees it: INLINE hides it
    ],
)
def test_wikilink_regex(text: str, found: list[str]) -> None:
    assert [m.group(2) for m in obsidian.WIKILINK.finditer(text)] == found


def test_code_spans_hide_links_and_links_keep_their_code() -> None:
    matches = list(obsidian.INLINE.finditer("a `[[x]]` b ``[[y]]`` [[z]] [[#`move`|move]]"))
    links = [m.group("inner") for m in matches if m.group("link")]
    codes = [m.group("code") for m in matches if m.group("code")]
    assert links == ["z", "#`move`|move"]
    assert codes == ["`[[x]]`", "``[[y]]``"]


def test_iter_lines_marks_fences() -> None:
    text = "a\n```\n[[x]]\n```\nb\n~~~~\n```\n~~~~\nc"
    assert [code for _, _, code in obsidian.iter_lines(text)] == [False, True, True, True, False, True, True, True, False]


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#task and #project/alpha and #a-b", ["task", "project/alpha", "a-b"]),
        ("numbers only #2024 are not tags, #y2024 is", ["y2024"]),
        ("# Heading is not a tag", []),
        ("`#code` and\n```\n#fenced\n```", []),
        ("[[Note#Heading]] and url http://x/#frag and a#b", []),
        ("trailing #tag/ and #tag-", ["tag"]),
        ("unicode #café", ["café"]),
    ],
)
def test_inline_tags(text: str, tags: list[str]) -> None:
    assert obsidian.inline_tags(text) == tags


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("a %%hidden%% b", "a  b"),
        ("a\n%%\nhidden\n%%\nb", "a\n\n\n\nb"),
        ("```\n%%kept%%\n```", "```\n%%kept%%\n```"),
        ("open %% to the end\nmore", "open \n"),
    ],
)
def test_strip_comments(text: str, out: str) -> None:
    assert obsidian.strip_comments(text) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("> [!note] Title\n> body", '!!! note "Title"\n    body'),
        ("> [!tip]- Folded\n> x", '??? tip "Folded"\n    x'),
        ("> [!warning]+ Open\n> x", '???+ warning "Open"\n    x'),
        ("> [!INFO]\n> x\n\nafter", "!!! info\n    x\n\nafter"),
        ('> [!note] Say "hi"', '!!! note "Say "hi""'),
        ("> [!note] Outer\n> > [!tip] Inner\n> > deep", '!!! note "Outer"\n    !!! tip "Inner"\n        deep'),
        ("> plain quote", "> plain quote"),
    ],
)
def test_callouts_become_admonitions(text: str, out: str) -> None:
    assert obsidian.convert_callouts(text) == out


@pytest.mark.parametrize(
    ("line", "result"),
    [
        ("Some text ^abc-1", ("Some text", "abc-1")),
        ("^own-line", ("", "own-line")),
        ("no id here", None),
        ("caret^inside", None),
    ],
)
def test_block_id(line: str, result: tuple[str, str] | None) -> None:
    assert obsidian.block_id(line) == result


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Plain", "Plain"),
        ("With [[Note|alias]] link", "With alias link"),
        ("**Bold** and `code`", "Bold and code"),
        ("Custom { #my-id }", "Custom"),
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert obsidian.plain_text(markdown) == text
