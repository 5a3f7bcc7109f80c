"""The README's extension example: a mkdocs-gen-files script reads the archive model."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, ROOT, article, build_vault, follow
from meeting_archive import current_archive


def test_weekly_digest_is_built_from_the_model(tmp_path) -> None:
    shutil.copytree(FIXTURES / "archive" / "vault", tmp_path / "vault")
    built = build_vault(tmp_path / "vault", tmp_path, extra={"plugins": [
        "search", "tags", "meeting-archive",
        {"gen-files": {"scripts": [str(ROOT / "examples" / "weekly_digest.py")]}},
    ]})
    built.assert_no_warnings(r"Script attempts\.md:\d+: linked file x is not in the vault")
    page = article(built.html("digest/"))
    weeks = [h.text(strip=True) for h in page.css("h2")]
    assert weeks == ["2025, week 23", "2025, week 11", "2025, week 2", "2024, week 48"]
    links = {a.text(): follow("digest/", a.attributes["href"] or "")[0] for a in page.css("a")}
    assert links["Globex QBR"] == "meetings/2025-01-10-globex-qbr/"
    assert "Decided: Renew for two years." in page.text()


def test_current_archive_outside_a_build_says_why() -> None:
    with pytest.raises(RuntimeError, match="only available during a MkDocs build"):
        current_archive()
