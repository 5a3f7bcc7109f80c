"""Feeds and graph data made beside page rendering (offload.py): a forked child and the
in-place fallback write the same files, a failing child's error reaches the build, and a build
with another thread running (as under `mkdocs serve`) makes the same site files in place."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from conftest import FIXTURES, build_vault
from meeting_archive import offload

MADE = {"actions.ics": b"BEGIN:VCALENDAR\r\n", "people/jai-menon/actions.ics": b"ics"}
FEEDS = ["actions.ics", "archive.json", "feed.xml", "graph.json", "people/jai-menon/actions.ics"]


def written(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
    }


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
def test_a_forked_child_writes_the_files(tmp_path: Path) -> None:
    job = offload.BackgroundFiles(lambda: MADE, str(tmp_path))
    job.start()
    assert job.forked
    job.finish()
    assert written(tmp_path) == MADE


def test_without_fork_the_files_are_made_at_the_end(tmp_path: Path) -> None:
    calls = []

    def make() -> dict[str, bytes]:
        calls.append(1)
        return MADE

    job = offload.BackgroundFiles(make, str(tmp_path), fork=False)
    job.start()
    assert not job.forked and not calls and written(tmp_path) == {}
    job.finish()
    assert written(tmp_path) == MADE and len(calls) == 1


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
def test_a_failing_child_fails_the_build(tmp_path: Path) -> None:
    def make() -> dict[str, bytes]:
        raise ValueError("broken feed")

    job = offload.BackgroundFiles(make, str(tmp_path))
    job.start()
    assert job.forked
    with pytest.raises(ValueError, match="broken feed"):
        job.finish()  # made again in place, where the error surfaces


def test_a_build_with_threads_running_makes_the_same_feeds(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    alone = written(build_vault(vault, tmp_path / "alone").site)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as `mkdocs serve`'s server thread
    other.start()
    try:
        assert not offload.can_fork()
        beside = written(build_vault(vault, tmp_path / "beside").site)
    finally:
        stop.set()
        other.join()
    for path in FEEDS:
        assert path in alone, path
        assert beside[path] == alone[path], path
