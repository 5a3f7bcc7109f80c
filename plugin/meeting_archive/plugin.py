"""MkDocs glue: each event hands MkDocs' data to the pipeline (pipeline.py) and its pages back.

The plugin makes its pages itself (their HTML and table of contents are values, used again while
their inputs stay the same): MkDocs gets an empty Markdown text for each of them, then the
finished HTML. Pages the plugin does not make (the tags index, a gen-files page) MkDocs
renders as usual.
"""

from __future__ import annotations

import tempfile

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from . import _current, deploy, mkdocs_config, mkdocs_dirty, mkdocs_files, mkdocs_output
from .config import MeetingArchiveConfig
from .model import Problem
from .pipeline import Build, Pipeline, Settings
from .vault import ReadOptions, VaultRead

log = get_plugin_logger(__name__)


class MeetingArchivePlugin(BasePlugin[MeetingArchiveConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds: the pipeline
        # keeps the parsed notes, the link tables and the pages made, so that an edit makes
        # again only what it changed.
        self.dirty = dirty
        self.pipeline: Pipeline | None = None
        self.stubs = tempfile.TemporaryDirectory(prefix="meeting_archive_")
        self.written: set[str] = set()
        self.search = mkdocs_dirty.SearchEntries(keep=command == "serve")
        self.outputs = mkdocs_output.OutputCache(memory=command == "serve")

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not hasattr(self, "stubs"):
            self.on_startup(command="build", dirty=False)
        if self.pipeline is None:
            self.pipeline = Pipeline(mkdocs_config.cache_folder(config, self.config.cache_dir))
            self.outputs.disk = self.pipeline.disk
        self.build: Build | None = None
        self.note_of: dict[str, str] = {}
        self.rendered: set[str] = set()
        self.search.start()
        self.outputs.start()
        self.nav: Navigation | None = None
        self.logged = 0
        mkdocs_config.configure(config)
        return config

    # Before other plugins' on_files (priority 0), so that a mkdocs-gen-files script can use
    # the archive model through meeting_archive.current_archive().
    @event_priority(50)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.pipeline is not None
        listing = mkdocs_files.list_vault(files, config)
        read = self.pipeline.read(listing.files, self._read_options())
        self.build = build = self.pipeline.start(listing.files, read, self._settings(config, read))
        build.problems[:0] = listing.problems
        self._log()
        _current.set(build.model.archive)
        if self.config.generate_nav and not config.nav:
            config.nav = mkdocs_config.nav(build)
        # A note whose extension MkDocs does not know in its case (`.MD`) has a page file of
        # its own: the page's source is not the note's path.
        self.note_of = {
            f.src_uri: path for path, f in listing.note_file.items() if f.src_uri != path
        }
        stubs = mkdocs_files.Stubs(self.stubs.name)
        self.files = mkdocs_files.apply(files, config, listing, build, stubs, self.dirty)
        for asset in mkdocs_config.asset_files(config, self.files, self.mermaid):
            self.files.append(asset)
        return self.files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        rendered = self.build.page(self._src(page)) if self.build else None
        if rendered is None:
            return None
        page.meta = dict(rendered.meta)
        self._log()
        return ""

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        self.rendered.add(page.url)
        rendered = self.build.pages.get(self._src(page)) if self.build else None
        if rendered is None:
            return None
        page.toc = get_toc(list(rendered.toc))  # type: ignore[arg-type]
        page.present_anchor_ids = rendered.ids()
        return rendered.html

    # Before the tags plugin's on_env (priority 100), which makes the tags index.
    @event_priority(110)
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        build = self.build
        if build is None:
            return env
        if self.dirty:
            meta = {src: page.meta for src, page in build.pipeline.previous.items()}
            mkdocs_dirty.tag_unrendered(config, files, self.rendered, meta)
        self._plan_outputs(config, files, build)
        return mkdocs_output.add_template(env)

    # After the search plugin's (priority 0), which has indexed the page then.
    @event_priority(-50)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        used = self.outputs.output(self._src(page))
        self.search.after_page(config, page.url, used.search if used else None)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        src = self._src(page)
        used = self.outputs.output(src)
        if used is not None and self.build is not None:
            for problem in used.problems:
                self.build.report(problem)
            self._log()
            return used.html
        # After the search plugin has indexed the page: listings are not searched.
        if self.build is not None and src in self.build.pages:
            met: list[Problem] = []
            output = self.build.finish(src, output, met) or output
            self._log()
            if self.mermaid:
                output = mkdocs_config.with_mermaid(output, page.url)
            self.outputs.store(src, output, self.search.entries(page.url), met)
            return output
        return mkdocs_config.with_mermaid(output, page.url) if self.mermaid else output

    # After the search plugin's on_post_build (priority 0), which writes the index merged here.
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self.build
        if build is None:
            return
        assert self.pipeline is not None
        self.pipeline.write_files(build, config.site_dir)
        pages = [f.page.url for f in self.files.documentation_pages() if f.page is not None]
        self.search.write(config.site_dir, pages, self.dirty)
        self.outputs.finish(set(build.owned()))
        written = mkdocs_dirty.written(self.files, build.files_beside)
        if self.dirty:
            mkdocs_dirty.remove_stale(config.site_dir, self.written, written)
        self.written = written
        self.pipeline.keep(build)
        self._log()
        log.info(f"{build.summary()}; {len(self.outputs.used)} pages' HTML as before")
        _current.set(None)
        deploy.write_netlify_headers(config.site_dir)

    def on_build_error(self, *, error: Exception) -> None:
        _current.set(None)

    def on_shutdown(self) -> None:
        if hasattr(self, "stubs"):
            self.stubs.cleanup()

    # -- helpers ---------------------------------------------------------------------------------

    def _plan_outputs(self, config: MkDocsConfig, files: Files, build: Build) -> None:
        """Find the pages whose finished HTML is the one kept from an earlier build."""
        owned = set(build.owned())
        made: dict[str, tuple[Page, object]] = {}
        others = []
        for file in files.documentation_pages():
            src = self.note_of.get(file.src_uri, file.src_uri)
            if src not in owned:
                others.append(file.url)
            elif src in build.pages and isinstance(file.page, Page):
                made[src] = (file.page, (build.written_from(src), self.mermaid))
        self.outputs.plan(config, self.nav, others, made)

    def _src(self, page: Page) -> str:
        """The pipeline's name of a page: its note's vault path, or the generated page's."""
        return self.note_of.get(page.file.src_uri, page.file.src_uri)

    def _read_options(self) -> ReadOptions:
        c = self.config
        return ReadOptions(
            tuple(c.people_fields),
            tuple(c.account_fields),
            c.date_field,
            tuple(c.private_tags),
            c.repair_mojibake,
            c.decisions_heading,
        )

    def _settings(self, config: MkDocsConfig, read: VaultRead) -> Settings:
        c = self.config
        bodies = [n.body for n in read.notes]
        line_breaks = not mkdocs_config.strict_line_breaks(config.docs_dir)
        mkdocs_config.add_syntax_extensions(config, bodies, line_breaks)
        self.mermaid = mkdocs_config.uses_mermaid(bodies)
        anchor, tag_settings = mkdocs_config.tag_anchor(config)
        return Settings(
            read=self._read_options(),
            use_directory_urls=config.use_directory_urls,
            extensions=tuple(config.markdown_extensions),
            extension_configs=config.mdx_configs,
            listing_limit=c.listing_limit,
            graph_max_nodes=c.graph_max_nodes,
            hidden_tags=tuple(c.hidden_tags)
            + ((c.tasks_global_filter.lstrip("#"),) if c.tasks_global_filter else ()),
            tag_anchor=anchor,
            tags_settings=tag_settings,
            site_name=config.site_name,
            site_url=config.site_url or None,
        )

    def _log(self) -> None:
        """Report the problems the build met since the last call, each once."""
        if self.build is None:
            return
        problems = self.build.problems
        for problem in problems[self.logged :]:
            self._report(problem)
        self.logged = len(problems)

    def _report(self, problem: Problem) -> None:
        if problem.level == "info" or (
            not self.config.strict_unresolved and "not in the vault" in problem.message
        ):
            log.info(str(problem))
        else:
            log.warning(str(problem))
