"""MkDocs glue: the vault's files as MkDocs lists them, judged on their real paths, and the
files the plugin adds, removes and places.

- Every file is judged where it really is: a symlink inside the vault into a dot-folder or an
  `exclude_docs` folder publishes nothing, one out of the vault is neither read nor published.
- Only regular files are used: a named pipe or a device is reported and left out (MkDocs would
  block on it copying or reading).
- A Markdown file of any extension case (`.MD`) is a note, published as a page or withheld,
  never copied as it is.
- Generated pages are virtual files backed by small stubs kept between builds, so that under
  `mkdocs serve --dirty` a page whose value did not change is not rendered again.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass, field

import pathspec
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from .model import Problem
from .pipeline import Build, VaultFiles
from .urls import dest_uri, page_url
from .vault import is_note_path

_PAGE_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


@dataclass
class VaultListing:
    """What `list_vault` found: the pipeline's input, and what the glue must do with files."""

    files: VaultFiles = field(default_factory=VaultFiles)
    remove: list[File] = field(default_factory=list)
    """Files that must not reach the site (hidden, excluded, outside, not regular)."""
    note_file: dict[str, File] = field(default_factory=dict)
    """Vault path of a note → its MkDocs file (a `.MD` note gets a page file of its own)."""
    add: list[File] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def list_vault(files: Files, config: MkDocsConfig) -> VaultListing:
    found = VaultListing()
    root = os.path.realpath(config.docs_dir)
    docs = os.path.normpath(config.docs_dir)
    found.files.taken = {f.src_uri for f in files}
    outside_reported: set[str] = set()
    for file in list(files):
        if (
            file.src_dir is None
            or os.path.normpath(file.src_dir) != docs
            or file.abs_src_path is None
        ):
            continue  # theme files and generated files are not part of the vault
        path = file.src_uri
        note = is_note_path(path)
        if file.inclusion.is_excluded():
            if note:
                found.files.withheld[path] = _why_left_out(path, file)
            continue
        real = os.path.realpath(file.abs_src_path)
        if real != root and not real.startswith(root + os.sep):
            found.remove.append(file)
            found.files.withheld[path] = "outside"
            link = _symlink_out(config.docs_dir, path)
            if link not in outside_reported:
                outside_reported.add(link)
                found.problems.append(
                    Problem(link, "leads outside the vault (symlink): not published")
                )
            continue
        real_rel = os.path.relpath(real, root).replace(os.sep, "/")
        if real_rel != path and _left_out(real_rel, config):
            found.remove.append(file)
            if note:
                found.files.withheld[path] = "hidden" if _hidden(real_rel) else "excluded"
            continue
        try:
            mode = os.stat(file.abs_src_path).st_mode
        except OSError:
            mode = 0
        if not stat.S_ISREG(mode):
            found.remove.append(file)
            found.files.withheld[path] = "not-regular"
            found.problems.append(Problem(path, "not a regular file: left out"))
            continue
        if path.lower().endswith(".base"):
            # an Obsidian Bases file is a page (its views run), never the raw YAML
            found.files.bases[path] = file.abs_src_path
            found.files.attachments.append(path)
            found.remove.append(file)
            continue
        if note:
            found.files.notes.append((path, file.abs_src_path))
            if file.is_documentation_page():
                found.note_file[path] = file
            else:
                page = _page_file(file, config, found.files.taken)
                found.remove.append(file)
                found.add.append(page)
                found.note_file[path] = page
        else:
            found.files.attachments.append(path)
    return found


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def _why_left_out(path: str, file: File) -> str:
    """hidden (a dot-folder or dot-file: Obsidian's settings, its trash), draft (`draft_docs`)
    or excluded (`exclude_docs`)."""
    if _hidden(path):
        return "hidden"
    return "draft" if file.inclusion == InclusionLevel.DRAFT else "excluded"


_ALWAYS_EXCLUDED = pathspec.gitignore.GitIgnoreSpec.from_lines([".*", "/templates/"])
"""What MkDocs leaves out of every site (mkdocs.structure.files._default_exclude)."""


