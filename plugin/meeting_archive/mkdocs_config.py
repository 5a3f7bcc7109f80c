"""MkDocs glue: what the plugin changes in the site's configuration — the Markdown extensions
Obsidian syntax needs (each only when some note uses it), the heading ids, the stylesheets and
scripts, and the sidebar — and what it reads from it and from the vault's `.obsidian/` folder.
Nothing the user set is overridden.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

import pathspec
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from .pipeline import Build
from .urls import heading_slug

ASSET_DIR = "assets/meeting-archive"
# tablesort (MIT, from the npm registry, shipped with the site: no CDN at view time) makes
# the index tables sortable, as Material's documentation recommends.
# One stylesheet (the pictures' rules included): each is a request that blocks the first paint.
ASSETS = (
    "meeting-archive.css",
    "tablesort.min.js",
    "meeting-archive.js",
    # charts, local graphs, hover previews; loads the graph library where a page needs it
    "meeting-archive-pictures.js",
)
# Loaded by meeting-archive-pictures.js only on a page that draws the graph: sigma.js 3.0.3
# and graphology 0.26.0 (MIT, from the npm registry, shipped with the site).
GRAPH_ASSETS = ("graphology.umd.min.js", "sigma.min.js", "meeting-archive-graph.js")
LICENCES = ("graphology.LICENCE", "sigma.LICENCE", "tablesort.LICENCE", "mermaid.LICENSE")
MERMAID = "mermaid.min.js"
NAV_FOLDERS = 50
"""Top-level folders listed in the sidebar's Notes section (the rest: from the home page)."""

# Extensions the plugin's own pages need, and their settings when the user has none.
_EXTENSIONS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "tables": {},
    "attr_list": {},
    "admonition": {},
    "md_in_html": {},
}
# Extensions Obsidian syntax needs, each added only when some note uses it: every extension
# costs time on every page (pymdownx.mark alone adds a tenth to a meeting page's rendering).
_SYNTAX: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [
    ("footnotes", ("[^",), {}),
    ("pymdownx.details", ("[!",), {}),
    ("pymdownx.mark", ("==",), {}),
    ("pymdownx.tilde", ("~~", "[-]"), {}),
    ("pymdownx.superfences", ("```", "~~~"), {}),
]
_MERMAID_FENCE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})\s*mermaid", re.MULTILINE)


def configure(config: MkDocsConfig) -> None:
    """Add what every page of the plugin needs, overriding nothing the user set."""
    _add_extensions(config, _EXTENSIONS)
    toc = config.mdx_configs.setdefault("toc", {})
    toc.setdefault("slugify", heading_slug)
    for asset in ASSETS:
        path = f"{ASSET_DIR}/{asset}"
        if asset.endswith(".css"):
            if path not in config.extra_css:
                config.extra_css.append(path)
        elif path not in [str(x) for x in config.extra_javascript]:
            # deferred (in order, after Material's bundle): the page is shown before they run
            script = ExtraScriptValue(path)
            script.defer = True
            config.extra_javascript.append(script)
    if config.not_in_nav is None:
        # Notes are reached from index pages, not the sidebar: say so, instead of an info
        # line listing every note as missing from the nav.
        config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(["*"])


def cache_folder(config: MkDocsConfig, option: str | None) -> str:
    """The render cache's folder: the option's (relative to mkdocs.yml), else
    `.cache/meeting-archive` beside mkdocs.yml; never inside the vault (a file written there
    would be a vault file, and would make `mkdocs serve` build again)."""
    base = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    folder = os.path.normpath(
        os.path.join(base, option or os.path.join(".cache", "meeting-archive"))
    )
    docs = os.path.realpath(config.docs_dir)
    real = os.path.realpath(folder)
    if real == docs or real.startswith(docs + os.sep):
        raise PluginError(
            f"meeting-archive: cache_dir {folder} is inside the vault (docs_dir); "
            "choose a folder outside it"
        )
    return folder


def strict_line_breaks(docs_dir: str) -> bool:
    """The vault's own setting (`.obsidian/app.json`): by default Obsidian shows a single
    newline as a line break."""
    path = os.path.join(docs_dir, ".obsidian", "app.json")
    try:
        with open(path, encoding="utf-8") as f:
            settings = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(settings, dict) and settings.get("strictLineBreaks") is True


