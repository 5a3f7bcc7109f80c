"""A note's page as Markdown: Obsidian syntax turned into what MkDocs and Material render.

Wikilinks become relative links to the target's *source* file (MkDocs maps them to URLs and
checks them), embeds are expanded in place, callouts become admonitions, tasks get their
owner, due date and priority and an anchor, and a meeting gets its header and backlinks.
Everything taken from a note and written into HTML is escaped here.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import unique

from . import obsidian
from .archive import Links, Target
from .fragments import Fragments
from .model import Archive, Entity, Note, Problem, Task
from .urls import relative_link

MAX_EMBED_DEPTH = 10
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"}
PRIORITY_LABEL = {
    "highest": "🔺 highest",
    "high": "⏫ high",
    "medium": "🔼 medium",
    "low": "🔽 low",
    "lowest": "⏬ lowest",
}

Slugify = Callable[[str, str], str]


def escape_md(text: str) -> str:
    """Text from a note, safe inside Markdown link text or a table cell: shows as written."""
    text = html.escape(text, quote=False)
    # Braces too: attr_list reads `{ onclick=… }` after a heading or `==mark==` as attributes;
    # and `#`, which ends a heading (`# Issue #` would show as "Issue").
    return re.sub(r"([\\\[\]`*_|{}#])", r"\\\1", text)


def anchor(href: str, text: str, css: str = "") -> str:
    """A finished link: `text` is already escaped Markdown, `href` a relative URL."""
    cls = f' class="{css}"' if css else ""
    return f'<a href="{html.escape(href)}"{cls}>{text}</a>'


@dataclass
class Rendered:
    """A note's page rendered in another process, and what that left behind."""

    markdown: str
    stashed: list[str]
    needs_cleaning: bool
    problems: list[Problem]


