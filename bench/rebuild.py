"""What `mkdocs serve` does after a one-note edit, measured, and checked against a clean build.

A cold build, then the edit (one meeting's text changes and gains a wikilink to another
note), then the rebuild with the same plugin instance (as the live-reload server does it:
config loaded again, plugins that define on_startup kept), timed from the moment the file is
written to the end of the rebuild. Then a clean build of the edited vault in a fresh folder,
and every page, every file and the search index of the rebuilt site compared with it.

`mkdocs serve` runs its server and file watcher in threads: a thread is kept running during
the builds here too.

    python bench/rebuild.py [--notes 4000] [--vault PATH] [--dirty] [--cache]

Prints the cold build, the rebuild and their ratio, the pages rendered again, and whether
the rebuilt site is identical to the clean build (and what differs if not).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

MAKE_VAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_vault.py"


def write_config(path: Path, vault: Path, site: Path, cache: Path) -> None:
    path.write_text(
        f"site_name: rebuild\ndocs_dir: {vault}\nsite_dir: {site}\ntheme: material\n"
        "plugins:\n  - search\n  - tags\n  - meeting-archive:\n"
        f"      cache_dir: {cache}\n",
        encoding="utf-8",
    )


def one_build(config_file: Path, dirty: bool, startup: bool = False) -> tuple[float, object]:
    config = load_config(str(config_file))
    if startup:
        config.plugins.on_startup(command="serve", dirty=dirty)
    start = time.perf_counter()
    build(config, dirty=dirty)
    return time.perf_counter() - start, config.plugins["meeting-archive"]


def edit(vault: Path) -> tuple[Path, str]:
    """Change one meeting's text and add a link from it to another note."""
    notes = sorted(p for p in vault.rglob("*.md") if "Meetings" in p.parts)
    note, other = notes[len(notes) // 2], notes[len(notes) // 3]
    text = note.read_text(encoding="utf-8")
    link = other.stem
    note.write_text(text + f"\nEdited for the benchmark: see [[{link}]].\n", encoding="utf-8")
    return note, link


def compare(site: Path, clean: Path) -> list[str]:
    """Every difference between two site folders (files, and the search index as data)."""
    problems: list[str] = []
    ours = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    theirs = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    problems += [f"only in the rebuilt site: {p}" for p in sorted(ours - theirs)[:20]]
    problems += [f"missing from the rebuilt site: {p}" for p in sorted(theirs - ours)[:20]]
    for rel in sorted(ours & theirs):
        if rel.endswith(".gz"):
            continue  # compressed with a time stamp
        if rel == "search/search_index.json":
            a = json.loads((site / rel).read_text(encoding="utf-8"))
            b = json.loads((clean / rel).read_text(encoding="utf-8"))
            if a != b:
                problems.append(
                    f"search index differs: {len(a['docs'])} vs {len(b['docs'])} entries"
                )
            continue
        if not filecmp.cmp(site / rel, clean / rel, shallow=False):
            problems.append(f"differs: {rel}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=4000)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--dirty", action="store_true", help="as `mkdocs serve --dirty`")
    parser.add_argument("--keep", type=Path, help="work here (kept) instead of a temporary folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="meeting-archive-rebuild-"))
    work.mkdir(parents=True, exist_ok=True)
    vault = work / "vault"
    shutil.rmtree(vault, ignore_errors=True)
    if args.vault is not None:
        shutil.copytree(args.vault, vault, symlinks=True)
    else:
        subprocess.run(
            [sys.executable, str(MAKE_VAULT), str(vault), "--notes", str(args.notes)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    for name in ("site", "clean-site", "cache", "clean-cache"):
        shutil.rmtree(work / name, ignore_errors=True)
    served, clean = work / "mkdocs.yml", work / "clean.yml"
    write_config(served, vault, work / "site", work / "cache")
    write_config(clean, vault, work / "clean-site", work / "clean-cache")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    server = threading.Event()  # stands for the live-reload server's thread
    threading.Thread(target=server.wait, daemon=True).start()

    config = load_config(str(served))
    config.plugins.on_startup(command="serve", dirty=args.dirty)
    plugin = config.plugins["meeting-archive"]
    start = time.perf_counter()
    build(config, dirty=args.dirty)
    cold = time.perf_counter() - start

    time.sleep(0.05)  # a later mtime than the pages the cold build wrote
    start = time.perf_counter()
    note, link = edit(vault)
    config = load_config(str(served))  # as `mkdocs serve` does: plugins with on_startup kept
    same = config.plugins["meeting-archive"] is plugin
    build(config, dirty=args.dirty)
    rebuild = time.perf_counter() - start
    made = len(plugin.build.made)  # type: ignore[attr-defined]
    server.set()

    clean_time, _ = one_build(clean, dirty=False)
    problems = compare(work / "site", work / "clean-site")
    notes = sum(1 for _ in vault.rglob("*.md"))
    print(f"vault: {vault} ({notes} notes); edited {note.relative_to(vault)} (+ [[{link}]])")
    print(f"mode: mkdocs serve{' --dirty' if args.dirty else ''}; same plugin instance: {same}")
    print(f"cold build:        {cold:7.2f} s")
    print(
        f"after the edit:    {rebuild:7.2f} s  ({rebuild / cold:.1%} of the cold build); "
        f"pages made again: {made}"
    )
    print(f"clean build:       {clean_time:7.2f} s (of the edited vault, for the comparison)")
    if problems:
        print(f"NOT identical to the clean build ({len(problems)} differences):")
        for problem in problems[:30]:
            print("  " + problem)
    else:
        print(
            "identical to a clean build of the edited vault: every page, file and the search index"
        )


if __name__ == "__main__":
    main()
