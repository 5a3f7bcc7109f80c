"""The `links` fixture vault: every wikilink form lands on the right page and anchor,
under both URL styles (tests/fixtures/links/expected.yml holds the expectations)."""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, Built, article, follow, page_url

EXPECTED = yaml.safe_load((FIXTURES / "links" / "expected.yml").read_text(encoding="utf-8"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, bool]:
    import shutil

    from conftest import build_vault

    tmp = tmp_path_factory.mktemp("links")
    vault = tmp / "vault"
    shutil.copytree(FIXTURES / "links" / "vault", vault)
    return build_vault(vault, tmp, use_directory_urls=request.param), request.param


def test_every_page_exists(built: tuple[Built, bool]) -> None:
    site, directory_urls = built
    for page in EXPECTED["pages"]:
        assert site.html(page_url(page, directory_urls)), page


@pytest.mark.parametrize("case", EXPECTED["links"], ids=lambda c: f"{c['from']}:{c['text']}")
def test_link_lands_on_page_and_anchor(built: tuple[Built, bool], case: dict[str, str]) -> None:
    site, directory_urls = built
    url = page_url(case["from"], directory_urls)
    anchors = [a for a in article(site.html(url)).css("a") if nfc(a.text(strip=True)) == case["text"]]
    assert anchors, f"no link with text {case['text']!r} on {url}"
    want = case["to"] if case.get("file") else page_url(case["to"], directory_urls)
    if want.endswith("/"):
        want += "index.html"
    for a in anchors:
        path, fragment = follow(url, a.attributes["href"] or "")
        if path.endswith("/") or path == "":
            path += "index.html"
        assert (path, fragment) == (want, case.get("fragment", "")), a.html
        assert (site.site / path).is_file()
        if fragment:
            target = article(site.html(path))
            assert target.css_first(f'[id="{fragment}"]') is not None, f"#{fragment} not on {path}"


@pytest.mark.parametrize("case", EXPECTED["images"], ids=lambda c: c["src"])
def test_images_are_embedded(built: tuple[Built, bool], case: dict[str, str]) -> None:
    site, directory_urls = built
    url = page_url(case["from"], directory_urls)
    images = article(site.html(url)).css("img")
    found = [(follow(url, i.attributes["src"] or "")[0], i.attributes.get("width")) for i in images]
    assert (case["src"], case.get("width")) in found
    assert (site.site / case["src"]).is_file()


def test_unresolved_links_are_marked_and_reported(built: tuple[Built, bool]) -> None:
    site, directory_urls = built
    warnings = site.messages(logging.WARNING)
    for case in EXPECTED["unresolved"]:
        page = article(site.html(page_url(case["from"], directory_urls)))
        marked = [s.text() for s in page.css("span.ma-unresolved")]
        assert case["text"] in marked
        assert any(case["warning"] in w for w in warnings), warnings
    # one warning per problem, not per occurrence, and nothing else
    assert len(warnings) == len(EXPECTED["unresolved"]), warnings


def test_code_is_left_alone(built: tuple[Built, bool]) -> None:
    site, directory_urls = built
    for case in EXPECTED["code"]:
        page = article(site.html(page_url(case["from"], directory_urls)))
        assert any(case["text"] in c.text() for c in page.css("code")), case


def test_embeds_show_the_section(built: tuple[Built, bool]) -> None:
    site, directory_urls = built
    for case in EXPECTED["embeds"]:
        page = article(site.html(page_url(case["from"], directory_urls)))
        assert any(case["contains"] in e.text() for e in page.css("div.ma-embed"))


def test_info_lines(built: tuple[Built, bool]) -> None:
    site, _ = built
    infos = site.messages(logging.INFO)
    for line in EXPECTED["info"]:
        assert any(line in m for m in infos), line


def test_no_wikilink_syntax_left(built: tuple[Built, bool]) -> None:
    site, _ = built
    for page in site.pages():
        body = article(page.read_text(encoding="utf-8"))
        for code in body.css("code"):
            code.decompose()
        assert "[[" not in body.text(), page


def test_sources_are_not_modified(built: tuple[Built, bool]) -> None:
    """The plugin never writes into the vault (that would retrigger `mkdocs serve`)."""
    vault = Path(str(built[0].site)).parent / "vault"
    original = FIXTURES / "links" / "vault"
    for path in original.rglob("*"):
        if path.is_file():
            assert (vault / path.relative_to(original)).read_bytes() == path.read_bytes()
    assert len(list(vault.rglob("*"))) == len(list(original.rglob("*")))
