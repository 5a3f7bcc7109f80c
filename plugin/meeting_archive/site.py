"""What ties the archive to MkDocs: the Markdown extensions Obsidian syntax needs, the sidebar,
the vault's files as MkDocs lists them, and where generated pages live.

Kept apart from plugin.py so that the event methods there stay a few lines each.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pathspec
from markdown.extensions.toc import slugify as default_slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import META_RE

from . import urls
from .model import Archive, Entity

ASSET_DIR = "assets/meeting-archive"
# tablesort (MIT, from the npm registry, shipped with the site: no CDN at view time) makes
# the index tables sortable, as Material's documentation recommends.
ASSETS = (
    "meeting-archive.css",
    "tablesort.min.js",
    "meeting-archive.js",
    # charts, local graphs, hover previews; loads the graph library where a page needs it
    "meeting-archive-pictures.css",
    "meeting-archive-pictures.js",
)

SECTIONS = [
    ("Meetings", "meetings"),
    ("Accounts", "accounts"),
    ("People", "people"),
    ("Topics", "topics"),
    ("Action items", "actions"),
    ("Tags", "tags"),
    ("Graph", "graph"),
]

# Extensions the plugin's own pages need, and their settings when the user has none.
_EXTENSIONS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "tables": {},
    "attr_list": {},
    "admonition": {},
}
# Extensions Obsidian syntax needs, each added only when some note uses it: every extension
# costs time on every page (pymdownx.mark alone adds a tenth to a meeting page's rendering).
_SYNTAX: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [
    ("pymdownx.tasklist", ("- [", "* [", "+ ["), {"custom_checkbox": True}),
    ("md_in_html", ("![[",), {}),
    ("footnotes", ("[^",), {}),
    ("pymdownx.details", ("[!",), {}),
    ("pymdownx.mark", ("==",), {}),
    ("pymdownx.tilde", ("~~", "[-]"), {}),
    ("pymdownx.superfences", ("```", "~~~"), {}),
]


def configure(config: MkDocsConfig, generate_nav: bool) -> None:
    """Add what the plugin needs to the user's configuration, overriding nothing they set."""
    _add_extensions(config, _EXTENSIONS)
    for asset in ASSETS:
        target = config.extra_css if asset.endswith(".css") else config.extra_javascript
        path = f"{ASSET_DIR}/{asset}"
        if path not in [str(x) for x in target]:
            target.append(path)
    if generate_nav and not config.nav:
        config.nav = nav_entries(home="index.md")
    if config.not_in_nav is None:
        # Notes are reached from index pages, not the sidebar: say so, instead of an info
        # line listing every note as missing from the nav.
        config.not_in_nav = pathspec.gitignore.GitIgnoreSpec.from_lines(["*"])


def add_syntax_extensions(config: MkDocsConfig, bodies: Iterable[str]) -> None:
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


def nav_entries(
    home: str, of_index: Callable[[str], str] = lambda section: f"{section}/index.md"
) -> list[dict[str, str]]:
    """The sidebar; `of_index` gives an index page's source (moved aside when a vault note
    such as `People/index.md` holds its usual one)."""
    return [{"Home": home}] + [{title: of_index(section)} for title, section in SECTIONS]


def heading_slugify(config: MkDocsConfig) -> Callable[[str, str], str]:
    """The slugify the toc extension uses, so a `#Heading` link gets the id the page has."""
    slugify = config.mdx_configs.get("toc", {}).get("slugify")
    return slugify if callable(slugify) else default_slugify


