"""The render cache on disk is data, never code: whatever its file holds (written by another
version, cut short, or tampered with), a build reads from it only the plain data of a note or a
page, and builds the site a clean build gives."""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import FIXTURES, forget_search
from meeting_archive.render_cache import FILE, NOTE_KIND
from test_incremental import differences


class _Runs:
    """Unpickling this runs `os.system` (the classic attack on a pickle)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (self.command,))


def _config(work: Path, vault: Path, name: str, cache: Path) -> Path:
    path = work / f"{name}.yml"
    data = {
        "site_name": "Cache",
        "docs_dir": str(vault),
        "site_dir": str(work / f"{name}-site"),
        "theme": {"name": "material"},
        "plugins": ["search", "tags", {"meeting-archive": {"cache_dir": str(cache)}}],
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _build(config_file: Path) -> object:
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)  # a new process: nothing kept
    forget_search(config)
    build(config)
    return config.plugins["meeting-archive"]


def _tampered(marker: Path) -> list[bytes]:
    evil = pickle.dumps(_Runs(f"touch {marker}"))
    return [
        evil,
        pickle.dumps([1, 2, 3]),  # not a note: another shape
        b"not a pickle at all",
        evil[: len(evil) // 2],  # cut short
    ]


@pytest.mark.parametrize("variant", range(4))
def test_a_tampered_cache_runs_nothing_and_changes_nothing(tmp_path: Path, variant: int) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    cache = tmp_path / "cache"
    first = _build(_config(tmp_path, vault, "first", cache))
    notes = len(first.build.read.notes)  # type: ignore[attr-defined]
    marker = tmp_path / "ran"
    db = sqlite3.connect(cache / FILE)
    rows = db.execute("SELECT src FROM extra WHERE kind = ?", (NOTE_KIND,)).fetchall()
    assert rows, "the first build kept no parsed note"
    value = _tampered(marker)[variant]
    db.executemany(
        "UPDATE extra SET value = ? WHERE kind = ? AND src = ?",
        [(zlib.compress(value), NOTE_KIND, src) for (src,) in rows],
    )
    db.commit()
    db.close()
    second = _build(_config(tmp_path, vault, "second", cache))
    assert not marker.exists(), "unpickling the cache ran a command"
    # every tampered note was parsed again from the vault
    assert second.build.read.read >= len(rows)  # type: ignore[attr-defined]
    assert len(second.build.read.notes) == notes  # type: ignore[attr-defined]
    clean = _build(_config(tmp_path, vault, "clean", tmp_path / "clean-cache"))
    assert clean.build.read.read == second.build.read.read  # type: ignore[attr-defined]
    assert not differences(tmp_path / "second-site", tmp_path / "clean-site")
