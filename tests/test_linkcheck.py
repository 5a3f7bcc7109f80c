"""Every internal link of whole built sites resolves: to a file, and a #fragment to an id there.

The sample vault under both URL styles, a 2,000-note vault from make_vault.py, and the
Obsidian Help vault. The checker itself (linkcheck.py) is tested first on a small site with
known breakage, so a checker that finds nothing cannot pass for a site without faults.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MAKE_VAULT, OBSIDIAN_HELP, build_project, build_vault
from linkcheck import LinkReport, check_links


def _print(capsys: pytest.CaptureFixture[str], what: str, report: LinkReport) -> None:
    with capsys.disabled():
        print(f"\nlink check, {what}: {report.summary()}")


def _write(site: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_finds_each_kind_of_broken_link(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "index.html": """<html><head><link rel="stylesheet" href="assets/site.css">
                <script src="assets/missing.js"></script></head><body>
                <a href="people/ana%20b/">ok: percent-encoded directory URL</a>
                <a href="people/ana%20b/#role">ok: fragment</a>
                <a href="people/ana%20b/#nope">bad fragment</a>
                <a href="people/ghost/">bad page</a>
                <a href="notes/plan.html#step-2">ok: .html URL</a>
                <a href="notes/plan.html#step-9">bad fragment on .html</a>
                <a href="#top">ok</a> <a href="#here">ok</a> <a href="#gone">bad</a>
                <a href="../../outside.html">bad: above the root</a>
                <a href="file:///etc/passwd">bad scheme</a> <a href="C:\\notes\\a.md">bad</a>
                <a href="obsidian://open?vault=team">an app: external</a>
                <a href="https://example.com/x">external</a> <a href="mailto:a@b.c">mail</a>
                <img src="img/a.png" srcset="img/a.png 1x, img/b.png 2x">
                <script src="https://cdn.example.com/lib.js"></script>
                <link rel="canonical" href="https://archive.example.com/">
                <span id="here"></span></body></html>""",
            "people/ana b/index.html": '<h2 id="role">Role</h2><a href="../../">home</a>'
            '<a href="../">people, no index: bad</a>',
            "notes/plan.html": '<a name="step-2"></a><a href="/index.html">root-absolute</a>',
            "assets/site.css": "",
            "img/a.png": "",
        },
    )
    report = check_links(tmp_path)
    broken = sorted((p.link.page, p.link.url) for p in report.problems)
    assert broken == sorted(
        [
            ("index.html", "#gone"),
            ("index.html", "../../outside.html"),
            ("index.html", "assets/missing.js"),
            ("index.html", "file:///etc/passwd"),
        ("index.html", "C:\\notes\\a.md"),
            ("index.html", "img/b.png"),
            ("index.html", "notes/plan.html#step-9"),
            ("index.html", "people/ana%20b/#nope"),
            ("index.html", "people/ghost/"),
            ("people/ana b/index.html", "../"),
        ]
    )
    assert report.pages == 3
    assert report.external == 5
    assert [r.url for r in report.external_resources] == ["https://cdn.example.com/lib.js"]
    assert report.links == report.internal + report.external + 1  # the file: link


@pytest.mark.parametrize("use_directory_urls", [True, False], ids=["directory-urls", "file-urls"])
def test_sample_site_links(
    tmp_path: Path, use_directory_urls: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    built = build_project(tmp_path, strict=True, use_directory_urls=use_directory_urls)
    assert not built.aborted, built.log
    report = check_links(built.site)
    _print(capsys, f"sample vault ({'directory' if use_directory_urls else 'file'} URLs)", report)
    assert report.pages >= 80 and report.fragments > 500, report.summary()
    assert not report.problems, "\n".join(map(str, report.problems))
    # The archive is private and must work offline: nothing is loaded from another host
    # (Material's Google Fonts are off with `theme.font: false`).
    loaded = sorted({f"<{r.tag} {r.attribute}={r.url}>" for r in report.external_resources})
    assert not loaded, "loaded from elsewhere:\n" + "\n".join(loaded)


@pytest.mark.slow
def test_generated_2000_note_vault_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not MAKE_VAULT.is_file():
        pytest.skip(f"{MAKE_VAULT} is not there (it lives in ../shared, beside the repository)")
    vault = tmp_path / "vault"
    subprocess.run(
        [sys.executable, str(MAKE_VAULT), str(vault), "--notes", "2000", "--seed", "7"],
        check=True,
        capture_output=True,
    )
    built = build_vault(vault, tmp_path / "out")
    report = check_links(built.site)
    _print(capsys, "make_vault.py, 2,000 notes", report)
    assert report.pages >= 2000 and report.internal > 100_000, report.summary()
    assert not report.problems, "\n".join(map(str, report.problems[:50]))


def test_obsidian_help_vault_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real vault written by others: a link that does not work must at least have been
    reported in the build log (the vault has a few that Obsidian Publish shows broken too)."""
    if not OBSIDIAN_HELP.is_dir():
        pytest.skip(f"{OBSIDIAN_HELP} is not there (it lives in ../shared, beside the repository)")
    built = build_vault(OBSIDIAN_HELP, tmp_path)
    report = check_links(built.site)
    _print(capsys, "Obsidian Help vault", report)
    assert report.pages >= 170, report.summary()
    logged = "\n".join(built.messages(logging.INFO))
    silent = [p for p in report.problems if p.link.url.split("#")[0] not in logged]
    assert not silent, "broken without a word in the build log:\n" + "\n".join(map(str, silent))
