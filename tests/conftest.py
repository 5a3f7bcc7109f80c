"""Build real vaults with MkDocs (in process, no mocks) and look at what they produce."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = Path(__file__).resolve().parent / "cases"
"""Case folders `<case>/{vault/, expected.yml}`, run by test_cases.py (see cases/README.md)."""
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "customer-meeting-note.md"
MAKE_VAULT = SHARED / "bench" / "make_vault.py"
OBSIDIAN_HELP = SHARED / "corpora" / "obsidian-help-en"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test is slow too: `-m "not slow"` is the everyday run, without Chromium."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


@dataclass
class Built:
    """A finished build: its site folder, its log, and whether strict mode aborted it."""

    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    aborted: bool = False
    use_directory_urls: bool = True

    def url(self, page_path: str) -> str:
        """The site path of a page path under this build's URL style."""
        return page_url(page_path, self.use_directory_urls)

    @property
    def log(self) -> str:
        return "\n".join(f"{r.levelname}: {r.getMessage()}" for r in self.records)

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]

    def html(self, path: str) -> str:
        """The HTML of a page by its URL path (`people/x/` or `people/x.html`)."""
        target = self.site / path
        if path == "" and not self.use_directory_urls:
            target = self.site / "index.html"
        elif path.endswith("/") or path == "":
            target = target / "index.html"
        return target.read_text(encoding="utf-8")

    def search_index(self) -> dict[str, Any]:
        return json.loads((self.site / "search" / "search_index.json").read_text(encoding="utf-8"))

    def pages(self) -> list[Path]:
        return sorted(p for p in self.site.rglob("*.html") if "assets" not in p.parts)

    def assert_no_warnings(self, *allowed: str) -> None:
        unexpected = [m for m in self.messages() if not any(re.search(a, m) for a in allowed)]
        assert not unexpected, "unexpected warnings:\n" + "\n".join(unexpected)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_project(out: Path, **overrides: Any) -> Built:
    """Build the project's own mkdocs.yml (the sample vault) into `out/site`."""
    return _build(ROOT / "mkdocs.yml", out / "site", site_dir=str(out / "site"), **overrides)


def build_vault(
    vault: Path,
    out: Path,
    *,
    use_directory_urls: bool = True,
    strict: bool = False,
    plugin: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Built:
    """Build `vault` with Material, search, tags and the plugin into `out/site`."""
    out.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "site_name": "Test archive",
        "docs_dir": str(vault),
        "site_dir": str(out / "site"),
        "theme": {"name": "material"},
        "plugins": ["search", {"tags": {"tags_hierarchy": True}}, {"meeting-archive": plugin or {}}],
    }
    config.update(extra or {})
    config_file = out / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return _build(config_file, out / "site", use_directory_urls=use_directory_urls, strict=strict)


def _build(config_file: Path, site: Path, **overrides: Any) -> Built:
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG if os.environ.get("ARCHIVE_DEBUG") else logging.INFO)
    aborted = False
    try:
        cfg = load_config(str(config_file), **overrides)
        cfg.plugins.on_startup(command="build", dirty=False)
        forget_search(cfg)
        try:
            build(cfg)
        except Abort:
            aborted = True
        finally:
            cfg.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    return Built(site, handler.records, aborted, bool(cfg.use_directory_urls))


def forget_search(config: Any) -> None:
    """MkDocs keeps one instance of each plugin that has on_startup per process, and Material's
    search keeps the last dirty build's index on it: every build of the tests starts clean."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if hasattr(search, "search_index_prev"):
        search.search_index_prev = None


@pytest.fixture
def build_fixture(tmp_path: Path):
    """Build a fixture vault from tests/fixtures/<name>/vault (copied, so tests may edit it)."""

    def run(name: str, **options: Any) -> Built:
        vault = tmp_path / "vault"
        if not vault.exists():
            shutil.copytree(FIXTURES / name / "vault", vault, symlinks=True)
        return build_vault(vault, tmp_path / f"out-{options.get('use_directory_urls', True)}", **options)

    return run


@pytest.fixture(params=[True, False], ids=["directory-urls", "file-urls"])
def use_directory_urls(request: pytest.FixtureRequest) -> Iterator[bool]:
    yield request.param


def page_url(path: str, use_directory_urls: bool) -> str:
    """The site path of a page path under either URL style (`people/x` → `people/x/`)."""
    if not path:
        return ""
    return path + "/" if use_directory_urls else path + ".html"


def follow(from_url: str, href: str) -> tuple[str, str]:
    """Where a relative href on the page at `from_url` leads: (site path, fragment)."""
    from urllib.parse import unquote, urljoin, urlsplit

    joined = urlsplit(urljoin("http://site/" + from_url, href))
    return unquote(joined.path[1:]), unquote(joined.fragment)


def article(html: str) -> Any:
    """The page's article element (what the note produced, without theme chrome)."""
    from selectolax.lexbor import LexborHTMLParser

    node = LexborHTMLParser(html).css_first("article")
    assert node is not None
    return node
