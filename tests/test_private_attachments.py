"""The `private_attachments` fixture: an attachment that only unpublished notes (private, or
with frontmatter that cannot be read) use is not published (its README.md has the cases)."""

from __future__ import annotations

import logging

import pytest

from conftest import FIXTURES, Built, build_vault

VAULT = FIXTURES / "private_attachments" / "vault"


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_vault(
        VAULT, tmp_path_factory.mktemp("private-attachments"), use_directory_urls=request.param
    )


def test_only_private_use_keeps_a_file_out(site: Built) -> None:
    published = {p.relative_to(site.site).as_posix() for p in site.site.rglob("*") if p.is_file()}
    assert "img/shared.png" in published
    assert "img/orphan.png" in published
    assert "img/secret-chart.png" not in published
    assert "files/offer-letter.pdf" not in published
    assert "img/broken-only.png" not in published
    for path in ("img/secret-chart.png", "files/offer-letter.pdf", "img/broken-only.png"):
        assert any(
            m.startswith(f"meeting_archive: {path}: used only by unpublished notes")
            for m in site.messages(logging.INFO)
        ), path


def test_the_public_note_still_shows_the_shared_picture(site: Built) -> None:
    page = site.html(site.url("public-note"))
    assert "shared.png" in page and "secret" not in page.casefold()
