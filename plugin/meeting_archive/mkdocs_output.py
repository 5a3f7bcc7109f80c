"""MkDocs glue: pages MkDocs need not lay out again.

A page whose value is unchanged (pipeline.py decides: every fact it was made from is the
same), in a site whose layout is unchanged (the theme, its settings, the sidebar, the plugins:
`layout_key`), is the same file as last time: this keeps each page's finished HTML and its
search entries (in memory under `mkdocs serve`, and in the render cache on disk for a CI
build), and gives MkDocs an empty template for such a page, then the HTML as it was.

Only with plugins known not to touch a page's HTML (search, tags, gen-files and this one): with
any other, every page is laid out as usual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .model import Problem
from .render_cache import RenderCache

TEMPLATE = "meeting-archive-as-before.html"
"""The template of a page whose HTML is used again: nothing (on_post_page gives the HTML)."""
# Plugins known to leave a page's HTML as the theme wrote it, and (search) to skip a page whose
# metadata says `search: exclude` -- MkDocs' own search plugin does not, so it is not here.
KNOWN_PLUGINS = {"material/search", "material/tags", "gen-files", "meeting-archive"}
KIND = "output"
KEY_KIND = "output-key"


@dataclass(frozen=True)
class Output:
    """A page as the theme laid it out, with what search found in it."""

    key: str
    html: str
    search: tuple[dict[str, Any], ...]
    problems: tuple[Problem, ...]
    """What writing it reported (a heading link that lands on no heading)."""


@dataclass
class OutputCache:
    """Pages' finished HTML, kept across builds (on the plugin instance): in memory under
    `mkdocs serve` (`memory`), on disk only for a build, a few pages at a time."""

    disk: RenderCache | None = None
    memory: bool = False
    kept: dict[str, Output] = field(default_factory=dict)
    made: dict[str, Output] = field(default_factory=dict)
    """Pages laid out in this build and not yet written to disk."""
    keys: dict[str, str] = field(default_factory=dict)
    """This build's key of each page the plugin made (its HTML is kept under it)."""
    used: set[str] = field(default_factory=set)
    """The pages of this build whose HTML is the kept one."""
    _last: tuple[str, Output] | None = None
    """The page last read back (asked for twice: its search entries, then its HTML)."""

    BATCH = 200
    """Pages laid out before those not kept in memory are written to disk."""

    def start(self) -> None:
        self.made, self.keys, self.used, self._last = {}, {}, set(), None

    def plan(
        self,
        config: MkDocsConfig,
        nav: Navigation | None,
        others: list[str],
        pages: dict[str, tuple[Page, object]],
    ) -> None:
        """Before the pages are laid out: find each page (`pages`: source → the page and what
        its HTML is made from) whose HTML is the one kept, and give it the empty template and
        no search of its own (its kept entries are added instead). `others`: the URLs of the
        pages the plugin does not make."""
        layout = layout_key(config, nav, others)
        if layout is None:
            return
        for src, (page, inputs) in pages.items():
            key = page_key(layout, page.url, str(page.file.inclusion), inputs)
            self.keys[src] = key
            if self._kept_key(src) == key:
                self.used.add(src)
                page.meta["template"] = TEMPLATE
                page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}

    def _kept_key(self, src: str) -> str | None:
        if src in self.kept:
            return self.kept[src].key
        if self.disk is None or self.memory:
            return None
        stored = self.disk.get_extra(KEY_KIND, src)
        return stored.decode("ascii", "replace") if stored is not None else None

    def output(self, src: str) -> Output | None:
        """The kept HTML of a page of this build whose HTML is as before, else None."""
        if src not in self.used:
            return None
        if self._last is not None and self._last[0] == src:
            return self._last[1]
        found = self.kept.get(src)
        if found is None and self.disk is not None:
            stored = self.disk.get_extra(KIND, src)
            found = _from_json(stored) if stored is not None else None
        if found is None or found.key != self.keys.get(src):
            return None
        self._last = (src, found)
        return found

    def store(
        self, src: str, html: str, search: list[dict[str, Any]], problems: list[Problem]
    ) -> None:
        key = self.keys.get(src)
        if key is None or src in self.used:
            return
        out = Output(key, html, tuple(search), tuple(problems))
        self.made[src] = out
        if self.memory:
            self.kept[src] = out
        elif len(self.made) >= self.BATCH:
            self._write()

    def finish(self, pages: set[str]) -> None:
        """After a build: keep the pages of this site only; write the new ones to disk."""
        self.kept = {src: out for src, out in self.kept.items() if src in pages}
        self._write()
        self._last = None

    def _write(self) -> None:
        if self.disk is not None and self.made:
            rows: dict[tuple[str, str], bytes] = {}
            for src, out in self.made.items():
                rows[KIND, src] = _to_json(out)
                rows[KEY_KIND, src] = out.key.encode("ascii")
            self.disk.store_extras(rows)
        self.made = {}