def _left_out(real_rel: str, config: MkDocsConfig) -> bool:
    """Whether MkDocs would leave the file out had it been found at its real path: a dot-folder
    or dot-file, `exclude_docs`, or `draft_docs`."""
    for spec in (_ALWAYS_EXCLUDED, config.exclude_docs, config.draft_docs):
        if spec is not None and spec.match_file(real_rel):
            return True
    return False


def _page_file(file: File, config: MkDocsConfig, taken: set[str]) -> File:
    """A page file for a note whose extension MkDocs does not know in that case (`Note.MD`)."""
    base, ext = posixpath.splitext(file.src_uri)
    src = base + ext.lower()
    while src in taken or not src.endswith(_PAGE_EXTENSIONS):
        src += ".md"
    taken.add(src)
    assert file.abs_src_path is not None
    return File.generated(config, src, abs_src_path=file.abs_src_path)


def _symlink_out(docs_dir: str, src_uri: str) -> str:
    """The part of `src_uri` that is the symlink leaving the vault (`Linked/` for every file
    under a linked folder), so that one link out is one problem, however many files it holds."""
    root = os.path.realpath(docs_dir)
    parts = src_uri.split("/")
    for n in range(1, len(parts)):
        real = os.path.realpath(os.path.join(docs_dir, *parts[:n]))
        if real != root and not real.startswith(root + os.sep):
            return "/".join(parts[:n]) + "/"
    return src_uri


def place(file: File, page_path: str, index: bool, use_directory_urls: bool) -> None:
    """Publish a file's page at `page_path`, keeping its source where it is."""
    file.dest_uri = dest_uri(page_path, use_directory_urls, index)
    file.url = _quote(page_url(page_path, use_directory_urls, index))
    file.abs_dest_path = os.path.normpath(os.path.join(file.dest_dir, file.dest_uri))


def _quote(url: str) -> str:
    from urllib.parse import quote

    return quote(url, safe="/")


def set_text(file: File, text: str) -> None:
    """Give MkDocs the page's text (the plugin makes the page itself): MkDocs then never reads
    the note (which may be Windows-1252), and sees the page as changed (`--dirty`). The real
    file stays the page's source for other plugins (revision dates, edit links)."""
    abs_src_path = file.abs_src_path
    file.content_string = text
    file.abs_src_path = abs_src_path


class Stubs:
    """The files behind generated pages, in a folder of the plugin's (never the vault): a stub
    is written again only when its page must be rendered again, so that its age tells MkDocs
    under `--dirty` whether to render it."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def file(self, config: MkDocsConfig, src: str, changed: bool) -> File:
        path = os.path.join(self.folder, *src.split("/"))
        if changed or not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write("")
            stat_now = os.stat(path)
            os.utime(path, ns=(stat_now.st_atime_ns, stat_now.st_mtime_ns + 1))
        return File.generated(config, src, abs_src_path=path)


def apply(
    files: Files,
    config: MkDocsConfig,
    listing: VaultListing,
    build: Build,
    stubs: Stubs,
    dirty: bool,
) -> Files:
    """Remove what must not be published, place every page, add the generated ones."""
    for file in listing.remove:
        if files.get_file_from_path(file.src_uri) is file:
            files.remove(file)
    for file in listing.add:
        files.append(file)
    for withheld in build.read.withheld:
        note_file = listing.note_file.get(withheld.path)
        if note_file is not None and files.get_file_from_path(note_file.src_uri) is note_file:
            files.remove(note_file)
    for path in build.model.private_attachments:
        attachment = files.get_file_from_path(path)
        if attachment is not None:
            files.remove(attachment)
    stale = build.stale() if dirty else set()
    index_pages = build.model.pages.index_pages
    for note in build.model.archive.notes.values():
        page_file = listing.note_file.get(note.path)
        if page_file is None:
            continue
        place(page_file, note.page_path, note.page_path in index_pages, config.use_directory_urls)
        if not dirty or note.path in stale:
            set_text(page_file, "")
    for page in build.site.pages:
        if files.get_file_from_path(page.src) is not None:
            continue
        if page.markdown is not None:
            file = File.generated(config, page.src, content=page.markdown)
        else:
            file = stubs.file(config, page.src, not dirty or page.src in stale)
        place(file, page.page_path, page.index, config.use_directory_urls)
        files.append(file)
    return files
