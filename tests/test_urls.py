"""Every conversion between path kinds, as a table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from meeting_archive.urls import (
    dest_uri,
    inside_vault,
    note_key,
    page_url,
    relative_url,
    slugify,
    vault_page_path,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Jason weighing VAST vs Crusoe", "jason-weighing-vast-vs-crusoe"),
        ("Road Map", "road-map"),
        ("José Núñez", "jose-nunez"),
        ("Q3 roadmap: pricing & #tags?", "q3-roadmap-pricing-tags"),
        ("  --  ", "n-" + __import__("hashlib").sha1(b"  --  ").hexdigest()[:8]),
        ("📅", "n-" + __import__("hashlib").sha1("📅".encode()).hexdigest()[:8]),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("Projects/Road Map.md", "projects/road-map"),
        ("index.md", ""),
        ("Folder/index.md", "folder"),
        ("Inbox/_archive/2025-10-08/x.md", "inbox/archive/2025-10-08/x"),
    ],
)
def test_vault_page_path(path: str, page: str) -> None:
    assert vault_page_path(path) == page


@pytest.mark.parametrize(
    ("page", "directory", "dest", "url"),
    [
        ("meetings/2025-10-06-x", True, "meetings/2025-10-06-x/index.html", "meetings/2025-10-06-x/"),
        ("meetings/2025-10-06-x", False, "meetings/2025-10-06-x.html", "meetings/2025-10-06-x.html"),
        ("", True, "index.html", "./"),
        ("", False, "index.html", "index.html"),
    ],
)
def test_dest_and_url(page: str, directory: bool, dest: str, url: str) -> None:
    assert dest_uri(page, directory) == dest
    assert page_url(page, directory) == url


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("a/b.md", "a/b.md"),
        ("a/../b.md", "b.md"),
        ("../etc/passwd", None),
        ("a/../../x", None),
        ("/etc/passwd", None),
        ("C:/Windows", None),
        ("%2e%2e/etc/passwd", "%2e%2e/etc/passwd"),
    ],
)
def test_inside_vault(path: str, inside: str | None) -> None:
    assert inside_vault(path) == inside


def test_note_key_folds_case_and_normalisation() -> None:
    assert note_key("Cafe\u0301 Notes") == note_key("CAFÉ notes")


_SEGMENT = st.sampled_from(["a", "b", "people", "x.y", "index.html", "p-1", "%C3%A9"])


@st.composite
def site_urls(draw: st.DrawFn) -> str:
    """Site URLs as the plugin makes them: '', './', a folder/, a page.html or a bare path."""
    path = "/".join(draw(st.lists(_SEGMENT, max_size=4)))
    if not path:
        return draw(st.sampled_from(["./", ".", "index.html"]))
    return path + draw(st.sampled_from(["/", ".html", ""]))


@given(site_urls(), site_urls())
def test_relative_url_agrees_with_mkdocs(url: str, other: str) -> None:
    # The plugin's own string version must give what MkDocs' (posixpath-based) one gives.
    assert relative_url(url, other) == get_relative_url(url, other)
