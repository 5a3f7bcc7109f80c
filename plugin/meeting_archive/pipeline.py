"""One build, from the vault's files to page values, and what builds keep for the next.

`Pipeline` lives as long as the plugin instance (`mkdocs serve` keeps it across rebuilds): it
holds the parsed notes, the resolver and link tables, and the pages made so far (in memory,
and on disk in the render cache). `Pipeline.start` runs read → model → resolve and says what
pages there are; `Build.page` gives a page's value, made now or taken from an earlier build when
every fact it was made from is unchanged. Nothing here imports MkDocs: the glue (plugin.py)
hands in the files and the settings, and takes pages out.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import feeds
from .archive import ArchiveBuild, ModelCache, build_archive
from .facts import Facts, Reads, digest
from .generated import GeneratedPage, SitePages, Sources, folder_sources, site_pages
from .markdown_html import MarkdownEngine
from .model import Entity, Problem
from .note_page import NotePageOptions, NotePages
from .query_blocks import Queries
from .render_cache import SITE_WIDE, RenderCache, code_version
from .rendered import PageDraft, RenderedPage, complete, finish
from .sanitize import clean_html
from .site_files import Kept, site_files
from .urls import SiteUrls
from .vault import NoteCache, ReadOptions, VaultRead, is_note_path, read_bytes, read_vault
from .views import Views

KEPT_KIND = "site-files"
"""The render cache's name for what the files beside the pages keep (`Kept`)."""


@dataclass(frozen=True)
class Settings:
    """Everything a build's pages depend on besides the vault."""

    read: ReadOptions = field(default_factory=ReadOptions)
    use_directory_urls: bool = True
    extensions: tuple[Any, ...] = ("toc", "tables", "attr_list", "admonition", "md_in_html")
    extension_configs: dict[str, Any] = field(default_factory=dict)
    listing_limit: int = 20
    graph_max_nodes: int = 2000
    hidden_tags: tuple[str, ...] = ("task",)
    tag_anchor: Callable[[str], str] | None = None
    tags_settings: str = ""
    """What decides the tags plugin's anchors (they go into every tag link)."""
    site_name: str = "Meeting archive"
    site_url: str | None = None
    today: dt.date | None = None

    def fingerprint(self) -> str:
        engine = MarkdownEngine(list(self.extensions), self.extension_configs)
        return digest(
            (
                code_version(),
                engine.fingerprint,
                self.read,
                self.use_directory_urls,
                self.listing_limit,
                self.graph_max_nodes,
                self.hidden_tags,
                self.tags_settings,
            )
        )


@dataclass
class VaultFiles:
    """The vault as the glue found it: notes and attachments to use, and notes left out for
    reasons only the glue knows (excluded, hidden, reached through a symlink out of the vault)."""

    notes: list[tuple[str, str]] = field(default_factory=list)
    """(vault path, absolute path) of each Markdown note."""
    attachments: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    """Vault path of each Obsidian Bases file (`.base`) → its absolute path."""
    taken: set[str] = field(default_factory=set)
    """Every source path MkDocs knows (generated pages must not take one)."""


class Pipeline:
    """What builds keep for the next (see the module docstring)."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.disk = RenderCache(cache_dir) if cache_dir else None
        self.notes = NoteCache(self.disk)
        self.model = ModelCache()
        self.previous: dict[str, RenderedPage] = {}
        self.kept = Kept()
        self.written: dict[str, bytes] = {}
        """The files beside the pages as last written."""

    def read(self, files: VaultFiles, options: ReadOptions) -> VaultRead:
        """Read the vault's notes (only what changed since the last build is parsed again)."""
        return read_vault(files.notes, options, self.notes)

    def start(self, files: VaultFiles, read: VaultRead, settings: Settings) -> Build:
        return Build(self, files, read, settings)

    def write_files(self, build: Build, site_dir: str) -> None:
        """Write the files beside the pages (feeds, calendars, data, redirects); a file whose
        content did not change is left as it is."""
        disk = self.disk
        if disk is not None and not self.kept.events and not self.kept.layout:
            stored = disk.get_extra(KEPT_KIND, SITE_WIDE)
            if stored is not None:
                self.kept = Kept.from_json(stored)
        before = (set(self.kept.events), tuple(self.kept.layout))
        made = site_files(
            build.model,
            build.urls,
            build.views,
            build.entity_src,
            site_name=build.settings.site_name,
            site_url=build.settings.site_url,
            graph_max_nodes=build.settings.graph_max_nodes,
            kept=self.kept,
        )
        if disk is not None and before != (set(self.kept.events), tuple(self.kept.layout)):
            disk.store_extras({(KEPT_KIND, SITE_WIDE): self.kept.to_json()})
        for path, content in made.items():
            if path in build.taken:
                build.report(
                    Problem(
                        path, "a vault file has the path of a generated file; the vault's is kept"
                    )
                )
                continue
            target = os.path.normpath(os.path.join(site_dir, *path.split("/")))
            build.files_beside.add(target)
            if self.written.get(target) == content and os.path.exists(target):
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(content)
            self.written[target] = content

    def keep(self, build: Build) -> None:
        """After a build: its pages are what the next one may reuse (a page it did not ask for,
        under `--dirty`, is as the build before left it)."""
        owned = build.owned()
        self.previous = {
            src: build.pages.get(src) or self.previous[src]
            for src in owned
            if src in build.pages or src in self.previous
        }
        if self.disk is not None:
            self.disk.store(build.made)
            self.disk.forget_except(set(self.previous))


