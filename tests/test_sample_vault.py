"""The sample vault (docs_src/) builds with `--strict` and shows each Obsidian feature."""

from __future__ import annotations

import pytest

from conftest import ROOT, Built, article, build_project

PRIVATE = ROOT / "docs_src" / "Drafts" / "Headcount Scratchpad.md"


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_project(tmp_path_factory.mktemp("sample"), strict=True, use_directory_urls=request.param)


def test_builds_strict_without_warnings(site: Built) -> None:
    assert not site.aborted, site.log
    site.assert_no_warnings()


def test_summary_line(site: Built) -> None:
    summary = [m for m in site.messages(20) if "notes published" in m]
    assert len(summary) == 1
    assert "1 private" in summary[0] and "1 excluded" in summary[0] and "0 unresolved" in summary[0]


def test_private_note_leaves_no_trace(site: Built) -> None:
    assert "publish: false" in PRIVATE.read_text(encoding="utf-8")
    for path in site.site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".js", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in ("SAMPLE-PRIVATE-MARKER", "Winterhaven", "headcount-scratchpad"):
                assert secret not in text, (secret, path)


def test_templates_and_obsidian_folder_are_not_published(site: Built) -> None:
    names = {p.name.lower() for p in site.site.rglob("*")}
    assert not any("template" in n for n in names)
    assert not (site.site / ".obsidian").exists()


def test_obsidian_features_render(site: Built) -> None:
    pages = {p: article(p.read_text(encoding="utf-8")) for p in site.pages()}
    html = "\n".join(a.html for a in pages.values())
    assert 'class="admonition tip"' in html  # > [!tip]
    assert "<details" in html  # > [!warning]- folds
    assert "<mark>" in html  # ==highlight==
    assert 'class="footnote"' in html
    assert 'class="mermaid"' in html
    assert "%%" not in "\n".join(a.text() for a in pages.values())
    assert any(img.attributes.get("width") == "300" for a in pages.values() for img in a.css("img"))
    assert html.count('class="ma-embed"') >= 1


def test_every_section_page_exists(site: Built) -> None:
    for section in ("meetings", "accounts", "people", "topics", "actions", "tags"):
        index = site.site / section / "index.html"
        assert index.is_file(), section
    assert (site.site / "index.html").is_file()


def test_sidebar_lists_sections_not_notes(site: Built) -> None:
    from selectolax.lexbor import LexborHTMLParser

    nav = LexborHTMLParser(site.html("")).css_first("nav.md-nav--primary")
    titles = [a.text(strip=True) for a in nav.css("a.md-nav__link")]
    assert {"Meetings", "Accounts", "People", "Topics", "Action items", "Tags"} <= set(titles)
    # Home, its table of contents, the 7 sections, the Notes section and its one top-level
    # folder of notes (Projects): a bounded list, whatever the number of notes
    assert len(titles) <= 16, titles
    assert {"Notes", "Projects"} <= set(titles), titles


def test_tags_are_hierarchical(site: Built) -> None:
    tags = article((site.site / "tags" / "index.html").read_text(encoding="utf-8"))
    ids = {n.attributes.get("id") for n in tags.css("[id]")}
    assert "tag:account" in ids and "tag:account/brightwater-bank" in ids
