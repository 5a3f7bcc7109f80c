"""Files no page needs, written beside MkDocs' page rendering instead of before it.

The feeds and the graph's data (calendars, archive.json, feed.xml, graph.json and its layout)
are a fifth of the plugin's own work on a large vault, and nothing MkDocs renders reads them.
A build is one Python thread, so on a machine with a second core they are made in a forked
child process while the parent renders pages, and the parent waits for it at the end of the
build. The child inherits the archive model as it is (nothing is pickled) and writes straight
into the site directory, which MkDocs has already cleaned.

Forking is skipped, and the files are made in place at the end, where it is not safe or not
possible: without `os.fork` (Windows), or with other threads running (`mkdocs serve` runs its
server and watcher in threads, and a lock held by one of them at the fork would never be
released in the child). A child that fails is reported by making the files in place again,
so its error surfaces in the build as any other would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable

Made = Callable[[], dict[str, bytes]]


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def write_files(made: dict[str, bytes], site_dir: str) -> None:
    """Write each site path's content under `site_dir`."""
    for path, content in made.items():
        target = os.path.join(site_dir, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(content)


class BackgroundFiles:
    """Files made by `make` (site path → bytes) and written under `site_dir`: started with
    `start`, done when `finish` returns."""

    def __init__(self, make: Made, site_dir: str, *, fork: bool = True) -> None:
        self.make = make
        self.site_dir = site_dir
        self.fork = fork
        self.pid: int | None = None
        self.forked = False

    def start(self) -> None:
        if not (self.fork and can_fork()):
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into MkDocs
            code = 1
            try:
                write_files(self.make(), self.site_dir)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        self.pid, self.forked = pid, True

    def finish(self) -> None:
        """Wait for the child, or make the files here (also when the child failed)."""
        pid, self.pid = self.pid, None
        if pid is not None:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                return
        write_files(self.make(), self.site_dir)

    def abandon(self) -> None:
        """Stop the child (the build failed): nothing is written after this returns."""
        pid, self.pid = self.pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
