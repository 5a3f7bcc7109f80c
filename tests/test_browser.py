"""The sample site in a real browser: headless Debian Chromium driven by Playwright.

The site is built once with the project's own mkdocs.yml and served from 127.0.0.1 with the
headers of netlify.toml (parsed from the file), Content-Security-Policy included, so every page
below is loaded under the policy that production sends. On every page visited, a console
error, an uncaught exception, a CSP violation, a failed request, an HTTP error or a request to
any other host fails the test: the site must work offline and satisfy its own policy.

Screenshots of the home, a meeting, a person and an account page go to
test-artifacts/screenshots/ (the path is printed). With UPDATE_SCREENSHOTS=1 they are also
copied to docs/screenshots/, which the README shows.

No browser is downloaded: without /usr/bin/chromium (apt-get install chromium) these tests skip,
except under CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from conftest import ROOT, build_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
NETLIFY_TOML = ROOT / "netlify.toml"

# Pages of the sample vault (docs_src/) that the journeys below walk through.
ACCOUNT = "accounts/halvorsen-freight/"
RENEWAL = "meetings/2025-07-08-halvorsen-renewal-and-pricing/"
PILOT_REVIEW = "meetings/2025-01-09-atlas-pilot-results-review/"
PERSON = "people/lars-halvorsen/"  # searched for by name
ATTENDEE = "people/priya-raman/"  # attended the pilot review, owns open action items
MERMAID_MEETING = "meetings/2024-11-14-kestrel-telemetry-ingestion-deep-dive/"
TIMEOUT_MS = 15_000


def _need_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: the browser tests must run in CI", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium; CI=true turns this skip into a failure)")


def netlify_headers() -> dict[str, str]:
    """The headers netlify.toml sends with every path (`for = "/*"`)."""
    config = tomllib.loads(NETLIFY_TOML.read_text(encoding="utf-8"))
    for rule in config.get("headers", []):
        if rule.get("for") == "/*":
            return {k: str(v) for k, v in rule["values"].items()}
    raise AssertionError('netlify.toml has no [[headers]] rule for "/*"')


class _Handler(SimpleHTTPRequestHandler):
    """A static host like Netlify: netlify.toml's headers on every response, 404.html for
    a path with no file."""

    headers_to_send: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    site: Path
    base: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample site, built once, on a free loopback port with netlify.toml's headers."""
    built = build_project(tmp_path_factory.mktemp("browser"), strict=True)
    assert not built.aborted, built.log
    site = built.site
    headers = netlify_headers()
    handler = type("Handler", (_Handler,), {"headers_to_send": headers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_port}/", headers)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _need_browser(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need_browser("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# Every CSP violation is also logged as a console error by Chromium; listening for the event
# as well catches any that would not be.
_REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


@dataclass
class Watched:
    """A browser page whose problems are recorded, for the whole of a test."""

    page: Any
    base: str
    problems: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        """The absolute URL of a site path: Material's instant navigation rewrites every
        link of a page into one."""
        return self.base + path

    def goto(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response)
        self.page.wait_for_load_state("load")
        return response

    def wait_for_path(self, path: str) -> None:
        """Wait until the address bar shows `path` (Material's instant navigation changes
        pages without a full load)."""
        want = self.base + path
        self.page.wait_for_url(lambda url: url.split("?")[0].split("#")[0] == want)
        self.page.wait_for_load_state("load")

    def search(self, query: str) -> list[str]:
        """Type `query` into Material's search on the home page; the result links in order."""
        self.goto("")
        box = self.page.locator("input[data-md-component=search-query]")
        box.click()
        meta = self.page.locator(".md-search-result__meta")
        # Until the search worker has loaded the index the meta line says "Initializing
        # search", and what is typed then is not searched.
        meta.filter(has_text="Type to start searching").wait_for()
        box.press_sequentially(query)
        meta.filter(has_text=re.compile(r"\d+ matching document")).wait_for()
        links = self.page.locator(".md-search-result__item > a.md-search-result__link")
        return [str(a.get_attribute("href")) for a in links.all()]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def assert_clean(self) -> None:
        assert not self.external, (
            "the site reached outside itself (it must work offline; set `theme.font: false` "
            "for Google Fonts):\n" + "\n".join(self.external)
        )
        assert not self.problems, "on the pages visited:\n" + "\n".join(self.problems)


@pytest.fixture
def watched(browser: Any, served: Served) -> Iterator[Watched]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, color_scheme="light", service_workers="block"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    w = Watched(page, served.base)
    local = re.escape(served.base)

    def outside(route: Any) -> None:
        w.external.append(f"{route.request.url} (from {page.url})")
        route.abort()

    context.route(re.compile(rf"^(?!{local})"), outside)
    page.add_init_script(_REPORT_CSP)

    def console(message: Any) -> None:
        if message.type != "error":
            return
        # Chromium logs the 404 of a page that a test asks for on purpose.
        if message.location.get("url") in w.expected_404 and "404" in message.text:
            return
        w.problems.append(f"console: {message.text} ({page.url})")

    page.on("console", console)
    page.on("pageerror", lambda e: w.problems.append(f"uncaught: {e} ({page.url})"))

    def failed(request: Any) -> None:
        # A prefetch cut short by the next navigation is not a broken request.
        if request.failure == "net::ERR_ABORTED" and request.url.startswith(served.base):
            return
        if not request.url.startswith(served.base):
            return  # already recorded as external
        w.problems.append(f"request failed: {request.url} ({request.failure})")

    def responded(response: Any) -> None:
        if response.status >= 400 and response.url not in w.expected_404:
            w.problems.append(f"HTTP {response.status}: {response.url}")

    page.on("requestfailed", failed)
    page.on("response", responded)
    page.on("framenavigated", lambda f: f is page.main_frame and w.visited.append(f.url))
    try:
        yield w
    finally:
        context.close()


def _save_for_readme(*names: str) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy2(SCREENSHOTS / f"{name}.png", README_SCREENSHOTS / f"{name}.png")


def test_pages_are_served_with_the_netlify_policy(watched: Watched, served: Served) -> None:
    response = watched.goto("")
    policy = response.headers.get("content-security-policy")
    assert policy == served.headers["Content-Security-Policy"]
    assert response.headers.get("x-robots-tag", "").startswith("noindex")
    # The policy is enforced, not just sent: a script from another host is refused.
    blocked = watched.page.evaluate(
        """() => new Promise((resolve) => {
             document.addEventListener("securitypolicyviolation",
               (e) => resolve(e.violatedDirective), {once: true});
             const s = document.createElement("script");
             s.src = "http://127.0.0.2:9/probe.js";
             document.head.appendChild(s);
             setTimeout(() => resolve(null), 3000);
           })"""
    )
    assert blocked is not None and blocked.startswith("script-src")
    watched.problems = [p for p in watched.problems if "127.0.0.2" not in p]
    watched.external = [e for e in watched.external if "127.0.0.2" not in e]
    watched.assert_clean()


def test_home_page(watched: Watched) -> None:
    watched.goto("")
    page = watched.page
    assert "Meeting Archive" in page.title()
    article = page.locator("article")
    assert article.locator("h1").first.inner_text().strip(" ¶")
    for section in ("meetings/", "people/", "accounts/", "actions/"):
        assert article.locator(f'a[href="{watched.url(section)}"]').count() >= 1, section
    latest = article.locator(f'a[href^="{watched.url("meetings/20")}"]')
    assert latest.count() >= 5
    watched.assert_clean()


def test_search_finds_a_person_and_opens_the_page(watched: Watched) -> None:
    results = watched.search("Lars Halvorsen")
    assert any(PERSON in r for r in results[:3]), results
    watched.page.locator(f'.md-search-result__item > a[href*="{PERSON}"]').first.click()
    watched.wait_for_path(PERSON)
    assert watched.page.locator("article h1").first.inner_text().startswith("Lars Halvorsen")
    watched.assert_clean()


def test_search_finds_a_word_of_a_meeting_body(watched: Watched) -> None:
    # "seasonal" is written only in the body of the 2025-07-08 renewal meeting.
    results = watched.search("seasonal")
    assert results and RENEWAL in results[0], results
    assert all(RENEWAL in r for r in results), results
    watched.page.locator(".md-search-result__item > a").first.click()
    watched.wait_for_path(RENEWAL)
    assert "seasonal fleet growth" in watched.page.locator("article").inner_text()
    watched.assert_clean()


def test_wikilink_to_meeting_then_attendee_then_action_item_line(watched: Watched) -> None:
    page = watched.page
    watched.goto(ACCOUNT)
    # The account note's own text links to the pilot review with [[2025-01-09 Atlas pilot …]].
    page.locator(f'article a[href="{watched.url(PILOT_REVIEW)}"]').first.click()
    watched.wait_for_path(PILOT_REVIEW)
    assert page.locator("article h1").first.inner_text().startswith("Atlas pilot results review")
    header = page.locator(".ma-meeting-header")
    assert "Attendees:" in header.inner_text()

    header.locator(f'a[href="{watched.url(ATTENDEE)}"]').click()
    watched.wait_for_path(ATTENDEE)
    assert page.locator("article h1").first.inner_text().startswith("Priya Raman")
    meetings = page.locator("article a[href$='/']", has_text="Atlas pilot results review")
    assert meetings.count() >= 1  # the meeting attended is listed

    item = page.locator(f"{_table_after('open-action-items')} a[href*='#task-']").first
    text = item.inner_text().strip()
    href = str(item.get_attribute("href"))
    item.click()
    meeting_url, anchor = href.split("#")
    page.wait_for_url(lambda url: url.endswith("#" + anchor))
    target = page.locator(f'[id="{anchor}"]')
    target.wait_for(state="attached")
    line = page.locator("li.task-list-item", has=target)
    assert text.rstrip(".") in line.inner_text(), (text, line.inner_text())
    _assert_in_view(page, f'[id="{anchor}"]')
    assert page.url.split("#")[0].split("?")[0] == meeting_url
    watched.assert_clean()


def test_account_page_has_a_decisions_log(watched: Watched) -> None:
    watched.goto(ACCOUNT)
    page = watched.page
    heading = page.locator("article h2#decisions")
    match = re.search(r"\((\d+)\)", heading.inner_text())
    assert match, heading.inner_text()
    rows = page.locator(f"{_table_after('decisions')} tbody tr")
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert len(cells) == int(match.group(1)) > 0
    decisions = [(date, text) for date, text, _ in cells]
    assert ("2025-07-08", "Move to per-vehicle pricing with a monthly cap.") in decisions
    assert len(set(decisions)) == len(decisions), "a decision is listed twice"
    dates = [date for date, _ in decisions]
    assert dates == sorted(dates, reverse=True), "the log is not newest first"
    link = rows.first.locator("a")
    assert link.get_attribute("href") == watched.url(RENEWAL)
    watched.assert_clean()


def test_heading_link_scrolls_to_the_heading(watched: Watched) -> None:
    page = watched.page
    watched.goto(RENEWAL)
    # [[2025-01-09 Atlas pilot results review#Decisions]] in the renewal meeting's summary.
    page.locator(f'article a[href="{watched.url(PILOT_REVIEW)}#decisions"]').click()
    page.wait_for_url(lambda url: url == watched.url(PILOT_REVIEW) + "#decisions")
    assert page.locator("h2#decisions").inner_text().startswith("Decisions")
    _assert_in_view(page, "h2#decisions")
    assert page.evaluate("window.scrollY") > 100
    watched.assert_clean()


def test_dark_mode_toggle_and_it_persists(watched: Watched) -> None:
    page = watched.page
    watched.goto("")
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", background
    watched.goto(RENEWAL)
    assert body.get_attribute("data-md-color-scheme") == "slate"
    watched.assert_clean()


def test_missing_page_gets_the_404_page(watched: Watched) -> None:
    watched.expected_404.add(watched.base + "no/such/page/")
    watched.goto("no/such/page/", status=404)
    assert "404" in watched.page.locator("article h1").inner_text()
    # Material's 404 page links its assets from the site root: they must load from there.
    assert watched.page.evaluate("getComputedStyle(document.body).fontSize") != ""
    assert watched.page.locator("header.md-header").is_visible()
    watched.assert_clean()


def test_mermaid_diagram_renders_offline(watched: Watched) -> None:
    """Mermaid comes from the site, not a CDN. Material draws the diagram into a closed
    shadow root in place of the source: the source text is gone and the box has a height."""
    watched.goto(MERMAID_MEETING)
    watched.page.wait_for_function(
        """() => {
             const box = document.querySelector("article div.mermaid");
             return box && box.textContent.trim() === "" && box.offsetHeight > 40;
           }""",
        timeout=10000,
    )
    assert "flowchart" not in watched.page.locator("article").inner_text()
    watched.assert_clean()


def test_screenshots(watched: Watched, capsys: pytest.CaptureFixture[str]) -> None:
    """The four pages the README shows, each a 1280x800 PNG."""
    shots = {"home": "", "meeting": PILOT_REVIEW, "person": ATTENDEE, "account": ACCOUNT}
    for name, path in shots.items():
        watched.goto(path)
        watched.page.locator("article h1").first.wait_for()
        if name == "account":  # past the account's own note, to what the plugin adds
            watched.page.locator("h2#meetings").evaluate(
                "h => window.scrollTo(0, h.offsetTop - 60)"
            )
        data = watched.screenshot(name).read_bytes()
        assert data.startswith(b"\x89PNG") and 10_000 < len(data) < 1_000_000, name
    watched.assert_clean()
    _save_for_readme(*shots)
    with capsys.disabled():
        print(f"\nscreenshots: {SCREENSHOTS}")


def _table_after(heading_id: str) -> str:
    """The table right after a heading; Material's script wraps each table in a div."""
    return f"article :is(#{heading_id} + table, #{heading_id} + .md-typeset__scrollwrap table)"


def _assert_in_view(page: Any, selector: str) -> None:
    """The element is on screen, below the fixed header, near the top of the viewport."""
    page.wait_for_function(
        """(selector) => {
             const box = document.querySelector(selector).getBoundingClientRect();
             return box.top >= 0 && box.top < window.innerHeight / 3;
           }""",
        arg=selector,
        timeout=5000,
    )
    header = page.locator("header.md-header").bounding_box()
    box = page.locator(selector).bounding_box()
    assert box is not None and header is not None
    assert box["y"] >= header["y"] + header["height"] - 2, (box, header)