def page_key(layout: str, *parts: object) -> str:
    return hashlib.blake2b(repr((layout, parts)).encode("utf-8"), digest_size=16).hexdigest()


def layout_key(config: MkDocsConfig, nav: Navigation | None, others: list[str]) -> str | None:
    """What every page's layout depends on besides its own content: the theme, its settings
    and its templates, the site's settings the theme shows, the sidebar, the plugins and their
    settings, the pages the plugin does not make (a tags index); None when a plugin this does
    not know could change a page's HTML."""
    if not set(config.plugins) <= KNOWN_PLUGINS:
        return None
    theme = config.theme
    parts = (
        _version("mkdocs"),
        _version("mkdocs-material"),
        theme.name,
        sorted((str(k), repr(v)) for k, v in dict(theme).items()),
        [repr(d) for d in theme.dirs],
        _templates(theme.custom_dir),
        config.site_name,
        config.site_url,
        config.site_description,
        config.site_author,
        config.copyright,
        config.repo_url,
        config.repo_name,
        config.edit_uri,
        config.use_directory_urls,
        repr(config.extra),
        [str(x) for x in config.extra_css],
        [str(x) for x in config.extra_javascript],
        _nav_print(nav.items) if nav is not None else None,
        sorted(others),
        sorted((name, repr(dict(plugin.config))) for name, plugin in config.plugins.items()),
    )
    # A function's repr names where it is in memory: the same function, another build.
    printed = _ADDRESS.sub("", repr(parts))

    return hashlib.blake2b(printed.encode("utf-8"), digest_size=16).hexdigest()


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _nav_print(items: list[Any]) -> list[Any]:
    return [
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", None),
            _nav_print(item.children) if getattr(item, "children", None) else None,
        )
        for item in items
    ]


def _templates(folder: str | None) -> list[tuple[str, int, int]]:
    """The theme's own templates (`custom_dir`), by name, size and time (an edit under
    `mkdocs serve` changes every page)."""
    if not folder or not os.path.isdir(folder):
        return []
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                stat = os.stat(path)
                found.append((os.path.relpath(path, folder), stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def add_template(env: jinja2.Environment) -> jinja2.Environment:
    """Make the empty template known to the theme's environment."""
    loader = env.loader
    if not isinstance(loader, jinja2.ChoiceLoader) or not any(
        isinstance(x, jinja2.DictLoader) and TEMPLATE in x.mapping for x in loader.loaders
    ):
        own = jinja2.DictLoader({TEMPLATE: "<!-- as before -->"})
        env.loader = jinja2.ChoiceLoader([own, loader] if loader is not None else [own])
    return env


def _to_json(output: Output) -> bytes:
    problems = [[p.path, p.message, p.line, p.level] for p in output.problems]
    data = {
        "key": output.key,
        "html": output.html,
        "search": list(output.search),
        "problems": problems,
    }
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def _from_json(data: bytes) -> Output | None:
    try:
        value = json.loads(data)
        problems = tuple(Problem(p, m, line, level) for p, m, line, level in value["problems"])
        return Output(value["key"], value["html"], tuple(value["search"]), problems)
    except (ValueError, KeyError, TypeError):
        return None
