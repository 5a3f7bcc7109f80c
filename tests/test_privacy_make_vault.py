"""The privacy audit on a 2,000-note vault from ../shared/bench/make_vault.py, under both URL
styles: none of its `PRIVATE-<n>` markers, private titles or private pages reaches the site.

The two builds (and their audits) run in parallel processes: each takes most of a core.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MAKE_VAULT, build_vault
from privacy_audit import (
    BuildLog,
    Finding,
    Secrets,
    audit_site,
    in_parallel,
    private_parts,
)

NOTES = 2_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MAKE_VAULT.exists(), reason="../shared/bench/make_vault.py is absent"),
]


def _build_and_audit(job: tuple[Path, Path, bool, Secrets]) -> tuple[BuildLog, list[Finding]]:
    vault, out, use_directory_urls, secrets = job
    start = time.monotonic()
    built = build_vault(vault, out, use_directory_urls=use_directory_urls)
    log = BuildLog.of(built, time.monotonic() - start)
    return log, audit_site(built.site, secrets, vault)


def test_make_vault_leaks_nothing(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    subprocess.run(
        [sys.executable, str(MAKE_VAULT), str(vault), "--notes", str(NOTES)],
        check=True,
        capture_output=True,
    )
    marked = sorted(
        {m for p in vault.rglob("*.md") for m in re.findall(r"PRIVATE-\d+", p.read_text())}
    )
    secrets = private_parts(vault, marked)
    assert len(marked) >= 20 and len(secrets.titles) >= 10 and len(secrets.pages) >= 20
    results = in_parallel(
        _build_and_audit,
        [
            (vault, tmp_path / "out-dir", True, secrets),
            (vault, tmp_path / "out-file", False, secrets),
        ],
    )
    for (log, findings), style in zip(results, ("directory URLs", "file URLs"), strict=True):
        assert not log.aborted
        assert not [m for _, m, traceback in log.records if traceback]
        summary = [m for m in log.messages(20) if "notes published; left out:" in m]
        assert len(summary) == 1 and f" {len(marked)} private," in summary[0], summary
        assert not findings, f"{style}:\n" + "\n".join(map(str, findings[:50]))
