"""Every conversion between the path kinds the plugin handles, in one place.

- a *vault path* is a file's '/'-separated path inside the vault (MkDocs calls it `src_uri`);
- a *note key* is a name folded for matching, as Obsidian matches: case-insensitive, NFC;
- a *page path* is where a page lives on the site, without extension (`meetings/2025-10-06-x`);
- a *dest uri* is the HTML file MkDocs writes for a page path, which depends on
  `use_directory_urls`;
- a *link* is a relative, percent-encoded Markdown link from one vault path to another,
  which MkDocs then maps to the target's URL (so it holds for either `use_directory_urls`).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from mkdocs.structure.files import File

_NON_SLUG = re.compile(r"[^a-z0-9]+")
# What RFC 3986 allows unescaped in a fragment: Material's tag anchors (`tag:x/y`) and block
# ids (`^id`) must reach the page as written, or MkDocs' anchor check cannot find them.
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=^~"


def note_key(name: str) -> str:
    """Fold a name or path for matching: NFC, case-insensitive, '\\' as '/'."""
    return unicodedata.normalize("NFC", name).replace("\\", "/").strip().casefold()


MAX_SLUG = 100
"""Longest slug (characters): far below the 255-byte limit on a file name."""


def slugify(text: str) -> str:
    """A URL slug: ASCII letters and digits joined by '-'.

    Accents are folded (`Núñez` → `nunez`); a name with no ASCII letter at all (emoji, CJK)
    gets a short stable hash so that it still has a distinct, shareable URL.
    """
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        # A file name has at most 255 bytes: a long title or link name is cut at a word.
        cut = slug[: MAX_SLUG + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:MAX_SLUG]
    if slug:
        return slug
    digest = hashlib.sha1(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    return "n-" + digest[:8]


def vault_page_path(vault_path: str) -> str:
    """Page path of an ordinary note: its vault path, slugified segment by segment.

    `Projects/Road Map.md` → `projects/road-map`; `Folder/index.md` → `folder` (an index).
    """
    parts = vault_path.split("/")
    stem = posixpath.splitext(parts[-1])[0]
    folders = [slugify(p) for p in parts[:-1]]
    if stem in ("index", "README"):
        return "/".join(folders)
    return "/".join([*folders, slugify(stem)])


def dest_uri(page_path: str, use_directory_urls: bool) -> str:
    """The HTML file MkDocs writes for a page path ('' is the home page)."""
    if not page_path:
        return "index.html"
    if use_directory_urls:
        return page_path + "/index.html"
    return page_path + ".html"


def generated_src_uri(page_path: str, is_index: bool = False) -> str:
    """The virtual source file of a generated page: `people/x` → `people/x.md`; a section's
    index `people` → `people/index.md` (so MkDocs treats it as the section index); the home
    page '' → `index.md`."""
    if not page_path:
        return "index.md"
    return f"{page_path}/index.md" if is_index else f"{page_path}.md"


def relative_link(from_vault_path: str, to_vault_path: str, fragment: str = "") -> str:
    """A Markdown link target from one source file to another, percent-encoded.

    Relative to the source file's folder, and to the target's *source* path: MkDocs maps it
    to the target page's URL, whatever that URL is.
    """
    if to_vault_path == from_vault_path:
        path = ""
    else:
        path = _relative_path(from_vault_path.rpartition("/")[0], to_vault_path)
    if fragment:
        return f"{path}#{quote(fragment, safe=_FRAGMENT_SAFE)}"
    return path or "#"


@lru_cache(maxsize=1 << 16)
def _relative_path(from_folder: str, to_path: str) -> str:
    """Both paths are clean vault paths, so plain string work is enough (posixpath.relpath
    would consult the working directory on every call: this is on the hot path of every link)."""
    start = from_folder.split("/") if from_folder else []
    target = to_path.split("/")
    common = 0
    while common < len(start) and common < len(target) - 1 and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return quote("/".join(parts), safe="/")


def inside_vault(path: str) -> str | None:
    """Normalise a vault-relative path; None if it would leave the vault.

    Only the text is looked at: nothing is read from disk.
    """
    path = path.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../") or normal.startswith("/"):
        return None
    return "" if normal == "." else normal


def page_url(page_path: str, use_directory_urls: bool) -> str:
    """The URL (relative to the site root) of a page path, as MkDocs writes it."""
    if not page_path:
        return "./" if use_directory_urls else "index.html"
    return page_path + "/" if use_directory_urls else page_path + ".html"


@dataclass
class Hrefs:
    """Relative hrefs between pages, from the pages' source paths.

    The plugin writes its own links as finished HTML (`<a href=…>`) rather than as Markdown
    links to `.md` files: Python-Markdown's link pattern and MkDocs' link rewriting cost more
    than the rest of a page's rendering, and every target here is known to exist.
    """

    use_directory_urls: bool
    page_of: dict[str, str] = field(default_factory=dict)
    """Source path → page path, for notes and generated pages; other files are attachments."""
    generated: set[str] = field(default_factory=set)
    """Sources of generated pages. MkDocs places these by their source path, so that
    `accounts/index.md` is `accounts/index.html` under `use_directory_urls: false`."""
    _urls: dict[str, str] = field(default_factory=dict)
    """URLs already worked out. A source's entry in `page_of` or `generated` is made before
    its first link and never changes."""

    def url(self, src: str) -> str:
        known = self._urls.get(src)
        if known is None:
            known = self._urls[src] = self._url(src)
        return known

    def _url(self, src: str) -> str:
        if src in self.generated:
            return _source_url(src, self.use_directory_urls)
        page = self.page_of.get(src)
        return quote(src, safe="/") if page is None else page_url(page, self.use_directory_urls)

    def __call__(self, from_src: str, to_src: str, fragment: str = "") -> str:
        anchor = f"#{quote(fragment, safe=_FRAGMENT_SAFE)}" if fragment else ""
        if to_src == from_src and anchor:
            return anchor
        return _relative_url(self.url(to_src), self.url(from_src)) + anchor


@lru_cache(maxsize=1 << 16)
def _source_url(src: str, use_directory_urls: bool) -> str:
    return File(src, None, "", use_directory_urls).url


def _relative_url(url: str, other: str) -> str:
    """`mkdocs.utils.get_relative_url(url, other)` for the clean site URLs made here, in
    string work only: it is called for every link of every listing, and posixpath.relpath
    consults the working directory on each call."""
    base = _folder_parts(other)
    parts, trailing = _url_parts(url)
    common, most = 0, min(len(base), len(parts))
    while common < most and base[common] == parts[common]:
        common += 1
    rel = "/".join(("..",) * (len(base) - common) + parts[common:]) or "."
    return rel + "/" if trailing else rel


@lru_cache(maxsize=1 << 12)
def _folder_parts(url: str) -> tuple[str, ...]:
    """The folder a relative link from the page at `url` starts in, as segments."""
    if url in (".", "./"):
        return ()
    head, _, last = url.rpartition("/")
    folder = head if "." in last else url.rstrip("/")
    return tuple(folder.split("/")) if folder else ()


@lru_cache(maxsize=1 << 16)
def _url_parts(url: str) -> tuple[tuple[str, ...], bool]:
    target = url.rstrip("/")
    return (() if target in ("", ".") else tuple(target.split("/"))), url.endswith("/")
