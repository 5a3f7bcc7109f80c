"""Incremental builds are exactly right: after each edit, a rebuild with the plugin instance
kept (as `mkdocs serve` keeps it, with and without `--dirty`) gives the site a clean build of
the edited vault gives — every page, every file and the search index — and renders again
only what the edit changed, and lays out again (the theme's template, the search index) only
the pages whose HTML changed. A CI build with the render cache of the last one does the same.

Each edit is one a user makes: text and a new link, a new title (a new URL), a note made
private and public again, a note deleted and one added, a person's alias, a tag, and an edit
that keeps the file's size and mtime (sync tools and `cp -p` do).
"""

from __future__ import annotations

import filecmp
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import FIXTURES, forget_search

pytestmark = pytest.mark.slow

Edit = Callable[[Path], None]


def _append(path: str, text: str) -> Edit:
    def edit(vault: Path) -> None:
        note = vault / path
        note.write_text(note.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def _replace(path: str, old: str, new: str, keep_stat: bool = False) -> Edit:
    def edit(vault: Path) -> None:
        note = vault / path
        before = note.stat()
        text = note.read_text(encoding="utf-8")
        assert old in text, (path, old)
        note.write_text(text.replace(old, new, 1), encoding="utf-8")
        if keep_stat:
            assert len(old.encode()) == len(new.encode())
            os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))

    return edit


def _write(path: str, text: str) -> Edit:
    def edit(vault: Path) -> None:
        (vault / path).write_text(text, encoding="utf-8")

    return edit


def _delete(path: str) -> Edit:
    def edit(vault: Path) -> None:
        (vault / path).unlink()

    return edit


QBR = "Meetings/2025-01-10 Globex QBR.md"
EDITS: list[tuple[str, Edit]] = [
    ("text and a new link", _append(QBR, "\nSee also [[Jai Menon]] and [[Initech intro]].\n")),
    ("a new title", _replace(QBR, "title: Globex QBR", "title: Globex quarterly review")),
    ("made private", _replace("People/Jai Menon.md", "---\n", "---\npublish: false\n")),
    ("public again", _replace("People/Jai Menon.md", "publish: false\n", "")),
    ("a note added", _write("Notes/New idea.md", "# New idea\n\nAbout [[Globex]] #idea/new\n")),
    ("a tag", _replace(QBR, "tags: [type/customer]", "tags: [type/customer, renewal]")),
    ("a note deleted", _delete("Meetings/2025-03-15 Initech intro.md")),
    (
        "same size and mtime",
        _replace("Notes/New idea.md", "About [[Globex]]", "Abut? [[Globex]]", keep_stat=True),
    ),
    (
        "made private, same size",
        _replace("Notes/New idea.md", "#idea/new", "#private0", keep_stat=True),
    ),
]


def _config(work: Path, vault: Path, name: str) -> Path:
    config = {
        "site_name": "Incremental",
        "docs_dir": str(vault),
        "site_dir": str(work / f"{name}-site"),
        "theme": {"name": "material"},
        "plugins": [
            "search",
            {"tags": {"tags_hierarchy": True}},
            {"meeting-archive": {"cache_dir": str(work / f"{name}-cache")}},
        ],
    }
    path = work / f"{name}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _clean_build(config_file: Path) -> None:
    """A clean build in a process of its own (MkDocs keeps one instance of a plugin that has
    on_startup per process: a clean build here would share the served one's state)."""
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
    )


def _build(
    config_file: Path, dirty: bool, startup: bool = False, command: str = "serve"
) -> object:
    config = load_config(str(config_file))
    if startup:
        config.plugins.on_startup(command=command, dirty=dirty)
        forget_search(config)
    build(config, dirty=dirty)
    return config.plugins["meeting-archive"]


def differences(site: Path, clean: Path) -> list[str]:
    ours = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    theirs = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    found = [f"only in the rebuilt site: {p}" for p in sorted(ours - theirs)]
    found += [f"missing from the rebuilt site: {p}" for p in sorted(theirs - ours)]
    for rel in sorted(ours & theirs):
        if rel.endswith(".gz"):
            continue
        if rel.endswith(".json"):
            a = json.loads((site / rel).read_text(encoding="utf-8"))
            b = json.loads((clean / rel).read_text(encoding="utf-8"))
            if a != b:
                found.append(f"differs: {rel}: {_first_difference(a, b)}")
        elif not filecmp.cmp(site / rel, clean / rel, shallow=False):
            found.append(f"differs: {rel}")
    return found