class Build:
    """One build's model, URLs and pages."""

    def __init__(
        self, pipeline: Pipeline, files: VaultFiles, read: VaultRead, settings: Settings
    ) -> None:
        self.pipeline = pipeline
        self.settings = settings
        self.read = read
        self.model: ArchiveBuild = build_archive(
            self.read,
            files.attachments,
            withheld=files.withheld,
            use_directory_urls=settings.use_directory_urls,
            today=settings.today,
            cache=pipeline.model,
            bases=sorted(files.bases),
        )
        archive = self.model.archive
        self.urls = SiteUrls(settings.use_directory_urls)
        for note in archive.notes.values():
            self.urls.add_page(
                note.path, note.page_path, note.page_path in self.model.pages.index_pages
            )
        for base, page in self.model.pages.of_base.items():
            self.urls.add_page(base, page)
        self.queries = Queries(self.model, archive.build_date, _read_bases(files.bases))
        self.sources = Sources(files.taken | set(archive.notes), self.urls)
        self.views = Views(self.model, self.entity_src, folder_sources(self.model, self.sources))
        self.site: SitePages = site_pages(
            self.model,
            self.views,
            self.sources,
            self.entity_src,
            listing_limit=settings.listing_limit,
            graph_max_nodes=settings.graph_max_nodes,
            has_tags=any(self._shown_tags(n.tags) for n in archive.notes.values()),
        )
        self.generated = {page.src: page for page in self.site.pages}
        self.facts = Facts(
            self.model, self.urls, settings.fingerprint(), self.entity_src, self.site.views
        )
        self.facts.queries = self.queries
        self.engine = MarkdownEngine(list(settings.extensions), settings.extension_configs)
        tags_src = self.site.src_of_section["tags"]
        anchor = settings.tag_anchor
        home_src = self.model.pages.home or self.site.dashboard_src
        self.notes = NotePages(
            self.facts,
            self.engine,
            clean_html,
            NotePageOptions(
                tag_link=lambda tag: (tags_src, anchor(tag) if anchor else ""),
                tags_src=tags_src,
                home_src=home_src,
                hidden_tags=settings.hidden_tags,
            ),
            self.entity_calendar,
        )
        self.pages: dict[str, RenderedPage] = {}
        self.made: dict[str, RenderedPage] = {}
        """Pages made in this build (not taken from an earlier one)."""
        self.problems: list[Problem] = [*self.read.problems, *self.model.problems]
        self.problems += [
            Problem(path, "used only by unpublished notes: not published", None, "info")
            for path in self.model.private_attachments
        ]
        self.reported: set[str] = set()
        self.stats: Counter[str] = Counter(self.model.stats)
        self.files_beside: set[str] = set()
        self.withheld = files.withheld
        self.taken = files.taken

    # -- where things are ----------------------------------------------------------------------

    def _shown_tags(self, tags: list[str]) -> list[str]:
        hidden = {t.casefold() for t in self.settings.hidden_tags}
        return [t for t in tags if t.casefold() not in hidden]

    def entity_src(self, entity: Entity) -> str:
        if entity.note is not None:
            return entity.note.path
        return self.sources.src(entity.page_path)

    def entity_calendar(self, entity: Entity) -> str | None:
        return feeds.person_calendar_path(entity) if entity.kind == "person" else None

    def owned(self) -> list[str]:
        """Every page source this build makes: the notes', then the generated ones."""
        return [*self.model.archive.notes, *(p.src for p in self.site.pages if p.markdown is None)]

    # -- pages ---------------------------------------------------------------------------------

    def previous(self, src: str) -> RenderedPage | None:
        """The page an earlier build made for `src`, if every fact it read is unchanged."""
        page = self.pipeline.previous.get(src)
        if page is None and self.pipeline.disk is not None:
            page = self.pipeline.disk.get(src)
        if page is not None and self.facts.valid(page.inputs):
            return page
        return None

    def stale(self) -> set[str]:
        """The pages that must be made again (everything an earlier build did not leave as
        it would be now)."""
        return {src for src in self.owned() if self.previous(src) is None}

    def page(self, src: str) -> RenderedPage | None:
        """The page of `src` (a note's path or a generated page's source), or None when the
        plugin does not make it."""
        known = self.pages.get(src)
        if known is not None:
            return known
        page = self.previous(src)
        if page is None:
            if src in self.model.archive.notes:
                page = self.notes.render(src)
            elif src in self.generated and self.generated[src].markdown is None:
                page = self._generated(self.generated[src])
            else:
                return None
            self.made[src] = page
        self.pages[src] = page
        for problem in page.problems:
            self.report(problem)
        return page

    def _generated(self, spec: GeneratedPage) -> RenderedPage:
        reads = Reads(self.facts, spec.src)
        meta: dict[str, Any] = {"title": _escape(spec.title)}
        if not spec.search:
            meta["search"] = {"exclude": True}
        meta.update(spec.meta)
        draft = PageDraft(reads, spec.title, meta=meta)
        spec.make(draft, reads.view(spec.view))
        return complete(draft, spec.src, self.engine, clean_html)

    def finish(self, src: str, output: str, met: list[Problem] | None = None) -> str | None:
        """The page's final HTML (`output` is it as the theme wrote it), once every page's
        headings are known: listings in, heading links resolved (what that meets is reported,
        and added to `met`)."""
        page = self.pages.get(src)
        if page is None:
            return None

        def report(problem: Problem) -> None:
            if met is not None:
                met.append(problem)
            self.report(problem)

        return finish(page, output, self._toc_of, report)

    def written_from(self, src: str) -> object:
        """What the page's final HTML is made from, besides the theme: its value's inputs and
        the headings of the pages its heading links land on."""
        page = self.pages[src]
        return (page.inputs, [self._toc_of(late.target) for late in page.late])

    def _toc_of(self, src: str) -> tuple[Any, ...] | None:
        page = self.page(src)
        return page.toc if page is not None else None

    def summary(self) -> str:
        """One line for the end of the build."""
        s, read = self.stats, self.read
        reasons = Counter(w.reason for w in read.withheld)
        reasons.update(self.withheld.values())
        reasons["excluded"] += reasons["hidden"] + reasons["draft"]
        # one symlink out of the vault may bring many files: count the links, as reported
        reasons["outside"] = sum("leads outside the vault" in p.message for p in self.problems)
        return (
            f"{len(self.model.archive.notes)} notes published; left out: {reasons['private']} "
            f"private, {reasons['unreadable']} unreadable, {reasons['excluded']} excluded, "
            f"{reasons['outside']} symlinks out of the vault, {reasons['not-regular']} not "
            f"regular files; {s['links']} links: {s['resolved']} resolved, {s['unresolved']} "
            f"unresolved, {s['withheld']} to unpublished notes; {s['embeds']} embeds; "
            f"{read.repairs} repairs; {len(self.made)} pages made, "
            f"{len(self.pages) - len(self.made)} reused"
        )

    def report(self, problem: Problem) -> None:
        key = str(problem)
        if key not in self.reported:
            self.reported.add(key)
            self.problems.append(problem)


def _read_bases(files: dict[str, str]) -> dict[str, str]:
    """The text of each Bases file (a regular file, read without blocking; what cannot be
    read is no base)."""
    texts = {}
    for path, absolute in files.items():
        try:
            raw, _ = read_bytes(absolute)
        except OSError:
            continue
        texts[path] = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return texts


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def build_site(
    vault_dir: str,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> tuple[Build, dict[str, str]]:
    """Build a vault folder without MkDocs: every page the plugin makes, as its article HTML
    (listings in, heading links resolved). For tests and benchmarks, which call the pipeline
    as the plugin does."""
    settings = settings or Settings()
    pipeline = pipeline or Pipeline()
    files = VaultFiles()
    for folder, dirs, names in os.walk(vault_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            absolute = os.path.join(folder, name)
            path = os.path.relpath(absolute, vault_dir).replace(os.sep, "/")
            files.taken.add(path)
            if is_note_path(path):
                files.notes.append((path, absolute))
            else:
                files.attachments.append(path)
    build = pipeline.start(files, pipeline.read(files, settings.read), settings)
    out = {}
    for src in build.owned():
        page = build.page(src)
        if page is not None:
            out[src] = build.finish(src, page.html) or ""
    return build, out
