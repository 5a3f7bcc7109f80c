"""The gauntlet (issue 12): real vaults written by others, the sample vault and every fixture
vault, built for real and held to the oracles of oracles.py, which need no hand-written
expectation: nothing lost, nothing broken, nothing raw, everything reachable, no page over
1 MB, an honest log.

A new corpus is one line in CORPORA (a folder under ../shared/corpora/); a new fixture vault
(tests/fixtures/<case>/vault) is picked up by itself. Each build prints one summary line.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils.yaml import yaml_load

import oracles
from conftest import FIXTURES, MAKE_VAULT, ROOT, SHARED, Built, build_project, build_vault

CORPORA = [
    "obsidian-help-en",
    "obsidian-help-zh",
    "obsidian-tasks-docs",
]
FIXTURE_VAULTS = sorted(p.parent.name for p in FIXTURES.glob("*/vault") if p.is_dir())
SHOWN = 30
"""Findings shown per oracle in a failure message (the count is always given)."""


@dataclass
class Checked:
    name: str
    built: Built
    report: oracles.Report


def _corpus(name: str, out: Path) -> tuple[Path, Built, str]:
    vault = SHARED / "corpora" / name
    if not vault.is_dir():
        pytest.skip(f"{vault} is absent")
    return vault, build_vault(vault, out, extra=oracles.edit_link_config()), ""


def _fixture(name: str, out: Path) -> tuple[Path, Built, str]:
    vault = FIXTURES / name / "vault"
    return vault, build_vault(vault, out, extra=oracles.edit_link_config()), ""


def _sample(name: str, out: Path) -> tuple[Path, Built, str]:
    project: dict[str, Any] = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    built = build_project(out, **oracles.edit_link_config(project.get("theme")))
    return ROOT / project.get("docs_dir", "docs"), built, project.get("exclude_docs") or ""


VAULTS = (
    [pytest.param((_corpus, name, name), id=name) for name in CORPORA]
    + [pytest.param((_sample, "sample", "sample-vault"), id="sample-vault")]
    + [
        pytest.param((_fixture, name, f"fixture-{name}"), id=f"fixture-{name}")
        for name in FIXTURE_VAULTS
    ]
)


@pytest.fixture(scope="module", params=VAULTS)
def checked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    build, name, label = request.param
    started = time.perf_counter()
    vault, built, exclude = build(name, tmp_path_factory.mktemp(name))
    seconds = time.perf_counter() - started
    report = oracles.run_oracles(vault, built.site, built.records, exclude=exclude)
    line = report.summary(label, seconds)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + line)
    return Checked(label, built, report)


def _assert_clean(checked: Checked, oracle: str) -> None:
    findings = checked.report.findings[oracle]
    if not findings:
        return
    shown = "\n".join(f"  {f}" for f in findings[:SHOWN])
    more = f"\n  … and {len(findings) - SHOWN} more" if len(findings) > SHOWN else ""
    pytest.fail(
        f"{checked.name}: {len(findings)} '{oracle}' findings "
        f"({oracles.ORACLES[oracle].__doc__.splitlines()[0]})\n{shown}{more}",  # type: ignore[union-attr]
        pytrace=False,
    )


def test_the_build_finished(checked: Checked) -> None:
    assert not checked.built.aborted
    assert checked.report.pages > 0


def test_nothing_lost(checked: Checked) -> None:
    _assert_clean(checked, "lost")


def test_nothing_broken(checked: Checked) -> None:
    _assert_clean(checked, "broken")


def test_nothing_raw(checked: Checked) -> None:
    _assert_clean(checked, "raw")


def test_everything_reachable(checked: Checked) -> None:
    _assert_clean(checked, "unreachable")


def test_no_page_over_1_mb(checked: Checked) -> None:
    _assert_clean(checked, "heavy")


def test_honest_log(checked: Checked) -> None:
    _assert_clean(checked, "log")


@pytest.mark.slow
def test_a_generated_2000_note_vault(tmp_path: Path) -> None:
    """The oracles hold for a large vault too, and check it in seconds (one parse per page,
    no quadratic step): make_vault.py's 2,000 notes."""
    if not MAKE_VAULT.is_file():
        pytest.skip(f"{MAKE_VAULT} is absent")
    vault = tmp_path / "vault"
    subprocess.run(
        [sys.executable, str(MAKE_VAULT), str(vault), "--notes", "2000", "--seed", "7"],
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    built = build_vault(vault, tmp_path / "out", extra=oracles.edit_link_config())
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = oracles.run_oracles(vault, built.site, built.records)
    checking = time.perf_counter() - started
    print("\n" + report.summary("make_vault-2000", seconds) + f", oracles {checking:.1f} s")
    assert report.pages >= 2000 and report.total > 10_000
    failed = {name: findings for name, findings in report.findings.items() if findings}
    assert not failed, "\n".join(
        f"{name}: {len(found)}\n" + "\n".join(f"  {f}" for f in found[:SHOWN])
        for name, found in failed.items()
    )