def add_syntax_extensions(config: MkDocsConfig, bodies: Iterable[str], line_breaks: bool) -> None:
    """Add the extensions for the Obsidian syntax the notes use (read before any page is
    rendered, so every page gets them)."""
    wanted = {name: options for name, _, options in _SYNTAX}
    used: dict[str, dict[str, Any]] = {}
    for body in bodies:
        for name, marks, options in _SYNTAX:
            if name not in used and any(mark in body for mark in marks):
                used[name] = options
        if len(used) == len(wanted):
            break
    if line_breaks:
        used["nl2br"] = {}
    _add_extensions(config, used)
    if "pymdownx.superfences" in used:
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
        if "custom_fences" not in fences:
            from pymdownx.superfences import fence_code_format

            fences["custom_fences"] = [
                {"name": "mermaid", "class": "mermaid", "format": fence_code_format}
            ]


def _add_extensions(config: MkDocsConfig, extensions: dict[str, dict[str, Any]]) -> None:
    present = {e for e in config.markdown_extensions if isinstance(e, str)}
    for name, options in extensions.items():
        if name not in present:
            config.markdown_extensions.append(name)
            config.mdx_configs.setdefault(name, dict(options))


def uses_mermaid(bodies: Iterable[str]) -> bool:
    return any("mermaid" in body and _MERMAID_FENCE.search(body) for body in bodies)


def nav(build: Build) -> list[dict[str, Any]]:
    """The sidebar: sections and index pages, never one entry per note (MkDocs renders the whole
    sidebar into every page: listing every note would make the build quadratic)."""
    site, archive, pages = build.site, build.model.archive, build.model.pages
    home = pages.home or site.dashboard_src
    entries: list[dict[str, Any]] = [{"Home": home}]
    if pages.home is not None:
        entries.append({"Dashboard": site.dashboard_src})
    generated = {page.src for page in site.pages}
    present = {
        "meetings": bool(archive.meetings),
        "accounts": bool(archive.accounts),
        "people": bool(archive.people),
        "topics": bool(archive.topics),
        "actions": bool(archive.tasks),
        "tags": site.src_of_section["tags"] in generated,
        "graph": site.src_of_section["graph"] in generated,
    }
    titles = [
        ("Meetings", "meetings"),
        ("Accounts", "accounts"),
        ("People", "people"),
        ("Topics", "topics"),
        ("Action items", "actions"),
        ("Tags", "tags"),
        ("Graph", "graph"),
    ]
    entries += [{title: site.src_of_section[s]} for title, s in titles if present[s]]
    folders = []
    for folder in sorted(pages.of_folder, key=str.casefold):
        if folder and "/" not in folder:
            src = build.views.folder_src(folder)
            if src is not None:
                folders.append({folder: src})
    if folders:
        entries.append({"Notes": folders[:NAV_FOLDERS]})
    return entries


def tag_anchor(config: MkDocsConfig) -> tuple[Callable[[str], str] | None, str]:
    """The anchor Material's tags plugin gives a tag on its listing (None without the plugin),
    and what decides it (for the pages' fingerprints)."""
    plugin = config.plugins.get("material/tags") or config.plugins.get("tags")
    if plugin is None or not getattr(plugin.config, "enabled", True):
        return None, ""
    options = plugin.config
    slugify = options.tags_slugify
    separator = options.tags_slugify_separator
    hierarchy = options.tags_hierarchy_separator
    nested = options.tags_hierarchy

    def anchor(tag: str) -> str:
        parts = tag.split(hierarchy) if nested else [tag]
        slug = hierarchy.join(slugify(part, separator) for part in parts)
        return str(options.tags_slugify_format.format(slug=slug))

    settings = repr(
        (
            separator,
            hierarchy,
            nested,
            options.tags_slugify_format,
            getattr(slugify, "__qualname__", ""),
        )
    )
    return anchor, settings


def asset_files(config: MkDocsConfig, files: Files, mermaid: bool) -> list[File]:
    """The plugin's stylesheets, scripts and their licences, as files for MkDocs to copy (a
    vault file at one of their paths is kept instead)."""
    package = resources.files("meeting_archive") / "assets"
    names = [*ASSETS, *GRAPH_ASSETS, *LICENCES] + ([MERMAID] if mermaid else [])
    out = []
    for name in names:
        path = f"{ASSET_DIR}/{name}"
        if files.get_file_from_path(path) is None:
            out.append(File.generated(config, path, content=(package / name).read_bytes()))
    return out


def with_mermaid(output: str, page_url: str) -> str:
    """Load Mermaid (v11.17.2, MIT, from the npm registry, shipped with the site) in the head
    of a page that has a diagram. Material would load it from a CDN, which breaks offline
    reading and the Content-Security-Policy; it uses `window.mermaid` when the page already
    has it, which a script in the head (before Material's bundle) makes sure of. Pages
    without a diagram do not pay for its 3.5 MB."""
    if 'class="mermaid"' not in output or "</head>" not in output:
        return output
    src = get_relative_url(f"{ASSET_DIR}/{MERMAID}", page_url or "./")
    return output.replace("</head>", f'<script src="{src}"></script></head>', 1)
