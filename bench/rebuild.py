"""What `mkdocs serve` does after a one-note edit, measured: a cold build, then a rebuild with the
same plugin instance after one note changed on disk (as the live-reload server does it:
config loaded again, plugins that define on_startup kept).

Prints both wall times, the plugin's own share of each (time inside its event methods), and
how many notes each build read from disk (the cache should make that 1 on the rebuild).

`mkdocs serve` runs its server and file watcher in threads, so the plugin does not fork there
(see plugin/meeting_archive/offload.py): a thread is kept running during both builds here too,
and the listings and feeds are made in place, in the plugin's own time.

    python bench/rebuild.py [--notes 4000] [--vault PATH] [--dirty]

With --dirty, as `mkdocs serve --dirty`: a rebuild renders again only the pages whose note
changed, and the generated pages; the other notes' pages keep what they had.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build
from mkdocs.config import load_config

from meeting_archive.plugin import MeetingArchivePlugin

EVENTS = ("on_files", "on_page_markdown", "on_page_content", "on_post_page", "on_post_build")
MAKE_VAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_vault.py"


def timed_events() -> dict[str, float]:
    """Wrap the plugin's event methods to add up the time spent in them."""
    spent = {"plugin": 0.0}
    for name in EVENTS:
        original = getattr(MeetingArchivePlugin, name)

        def wrapper(self, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return __original(self, *args, **kwargs)
            finally:
                spent["plugin"] += time.perf_counter() - start

        setattr(MeetingArchivePlugin, name, wrapper)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=4000)
    parser.add_argument("--vault", type=Path)
    parser.add_argument(
        "--dirty", action="store_true", help="as `mkdocs serve --dirty`: every build is dirty"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="meeting-archive-rebuild-"))
    vault = args.vault or work / "vault"
    if args.vault is None:
        subprocess.run([sys.executable, str(MAKE_VAULT), str(vault), "--notes", str(args.notes)], check=True)
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        f"site_name: rebuild\ndocs_dir: {vault}\nsite_dir: {work / 'site'}\ntheme: material\n"
        "plugins:\n  - search\n  - tags\n  - meeting-archive\n",
        encoding="utf-8",
    )
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    spent = timed_events()

    def one_build() -> tuple[float, float, MeetingArchivePlugin]:
        config = load_config(str(config_file))
        plugin = config.plugins["meeting-archive"]
        spent["plugin"] = 0.0
        start = time.perf_counter()
        build(config, dirty=args.dirty)
        return time.perf_counter() - start, spent["plugin"], plugin  # type: ignore[return-value]

    server = threading.Event()  # stands for the live-reload server's thread
    thread = threading.Thread(target=server.wait, daemon=True)
    thread.start()
    config = load_config(str(config_file))
    config.plugins.on_startup(command="serve", dirty=args.dirty)
    cold, cold_plugin, first = one_build()
    reads_cold = first.cache.reads
    note = next(p for p in sorted(vault.rglob("*.md")) if "Meetings" in p.parts)
    time.sleep(0.01)  # a later mtime than the pages the cold build wrote
    note.write_text(note.read_text(encoding="utf-8") + "\nEdited for the benchmark.\n", encoding="utf-8")
    warm, warm_plugin, second = one_build()
    server.set()
    print(f"vault: {vault} ({sum(1 for _ in vault.rglob('*.md'))} notes)")
    print(f"same plugin instance across builds: {first is second}")
    print(f"cold build:    {cold:6.2f} s, plugin's own work {cold_plugin:5.2f} s "
          f"({cold_plugin / cold:.1%}), notes read {reads_cold}")
    print(f"after an edit: {warm:6.2f} s, plugin's own work {warm_plugin:5.2f} s "
          f"({warm_plugin / warm:.1%}), notes read {second.cache.reads - reads_cold}")


if __name__ == "__main__":
    main()
