"""MkDocs glue: what `mkdocs serve --dirty` needs that MkDocs does not do, so that a dirty
rebuild gives the site a clean build gives.

A dirty build renders only the pages it judges changed (the plugin tells it which: the
pages whose facts changed), and then:
- the search index would hold only those pages: `SearchEntries` keeps every page's entries
  as the search plugin made them, and writes the whole index again in the order a clean
  build has;
- the tags index would list only those pages' tags: `tag_unrendered` hands the tags plugin the
  tags of the pages it did not see;
- a page an earlier build wrote and this one does not (a note made private, renamed or
  deleted) would stay in the site folder: `remove_stale` removes it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

INDEX = os.path.join("search", "search_index.json")


def _entries_of(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The search plugin's list of entries (Material's or MkDocs' own), if there is one."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "entries", None)
    if entries is None:
        entries = getattr(index, "_entries", None)
    return entries if isinstance(entries, list) else None


class SearchEntries:
    """Each page's search entries, kept across builds (on the plugin instance)."""

    def __init__(self, keep: bool = True) -> None:
        self.of_page: dict[str, list[dict[str, Any]]] = {}
        self._seen = 0
        self.keep = keep
        """Keep every page's entries after it is written (`mkdocs serve`: the next build may
        be dirty); a single build lets each go once it is written."""

    def start(self) -> None:
        self._seen = 0

    def after_page(
        self, config: MkDocsConfig, url: str, kept: tuple[dict[str, Any], ...] | None = None
    ) -> None:
        """Call after the search plugin has indexed the page at `url` (or, for a page whose
        HTML is used again, not indexed it: `kept` are its entries, added where the search
        plugin would have put them)."""
        entries = _entries_of(config)
        if entries is None:
            return
        if kept is not None:
            entries.extend(dict(e) for e in kept)
        self.of_page[url] = [dict(e) for e in entries[self._seen :]]
        self._seen = len(entries)

    def entries(self, url: str) -> list[dict[str, Any]]:
        """The entries of a page just indexed (a single build forgets them then)."""
        return self.of_page.get(url, []) if self.keep else self.of_page.pop(url, [])

    def write(self, site_dir: str, pages: list[str], dirty: bool) -> None:
        """Write the whole index, every page's entries in the order of `pages` (URLs in the
        order MkDocs builds them), when the build was dirty; forget pages that are gone."""
        self.of_page = {url: self.of_page[url] for url in pages if url in self.of_page}
        if not dirty:
            return
        path = os.path.join(site_dir, INDEX)
        try:
            with open(path, encoding="utf-8") as f:
                written: dict[str, Any] = json.load(f)
        except (OSError, ValueError):
            return
        written["docs"] = [entry for url in pages for entry in self.of_page.get(url, [])]
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(written, separators=(",", ":"), default=str))


def tag_unrendered(
    config: MkDocsConfig, files: Files, rendered: set[str], meta_of: dict[str, dict[str, Any]]
) -> None:
    """Give Material's tags plugin the tags of every page, in the order a clean build gives
    them, the pages a dirty build did not render included (with the metadata their last
    rendering left), so that the tags index and its export are a clean build's."""
    plugin = config.plugins.get("material/tags") or config.plugins.get("tags")
    mappings = getattr(plugin, "mappings", None)
    if plugin is None or mappings is None or not hasattr(mappings, "add"):
        return
    fresh = type(mappings)(plugin.config)
    keep = getattr(plugin, "filter", lambda file: True)
    for file in files.documentation_pages():
        page = file.page
        if not isinstance(page, Page) or not keep(file):
            continue
        if page.url not in rendered:
            meta = meta_of.get(file.src_uri)
            if not meta:
                continue
            page.meta = dict(meta)
            page.markdown = ""  # a page MkDocs did not read has no title before this
        fresh.add(page, page.markdown or "")
    plugin.mappings = fresh


def remove_stale(site_dir: str, before: set[str], now: set[str]) -> None:
    """Remove what an earlier build wrote and this one did not (MkDocs removes nothing under
    `--dirty`)."""
    root = os.path.realpath(site_dir)
    for path in sorted(before - now):
        real = os.path.realpath(path)
        if real.startswith(root + os.sep) and os.path.isfile(real):
            os.remove(real)


def written(files: Files, beside: set[str]) -> set[str]:
    """Every file this build writes into the site folder: its pages and copied files, and
    the files beside the pages (`beside`)."""
    return {os.path.normpath(f.abs_dest_path) for f in files} | beside