@dataclass
class Renderer:
    """Renders notes of one build. `href` gives the relative URL from one page's source path to
    another's; `src_of_entity` the source path of an entity's page; `tag_link` the (source path,
    fragment) of a tag on the tags index."""

    archive: Archive
    links: Links
    href: Callable[[str, str, str], str]
    src_of_entity: Callable[[Entity], str]
    tag_link: Callable[[str], tuple[str, str]]
    heading_slugify: Slugify = default_slugify
    fragments: Fragments = field(default_factory=Fragments)
    needs_cleaning: set[str] = field(default_factory=set)
    """Pages whose text (or an embedded note's) could make Markdown emit script."""
    _stashed: dict[str, list[str]] = field(default_factory=dict)
    _prepared: dict[str, tuple[str, str]] = field(default_factory=dict)
    _tokens: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    """Per page: (note, wikilink as written) → its token on the page (kept until unstash)."""
    problems: list[Problem] = field(default_factory=list)
    _reported: set[tuple[str, ...]] = field(default_factory=set)
    _too_deep: set[str] = field(default_factory=set)
    """Notes on an embed chain already reported as deeper than MAX_EMBED_DEPTH."""
    _headings: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    _tasks: dict[str, dict[int, Task]] = field(default_factory=dict)
    embeds: int = 0

    def __post_init__(self) -> None:
        for task in self.archive.tasks:
            self._tasks.setdefault(task.meeting.path, {})[task.line] = task

    # -- pages ---------------------------------------------------------------------------

    def page(self, note: Note, *, skeleton: bool = False) -> str:
        """The Markdown of a note's own page: title, header, body, tasks, backlinks."""
        body = self.body(note, note.path, stack=(note.path,), own_page=True, skeleton=skeleton)
        lines = body.split("\n")
        start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
        first = obsidian.heading(lines[start]) if start < len(lines) else None
        if first and first[0] == 1:
            title_line, rest = lines[start], lines[start + 1 :]
        else:
            title_line, rest = f"# {escape_md(note.title)}", lines[start:]
        parts = [title_line, ""]
        header, mentioned = ("", "") if skeleton else self.prepare(note)
        if header:
            parts += [self.stash(note.path, header, block=True), ""]
        parts.append("\n".join(rest))
        return "\n".join(parts) + mentioned

    def prepare(self, note: Note) -> tuple[str, str]:
        """Register the fragments of a note's page: the meeting header (HTML placeholder) and
        the "Mentioned in" section (Markdown). The plugin prepares every page before any is
        rendered, so that the fragments can be made ahead, beside the rendering (offload.py)."""
        prepared = self._prepared.pop(note.path, None)
        if prepared is not None:
            return prepared
        header = ""
        if note.is_meeting:
            # Put in after search has indexed the page (fragments.py), as a block set aside
            # from Python-Markdown (see `stash`); search gets what the body does not say.
            header = self.fragments.placeholder(
                note.path, lambda: self.meeting_header(note), self.header_for_search(note)
            )
        # An entity's own note gets its "Mentioned in" from the entity's generated sections.
        mentioned = "" if note.path in self.links.entity_of_note else self.mentioned_in(note)
        return header, mentioned

    def render_ahead(self, notes: list[Note]) -> Iterator[tuple[str, Rendered]]:
        """Each note's page rendered, with what rendering it left for its page (see `adopt`):
        for another process, which renders pages ahead of the one that builds them. Notes
        that embed others are not given here: their warnings are shared between pages."""
        for note in notes:
            markdown = self.page(note)
            self._tokens.pop(note.path, None)
            yield (
                note.path,
                Rendered(
                    markdown,
                    self._stashed.pop(note.path, []),
                    note.path in self.needs_cleaning,
                    self.problems[:],
                ),
            )
            self.problems.clear()

    def adopt(self, path: str, rendered: Rendered) -> str:
        """A page rendered ahead, as if rendered here: its Markdown."""
        if rendered.stashed:
            self._stashed[path] = rendered.stashed
        if rendered.needs_cleaning:
            self.needs_cleaning.add(path)
        self.problems.extend(rendered.problems)
        return rendered.markdown

    def prepare_all(self) -> None:
        for note in self.archive.notes.values():
            self._prepared[note.path] = self.prepare(note)

    def meeting_header(self, note: Note) -> str:
        """Date, type, account, attendees and source, as one line of links (HTML: it is put
        into the page after rendering, see fragments.py)."""
        items = [f"<strong>Date:</strong> {note.date.isoformat() if note.date else ''}"]
        if note.type:
            items.append(f"<strong>Type:</strong> {html.escape(note.type)}")
        if note.accounts:
            items.append(
                "<strong>Account:</strong> "
                + ", ".join(self.name_link(n, note) for n in note.accounts)
            )
        if note.people:
            items.append(
                "<strong>Attendees:</strong> "
                + ", ".join(self.name_link(n, note) for n in note.people)
            )
        source = note.meta.get("source")
        if isinstance(source, (str, int, float)) and str(source).strip():
            items.append(f"<strong>Source:</strong> {html.escape(str(source))}")
        return '<p class="ma-meeting-header">' + " · ".join(items) + "</p>"

    def header_for_search(self, note: Note) -> str:
        """The header's date, account and attendees that the note's text does not give (a
        meeting must be found by its attendees' names; saying them twice grows the index)."""
        lines = note.body.split("\n")
        folded = [line.casefold() for line in lines]

        def shown(text: str) -> bool:
            # on a line of the text, and not only as a link's target shown under another name
            return any(
                text in line and text in obsidian.plain_text(lines[i]).casefold()
                for i, line in enumerate(folded)
            )

        wanted = [note.date.isoformat()] if note.date else []
        missing = [
            html.escape(text)
            for text in [*wanted, *note.accounts, *note.people]
            if not shown(text.casefold())
        ]
        return f'<p class="ma-indexed">{" · ".join(missing)}</p>' if missing else ""

    def name_link(self, name: str, note: Note) -> str:
        target = self.links.target(obsidian.Wikilink(name), note.path)
        return self.target_link(target, html.escape(name), note.path)

    def mentioned_in(self, note: Note) -> str:
        sources = [n for n in self.archive.backlinks.get(note.path, []) if n is not note]
        if not sources:
            return ""

        def listing() -> str:
            items = "".join(f"<li>{self.note_item(n, note.path)}</li>" for n in sources)
            return f'<ul class="ma-backlinks">{items}</ul>'

        return "\n\n## Mentioned in { #mentioned-in }\n" + self.fragments.add(note.path, listing)

    def note_item(self, note: Note, page_src: str) -> str:
        date = f"{note.date.isoformat()} · " if note.date else ""
        return f"{date}{anchor(self.href(page_src, note.path, ''), html.escape(note.title))}"

    def entity_href(self, entity: Entity, page_src: str) -> str:
        return self.href(page_src, self.src_of_entity(entity), "")

    # -- bodies --------------------------------------------------------------------------

    def body(
        self,
        note: Note,
        page_src: str,
        stack: tuple[str, ...],
        own_page: bool,
        skeleton: bool = False,
        text: str | None = None,
    ) -> str:
        """A note's text (or part of it) converted for the page `page_src`.

        Each prose run between code fences goes through a few whole-text substitutions:
        lone embeds (expanded, kept aside), task lines, block ids, then one pass for links,
        code spans and tags (obsidian.INLINE). Code is left as it is.
        """
        source = note.body if text is None else text
        if page_src not in self.needs_cleaning and may_carry_script(source):
            self.needs_cleaning.add(page_src)
        source = obsidian.convert_callouts(obsidian.strip_comments(source))
        tasks = self._tasks.get(note.path, {}) if own_page and text is None else {}
        return "\n".join(
            segment
            if in_code
            else self._prose(
                segment,
                note.body_line + first_line,
                note,
                page_src,
                stack,
                own_page,
                skeleton,
                tasks,
            )
            for in_code, first_line, segment in obsidian.segments(source)
        )

    def _prose(
        self,
        segment: str,
        line: int,
        note: Note,
        page_src: str,
        stack: tuple[str, ...],
        own_page: bool,
        skeleton: bool,
        tasks: dict[int, Task],
    ) -> str:
        kept: list[str] = []
        if "![[" in segment:
            segment = obsidian.LONE_EMBED.sub(
                lambda m: self._keep(
                    kept, self.lone_embed(m, note, page_src, stack, own_page, skeleton)
                ),
                segment,
            )
        if tasks:
            segment = self._task_lines(segment, line, tasks, page_src, skeleton)
        if "^" in segment:
            segment = obsidian.BLOCK_ID.sub(
                lambda m: (
                    " " + self._aside(page_src, block_anchor(m.group("id")), skeleton)
                    if own_page
                    else ""
                ),
                segment,
            )
        text = obsidian.INLINE.sub(
            lambda m: self.inline(m, segment, note, page_src, skeleton), segment
        )
        if kept:
            text = re.sub("\x00E(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
        return text

    @staticmethod
    def _keep(kept: list[str], text: str) -> str:
        """Set finished text aside from later passes; return its placeholder."""
        kept.append(text)
        return f"\x00E{len(kept) - 1}\x00"

    def _task_lines(
        self, segment: str, line: int, tasks: dict[int, Task], page_src: str, skeleton: bool
    ) -> str:
        lines = segment.split("\n")
        for index, text in enumerate(lines):
            task = tasks.get(line + index)
            if task is not None:
                lines[index] = self.task_line(text, task, page_src, skeleton)
        return "\n".join(lines)

    def _aside(self, page_src: str, finished_html: str, skeleton: bool) -> str:
        """Finished HTML stashed for the page; as it is when only the page's headings are
        wanted (a skeleton is never rendered, so it must not stash)."""
        return finished_html if skeleton else self.stash(page_src, finished_html)

    def lone_embed(
        self,
        match: re.Match[str],
        note: Note,
        page_src: str,
        stack: tuple[str, ...],
        own_page: bool,
        skeleton: bool,
    ) -> str:
        link = obsidian.parse_wikilink(match.group("inner"), embed=True)
        line = match.group("indent") + match.group()[len(match.group("indent")) :]
        block = match.group("block")
        anchor_html = (
            " " + self._aside(page_src, block_anchor(block), skeleton) if block and own_page else ""
        )
        return self.embed_block(link, line, note, page_src, stack, skeleton) + anchor_html

    def inline(
        self, match: re.Match[str], segment: str, note: Note, page_src: str, skeleton: bool
    ) -> str:
        """One match of obsidian.INLINE: a wikilink, a Markdown link, a tag or a code span.

        A wikilink's or tag's finished HTML is set aside (see `stash`) except in a heading,
        whose text the table of contents must see."""
        if match.group("link") is not None:
            stays_markdown = skeleton or obsidian.on_heading_line(segment, match.start())
            # The same link again on the page (transcripts repeat names) gets the same token.
            tokens = self._tokens.setdefault(page_src, {}) if not stays_markdown else {}
            key = (note.path, match.group())
            token = tokens.get(key)
            if token is not None:
                return token
            link = obsidian.parse_wikilink(match.group("inner"), embed=bool(match.group("bang")))
            if not link.target and not link.headings and not link.block:
                return match.group()
            if stays_markdown:
                return self.wikilink(link, note, page_src, skeleton)
            token = tokens[key] = self.stash(
                page_src, self.wikilink(link, note, page_src, skeleton, _html_text)
            )
            return token
        if match.group("md") is not None:
            return self.markdown_link(match, note, page_src, skeleton)
        if match.group("tag") is not None and not obsidian.on_heading_line(segment, match.start()):
            name = match.group("tagname")
            tag = name.rstrip("/-")
            return (
                self.stash(page_src, self.tag_markdown(tag, page_src, _html_text))
                + name[len(tag) :]
            )
        return match.group()

    def stash(self, page_src: str, finished_html: str, block: bool = False) -> str:
        """Keep finished HTML out of Python-Markdown's way: the page's Markdown gets a token of
        private-use characters (plain text to Markdown, and dropped by heading slugs), which
        `unstash` turns back into the HTML once the page is rendered. Raw HTML and links cost
        Python-Markdown more than the rest of a meeting page. A `block` token stands alone as
        a paragraph, and its HTML replaces the whole paragraph."""
        kept = self._stashed.setdefault(page_src, [])
        kept.append(finished_html)
        digits = "".join(chr(0xE010 + int(d)) for d in str(len(kept) - 1))
        return f"{_BLOCK if block else _INLINE}{digits}\ue001"

    def unstash(self, page_src: str, rendered: str) -> str:
        self._tokens.pop(page_src, None)
        kept = self._stashed.pop(page_src, None)
        if not kept:
            return rendered
        return _TOKEN.sub(
            lambda m: kept[int("".join(str(ord(c) - 0xE010) for c in m.group(1) or m.group(2)))],
            rendered,
        )

    def markdown_link(self, match: re.Match[str], note: Note, page_src: str, skeleton: bool) -> str:
        """An ordinary Markdown link, made relative to the page it is shown on (an embed moves
        it) and, where its path is wrong, found by name as Obsidian finds it."""
        local = obsidian.local_target(match.group("mdurl"))
        if local is None or not local[0]:
            return match.group()
        bang, text, title = (
            match.group("mdbang"),
            match.group("mdtext"),
            match.group("mdtitle") or "",
        )
        target = self.links.markdown_target(local[0], note.path)
        if target.kind in ("note", "attachment"):
            assert target.path is not None
            fragment = local[1]
            if fragment and target.kind == "note" and not skeleton and not fragment.startswith("^"):
                found = self._find_heading(
                    self.page_headings(self.archive.notes[target.path]), 0, fragment
                )
                fragment = found[2] if found else fragment
            return f"{bang}[{text}]({relative_link(page_src, target.path, fragment)}{title})"
        if target.kind == "withheld":
            return text
        return f'<span class="ma-unresolved" title="Not in the vault">{text}</span>'

    def wikilink(
        self,
        link: obsidian.Wikilink,
        note: Note,
        page_src: str,
        skeleton: bool,
        escape: Callable[[str], str] = escape_md,
    ) -> str:
        if not link.target:
            target = Target("note", note.path)
        else:
            target = self.links.target(link, note.path)
        if target.kind == "attachment" and link.embed:
            return self.attachment_embed(link, target, page_src, escape)
        fragment = ""
        if target.kind == "note" and not skeleton and (link.headings or link.block):
            assert target.path is not None
            fragment = self.fragment(self.archive.notes[target.path], link, note)
        return self.target_link(target, escape(link.display or link.target), page_src, fragment)

    def target_link(self, target: Target, text: str, page_src: str, fragment: str = "") -> str:
        if target.kind in ("note", "attachment"):
            assert target.path is not None
            return anchor(self.href(page_src, target.path, fragment), text)
        if target.kind == "entity" and target.entity is not None:
            return anchor(self.entity_href(target.entity, page_src), text)
        if target.kind == "withheld":
            return text
        return f'<span class="ma-unresolved" title="Not in the vault">{text}</span>'

    def attachment_embed(
        self,
        link: obsidian.Wikilink,
        target: Target,
        page_src: str,
        escape: Callable[[str], str] = escape_md,
    ) -> str:
        assert target.path is not None
        href = self.href(page_src, target.path, "")
        name = posixpath.basename(target.path)
        if posixpath.splitext(name)[1].lower() not in IMAGE_EXTENSIONS:
            return anchor(href, escape(link.alias or name), "ma-attachment")
        size = re.fullmatch(r"\s*(\d+)(?:x(\d+))?\s*", link.alias or "")
        attrs = ""
        if size:
            attrs = f' width="{size.group(1)}"' + (
                f' height="{size.group(2)}"' if size.group(2) else ""
            )
        alt = "" if size else (link.alias or posixpath.splitext(name)[0])
        return f'<img src="{html.escape(href)}" alt="{html.escape(alt)}"{attrs}>'

    def tag_markdown(
        self, tag: str, page_src: str, escape: Callable[[str], str] = escape_md
    ) -> str:
        src, fragment = self.tag_link(tag)
        return anchor(self.href(page_src, src, fragment), f"#{escape(tag)}", "ma-tag")

    def task_line(self, line: str, task: Task, page_src: str, skeleton: bool = False) -> str:
        """A task with its fields shown: owner (linked), due date, priority; and its anchor.
        The anchor and the fields are finished HTML, set aside from Python-Markdown."""
        match = re.match(r"^(\s*(?:>\s*)*(?:[-*+]|\d+[.)]) \[.\] ?)", line)
        prefix = match.group(1) if match else ""
        meta: list[str] = []
        if task.owner is not None:
            meta.append(anchor(self.entity_href(task.owner, page_src), _html_text(task.owner.name)))
        elif task.owner_name:
            meta.append(f"@{_html_text(task.owner_name)}")
        if task.due:
            meta.append(f"📅 {task.due.isoformat()}")
        if task.priority:
            meta.append(PRIORITY_LABEL[task.priority])
        if task.done and task.status == "done":
            meta.append(f"✅ {task.done.isoformat()}")
        if task.recurrence:
            meta.append(f"🔁 {_html_text(task.recurrence)}")
        text = task.text
        if task.status == "cancelled":
            text = f"~~{text}~~"
        shown = self._aside(
            page_src, f'<a id="{task.anchor}" class="ma-task-anchor"></a>', skeleton
        )
        shown += text
        if meta:
            shown += " " + self._aside(
                page_src, '<span class="ma-task-meta">' + " · ".join(meta) + "</span>", skeleton
            )
        return prefix + shown

    # -- embeds --------------------------------------------------------------------------

    def embed_block(
        self,
        link: obsidian.Wikilink,
        line: str,
        note: Note,
        page_src: str,
        stack: tuple[str, ...],
        skeleton: bool,
    ) -> str:
        indent = line[: len(line) - len(line.lstrip())]
        target = self.links.target(link, note.path) if link.target else Target("note", note.path)
        if target.kind != "note":
            return indent + self.wikilink(link, note, page_src, skeleton)
        assert target.path is not None
        embedded = self.archive.notes[target.path]
        # A note may embed other sections of itself: a cycle is the same section again.
        part = (
            target.path
            + "".join(f"#{h}" for h in link.headings)
            + (f"#^{link.block}" if link.block else "")
        )
        text_link = self.target_link(target, escape_md(embedded.title), page_src)
        if part in stack or len(stack) > MAX_EMBED_DEPTH:
            why = "cycle" if part in stack else f"more than {MAX_EMBED_DEPTH} levels"
            key = (
                "embed",
                why,
                *sorted(stack[stack.index(part) :] if part in stack else stack[:1]),
            )
            # Every page of a chain deeper than the limit is cut, but it is one chain: one
            # warning, at the first page that meets it.
            new_chain = part in stack or self._too_deep.isdisjoint(stack)
            if not skeleton and part not in stack:
                self._too_deep.update(stack)
            if new_chain and key not in self._reported and not skeleton:
                self._reported.add(key)
                chain = " → ".join([*stack, part])
                self.problems.append(Problem(note.path, f"embed stopped ({why}): {chain}"))
            return (
                f'{indent}<span class="ma-embed-stopped">Embed stopped ({why}): {text_link}</span>'
            )
        section = self.section_text(embedded, link)
        if section is None:
            return indent + self.wikilink(link, note, page_src, skeleton)
        if not skeleton:
            self.embeds += 1
        inner = self.body(
            embedded,
            page_src,
            (*stack, part),
            own_page=False,
            skeleton=skeleton,
            text=section,
        )
        block = [
            "",
            '<div class="ma-embed" markdown="1">',
            "",
            f"{text_link}{{ .ma-embed-source }}",
            "",
            inner,
            "",
            "</div>",
            "",
        ]
        return "\n".join(indent + b if b else "" for b in "\n".join(block).split("\n"))

    def section_text(self, note: Note, link: obsidian.Wikilink) -> str | None:
        """The whole body, the section under a heading path, or the block with an id."""
        lines = note.body.split("\n")
        if link.block:
            return _block_text(lines, link.block)
        if not link.headings:
            return note.body
        span = _section_span(lines, link.headings)
        return "\n".join(lines[span[0] : span[1]]) if span else None

    # -- headings ------------------------------------------------------------------------

    def fragment(self, target: Note, link: obsidian.Wikilink, source: Note) -> str:
        """The id that `#Heading` (or `#H1#H2`, or `#^block`) has on the target's built page."""
        if link.block:
            return "^" + link.block
        headings = self.page_headings(target)
        position = 0
        found: tuple[int, str, str] | None = None
        for wanted in link.headings:
            found = self._find_heading(headings, position, wanted)
            if found is None:
                break
            position = headings.index(found) + 1
        if found is None:
            report = ("heading", source.path, target.path, *link.headings)
            if report not in self._reported:
                self._reported.add(report)
                self.problems.append(
                    Problem(
                        source.path,
                        f"heading '{'#'.join(link.headings)}' "
                        f"is not in {target.path}: linked to the page",
                    )
                )
            return ""
        return found[2]

    def _find_heading(
        self, headings: list[tuple[int, str, str]], start: int, wanted: str
    ) -> tuple[int, str, str] | None:
        """The first heading from `start` whose text matches, as written or, as Obsidian
        forgives, up to punctuation (`#hasTag` finds `hasTag()`)."""
        text = obsidian.plain_text(wanted).casefold()
        for heading in headings[start:]:
            if heading[1].casefold() == text:
                return heading
        slug = self.heading_slugify(text, "-")
        for heading in headings[start:]:
            if self.heading_slugify(heading[1].casefold(), "-") == slug:
                return heading
        return None

    def page_headings(self, note: Note) -> list[tuple[int, str, str]]:
        """(level, text, id) of each heading on the note's page, ids made as the toc
        extension makes them (same slugify, same suffixes for repeats)."""
        cached = self._headings.get(note.path)
        if cached is None:
            cached = heading_ids(self.page(note, skeleton=True), self.heading_slugify)
            self._headings[note.path] = cached
        return cached


_INLINE, _BLOCK = "\ue000", "\ue002"
_TOKEN = re.compile("<p>\ue002([\ue010-\ue019]+)\ue001</p>|\ue000([\ue010-\ue019]+)\ue001")


def block_anchor(block: str) -> str:
    """The anchor a `^block-id` link lands on."""
    return f'<a id="^{block}" class="ma-block"></a>'


def _html_text(text: str) -> str:
    return html.escape(text, quote=False)


_SCRIPT_SCHEME = re.compile(r"(?i)(?:java|vb)\s*script\s*:|data\s*:")


def may_carry_script(text: str) -> bool:
    """Whether Markdown made from `text` could hold script: raw HTML or entities (`<`, `&`),
    attribute lists (`{ onclick=… }`), or a script URL scheme. Text without any of them
    renders to HTML that Python-Markdown wrote itself, so the sanitizer can skip the page."""
    return "<" in text or "&" in text or "{" in text or bool(_SCRIPT_SCHEME.search(text))


def heading_ids(markdown: str, slugify: Slugify = default_slugify) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    used: set[str] = set()
    for _, line, in_code in obsidian.iter_lines(markdown):
        if in_code:
            continue
        heading = obsidian.heading(line.lstrip())
        if heading is None or not heading[1]:
            continue
        text = obsidian.plain_text(heading[1])
        explicit = obsidian.explicit_id(heading[1])
        ident = explicit or unique(slugify(html.unescape(text), "-"), used)
        if explicit:
            used.add(explicit)
        found.append((heading[0], text, ident))
    return found


def _section_span(lines: list[str], path: tuple[str, ...]) -> tuple[int, int] | None:
    start, end, level = 0, len(lines), 0
    code = {i for i, _, c in obsidian.iter_lines("\n".join(lines)) if c}
    for wanted in path:
        key = obsidian.plain_text(wanted).casefold()
        for i in range(start, end):
            heading = None if i in code else obsidian.heading(lines[i])
            if heading and heading[0] > level and obsidian.plain_text(heading[1]).casefold() == key:
                start, level = i, heading[0]
                break
        else:
            return None
        end = next(
            (
                j
                for j in range(start + 1, end)
                if j not in code and (h := obsidian.heading(lines[j])) and h[0] <= level
            ),
            end,
        )
    return start, end


def _block_text(lines: list[str], block: str) -> str | None:
    for i, line in enumerate(lines):
        found = obsidian.block_id(line)
        if not found or found[1] != block:
            continue
        if not found[0].strip():  # an id on its own line names the block above it
            end = i
            while end > 0 and not lines[end - 1].strip():
                end -= 1
            start = end - 1
        else:
            end, start = i + 1, i
            lines = [*lines[:i], found[0], *lines[i + 1 :]]
            if re.match(r"^\s*(?:[-*+]|\d+[.)])\s", found[0]):
                return found[0].strip()
        while start > 0 and lines[start - 1].strip():
            start -= 1
        return "\n".join(lines[start:end])
    return None
