"""A note's page: Obsidian syntax turned into what Python-Markdown and Material render.

Wikilinks, Markdown links and tags become finished links (their targets come from the link
table, resolved once per build), embeds are expanded in place (bounded in depth and in total
size), callouts become admonitions, every task shows its status box (a meeting's action items
also their owner, due date and priority, and an anchor), and a meeting gets its header. Then
what the archive adds: breadcrumbs, an entity's sections, a folder's listing, "Mentioned in".

Everything the note contains is escaped or sanitized; the plugin's own HTML is kept aside
behind tokens the note cannot forge (stash.py).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import listings, obsidian, queries, query_blocks, sections, tasks
from .archive import Target
from .facts import Facts, Reads
from .markdown_html import MarkdownEngine
from .markup import anchor, esc, escape_md
from .model import Entity, Note, Problem, Task
from .properties import Properties, scalar
from .rendered import PageDraft, RenderedPage, complete
from .urls import note_key
from .views import NoteRow

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif"}
MAX_EMBED_DEPTH = 10
EMBED_BUDGET = 200_000
"""Characters of embedded text a page may hold: past it, embeds stop with a marker."""
EMBED_FRAME = 300
"""What an embed adds to a page besides its text (its frame and source link), counted too."""
_TASK_PREFIX = re.compile(r"^(\s*(?:>\s*)*(?:[-*+]|\d+[.)]) )\[(.)\]([ \t]+)")
_FACT_LINE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(?P<label>[A-Za-z ]{2,20}?)(?::(?:\*\*|__)|(?:\*\*|__)?:)\s*(?P<value>.*?)\s*$"
)
_FACT_LABELS = {
    "date": "date",
    "account": "accounts",
    "accounts": "accounts",
    "company": "accounts",
    "org": "accounts",
    "customer": "accounts",
    "attendees": "people",
    "participants": "people",
    "people": "people",
    "type": "type",
    "source": "source",
}


@dataclass(frozen=True)
class NotePageOptions:
    tag_link: Callable[[str], tuple[str, str]]
    """A tag → (source of the tags page, its anchor there)."""
    tags_src: str = "tags/index.md"
    home_src: str = "index.md"
    max_depth: int = MAX_EMBED_DEPTH
    embed_budget: int = EMBED_BUDGET
    hidden_tags: tuple[str, ...] = ("task",)
    """Tags that are not page tags (the Tasks plugin's global filter)."""


class NotePages:
    """Renders the pages of one build's notes."""

    def __init__(
        self,
        facts: Facts,
        engine: MarkdownEngine,
        clean: Callable[[str, set[str]], str],
        options: NotePageOptions,
        entity_calendar: Callable[[Entity], str | None],
    ) -> None:
        self.facts = facts
        self.engine = engine
        self.clean = clean
        self.options = options
        self.entity_calendar = entity_calendar

    def render(self, path: str) -> RenderedPage:
        reads = Reads(self.facts, path)
        note = reads.note(path)
        build = self.facts.build
        draft = PageDraft(reads, note.title, meta=self._meta(note))
        body = _Body(draft, self.options)
        # A meeting's header says its date, account and attendees: the body's own lines that
        # say the same go (their lines stay, blank, so that line numbers hold).
        text = _absorb_fact_lines(note.body, note) if note.is_meeting else note.body
        converted = body.convert(note, text, (path,), own_page=True)
        entity = build.entities.of_note.get(path)
        folder = self._folder_of_page(note)
        if folder is None and note.folder and not note.is_meeting and entity is None:
            sections.breadcrumbs(draft, reads.view(f"crumbs:{note.folder}"), self.options.home_src)
        title_line, rest = _split_title(converted, note.title)
        draft.add(title_line + "\n\n")
        if note.is_meeting:
            self._header(draft, note, text)
        draft.add(rest)
        if entity is not None:
            view = reads.view(f"entity:{entity.key}")
            draft.add("\n")
            sections.entity_sections(draft, view, self.entity_calendar(entity))
        else:
            sections.mentions(draft, _mentions(reads, note), always=False)
        if folder is not None:
            page = reads.view(f"folder-page:{folder}:0")
            sections.folder_listing(draft, page.view, page.rows, page.pages, 0)
        return complete(draft, path, self.engine, self.clean)

    def _folder_of_page(self, note: Note) -> str | None:
        """The folder whose page this note is (its index.md/README.md, or the home page)."""
        for folder, page in self.facts.build.pages.of_folder.items():
            if page == note.page_path and (
                note.folder == folder or (not folder and note.path == self.facts.build.pages.home)
            ):
                return folder
        return None

    def _meta(self, note: Note) -> dict[str, object]:
        """What MkDocs and Material see of the note: the title, the tags (escaped: Material
        writes both into pages unescaped), and the presentation keys that are safe to pass."""
        import html

        hidden = {t.casefold() for t in self.options.hidden_tags}
        out: dict[str, object] = {"title": html.escape(note.title)}
        tags = [t for t in note.tags if t.casefold() not in hidden]
        if tags:
            out["tags"] = [html.escape(t) for t in tags]
        hide = note.meta.get("hide")
        if isinstance(hide, list):
            out["hide"] = [
                h for h in hide if h in ("navigation", "toc", "footer", "tags", "feedback", "path")
            ]
        search = note.meta.get("search")
        if isinstance(search, dict) and isinstance(search.get("exclude"), bool):
            out["search"] = {"exclude": search["exclude"]}
        return out

    # -- the meeting header ------------------------------------------------------------------

    def _header(self, draft: PageDraft, note: Note, body: str) -> None:
        """Date, type, account, attendees and source as one line of links, put into the page
        after search has read it. Search gets what the body does not say."""
        reads = draft.reads
        items = [f"<strong>Date:</strong> {note.date.isoformat() if note.date else ''}"]
        when = _time_of(note)
        if when:
            items.append(f"<strong>Time:</strong> {esc(when)}")
        if note.type:
            items.append(f"<strong>Type:</strong> {esc(note.type)}")
        if note.accounts:
            items.append(
                "<strong>Account:</strong> "
                + ", ".join(self._name(reads, note, n) for n in note.accounts)
            )
        if note.people:
            items.append(
                "<strong>Attendees:</strong> "
                + ", ".join(self._name(reads, note, n) for n in note.people)
            )
        source = note.meta.get("source")
        if isinstance(source, (str, int, float)) and str(source).strip():
            items.append(f"<strong>Source:</strong> {esc(str(source))}")
        header = '<p class="ma-meeting-header">' + " · ".join(items) + "</p>"
        draft.listing(header, _indexed(note, body))

    def _name(self, reads: Reads, note: Note, name: str) -> str:
        entity = reads.entity_named(note.path, name)
        shown = esc(entity.name if entity is not None and "@" in name else name)
        return anchor(reads.entity_href(entity), shown) if entity is not None else shown


_START = ("time", "startTime", "start_time", "start")
_END = ("endTime", "end_time", "end")


def _time_of(note: Note) -> str:
    """A meeting's time from its fields (`startTime: 14:00`, `endTime: 15:00`), else from its
    date (`2025-03-14T15:30`): shown as written (YAML's sexagesimal 840 was kept as text when
    the note was read)."""
    props = Properties(note.meta)

    def one(keys: tuple[str, ...]) -> str:
        value = props.get(*keys)
        if isinstance(value, dt.datetime):
            return value.strftime("%H:%M")
        text = scalar(value) if not isinstance(value, dt.date) else None
        return (
            text if text and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?(\s?[AaPp][Mm])?", text) else ""
        )

    start, end = one(_START), one(_END)
    if not start:  # the time the `date` itself gives (`date: 2025-03-14T15:30`)
        when = props.get("date")
        if isinstance(when, dt.datetime):
            start = when.strftime("%H:%M")
        elif isinstance(when, str):
            match = re.match(r"\d{4}-\d{2}-\d{2}[T ](\d{1,2}:\d{2})", when.strip())
            start = match.group(1) if match else ""
    return f"{start}–{end}" if start and end else start


def _mentions(reads: Reads, note: Note) -> list[NoteRow]:
    return [NoteRow(n.title, n.path, n.date) for n in reads.backlinks(note.path) if n is not note]


def _split_title(markdown: str, title: str) -> tuple[str, str]:
    """The page's title line (the body's own `# heading` when it starts with one) and the rest."""
    lines = markdown.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    first = obsidian.heading(lines[start]) if start < len(lines) else None
    if first and first[0] == 1:
        return lines[start], "\n".join(lines[start + 1 :])
    return f"# {escape_md(title)}", "\n".join(lines[start:])


def _indexed(note: Note, body: str) -> str:
    """The header's date, accounts and attendees that the body does not say (a meeting must be
    found by its attendees' names; saying them twice grows the index)."""
    folded = obsidian.plain_text(body).casefold()
    wanted = [note.date.isoformat()] if note.date else []
    missing = [
        esc(t) for t in [*wanted, *note.accounts, *note.people] if t.casefold() not in folded
    ]
    return f'<p class="ma-indexed">{" · ".join(missing)}</p>' if missing else ""


def _absorb_fact_lines(body: str, note: Note) -> str:
    """Drop the body's `**Date**: …`, `**Account**: …`, `**Attendees**: …` lines near its top
    when they say what the frontmatter says (the header shows it): a transcript pipeline
    writes both. A line that says anything more is kept."""
    lines = body.split("\n")
    checked = 0
    for i, line in enumerate(lines):
        if checked >= 12 or line.lstrip().startswith(("```", "~~~")):
            break  # near the top only, and never inside a code block
        if not line.strip() or obsidian.heading(line):
            continue
        checked += 1
        match = _FACT_LINE.match(line)
        if not match:
            continue
        field = _FACT_LABELS.get(match.group("label").strip().casefold())
        if field is None:
            continue
        if _says_the_same(field, match.group("value"), note):
            lines[i] = ""
    return "\n".join(lines)


def _says_the_same(field: str, value: str, note: Note) -> bool:
    text = value.strip().strip("*_ ")
    if field == "date":
        # The date itself, or with the time the header shows: `2025-10-22 (moved)` says more.
        if note.date is None:
            return False
        when = _time_of(note)
        return text in (note.date.isoformat(), f"{note.date.isoformat()} {when}" if when else "")
    if field == "type":
        return bool(note.type) and text.casefold() == note.type.casefold()
    if field == "source":
        source = note.meta.get("source")
        return isinstance(source, str) and text.casefold() == source.strip().casefold()
    known = {note_key(n) for n in (note.accounts if field == "accounts" else note.people)}
    said = [note_key(n) for n in _names_in(text)]
    return bool(said) and all(n in known for n in said)


def _names_in(text: str) -> list[str]:
    """The names a fact line gives (`[[A]], [[B|Bee]]` or `A, B and C`); a line that says
    more than names gives a name no note has, so it is kept."""
    links = obsidian.WIKILINK.findall(text)
    if not links:
        return [p.strip() for p in re.split(r",|;| and | & ", text) if p.strip()]
    if re.sub(r"[\s,;&]|\band\b", "", obsidian.WIKILINK.sub("", text)):
        return ["\x00"]
    return [obsidian.parse_wikilink(inner).target for _, inner in links]


class _Body:
    """Converts note text for one page: the page's own note, and the notes it embeds."""

    def __init__(self, draft: PageDraft, options: NotePageOptions) -> None:
        self.draft = draft
        self.reads = draft.reads
        self.stash = draft.stash
        self.options = options
        self.embedded = 0
        self.top_line: int | None = None
        self.hidden_tags = {t.casefold() for t in options.hidden_tags}
        self.budget_reported = False
        self.reported: set[tuple[str, ...]] = set()

    @property
    def page_src(self) -> str:
        return self.reads.src

    def report(self, problem: Problem, *key: str) -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.draft.problems.append(problem)

    def convert(self, note: Note, text: str, stack: tuple[str, ...], own_page: bool) -> str:
        """A note's text (or part of it) as Markdown for the page: each prose run between code
        fences goes through a few whole-text passes (lone embeds, task lines, block ids, then
        one pass for links, code spans and tags); code is left as it is."""
        source = obsidian.convert_callouts(text)
        own_tasks = (
            {t.line - note.body_line: t for t in self.reads.tasks(note.path)} if own_page else {}
        )
        out = []
        for in_code, first_line, segment in obsidian.segments(source):
            if in_code:
                out.append(self._code(segment, note, note.body_line + first_line))
            else:
                out.append(self._prose(segment, first_line, note, stack, own_page, own_tasks))
        return obsidian.separate_lists("\n".join(out))

    def _prose(
        self,
        segment: str,
        first_line: int,
        note: Note,
        stack: tuple[str, ...],
        own_page: bool,
        own_tasks: dict[int, Task],
    ) -> str:
        kept: list[str] = []

        def keep(text: str) -> str:
            kept.append(text)
            return f"\x00E{len(kept) - 1}\x00"

        if "![[" in segment:
            segment = obsidian.LONE_EMBED.sub(
                lambda m: keep(
                    self._lone_embed(
                        m, note, stack, own_page, first_line + segment.count("\n", 0, m.start())
                    )
                ),
                segment,
            )
        if "[" in segment:
            segment = self._task_lines(segment, first_line, note, own_page, own_tasks)
        if "]:" in segment:
            segment = obsidian.REFERENCE_DEFINITION.sub(
                lambda m: self._definition(m, note), segment
            )
        if "^" in segment:
            segment = obsidian.BLOCK_ID.sub(
                lambda m: (
                    (" " + self.stash.inline(_block_anchor(m.group("id")))) if own_page else ""
                ),
                segment,
            )
        text = obsidian.INLINE.sub(lambda m: self._inline(m, segment, note, first_line), segment)
        if kept:
            text = re.sub("\x00E(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
        return text

    # -- queries -----------------------------------------------------------------------------

    def _code(self, segment: str, note: Note, line: int) -> str:
        """Fenced code as it is, but for query blocks (tasks, dataview, base): their result,
        run over the published notes, or their code with a warning when they cannot be run."""
        if "```" not in segment and "~~~" not in segment:
            return segment
        lines = segment.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            opening = query_blocks.FENCE_OPEN.match(lines[i])
            lang = opening.group("lang").lower() if opening else ""
            end = _fence_end(lines, i, opening.group("fence")) if opening else i
            if lang not in query_blocks.LANGUAGES and lang not in query_blocks.NOT_RUN:
                out.extend(lines[i : end + 1])
                i = end + 1
                continue
            assert opening is not None
            text = "\n".join(
                line.removeprefix(opening.group("indent")) for line in lines[i + 1 : end]
            )
            shown = self._query(lang, text, note, line + i)
            if shown is None:
                out.extend(lines[i : end + 1])
            else:
                # a fence is a block of its own: the lines around it are other paragraphs.
                # Put in after the search index has read the page, as listings are: what a
                # result shows is searched on the pages it comes from.
                result = self.stash.block(self.draft.fills.placeholder(shown, ""))
                out.extend(["", opening.group("indent") + result, ""])
            i = end + 1
        return "\n".join(out)

    def _query(
        self, lang: str, text: str, note: Note, line: int, view: str | None = None
    ) -> str | None:
        """A query's result as HTML, or None (the block stays code) with a problem."""
        if lang in query_blocks.NOT_RUN:
            self.draft.problems.append(query_blocks.not_run(lang, note.path, line))
            return None
        found = self.reads.queries(query_blocks.reads_times(text))
        notes = self.reads.facts.build.archive.notes  # their titles are in what queries see
        try:
            return found.run(
                lang, text, note.path, self._query_link, lambda p: notes[p].title, view
            )
        except queries.QueryError as err:
            self.draft.problems.append(query_blocks.query_problem(lang, err, note.path, line))
            return None

    def _base(self, path: str, link: obsidian.Wikilink, note: Note, line: int) -> str | None:
        """`![[X.base]]` (its first view) or `![[X.base#View]]`, rendered in place."""
        text = self.reads.queries(True).bases.get(path)
        if text is None:
            return None
        view = link.headings[0] if link.headings else None
        shown = self._query("base", text, note, line, view)
        if shown is None:
            return None
        title = anchor(
            self.reads.href(path),
            esc(link.alias or posixpath.splitext(posixpath.basename(path))[0]),
        )
        return f'<p class="ma-embed-source">{title}</p>{shown}'

    def _query_link(self, path: str, anchor: str | None) -> str:
        """The href of a note (or of a task's line in it) that a query's result shows."""
        fragment = ""
        if anchor and anchor.startswith("task-") and anchor[5:].isdigit():
            fragment = _task_anchor(self.reads.note(path), int(anchor[5:]))
        elif anchor:
            fragment = anchor
        return self.reads.href(path, fragment)

    # -- tasks -------------------------------------------------------------------------------

    def _task_lines(
        self, segment: str, first_line: int, note: Note, own_page: bool, own_tasks: dict[int, Task]
    ) -> str:
        lines = segment.split("\n")
        anchors = _task_anchors(note) if own_page else {}
        for index, line in enumerate(lines):
            match = _TASK_PREFIX.match(line)
            if match is None:
                continue
            task = own_tasks.get(first_line + index)
            lines[index] = self._task_line(line, match, task, anchors.get(first_line + index))
        return "\n".join(lines)

    def _task_line(
        self, line: str, match: re.Match[str], task: Task | None, anchor_id: str | None
    ) -> str:
        """A task with its status box and, on its own note's page, an anchor (what a query's
        result links to); a meeting's action item also its fields."""
        prefix, symbol = match.group(1), match.group(2)
        box = self.stash.inline(listings.status_box(symbol))
        rest = line[match.end() :]
        if task is None:
            if tasks.status_of(symbol)[2] == "cancelled":
                rest = f"~~{rest}~~"
            if anchor_id:
                box += self.stash.inline(f'<a id="{esc(anchor_id)}" class="ma-task-anchor"></a>')
            return f"{prefix}{box} {rest}"
        meta: list[str] = []
        if task.owner is not None:
            meta.append(anchor(self.reads.entity_href(task.owner), esc(task.owner.name)))
        elif task.owner_name:
            meta.append(f"@{esc(task.owner_name)}")
        if task.due:
            # An open item's date is marked as the board marks it (and judged again in the
            # reader's browser, like the board's); a closed item is never overdue.
            today = self.reads.today()
            meta.append(
                f"📅 {listings.due(task.due, today) if task.is_open else task.due.isoformat()}"
            )
        if task.priority:
            meta.append(listings.PRIORITY_LABEL[task.priority])
        if task.done and task.status == "done":
            meta.append(f"✅ {task.done.isoformat()}")
        if task.recurrence:
            meta.append(f"🔁 {esc(task.recurrence)}")
        text = task.text
        if task.status == "cancelled":
            text = f"~~{text}~~"
        shown = self.stash.inline(f'<a id="{esc(task.anchor)}" class="ma-task-anchor"></a>') + text
        if meta:
            shown += " " + self.stash.inline(
                '<span class="ma-task-meta">' + " · ".join(meta) + "</span>"
            )
        return f"{prefix}{box} {shown}"

    # -- inline syntax -----------------------------------------------------------------------

    def _inline(self, match: re.Match[str], segment: str, note: Note, first_line: int) -> str:
        """One match of obsidian.INLINE: a wikilink, a Markdown link, a tag or a code span.
        A wikilink's or tag's finished HTML is set aside, except in a heading, whose text the
        table of contents must see."""
        if match.group("link") is not None:
            link = obsidian.parse_wikilink(match.group("inner"), embed=bool(match.group("bang")))
            if not link.target and not link.headings and not link.block:
                return match.group()
            line = note.body_line + first_line + segment.count("\n", 0, match.start())
            in_heading = obsidian.on_heading_line(segment, match.start())
            html = self._wikilink(link, match.group("inner"), note, line, in_heading)
            return html if in_heading else self.stash.inline(html)
        if match.group("md") is not None:
            line = note.body_line + first_line + segment.count("\n", 0, match.start())
            return self._markdown_link(match, note, line)
        if match.group("escape") is not None:
            return _escape(match.group("escape")[1])
        if match.group("html") is not None:
            return self._html_tag(match.group("html"), note)
        if match.group("tag") is not None and not obsidian.on_heading_line(segment, match.start()):
            name = match.group("tagname")
            tag = name.rstrip("/-")
            if tag.casefold() in self.hidden_tags:  # not a page tag: no place on the tags page
                return (
                    self.stash.inline(f'<span class="ma-tag">#{esc(tag)}</span>') + name[len(tag) :]
                )
            src, fragment = self.options.tag_link(tag)
            tag_html = anchor(self.reads.href(src, fragment), f"#{esc(tag)}", "ma-tag")
            return self.stash.inline(tag_html) + name[len(tag) :]
        return match.group()

    def _wikilink(
        self, link: obsidian.Wikilink, inner: str, note: Note, line: int, in_heading: bool = False
    ) -> str:
        target = self.reads.target(note.path, (True, inner))
        text = esc(link.display or link.target)
        if target.kind == "attachment" and link.embed:
            return self._attachment(link, target)
        if target.kind == "note" and target.path is not None:
            fragment = ""
            if link.block:
                fragment = "^" + link.block
            elif link.headings:
                fragment = self.draft.fragment(target.path, link.headings, note.path, line)
            return anchor(self.reads.href(target.path, fragment), text)
        if target.kind == "attachment" and target.path is not None:
            return anchor(self.reads.href(target.path), text, "ma-attachment")
        return self._other(target, text)

    def _other(self, target: Target, text: str) -> str:
        if target.kind == "entity":
            entity = self.reads.entity(target)
            if entity is not None:
                return anchor(self.reads.entity_href(entity), text)
            return text
        if target.kind == "withheld":
            return text
        return f'<span class="ma-unresolved" title="Not in the vault">{text}</span>'

    def _attachment(self, link: obsidian.Wikilink, target: Target) -> str:
        assert target.path is not None
        href = self.reads.href(target.path)
        name = posixpath.basename(target.path)
        if posixpath.splitext(name)[1].lower() not in IMAGE_EXTENSIONS:
            return anchor(href, esc(link.alias or name), "ma-attachment")
        size = re.fullmatch(r"\s*(\d+)(?:x(\d+))?\s*", link.alias or "")
        attrs = ""
        if size:
            attrs = f' width="{size.group(1)}"' + (
                f' height="{size.group(2)}"' if size.group(2) else ""
            )
        alt = link.alias if link.alias and not size else posixpath.splitext(name)[0]
        return f'<img src="{esc(href)}" alt="{esc(alt)}"{attrs}>'

    def _markdown_link(self, match: re.Match[str], note: Note, line: int) -> str:
        """An ordinary Markdown link, made relative to the page it is shown on (an embed moves
        it) and, where its path is wrong, found by name as Obsidian finds it."""
        url = match.group("mdurl")
        local = obsidian.local_target(url)
        if local is None or not local[0]:
            return match.group()
        bang, text, title = (
            match.group("mdbang"),
            match.group("mdtext"),
            match.group("mdtitle") or "",
        )
        target = self.reads.target(note.path, (False, url))
        if target.kind in ("note", "attachment") and target.path is not None:
            fragment = local[1]
            if fragment and target.kind == "note" and not fragment.startswith("^"):
                fragment = self.draft.fragment(target.path, (fragment,), note.path, line)
            href = self.draft.url(self.reads.href(target.path, fragment))
            return f"{bang}[{text}](<{href}>{title})"
        if target.kind == "withheld":
            return text
        return f'<span class="ma-unresolved" title="Not in the vault">{text}</span>'

    def _definition(self, match: re.Match[str], note: Note) -> str:
        """A reference definition (`[r]: path`) pointing where its file is published; one
        that leads nowhere keeps a URL the sanitizer drops (its links show as text)."""
        url = match.group("url")
        local = obsidian.local_target(url)
        if local is None or not local[0]:
            return match.group()
        target = self.reads.target(note.path, (False, url))
        if target.kind not in ("note", "attachment") or target.path is None:
            return match.group()
        fragment = local[1] if target.kind == "attachment" or local[1].startswith("^") else ""
        href = self.draft.url(self.reads.href(target.path, fragment))
        title = match.group("title") or ""
        return f"[{match.group('label')}]: <{href}>{title}"

    def _html_tag(self, tag: str, note: Note) -> str:
        """A raw HTML tag of the note with its local URLs made right for the page it is shown
        on (the page is not where the note is in the vault); a URL that leads to no published
        file is dropped (the model warned of it). The sanitizer judges the rest."""
        urls = obsidian.html_urls(tag)
        if not urls:
            return tag
        out, position = [], 0
        for found, url in urls:
            local = obsidian.local_target(url)
            if local is None or not local[0]:
                continue
            target = self.reads.target(note.path, (False, url))
            out.append(tag[position : found.start()])
            if target.kind in ("note", "attachment") and target.path is not None:
                fragment = (
                    local[1] if target.kind == "attachment" or local[1].startswith("^") else ""
                )
                href = self.draft.url(self.reads.href(target.path, fragment))
                out.append(f'{found.group("before")}"{esc(href)}"')
            position = found.end()
        out.append(tag[position:])
        return "".join(out)

    # -- embeds ------------------------------------------------------------------------------

    def _lone_embed(
        self, match: re.Match[str], note: Note, stack: tuple[str, ...], own_page: bool, index: int
    ) -> str:
        inner = match.group("inner")
        link = obsidian.parse_wikilink(inner, embed=True)
        indent = match.group("indent")
        block = match.group("block")
        anchor_html = " " + self.stash.inline(_block_anchor(block)) if block and own_page else ""
        line = note.body_line + index
        return self._embed(link, inner, indent, note, stack, line) + anchor_html

    def _embed(
        self,
        link: obsidian.Wikilink,
        inner: str,
        indent: str,
        note: Note,
        stack: tuple[str, ...],
        line: int,
    ) -> str:
        target = (
            self.reads.target(note.path, (True, inner))
            if link.target
            else Target("note", note.path)
        )
        if target.kind == "attachment" and target.path and target.path.lower().endswith(".base"):
            shown = self._base(target.path, link, note, line)
            if shown is not None:
                return indent + self.stash.block(shown)
        if target.kind != "note" or target.path is None:
            return indent + self.stash.inline(self._wikilink(link, inner, note, line))
        embedded = self.reads.note(target.path)
        part = (
            target.path
            + "".join(f"#{h}" for h in link.headings)
            + (f"#^{link.block}" if link.block else "")
        )
        source_link = anchor(self.reads.href(target.path), esc(embedded.title))
        stopped = self._stopped(part, stack, note, line)
        if stopped is not None:
            return indent + self.stash.inline(_stopped_marker(stopped, source_link))
        text = _section_text(embedded, link)
        if text is None:
            return indent + self.stash.inline(self._wikilink(link, inner, note, line))
        if len(stack) == 1:
            self.top_line = line  # the page's own embed that the ones below come from
        # The budget counts what an embed adds to the page: its text and its frame.
        self.embedded += len(text) + EMBED_FRAME
        if self.embedded > self.options.embed_budget:
            # one warning, on the page of the note the embeds start from (a note that others
            # embed stops on their pages too)
            if not self.budget_reported and not self.reads.embedded(self.page_src):
                self.budget_reported = True
                self.draft.problems.append(
                    Problem(
                        self.page_src,
                        f"embeds stopped: the embedded text of this page passed "
                        f"{self.options.embed_budget:,} characters (at {note.path}:{line})",
                        self.top_line,
                    )
                )
            return indent + self.stash.inline(
                _stopped_marker("too much embedded text", source_link)
            )
        inner_md = self.convert(embedded, text, (*stack, part), own_page=False)
        block = [
            "",
            '<div class="ma-embed" markdown="1">',
            "",
            self.stash.block(f'<p class="ma-embed-source">{source_link}</p>'),
            "",
            inner_md,
            "",
            "</div>",
            "",
        ]
        return "\n".join(indent + b if b else "" for b in "\n".join(block).split("\n"))

    def _stopped(self, part: str, stack: tuple[str, ...], note: Note, line: int) -> str | None:
        """Why an embed stops here, if it does: a cycle, or a chain deeper than the limit. The
        model warns once for each cycle and chain of whole notes (embeds.py); a cycle among
        sections of notes is warned about here, once."""
        if part in stack:
            if "#" in part:
                cycle = [*stack[stack.index(part) :], part]
                self.report(
                    Problem(note.path, "embed stopped (cycle): " + " → ".join(cycle), line),
                    "cycle",
                    *sorted(set(cycle)),
                )
            return "cycle"
        if len(stack) > self.options.max_depth:
            return f"more than {self.options.max_depth} levels"
        return None


def _escape(char: str) -> str:
    """A backslash escape as CommonMark (and Obsidian) read it: before ASCII punctuation the
    character itself, shown as written; before anything else a backslash. Written as entities,
    so that Python-Markdown, which escapes fewer characters, shows the same."""
    if char.isascii() and not char.isalnum() and not char.isspace():
        return f"&#{ord(char)};"
    return "&#92;" + char


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """The line that closes the fence opened at `start` (the last line when none does)."""
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return j
    return len(lines) - 1


def _task_anchors(note: Note) -> dict[int, str]:
    """Body line → the anchor of the task on it, as its page gives it (and archive.py gives a
    meeting's action items): its block id, else its number in the note."""
    return {
        parsed.line: f"^{parsed.block}" if parsed.block else f"task-{number}"
        for number, parsed in enumerate(note.parsed_tasks, start=1)
    }


def _task_anchor(note: Note, file_line: int) -> str:
    """The anchor of the task on `file_line` of the note."""
    return _task_anchors(note).get(file_line - note.body_line, "")


def _stopped_marker(why: str, source_link: str) -> str:
    """What shows where an embed stopped: a visible line that links to the note."""
    return f'<span class="ma-embed-stopped">Embed stopped ({why}): {source_link}</span>'


def _block_anchor(block: str) -> str:
    return f'<a id="^{esc(block)}" class="ma-block"></a>'


def _section_text(note: Note, link: obsidian.Wikilink) -> str | None:
    """The whole body, the section under a heading path, or the block with an id."""
    lines = note.body.split("\n")
    if link.block:
        return _block_text(lines, link.block)
    if not link.headings:
        return note.body
    span = _section_span(lines, link.headings)
    return "\n".join(lines[span[0] : span[1]]) if span else None


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
