"""MkDocs glue: each event calls the pipeline read → model → resolve → render."""

from __future__ import annotations

import tempfile
from collections import Counter

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs_gen_files.editor import FilesEditor

from . import _current, deploy, extras, offload, pages, site, urls
from .archive import ArchiveBuild, build_archive
from .config import MeetingArchiveConfig
from .fragments import Fragments, map_between
from .model import Problem
from .render import Rendered, Renderer
from .sanitize import clean_html
from .vault import NoteCache, ReadOptions, Withheld, read_vault

log = get_plugin_logger(__name__)
RENDER_BATCH = 64
"""Pages rendered ahead are sent in batches of this many."""


class MeetingArchivePlugin(BasePlugin[MeetingArchiveConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, so the
        # cache of parsed notes survives and an edit re-reads only the edited note.
        self.cache = NoteCache()
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not hasattr(self, "cache"):
            self.cache = NoteCache()
            self.dirty = False
        self.build: ArchiveBuild | None = None
        self.renderer: Renderer | None = None
        self.writer: pages.PageWriter | None = None
        self.stats: Counter[str] = Counter()
        self.fragments = Fragments()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.side: offload.Background[dict[str, list[str]]] | None = None
        self.pages_ahead: offload.Background[None] | None = None
        self.ahead: offload.Ahead | None = None
        self.ahead_paths: set[str] = set()
        self.entity_sections: dict[str, str] = {}
        self._own_nav = self.config.generate_nav and not config.nav
        site.configure(config, self.config.generate_nav)
        return config

    # Before other plugins' on_files (priority 0), so that a mkdocs-gen-files script can use
    # the archive model through meeting_archive.current_archive().
    @event_priority(50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        found = site.vault_files(files, config.docs_dir)
        links_out = {site.symlink_out(config.docs_dir, f.src_uri) for f in found.outside}
        for link_out in sorted(links_out):
            self._report(Problem(link_out, "leads outside the vault (symlink): not published"))
        for file in found.outside:
            files.remove(file)
        read = read_vault(found.notes, self._read_options(), self.cache)
        for withheld in read.withheld:
            files.remove(files.get_file_from_path(withheld.path))  # type: ignore[arg-type]
        # A link to what a symlink brought in from outside (reported once above, not at every
        # link) or to an excluded note shows as text, as one to a private note does.
        read.withheld += [Withheld(f.src_uri, [f.src_uri], "outside") for f in found.outside]
        read.withheld += [Withheld(path, [path], "excluded") for path in found.excluded]
        self.build = build = build_archive(
            read, found.attachments, decisions_heading=self.config.decisions_heading
        )
        for problem in [*read.problems, *build.problems]:
            self._report(problem)
        for path in build.private_attachments:
            attachment = files.get_file_from_path(path)
            if attachment is not None:
                files.remove(attachment)
                self._report(
                    Problem(path, "used only by unpublished notes: not published", None, "info")
                )
        archive = build.archive
        _current.set(archive)
        site.add_syntax_extensions(config, (n.body for n in archive.notes.values()))
        self.mermaid = site.uses_mermaid(n.body for n in archive.notes.values())

        hrefs = urls.Hrefs(config.use_directory_urls)
        sources = site.GeneratedSources({f.src_uri.casefold() for f in files}, hrefs)
        if self._own_nav:
            config.nav = site.nav_entries("index.md", sources.of_index)
        for note in archive.notes.values():
            hrefs.page_of[note.path] = note.page_path
            note_file = files.get_file_from_path(note.path)
            if note_file is not None:
                site.set_page_path(note_file, note.page_path, config.use_directory_urls)
                # `--dirty` (mkdocs serve --dirty): a page whose note is older than its HTML is
                # not rendered again, which MkDocs decides only for a file without new text.
                if not self.dirty or note_file.is_modified():
                    site.set_note_text(note_file, note.body)
        tag_anchor = site.tag_anchor(config)
        self.renderer = Renderer(
            archive,
            build.links,
            hrefs,
            sources.of_entity,
            tag_link=lambda tag: (sources.of_index("tags"), tag_anchor(tag) if tag_anchor else ""),
            heading_slugify=site.heading_slugify(config),
            fragments=self.fragments,
        )
        # extras: activity charts, local graphs and feed links on the pages (extras.py)
        self.writer = writer = extras.PicturePageWriter(
            archive,
            hrefs,
            sources.of_entity,
            self.config.listing_limit,
            self.fragments,
            sources=sources,
            graph_max_nodes=self.config.graph_max_nodes,
        )
        dashboard = self.config.home_dashboard and "" not in {
            n.page_path for n in archive.notes.values()
        }
        generated = pages.generated_pages(self.writer, sources.of_index, sources.src, dashboard)
        generated.append(self.writer.graph_page())  # extras: the relationship graph
        self.stats.update(
            published=len(archive.notes),
            excluded=len(found.excluded),
            private=sum(w.reason == "private" for w in read.withheld),
            unreadable=sum(w.reason == "unreadable" for w in read.withheld),
            outside=len(links_out),
            repairs=read.repairs,
            generated=len(generated),
        )
        self.stats.update(build.stats)
        files = self._add_generated(files, config, generated)
        for asset in extras.graph_asset_files(config, files):
            files.append(asset)
        self._start_side_work(config, files, build, writer)
        return files

    def _start_side_work(
        self,
        config: MkDocsConfig,
        files: Files,
        build: ArchiveBuild,
        writer: extras.PicturePageWriter,
    ) -> None:
        """Fork the children that work beside MkDocs' rendering of the pages (offload.py)."""
        # Listings of the generated pages, feeds and graph data: no page's Markdown needs them.
        archive = build.archive
        assert self.renderer is not None
        taken = extras.taken_paths(files, extras.feed_paths(archive))
        site_name, site_url, site_dir = config.site_name, config.site_url or None, config.site_dir
        fragments = self.fragments

        # Every page's fragments are registered now, so that the side work makes them all;
        # not under --dirty, which renders few notes again (they register theirs then).
        if not self.dirty:
            self.renderer.prepare_all()
            self.entity_sections = {
                path: writer.entity_sections(entity, path)
                for path, entity in build.links.entity_of_note.items()
            }

        def side_work() -> dict[str, list[str]]:
            listings = fragments.make_all()
            feeds = writer.feed_files(site_name, site_url)
            offload.write_files({p: c for p, c in feeds.items() if p not in taken}, site_dir)
            return listings

        # The pages of notes that embed none are rendered ahead too, in the order MkDocs
        # asks for them (offload.Ahead); under --dirty, few pages are rendered at all.
        renderer = self.renderer
        ahead = [] if self.dirty else [n for n in archive.notes.values() if "![[" not in n.body]

        def render_ahead(send: offload.Send) -> None:
            batch: list[tuple[str, Rendered]] = []
            for item in renderer.render_ahead(ahead):
                batch.append(item)
                if len(batch) == RENDER_BATCH:
                    send(batch)
                    batch = []
            send(batch)

        # Two children: one renders pages as fast as this process takes them (a pipe holds
        # only so much), the other makes listings and feeds meanwhile.
        self.side = offload.Background(side_work)
        self.side.start()
        self.pages_ahead = offload.Background(lambda: None, stream=render_ahead)
        self.pages_ahead.start()
        if self.pages_ahead.forked:
            self.ahead = offload.Ahead(self.pages_ahead.messages())
            self.ahead_paths = {n.path for n in ahead}

    def _add_generated(
        self, files: Files, config: MkDocsConfig, generated: list[tuple[str, str]]
    ) -> Files:
        # Generated pages go through mkdocs-gen-files' editor, which gives each a real source
        # file in a temporary folder (plugins such as social cards expect one).
        self._tmp = tempfile.TemporaryDirectory(prefix="meeting_archive_")
        with FilesEditor(files, config, self._tmp.name) as editor:
            for src, text in generated:
                with editor.open(src, "w") as f:
                    f.write(text)
        files = editor.files
        for asset in site.asset_files(config, self.mermaid):
            files.append(asset)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.build is None or self.renderer is None or self.writer is None:
            return None
        note = self.build.archive.notes.get(page.file.src_uri)
        if note is None:
            return None
        rendered = self._rendered_ahead(note.path)
        text = self.renderer.adopt(note.path, rendered) if rendered else self.renderer.page(note)
        entity = self.build.links.entity_of_note.get(note.path)
        if entity is not None:
            sections = self.entity_sections.pop(note.path, None)
            if sections is None:
                sections = self.writer.entity_sections(entity, note.path)
            text += "\n" + sections
        page.meta = site.note_meta(note.title, note.tags, note.meta)
        for problem in self.renderer.problems:
            self._report(problem)
        self.renderer.problems.clear()
        return text

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.renderer is None:
            return None
        if page.file.src_uri in self.renderer.needs_cleaning:
            html = map_between(html, clean_html)
        # after sanitizing: what comes back is the plugin's own links
        return self.renderer.unstash(page.file.src_uri, html)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        self._finish_side_work()
        # After the search plugin has indexed the page: listings are not searched.
        if page.file.src_uri in self.fragments:
            output = self.fragments.fill(page.file.src_uri, output)
        if self.mermaid:
            output = site.with_mermaid(output, page.url)
        return output

    def _rendered_ahead(self, path: str) -> Rendered | None:
        if self.ahead is None or path not in self.ahead_paths:
            return None
        rendered: Rendered | None = self.ahead.take(path)
        return rendered

    def _finish_side_work(self) -> None:
        if self.pages_ahead is not None:
            self.pages_ahead.result()  # the child has sent every page: reap it
            self.pages_ahead = self.ahead = None
        if self.side is not None:
            self.fragments.provide(self.side.result())
            self.side = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._finish_side_work()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        if self.renderer is not None:
            self.stats["embeds"] = self.renderer.embeds
        s = self.stats
        log.info(
            f"{s['published']} notes published; left out: {s['private']} private, "
            f"{s['unreadable']} unreadable, {s['excluded']} excluded, "
            f"{s['outside']} symlinks out of the vault; "
            f"{s['links']} links: {s['resolved']} resolved, {s['unresolved']} unresolved, "
            f"{s['withheld']} to private notes; {s['embeds']} embeds; {s['repairs']} repairs; "
            f"{s['generated']} pages generated"
        )
        _current.set(None)
        deploy.write_netlify_headers(config.site_dir)

    def on_build_error(self, *, error: Exception) -> None:
        for job in (getattr(self, "side", None), getattr(self, "pages_ahead", None)):
            if job is not None:
                job.abandon()
        self.side = self.pages_ahead = self.ahead = None

    def on_shutdown(self) -> None:
        if getattr(self, "_tmp", None) is not None:
            self._tmp.cleanup()  # type: ignore[union-attr]

    def _read_options(self) -> ReadOptions:
        c = self.config
        return ReadOptions(
            tuple(c.people_fields),
            tuple(c.account_fields),
            c.date_field,
            tuple(c.private_tags),
            c.repair_mojibake,
        )

    def _report(self, problem: Problem) -> None:
        if problem.level == "info" or (
            not self.config.strict_unresolved and "not in the vault" in problem.message
        ):
            log.info(str(problem))
        else:
            log.warning(str(problem))
