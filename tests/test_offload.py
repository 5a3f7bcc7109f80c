"""Work made beside the pages' Markdown conversion (offload.py): a forked child's result and
the in-place fallback are the same, a failing child's error reaches the build, and a build with
another thread running (as under `mkdocs serve`) makes the same site in place. And a `--dirty`
rebuild, which `mkdocs serve --dirty` makes after an edit, renders only what changed."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import CASES, FIXTURES, build_vault
from meeting_archive import offload
from meeting_archive import vault as vault_mod

MADE = {"actions.ics": b"BEGIN:VCALENDAR\r\n", "people/jai-menon/actions.ics": b"ics"}
FEEDS = ["actions.ics", "archive.json", "feed.xml", "graph.json", "people/jai-menon/actions.ics"]


def written(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
    }


def make_files(site: Path) -> dict[str, int]:
    """Write MADE under `site` and return something to send back."""
    offload.write_files(MADE, str(site))
    return {"written": len(MADE)}


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
def test_a_forked_child_writes_and_answers(tmp_path: Path) -> None:
    job = offload.Background(lambda: make_files(tmp_path))
    job.start()
    assert job.forked
    assert job.result() == {"written": 2}
    assert written(tmp_path) == MADE


def test_without_fork_the_work_is_done_when_asked(tmp_path: Path) -> None:
    calls = []

    def make() -> dict[str, int]:
        calls.append(1)
        return make_files(tmp_path)

    job = offload.Background(make, fork=False)
    job.start()
    assert not job.forked and not calls and written(tmp_path) == {}
    assert job.result() == {"written": 2}
    assert written(tmp_path) == MADE and len(calls) == 1


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
def test_a_failing_child_fails_the_build(tmp_path: Path) -> None:
    def make() -> dict[str, int]:
        raise ValueError("broken feed")

    job = offload.Background(make)
    job.start()
    assert job.forked
    with pytest.raises(ValueError, match="broken feed"):
        job.result()  # done again in place, where the error surfaces


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
@pytest.mark.parametrize("fixture", ["archive", "links"])
def test_a_build_with_threads_running_makes_the_same_site(tmp_path: Path, fixture: str) -> None:
    vault = tmp_path / "vault"
    shutil.copytree((FIXTURES if fixture == "archive" else CASES) / fixture / "vault", vault)
    # a warning that rendering the page gives (not reading the vault)
    (vault / "Heading miss.md").write_text("See [[Heading miss#Nowhere]].\n", encoding="utf-8")
    alone_built = build_vault(vault, tmp_path / "alone")
    alone = written(alone_built.site)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as `mkdocs serve`'s server thread
    other.start()
    try:
        assert not offload.can_fork()
        beside_built = build_vault(vault, tmp_path / "beside")
        beside = written(beside_built.site)
    finally:
        stop.set()
        other.join()
    for path in FEEDS if fixture == "archive" else ["actions.ics", "archive.json", "graph.json"]:
        assert path in alone, path
        assert beside[path] == alone[path], path
    # and every page, rendered ahead and with listings made in the child, is the page made
    # in place; so are the warnings
    pages = sorted(p for p in alone if p.endswith(".html"))
    assert pages == sorted(p for p in beside if p.endswith(".html"))
    assert len(pages) > 10
    for path in pages:
        assert beside[path] == alone[path], path
    assert alone_built.messages() == beside_built.messages()
    assert any("heading 'Nowhere'" in m for m in alone_built.messages())


def test_a_dirty_rebuild_renders_only_the_edited_note_again(tmp_path: Path) -> None:
    """`mkdocs serve --dirty`: after an edit, the edited meeting's page and the generated pages
    are made again; another note's page is left as it was."""
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    site = build_vault(vault, tmp_path).site
    edited = vault / "Meetings" / "2025-03-15 Initech intro.md"
    untouched = site / "meetings" / "2025-01-10-globex-qbr" / "index.html"
    before = untouched.stat().st_mtime_ns
    time.sleep(0.05)
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("[Priya Raman, Priya Shah]", "[Priya Raman, Dirk Dirty]"),
        encoding="utf-8",
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    page = (site / "meetings" / "2025-03-15-initech-intro" / "index.html").read_text(encoding="utf-8")
    assert "Dirk Dirty" in page
    assert "Initech intro" in (site / "people" / "dirk-dirty" / "index.html").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == before


def test_a_serve_rebuild_serialises_only_changed_events(tmp_path: Path) -> None:
    """Under `mkdocs serve` (a thread running: no fork) the events of the last build are
    reused by what they are made from; an edited item's event is made again."""
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        first = (build_vault(vault, tmp_path).site / "actions.ics").read_bytes()
        qbr = vault / "Meetings" / "2025-01-10 Globex QBR.md"
        qbr.write_text(
            qbr.read_text(encoding="utf-8").replace("📅 2025-01-20", "📅 2031-01-20"), encoding="utf-8"
        )
        second = (build_vault(vault, tmp_path).site / "actions.ics").read_bytes()
    finally:
        stop.set()
        other.join()
    assert b"DTSTART;VALUE=DATE:20250120" in first and b"20250120" not in second
    assert b"DTSTART;VALUE=DATE:20310120" in second
    # the other events are the same bytes as before
    def events(ics: bytes) -> set[bytes]:
        return {b"BEGIN:VEVENT" + e.split(b"END:VEVENT")[0] for e in ics.split(b"BEGIN:VEVENT")[1:]}
    assert len(events(first) & events(second)) == len(events(first)) - 1


@pytest.mark.skipif(not offload.can_fork(), reason="no os.fork here, or other threads run")
def test_reading_half_the_notes_ahead_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_vault reads half of a large vault in a forked process: the notes, the withheld
    ones and the problems are those of reading it all in place."""
    vault = tmp_path / "vault"
    vault.mkdir()
    for n in range(vault_mod.READ_AHEAD_AT + 50):
        (vault / f"Meeting {n}.md").write_text(
            f"---\ndate: 2025-01-{1 + n % 28:02d}\nparticipants: [Person {n % 7}]\n---\n\n"
            f"Met about [[Topic {n % 5}]]. Apollo\u201a\u00c4\u00f4s plan.\n",
            encoding="utf-8",
        )
    (vault / "Secret.md").write_text("---\npublish: false\n---\n![[x.png]]\n", encoding="utf-8")
    (vault / "Broken.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    files = sorted((p.name, str(p)) for p in vault.glob("*.md"))
    options = vault_mod.ReadOptions()

    def summary(read: vault_mod.VaultRead) -> tuple[object, ...]:
        return (
            [(n.path, n.title, n.body, n.meta, n.tags, n.people, n.date, n.repairs) for n in read.notes],
            [(w.path, w.names, w.reason, w.links) for w in read.withheld],
            [str(p) for p in read.problems],
        )

    forked: list[bool] = []
    start = offload.Background.start

    def watched_start(job: offload.Background[object]) -> None:
        start(job)
        forked.append(job.forked)

    monkeypatch.setattr(offload.Background, "start", watched_start)
    cache = vault_mod.NoteCache()
    ahead = vault_mod.read_vault(files, options, cache)
    assert forked == [True] and cache.reads == len(files)
    monkeypatch.setattr(vault_mod, "READ_AHEAD_AT", 10**9)
    in_place = vault_mod.read_vault(files, options, vault_mod.NoteCache())
    assert summary(ahead) == summary(in_place)
    assert "Apollo\u2019s plan" in ahead.notes[0].body  # repaired in either process
