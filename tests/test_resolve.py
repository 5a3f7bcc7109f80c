"""Obsidian's resolution rules over a fixed set of files, as a table; and a count (not a
timer) showing that resolving L links over N notes touches O(N + L) index entries."""

from __future__ import annotations

import unicodedata

import pytest

from meeting_archive.resolve import Resolver

NOTES = [
    "Home.md",
    "People/Jai Menon.md",
    "Projects/Alpha/Roadmap.md",
    "Projects/Beta/Archive/Roadmap.md",
    "Projects/Beta/Archive/Status.md",
    "Case/note.md",
    "Case/Note.md",
    unicodedata.normalize("NFC", "Café.md"),
]
ATTACHMENTS = ["Attachments/chart.png", "docs/brief.pdf"]
RESOLVER = Resolver(NOTES, ATTACHMENTS, aliases={"People/Jai Menon.md": ["Jai", "JM"]},
                    withheld=dict.fromkeys(["Secret/Plan.md", "Plan", "Codename"], "private"))


@pytest.mark.parametrize(
    ("target", "source", "path"),
    [
        ("Home", "", "Home.md"),
        ("home", "", "Home.md"),  # case-insensitive
        ("Home.md", "", "Home.md"),
        ("Jai Menon", "Home.md", "People/Jai Menon.md"),
        ("People/Jai Menon", "Home.md", "People/Jai Menon.md"),  # path suffix
        ("Jai", "Home.md", "People/Jai Menon.md"),  # alias
        ("jm", "Home.md", "People/Jai Menon.md"),
        ("Roadmap", "Home.md", "Projects/Alpha/Roadmap.md"),  # shortest path
        ("Roadmap", "Projects/Beta/Archive/Status.md", "Projects/Beta/Archive/Roadmap.md"),  # same folder
        ("Beta/Archive/Roadmap", "Home.md", "Projects/Beta/Archive/Roadmap.md"),
        ("Projects/Alpha/Roadmap", "Projects/Beta/Archive/Status.md", "Projects/Alpha/Roadmap.md"),
        ("../Alpha/Roadmap", "Projects/Beta/Status.md", "Projects/Alpha/Roadmap.md"),  # relative
        ("/Home", "Projects/x.md", "Home.md"),  # from the vault root
        ("note", "", "Case/note.md"),  # exact case wins among case twins
        ("Note", "", "Case/Note.md"),
        (unicodedata.normalize("NFD", "Café"), "", unicodedata.normalize("NFC", "Café.md")),
        ("chart.png", "Home.md", "Attachments/chart.png"),
        ("brief.pdf", "Home.md", "docs/brief.pdf"),
        ("", "Home.md", "Home.md"),  # [[#Heading]]: the note itself
    ],
)
def test_resolves(target: str, source: str, path: str) -> None:
    assert RESOLVER.resolve(target, source).path == path


@pytest.mark.parametrize(
    "target",
    [
        "Missing",
        "Inbox/Transcripts/x",
        "../../etc/passwd",
        "/etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "Menon",  # not a whole path segment
        "chart",  # attachments match by full name
        "C:/Windows/win.ini",
    ],
)
def test_does_not_resolve(target: str) -> None:
    found = RESOLVER.resolve(target, "People/Jai Menon.md")
    assert found.path is None and not found.withheld


@pytest.mark.parametrize("target", ["Plan", "Secret/Plan", "codename"])
def test_private_notes_are_known_only_as_withheld(target: str) -> None:
    found = RESOLVER.resolve(target, "Home.md")
    assert found.withheld and found.path is None


def test_shortest_path_choice_names_the_others() -> None:
    assert RESOLVER.resolve("Roadmap", "Home.md").ambiguous == ("Projects/Beta/Archive/Roadmap.md",)


@pytest.mark.parametrize("n", [100, 1000, 10000])
def test_resolution_touches_linear_entries(n: int) -> None:
    """Index entries touched per link stay constant as the vault grows: O(N + L), not O(N × L)."""
    notes = [f"Meetings/{i % 37}/Note {i}.md" for i in range(n)]
    resolver = Resolver(notes, [], aliases={p: [f"alias {i}"] for i, p in enumerate(notes)})
    links = [f"Note {(i * 7) % n}" for i in range(n)] + [f"alias {i}" for i in range(n)] + ["Missing"] * n
    for link in links:
        resolver.resolve(link, "Home.md")
    assert resolver.lookups <= 4 * len(links)
