"""`mkdocs serve` for real: a live server on a copy of the sample vault follows edits on disk.

The server runs as a child process (its own process group, stopped with Ctrl-C as a user
would) on a free loopback port; pages are fetched with urllib, every wait is bounded. The
test edits a meeting (new title, so a new URL; a new attendee linked from the body), adds a
meeting and deletes one, and checks that the served site follows each change, that the
plugin never writes into the vault, and that the server settles: no rebuild starts after
the last change has been served.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

START_TIMEOUT = 90.0
CHANGE_TIMEOUT = 30.0
SETTLE_SECONDS = 4.0

MEETING = Path("Meetings/2025/2025-07-08 Halvorsen renewal and pricing.md")
OLD_URL = "meetings/2025-07-08-halvorsen-renewal-and-pricing/"
NEW_TITLE = "Halvorsen renewal, pricing and term"
NEW_URL = "meetings/2025-07-08-halvorsen-renewal-pricing-and-term/"
NEW_PERSON = "Zofia Quarrington"
NEW_PERSON_URL = "people/zofia-quarrington/"

ADDED = Path("Meetings/2025/2025-12-02 Kestrel year-end check-in.md")
ADDED_TITLE = "Kestrel year-end check-in"
ADDED_URL = "meetings/2025-12-02-kestrel-year-end-check-in/"
DELETED = Path("Meetings/2025/2025-04-02 Oliver Nadia 1on1 April.md")


# What mkdocs serve logs once a build is over: the first, the next ones, a failed one.
_BUILD_ENDED = ("Serving on", "Reloading browsers", "An error happened during the rebuild")

# Straight to the loopback server, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Server:
    process: subprocess.Popen[str]
    base: str
    log: list[tuple[float, str]] = field(default_factory=list)

    def get(self, path: str) -> tuple[int, str]:
        """Status and text of a page; status 0 while nothing listens on the port."""
        try:
            with _DIRECT.open(self.base + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, ""
        except (urllib.error.URLError, ConnectionError):
            return 0, ""

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float) -> float:
        """Poll `check` until it holds; the seconds it took. Fails with the server log."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                pytest.fail(f"mkdocs serve exited ({self.process.returncode}):\n{self.text()}")
            if check():
                return time.monotonic() - start
            time.sleep(0.1)
        pytest.fail(f"not within {timeout:.0f} s: {what}\n{self.text()}")

    def builds(self) -> int:
        return sum("Building documentation" in line for _, line in self.log)

    def building(self) -> bool:
        """A build has started and not yet finished."""
        started = done = -1
        for index, (_, line) in enumerate(self.log):
            if "Building documentation" in line:
                started = index
            # Not "Documentation built": mkdocs logs a message only once per process, and
            # two builds may well take the same hundredths of a second.
            elif any(mark in line for mark in _BUILD_ENDED):
                done = index
        return started > done

    def quiet(self) -> bool:
        """No build running, and none started or detected a change for SETTLE_SECONDS."""
        marks = ("Building documentation", "Detected file changes", *_BUILD_ENDED)
        last = max((t for t, line in self.log if any(m in line for m in marks)), default=0.0)
        return not self.building() and time.monotonic() - last >= SETTLE_SECONDS

    def text(self) -> str:
        return "\n".join(line for _, line in self.log[-60:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read(stream: object, log: list[tuple[float, str]]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        log.append((time.monotonic(), line.rstrip()))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(ROOT / "docs_src", vault)
    return vault


@pytest.fixture
def server(tmp_path: Path, vault: Path) -> Iterator[Server]:
    config = tmp_path / "mkdocs.yml"
    # The project's own configuration, on the copy of the vault.
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {vault}\n", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("SITE_PASSWORD", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(config)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    served = Server(process, f"http://127.0.0.1:{port}/")
    reader = threading.Thread(target=_read, args=(process.stdout, served.log), daemon=True)
    reader.start()
    try:
        yield served
        # Stop as a user does, with Ctrl-C; mkdocs shuts the server down and exits 0.
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=20) == 0, served.text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        reader.join(timeout=5)


def _title(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)<", html, re.S)
    return match.group(1).strip() if match else ""


def _snapshot(vault: Path) -> dict[str, float]:
    return {
        str(p.relative_to(vault)): p.stat().st_mtime_ns for p in vault.rglob("*") if p.is_file()
    }


def test_serve_follows_edits_and_settles(
    server: Server, vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.wait_for("the server answers", lambda: server.get(OLD_URL)[0] == 200, START_TIMEOUT)
    status, html = server.get(OLD_URL)
    assert _title(html) == "Halvorsen renewal and pricing"
    assert server.get(NEW_PERSON_URL)[0] == 404
    before = _snapshot(vault)

    # 1. Edit the meeting: a new title (its URL follows the title) and a new attendee, who is
    #    also linked from the body.
    note = vault / MEETING
    text = note.read_text(encoding="utf-8")
    text = text.replace("title: 'Halvorsen renewal and pricing'", f"title: '{NEW_TITLE}'", 1)
    text = text.replace("participants:\n", f"participants:\n- {NEW_PERSON}\n", 1)
    text = text.replace("# Halvorsen renewal and pricing\n", f"# {NEW_TITLE}\n", 1)
    text = text.replace(
        "## Decisions\n", f"[[{NEW_PERSON}]] joins for the term sheet.\n\n## Decisions\n", 1
    )
    assert NEW_TITLE in text and NEW_PERSON in text
    note.write_text(text, encoding="utf-8")

    def edit_served() -> bool:
        status, html = server.get(NEW_URL)
        return status == 200 and _title(html) == NEW_TITLE

    round_trip = server.wait_for("the edited meeting at its new URL", edit_served, CHANGE_TIMEOUT)
    status, html = server.get(NEW_URL)
    assert f'href="../../{NEW_PERSON_URL}"' in html  # the new wikilink and attendee link
    status, person = server.get(NEW_PERSON_URL)
    assert status == 200 and _title(person) == NEW_PERSON
    assert f"../../{NEW_URL}" in person  # the person page lists the meeting
    assert server.get(OLD_URL)[0] == 404
    assert NEW_TITLE in server.get("meetings/")[1]

    # 2. Add a meeting and delete another: the listings follow.
    deleted_slug = "2025-04-02-oliver-nadia-1-1-april"
    deleted_url = f"meetings/{deleted_slug}/"
    assert server.get(deleted_url)[0] == 200, "the sample vault changed: pick another note"
    assert deleted_slug in server.get("meetings/")[1]
    (vault / ADDED).write_text(
        f"---\ntitle: {ADDED_TITLE}\ndate: 2025-12-02\naccount: Kestrel Robotics\n"
        f"participants:\n- Mei Tanaka-Ruiz\n- {NEW_PERSON}\n---\n\n# {ADDED_TITLE}\n\n"
        "Agreed the 2026 gateway order.\n",
        encoding="utf-8",
    )
    (vault / DELETED).unlink()

    def listings_follow() -> bool:
        listing = server.get("meetings/")[1]
        return (
            ADDED_TITLE in listing
            and deleted_slug not in listing
            and server.get(ADDED_URL)[0] == 200
            and server.get(deleted_url)[0] == 404
        )

    server.wait_for("the meetings listing follows", listings_follow, CHANGE_TIMEOUT)
    assert ADDED_TITLE in server.get("accounts/kestrel-robotics/")[1]
    assert server.get("")[1].count(ADDED_TITLE) >= 1  # the home page's latest meetings

    # 3. The server settles: a few quiet seconds with no build come, and few builds ran (the
    #    first, and at most one per change); a plugin that wrote into the vault would keep
    #    it rebuilding.
    server.wait_for(f"{SETTLE_SECONDS:.0f} s without a rebuild", server.quiet, CHANGE_TIMEOUT)
    builds = server.builds()
    assert builds <= 4, f"{builds} builds for 3 changes:\n{server.text()}"

    # The build never writes into the vault (that would retrigger the watcher).
    after = _snapshot(vault)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed == {str(MEETING), str(ADDED), str(DELETED)}, changed

    with capsys.disabled():
        print(f"\nmkdocs serve: edit to refreshed page in {round_trip:.2f} s; {builds} builds")