def _first_difference(a: object, b: object) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return f"[{key!r}] " + _first_difference(a.get(key), b.get(key))
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            extra = [x for x in a if x not in b][:3]
            missing = [y for y in b if y not in a][:3]
            return (
                f"{len(a)} items vs {len(b)}: only here {extra!r:.400}, only there {missing!r:.400}"
            )
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return f"[{i}] " + _first_difference(x, y)
    return f"{a!r:.300} vs {b!r:.300}"


@pytest.fixture
def serving() -> Iterator[None]:
    """`mkdocs serve` runs a server thread beside the builds."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
    stop.set()


@pytest.mark.parametrize("dirty", [False, True], ids=["serve", "serve-dirty"])
def test_every_rebuild_is_a_clean_build(tmp_path: Path, dirty: bool, serving: None) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    served = _config(tmp_path, vault, "served")
    plugin = _build(served, dirty, startup=True)
    total_pages = len(plugin.build.pages)  # type: ignore[attr-defined]
    for name, edit in EDITS:
        edit(vault)
        again = _build(served, dirty)
        assert again is plugin, "mkdocs serve keeps the plugin instance"
        made = set(plugin.build.made)  # type: ignore[attr-defined]
        clean_dir = tmp_path / "clean"
        shutil.rmtree(clean_dir, ignore_errors=True)
        clean_dir.mkdir()
        _clean_build(_config(clean_dir, vault, "clean"))
        found = differences(tmp_path / "served-site", clean_dir / "clean-site")
        assert not found, f"after {name!r}: " + "; ".join(found[:10])
        # only what the edit changed is made again
        assert made and len(made) < total_pages, (name, sorted(made))
        # a page made again is laid out again; after a text edit, only those (every other
        # page's finished HTML is the one kept, as a clean build writes it: checked above)
        laid_out = set(plugin.build.pages) - set(plugin.outputs.used)  # type: ignore[attr-defined]
        assert made <= laid_out, (name, sorted(made - laid_out))
        if name == "text and a new link" and not dirty:
            assert laid_out == made, (name, sorted(laid_out - made))


def test_a_build_with_the_cache_of_the_last_renders_only_what_changed(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "archive" / "vault", vault)
    config = _config(tmp_path, vault, "ci")
    first = _build(config, dirty=False, startup=True, command="build")
    total = len(first.build.made)  # type: ignore[attr-defined]
    # the costly parts of the files beside the pages (the graph's layout, the calendar
    # events) are kept on disk for the next process too
    from meeting_archive.pipeline import KEPT_KIND
    from meeting_archive.render_cache import SITE_WIDE
    from meeting_archive.site_files import Kept

    stored = first.pipeline.disk.get_extra(KEPT_KIND, SITE_WIDE)  # type: ignore[attr-defined]
    assert stored is not None
    kept = Kept.from_json(stored)
    assert kept.layout and kept.events
    _append(QBR, "\nOne more line.\n")(vault)
    shutil.rmtree(tmp_path / "ci-site")  # a fresh checkout: only the cache is kept
    # a new process: a new plugin instance, the cache read from disk
    config_data = yaml.safe_load(config.read_text(encoding="utf-8"))
    fresh = tmp_path / "fresh.yml"
    fresh.write_text(yaml.safe_dump(config_data), encoding="utf-8")
    from meeting_archive.plugin import MeetingArchivePlugin

    loaded = load_config(str(fresh))
    plugin = loaded.plugins["meeting-archive"]
    assert isinstance(plugin, MeetingArchivePlugin)
    loaded.plugins.on_startup(command="build", dirty=False)  # a new process: nothing kept
    forget_search(loaded)
    build(loaded)
    made = set(plugin.build.made)
    assert made == {QBR}, sorted(made)
    # and the notes come parsed from the cache: parsed again are the edited one, and those the
    # cache does not keep (private notes, notes whose reading reported something)
    read = first.build.read  # type: ignore[attr-defined]
    not_kept = {w.path for w in read.withheld} | {p.path for p in read.problems}
    assert plugin.build.read.read == len(not_kept | {QBR}), (plugin.build.read.read, not_kept)
    assert len(plugin.build.pages) == total
    # and every other page's finished HTML and search entries come from the cache too
    assert set(plugin.build.pages) - set(plugin.outputs.used) == {QBR}
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    _clean_build(_config(clean_dir, vault, "clean"))
    assert not differences(tmp_path / "ci-site", clean_dir / "clean-site")
