"""Every conversion between the path kinds the plugin handles, in one place.

- a *vault path* is a file's '/'-separated path inside the vault (MkDocs calls it `src_uri`);
- a *note key* is a name folded for matching, as Obsidian matches: case-insensitive, NFC;
- a *page path* is where a page lives on the site, without extension (`meetings/2025-10-06-x`);
  an *index* page path (the home page, a section's or a folder's page) is a folder's page;
- a *dest uri* is the HTML file written for a page path, which depends on `use_directory_urls`;
- a *URL* is a page's address relative to the site root (`people/jai-menon/`), and an *href*
  a URL relative to the page that links to it (percent-encoded).

Slugs keep the letters of every script (`快速入门`), and write in ASCII the letters that have
an ASCII spelling (`Réunion` → `reunion`); page slugs and heading ids fold text the same way.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

MAX_SLUG = 100
"""Longest slug (characters): far below the 255-byte limit on a file name."""
# What RFC 3986 allows unescaped in a fragment: Material's tag anchors (`tag:x/y`) and block
# ids (`^id`) must reach the page as written.
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=^~"
# Latin letters that Unicode does not decompose but that have a usual ASCII spelling.
_LATIN = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
        "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
        "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "NG",
    }
)  # fmt: skip


def note_key(name: str) -> str:
    """Fold a name or path for matching: NFC, case-insensitive, '\\' as '/'."""
    return unicodedata.normalize("NFC", name).replace("\\", "/").strip().casefold()


@lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """Letters with an ASCII spelling in ASCII (`é` → `e`, `ß` → `ss`); every other character
    as it is (NFC). ASCII text is returned unchanged."""
    if text.isascii():
        return text
    out: list[str] = []
    previous_ascii = False
    for char in unicodedata.normalize("NFC", text).translate(_LATIN):
        if char.isascii():
            out.append(char)
            previous_ascii = True
            continue
        if unicodedata.category(char).startswith("M"):
            # an accent left over on a Latin letter goes; a vowel sign of Devanagari stays
            if not previous_ascii:
                out.append(char)
            continue
        spelled = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        if spelled:
            out.append(spelled)
            previous_ascii = True
        else:
            out.append(unicodedata.normalize("NFKC", char))
            previous_ascii = False
    return "".join(out)


def _is_slug_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char)[0] in "LNM"


@lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """A page slug: letters and digits (of any script) joined by '-'.

    `Road Map` → `road-map`, `José Núñez` → `jose-nunez`, `快速入门` → `快速入门`. A name with no
    letter or digit at all (`📅`, `--`) gets a short stable hash so that it still has a distinct,
    shareable URL.
    """
    folded = fold(text).lower()
    slug = "".join(c if _is_slug_char(c) else "-" for c in folded)
    slug = re.sub("-{2,}", "-", slug).strip("-")
    if len(slug) > MAX_SLUG:
        # A file name has at most 255 bytes: a long title or link name is cut at a word.
        cut = slug[: MAX_SLUG + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:MAX_SLUG]
    if slug:
        return slug
    digest = hashlib.sha1(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
    return "n-" + digest[:8]


def _is_heading_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in "_- \t\n\r\f\v"
    return unicodedata.category(char)[0] in "LNM" or char.isspace()


def heading_slug(value: str, separator: str = "-") -> str:
    """A heading id, made as Python-Markdown's toc extension makes it (so ASCII headings keep
    their ids), except that letters of scripts with no ASCII spelling are kept: `快速入门` →
    `快速入门`, where toc's default gives an empty id (`_1`). Set as toc's `slugify`."""
    folded = "".join(c for c in fold(value) if _is_heading_char(c)).strip().lower()
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, folded)


def vault_page_path(vault_path: str) -> str:
    """Page path of an ordinary note: its vault path, slugified segment by segment.

    `Projects/Road Map.md` → `projects/road-map`; `Folder/index.md` and `Folder/README.md` →
    `folder` (the folder's page).
    """
    parts = vault_path.split("/")
    stem = posixpath.splitext(parts[-1])[0]
    folders = [slugify(p) for p in parts[:-1]]
    if is_index_name(parts[-1]):
        return "/".join(folders)
    return "/".join([*folders, slugify(stem)])


def folder_page_path(folder: str) -> str:
    """Page path of a vault folder's page (`Projects/Beta` → `projects/beta`)."""
    return "/".join(slugify(p) for p in folder.split("/")) if folder else ""


def is_index_name(file_name: str) -> bool:
    """`index.md` and `README.md` are their folder's page, as MkDocs has it."""
    stem = posixpath.splitext(file_name)[0]
    return stem in ("index", "README")


def dest_uri(page_path: str, use_directory_urls: bool, index: bool = False) -> str:
    """The HTML file written for a page path ('' is the home page). An index page (a section's
    or a folder's) is its folder's `index.html` under either URL style."""
    if not page_path:
        return "index.html"
    if use_directory_urls or index:
        return page_path + "/index.html"
    return page_path + ".html"


def page_url(page_path: str, use_directory_urls: bool, index: bool = False) -> str:
    """The URL (relative to the site root) of a page path, as MkDocs writes it."""
    if use_directory_urls:
        return page_path + "/" if page_path else "./"
    return dest_uri(page_path, use_directory_urls, index)


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


def quote_fragment(fragment: str) -> str:
    return quote(fragment, safe=_FRAGMENT_SAFE)


@dataclass
class SiteUrls:
    """URLs of every page and file of the site, by source: a note's vault path, a generated
    page's source name, an attachment's vault path (published where it is). `href` gives the
    relative link from one source's page to another's."""

    use_directory_urls: bool
    url_of: dict[str, str] = field(default_factory=dict)
    """Source → URL relative to the site root, for pages. Other sources are files."""

    def add_page(self, src: str, page_path: str, index: bool = False) -> str:
        url = self.url_of[src] = page_url(page_path, self.use_directory_urls, index)
        return url

    def url(self, src: str) -> str:
        """The URL of a page, or of a file (published at its vault path), not yet encoded."""
        return self.url_of.get(src, src)

    def href(self, from_src: str, to_src: str, fragment: str = "") -> str:
        anchor = f"#{quote_fragment(fragment)}" if fragment else ""
        if to_src == from_src and anchor:
            return anchor
        return _quoted(relative_url(self.url(to_src), self.url(from_src))) + anchor


@lru_cache(maxsize=1 << 16)
def _quoted(path: str) -> str:
    return quote(path, safe="/")


def relative_url(url: str, other: str) -> str:
    """`mkdocs.utils.get_relative_url(url, other)` for the clean site URLs made here, in string
    work only: it is called for every link of every listing."""
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
