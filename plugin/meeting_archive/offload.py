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
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Generic, TypeVar

T = TypeVar("T")
Send = Callable[[Any], None]


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
    """`make()` run in a forked child from `start`; `result` gives what it returned.

    `stream(send)`, if given, runs first in the child: what it sends reaches the parent while
    the child goes on, through `messages()`. Without a child there are no messages: the
    parent does that work itself as it goes."""

    def __init__(
        self,
        make: Callable[[], T],
        *,
        stream: Callable[[Send], None] | None = None,
        fork: bool = True,
    ) -> None:
        self.make = make
        self.stream = stream
        self.fork = fork
        self.pid: int | None = None
        self.reader: BinaryIO | None = None
        self.forked = False
        self._final: tuple[T] | None = None

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
                with os.fdopen(write, "wb") as out:

                    def send(message: Any) -> None:
                        pickle.dump((False, message), out, protocol=pickle.HIGHEST_PROTOCOL)
                        out.flush()

                    if self.stream is not None:
                        self.stream(send)
                    pickle.dump((True, self.make()), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            except KeyboardInterrupt:
                pass  # Ctrl-C reaches the whole process group: the build reports it
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        os.close(write)
        self.pid, self.reader, self.forked = pid, os.fdopen(read, "rb"), True

    def messages(self) -> Iterator[Any]:
        """What the child's `stream` sends, as it comes (this waits for each)."""
        while self.reader is not None and self._final is None:
            try:
                final, value = pickle.load(self.reader)
            except Exception:  # the child failed: `result` will tell
                self.reader.close()
                self.reader = None
                return
            if final:
                self._final = (value,)
                return
            yield value

    def result(self) -> T:
        """The child's result once it has finished, or `make()` done here (not forked, or
        the child failed)."""
        for _ in self.messages():
            pass  # sent but not asked for
        pid, self.pid = self.pid, None
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        if pid is not None:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0 and self._final is not None:
                return self._final[0]
        return self.make()

    def abandon(self) -> None:
        """Stop the child (the build failed): nothing is written after this returns."""
        pid, self.pid = self.pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if self.reader is not None:
            self.reader.close()
            self.reader = None


class Ahead:
    """Results by key, sent by a child in batches of (key, result): `take(key)` reads the
    batches until that key's result has come. Ask only for keys the child sends."""

    def __init__(self, batches: Iterator[list[tuple[str, Any]]]) -> None:
        self._batches = batches
        self._got: dict[str, Any] = {}

    def take(self, key: str) -> Any | None:
        """The key's result, or None if the child stopped before sending it."""
        while key not in self._got:
            batch = next(self._batches, None)
            if batch is None:
                return None
            self._got.update(batch)
        return self._got.pop(key)