@dataclass
class VaultFiles:
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(vault path, absolute path) of each Markdown note."""
    attachments: list[str] = field(default_factory=list)
    outside: list[File] = field(default_factory=list)
    """Files reached through a symlink that leaves the vault: never published."""
    excluded: list[str] = field(default_factory=list)
    """Notes left out by `exclude_docs` or `draft_docs` (dot-folders too): a link to one shows
    as text, as one to a private note does."""


def vault_files(files: Files, docs_dir: str) -> VaultFiles:
    found = VaultFiles()
    root = os.path.realpath(docs_dir)
    docs = os.path.normpath(docs_dir)
    for file in files:
        if file.src_dir is None or os.path.normpath(file.src_dir) != docs:
            continue  # theme files and generated files are not part of the vault
        # EXCLUDED by exclude_docs, or a DRAFT (draft_docs) that `mkdocs build` leaves out: not
        # in the archive either, or its title would be in listings that link to no page.
        if file.inclusion.is_excluded():
            if file.is_documentation_page():
                found.excluded.append(file.src_uri)
            continue
        if file.abs_src_path is None:
            continue
        real = os.path.realpath(file.abs_src_path)
        if real != root and not real.startswith(root + os.sep):
            found.outside.append(file)
        elif file.is_documentation_page():
            found.notes.append((file.src_uri, file.abs_src_path))
        else:
            found.attachments.append(file.src_uri)
    return found


def symlink_out(docs_dir: str, src_uri: str) -> str:
    """The part of `src_uri` that is the symlink leaving the vault (`Linked/` for every file
    under a linked folder), so that one link out is one problem, however many files it holds."""
    root = os.path.realpath(docs_dir)
    parts = src_uri.split("/")
    for n in range(1, len(parts)):
        real = os.path.realpath(os.path.join(docs_dir, *parts[:n]))
        if real != root and not real.startswith(root + os.sep):
            return "/".join(parts[:n]) + "/"
    return src_uri


MERMAID = "mermaid.min.js"
_MERMAID_FENCE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})\s*mermaid", re.MULTILINE)


def uses_mermaid(bodies: Iterable[str]) -> bool:
    return any("mermaid" in body and _MERMAID_FENCE.search(body) for body in bodies)


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


def asset_files(config: MkDocsConfig, mermaid: bool = False) -> list[File]:
    package = resources.files("meeting_archive") / "assets"
    names = [*ASSETS, MERMAID] if mermaid else list(ASSETS)
    return [
        File.generated(config, f"{ASSET_DIR}/{name}", content=(package / name).read_text("utf-8"))
        for name in names
    ]


def tag_anchor(config: MkDocsConfig) -> Callable[[str], str] | None:
    """The anchor Material's tags plugin gives a tag on its listing (None without the plugin)."""
    plugin = config.plugins.get("material/tags") or config.plugins.get("tags")
    if plugin is None or not getattr(plugin.config, "enabled", True):
        return None
    options = plugin.config
    slugify = options.tags_slugify
    separator = options.tags_slugify_separator
    hierarchy = options.tags_hierarchy_separator

    def anchor(tag: str) -> str:
        parts = tag.split(hierarchy) if options.tags_hierarchy else [tag]
        slug = hierarchy.join(slugify(part, separator) for part in parts)
        return str(options.tags_slugify_format.format(slug=slug))

    return anchor


@dataclass
class GeneratedSources:
    """Source paths of generated pages, chosen so that none collides with a vault file."""

    taken: set[str]
    hrefs: urls.Hrefs
    by_page: dict[str, str] = field(default_factory=dict)

    def src(self, page_path: str, is_index: bool = False) -> str:
        known = self.by_page.get(page_path)
        if known is not None:
            return known
        src = urls.generated_src_uri(page_path, is_index)
        if src.casefold() in self.taken:
            src = f"_archive/{src}"
        self.by_page[page_path] = src
        self.taken.add(src.casefold())
        self.hrefs.page_of[src] = page_path
        self.hrefs.generated.add(src)
        return src

    def of_entity(self, entity: Entity) -> str:
        return entity.note.path if entity.note is not None else self.src(entity.page_path)

    def of_index(self, section: str) -> str:
        return self.src(section, is_index=True)


def note_meta(title: str, tags: list[str], meta: dict[str, Any]) -> dict[str, Any]:
    """The page metadata MkDocs and Material see for a note: an escaped title (Material writes
    it unescaped), the tags, and the few presentation keys that are safe to pass through."""
    import html

    out: dict[str, Any] = {"title": html.escape(title)}
    if tags:
        # Escaped too: Material writes tag names into pages unescaped. (Inline tags are word
        # characters only, so their anchors on the tags page do not change.)
        out["tags"] = [html.escape(tag) for tag in tags]
    hide = meta.get("hide")
    if isinstance(hide, list):
        out["hide"] = [
            h for h in hide if h in ("navigation", "toc", "footer", "tags", "feedback", "path")
        ]
    search = meta.get("search")
    if isinstance(search, dict) and isinstance(search.get("exclude"), bool):
        out["search"] = {"exclude": search["exclude"]}
    return out


def set_page_path(file: File, page_path: str, use_directory_urls: bool) -> None:
    """Publish a vault file at `page_path`, keeping its source where it is."""
    file.dest_uri = urls.dest_uri(page_path, use_directory_urls)
    file.url = urls.page_url(page_path, use_directory_urls)
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, file.dest_uri))


def set_note_text(file: File, body: str) -> None:
    """Give MkDocs the repaired text; the real file stays the page's source for other plugins
    (revision dates, edit links). Where the text starts like metadata (`Agenda: budget`, or a
    `---` rule), an empty YAML block goes first so that MkDocs shows it as text."""
    abs_src_path = file.abs_src_path
    first_line = body.split("\n", 1)[0]
    if body.startswith("---") or META_RE.match(first_line):
        body = "---\n{}\n---\n" + body
    file.content_string = body
    file.abs_src_path = abs_src_path


def archive_summary(archive: Archive) -> str:
    return (
        f"{len(archive.meetings)} meetings, {len(archive.people)} people, "
        f"{len(archive.accounts)} accounts, {len(archive.topics)} topics, "
        f"{sum(t.is_open for t in archive.tasks)} open action items"
    )
