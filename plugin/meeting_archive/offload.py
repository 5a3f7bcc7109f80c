"""Work no page's Markdown needs, done on a second core while MkDocs renders the pages.

A build is one Python thread, and MkDocs first converts every page's Markdown, then writes
every page. What the plugin makes from the model alone (the listings put into pages after
indexing, the feeds and the graph's data) is needed only in the second stage or at the end.
So a forked child makes it while the parent converts Markdown: the child inherits the model as
it is (nothing is pickled on the way in), writes the feeds straight into the site directory
(which MkDocs has already cleaned) and sends back the listings' HTML, pickled through a pipe.

Forking is skipped, and the work is done in place when its result is asked for, where forking
is not safe or not possible: without `os.fork` (Windows), or with other threads running
(`mkdocs serve` runs its server and watcher in threads, and a lock one of them held at the
fork would never be released in the child). A child that fails is answered by doing the work
in place, so that its error surfaces in the build as any other would.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def write_files(made: dict[str, bytes], site_dir: str) -> None:
    """Write each site path's content under `site_dir`."""
    for path, content in made.items():
        target = os.path.join(site_dir, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(content)


class Background(Generic[T]):
    """`make()` run in a forked child from `start`; `result` gives what it returned."""

    def __init__(self, make: Callable[[], T], *, fork: bool = True) -> None:
        self.make = make
        self.fork = fork
        self.pid: int | None = None
        self.pipe: int | None = None
        self.forked = False

    def start(self) -> None:
        if not (self.fork and can_fork()):
            return
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into MkDocs
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(self.make(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        os.close(write)
        self.pid, self.pipe, self.forked = pid, read, True

    def result(self) -> T:
        """The child's result once it has finished, or `make()` done here (not forked, or
        the child failed)."""
        pid, pipe = self.pid, self.pipe
        self.pid = self.pipe = None
        if pid is not None and pipe is not None:
            with os.fdopen(pipe, "rb") as answer:
                data = answer.read()
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0 and data:
                result: T = pickle.loads(data)
                return result
        return self.make()

    def abandon(self) -> None:
        """Stop the child (the build failed): nothing is written after this returns."""
        pid, pipe = self.pid, self.pipe
        self.pid = self.pipe = None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if pipe is not None:
            os.close(pipe)
