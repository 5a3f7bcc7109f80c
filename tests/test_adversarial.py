"""The adversarial vault (tests/adversarial.py) builds, leaks nothing and reports every problem once.

It is built twice, in parallel: with directory URLs, and with file URLs under `--strict`
(which must fail, listing the problems, after writing the whole site). Both sites are audited.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from adversarial import (
    ODD_NAMES,
    XSS_ACCOUNT,
    XSS_ALIAS,
    XSS_ATTR_PERSON,
    XSS_FILE,
    XSS_MARK_PERSON,
    XSS_PERSON,
    XSS_PERSON_TITLE,
    XSS_TAG,
    XSS_TITLE,
    XSS_TOPIC,
    AdversarialVault,
    readme,
    write_adversarial_vault,
)
from conftest import CASES, FIXTURES, ROOT, build_project, build_vault
from linkcheck import check_links
from privacy_audit import (
    BuildLog,
    Finding,
    audit_privacy,
    audit_site,
    audit_xss,
    data_file_problems,
    in_parallel,
    is_markdown,
    private_parts,
    site_path,
)

README = Path(__file__).parent / "fixtures" / "adversarial" / "README.md"
STYLES = ["directory-urls", "file-urls-strict"]


def _build(job: tuple[Path, Path, dict[str, Any]]) -> BuildLog:
    vault, out, options = job
    start = time.monotonic()
    built = build_vault(vault, out, **options)
    return BuildLog.of(built, time.monotonic() - start)


@pytest.fixture(scope="module")
def adversarial(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[AdversarialVault, dict[str, BuildLog]]:
    base = tmp_path_factory.mktemp("adversarial")
    vault = write_adversarial_vault(base)
    extra = vault.config
    logs = in_parallel(
        _build,
        [
            (vault.root, base / "out-dir", {"use_directory_urls": True, "extra": extra}),
            (
                vault.root,
                base / "out-file",
                {"use_directory_urls": False, "strict": True, "extra": extra},
            ),
        ],
    )
    return vault, dict(zip(STYLES, logs, strict=True))


@pytest.fixture(params=STYLES)
def built(
    request: pytest.FixtureRequest, adversarial: tuple[AdversarialVault, dict[str, BuildLog]]
) -> tuple[AdversarialVault, BuildLog]:
    vault, logs = adversarial
    return vault, logs[request.param]


def page(log: BuildLog, page_path: str) -> LexborHTMLParser:
    """A page by its page path, under whichever URL style the build used."""
    directory = log.site / page_path / "index.html"
    target = directory if directory.is_file() else log.site / f"{page_path}.html"
    if not page_path:
        target = log.site / "index.html"
    return LexborHTMLParser(target.read_text(encoding="utf-8"))


def exists(log: BuildLog, page_path: str) -> bool:
    return (log.site / page_path / "index.html").is_file() or (
        log.site / f"{page_path}.html"
    ).is_file()


def article(tree: LexborHTMLParser) -> LexborHTMLParser:
    node = tree.css_first("article")
    assert node is not None
    return LexborHTMLParser(node.html or "")


# -- the build -------------------------------------------------------------------------------


def test_builds_and_strict_fails(
    adversarial: tuple[AdversarialVault, dict[str, BuildLog]],
) -> None:
    _, logs = adversarial
    plain, strict = logs["directory-urls"], logs["file-urls-strict"]
    assert not plain.aborted, "the adversarial vault must build (exit 0) without --strict"
    assert strict.aborted, "--strict must fail on the adversarial vault"
    for log in (plain, strict):
        assert (log.site / "index.html").is_file() and (
            log.site / "search" / "search_index.json"
        ).is_file()


def test_no_traceback_and_no_error(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    assert not [m for _, m, tb in log.records if tb], "a traceback in the build log"
    assert not log.messages(logging.ERROR)


def test_every_problem_is_one_warning_naming_the_file(
    built: tuple[AdversarialVault, BuildLog],
) -> None:
    vault, log = built
    warnings = log.messages()
    wrong = []
    for case, pattern in vault.expected_warnings():
        matching = [w for w in warnings if re.search(pattern, w)]
        if len(matching) != 1:
            wrong.append(f"{case}: {pattern!r} matched {len(matching)}: {matching[:3]}")
    assert not wrong, "\n".join(wrong)


def test_no_other_warning(built: tuple[AdversarialVault, BuildLog]) -> None:
    vault, log = built
    patterns = [p for _, p in vault.expected_warnings()] + vault.allowed_warnings()
    unexpected = [w for w in log.messages() if not any(re.search(p, w) for p in patterns)]
    assert not unexpected, "\n".join(unexpected)
    repeated = [w for w, n in Counter(log.messages()).items() if n > 1]
    assert not repeated, "\n".join(repeated)


def test_summary_line(built: tuple[AdversarialVault, BuildLog]) -> None:
    vault, log = built
    summary = [m for m in log.messages(logging.INFO) if "notes published; left out:" in m]
    assert len(summary) == 1, summary
    numbers = {
        name: int(n)
        for n, name in re.findall(
            r"(\d+) (notes published|private|unreadable|excluded|symlinks out of the vault|"
            r"links|resolved|unresolved|to unpublished notes|embeds|repairs)\b",
            summary[0],
        )
    }
    left_out = [
        c
        for c in vault.cases
        if any(re.search("cannot be parsed|NUL bytes|control characters", p) for p in c.warns)
    ]
    assert numbers["unreadable"] == len(left_out), summary[0]
    private_unreadable = [c for c in left_out if c.section == "privacy"]
    assert numbers["private"] == len(vault.private) - len(private_unreadable), summary[0]
    assert numbers["symlinks out of the vault"] == 4
    assert numbers["excluded"] == 3  # .trash/, Excluded/ (exclude_docs), Drafts/ (draft_docs)
    assert numbers["to unpublished notes"] > 40 and numbers["unresolved"] > 0
    assert numbers["embeds"] > 0 and numbers["repairs"] >= 1
    assert (
        numbers["resolved"] + numbers["unresolved"] + numbers["to unpublished notes"]
        == numbers["links"]
    )


# -- privacy ---------------------------------------------------------------------------------


def test_privacy_audit_finds_nothing(built: tuple[AdversarialVault, BuildLog]) -> None:
    vault, log = built
    # The audit's own reading of the vault adds the attachments that only hidden notes use.
    hidden = private_parts(vault.root, exclude=[vault.exclude_docs, vault.draft_docs])
    findings = audit_privacy(
        log.site,
        vault.markers,
        vault.private_titles,
        vault.private_pages,
        vault=vault.root,
        attachments=hidden.attachments,
    )
    assert not findings, "\n".join(map(str, findings))


def test_a_markdown_file_of_any_extension_case_is_never_copied(
    built: tuple[AdversarialVault, BuildLog],
) -> None:
    _, log = built
    copied = [
        p.relative_to(log.site).as_posix()
        for p in log.site.rglob("*")
        if p.is_file() and is_markdown(p.name)
    ]
    assert not copied, copied


def test_links_to_private_aliases_are_plain_text(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    body = article(page(log, "links-to-private-aliases"))
    links = [
        a.text(deep=True)
        for a in body.css("a")
        if "headerlink" not in (a.attributes.get("class") or "")
    ]
    assert not links, links
    assert "Hushed Alias Kilo" in body.text() and "Hushed Alias Lima" in body.text()


def test_every_data_file_parses(built: tuple[AdversarialVault, BuildLog]) -> None:
    """feed.xml and every XML file parse as XML 1.0, every JSON file with json.loads (strict),
    every calendar with icalendar, whatever characters the vault's titles, names and tasks
    hold (characters XML 1.0 forbids are stripped from them: DESIGN-NOTES)."""
    _, log = built
    assert (log.site / "feed.xml").is_file() and (log.site / "actions.ics").is_file()
    problems = data_file_problems(log.site)
    assert not problems, "\n".join(problems)


def test_links_to_private_notes_are_plain_text(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    body = article(page(log, "links-to-private"))
    links = {
        a.text(deep=True).strip()
        for a in body.css("a")
        if "headerlink" not in (a.attributes.get("class") or "")
    }
    assert links <= {"Embeds Private", "Embeds private"}, links  # the one public note it embeds
    assert not body.css(".ma-unresolved")
    assert len(body.css(".ma-embed")) == 1  # Embeds Private, which embeds private notes
    text = body.text(separator=" ")
    for shown in (
        "Publish False",
        "custom text",
        "Hushed Alias Alpha",
        "in table",
        "markdown link",
        "<b>hushed alias</b>",
    ):
        assert shown in text
    # The public meeting names its private attendee, as written, with no page behind it.
    meeting = article(page(log, "meetings/2025-10-07-public-meeting"))
    assert "Hushed Person Delta" in meeting.text()
    assert not exists(log, "people/hushed-person-delta")


# -- script ----------------------------------------------------------------------------------


def test_xss_audit_finds_nothing(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    findings = audit_xss(log.site)
    assert not findings, "\n".join(map(str, findings))


def test_hostile_text_shows_as_written(built: tuple[AdversarialVault, BuildLog]) -> None:
    """Titles, names, aliases, tags, topics and task text show as text wherever they appear."""
    _, log = built
    meeting = page(log, "meetings/2025-10-09-script")
    assert article(meeting).css_first("h1").text(deep=True).strip() == XSS_TITLE
    assert XSS_TITLE in (meeting.css_first("title").text() or "")
    header = article(meeting).css_first(".ma-meeting-header").text(deep=True)
    for name in (XSS_PERSON, XSS_ATTR_PERSON, XSS_MARK_PERSON, XSS_ACCOUNT):
        assert name in header, name
    people = article(page(log, "people")).text(deep=True)
    for name in (XSS_PERSON, XSS_ATTR_PERSON):
        assert name in people
    person = article(page(log, "people/attr-evil-onclick-alert-1"))
    assert person.css_first("h1").text(deep=True).strip() == XSS_ATTR_PERSON
    evil = article(page(log, "people/person-evil"))
    assert evil.css_first("h1").text(deep=True).strip() == XSS_PERSON_TITLE
    assert XSS_TOPIC in article(page(log, "topics")).text(deep=True)
    assert XSS_FILE in article(page(log, "xss/img-src-x-onerror-alert-file")).css_first("h1").text()
    actions = article(page(log, "actions")).text(deep=True)
    # Listings show a task's text without its markup: the tag goes, the rest shows as written.
    assert "{: onclick=alert(3) }" in actions
    tags = page(log, "tags") if exists(log, "tags") else page(log, "_archive/tags")
    assert XSS_TAG in tags.text(deep=True)
    assert (
        XSS_ALIAS not in (log.site / "search" / "search_index.json").read_text()
    )  # aliases are not shown


# -- leaving the vault -----------------------------------------------------------------------


def test_nothing_outside_the_vault_is_read(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    for name in ("linked-secret", "linked-dir/inner", "dangling"):
        assert not exists(log, name)
    assert not (log.site / "Attachments" / "leak.png").exists()
    body = article(page(log, "escape-attempts"))
    unresolved = [s.text(deep=True) for s in body.css(".ma-unresolved")]
    assert "../outside/secret" in unresolved and "/etc/passwd" in unresolved
    assert not body.css(".ma-embed")
    for node in body.css("[href], [src]"):
        url = node.attributes.get("href") or node.attributes.get("src") or ""
        target = site_path("escape-attempts/index.html", url)
        assert target is None or not target.startswith(".."), url


def test_every_link_in_the_site_resolves(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    report = check_links(log.site)
    assert report.pages > 100
    # The hostile note's own `<img src=x onerror=…>` keeps its (broken) src, without the handler.
    problems = [p for p in report.problems if p.link.url != "x"]
    assert not problems, "\n".join(map(str, problems[:20]))


# -- embeds, names, bad input, dates ---------------------------------------------------------


def test_embed_cycles_and_deep_chains_stop_visibly(
    built: tuple[AdversarialVault, BuildLog],
) -> None:
    _, log = built
    for name in ("self", "ping", "pong", "tri-a", "tri-b", "tri-c", "cycle-viewer"):
        assert article(page(log, f"embeds/{name}")).css(".ma-embed-stopped"), name
    chain = article(page(log, "chain/chain-01"))
    levels = re.findall(r"Level (\d+)\.", chain.text())
    assert levels == [str(n) for n in range(1, 12)]
    stopped = chain.css(".ma-embed-stopped")
    assert len(stopped) == 1 and "Chain 12" in stopped[0].text()


def test_odd_and_colliding_names_are_all_published(
    built: tuple[AdversarialVault, BuildLog],
) -> None:
    _, log = built
    for pair in (
        ("dupes/a/same-name", "dupes/b/same-name"),
        ("case/report", "case/report-2"),
        ("unicode/cafe", "unicode/cafe-menu"),
    ):
        titles = {article(page(log, p)).css_first("h1").text() for p in pair}
        assert len(titles) == 2, pair
    odd = article(page(log, "odd-names"))
    assert not odd.css(".ma-unresolved")
    hrefs = [
        a.attributes.get("href") or ""
        for a in odd.css("a[href]")
        if "headerlink" not in (a.attributes.get("class") or "")
    ]
    assert len(hrefs) == len(
        ODD_NAMES
    )  # every name but Hash#Name by wikilink, Hash#Name by Markdown
    assert odd.css("img")
    case = article(page(log, "case/case-linker")).css("a")
    assert {a.text() for a in case} >= {"report", "Report", "REPORT"}
    linker = article(page(log, "unicode/unicode-linker"))
    assert (
        len([a for a in linker.css("p a") if "headerlink" not in (a.attributes.get("class") or "")])
        == 4
    )
    # A vault note where a generated index lives does not take the index's place.
    assert "Meetings" in page(log, "meetings").css_first("h1").text()


def test_bad_input_builds_or_is_left_out(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    assert "Café “quoted” – naïve" in article(page(log, "bad/windows-1252")).text()
    assert article(page(log, "bad/utf16")).css_first("h1").text().strip() == "UTF-16 title ✓"
    assert article(page(log, "bad/utf16-be")).css_first("h1").text().strip() == "UTF-16 BE title"
    assert article(page(log, "bad/bom")).css_first("h1").text().strip() == "BOM title"
    for name in (
        "empty",
        "blank",
        "frontmatter-only",
        "frontmatter-no-newline",
        "empty-frontmatter",
        "yaml-bomb",
        "odd-values",
        "long-link",
    ):
        assert exists(log, f"bad/{name}"), name
    metadata = article(page(log, "bad/metadata-lines")).text()
    assert "Agenda: budget" in metadata and "Title: not metadata" in metadata
    for name in ("binary", "control", "frontmatter-list", "frontmatter-scalar", "python-tag"):
        assert not exists(log, f"bad/{name}"), name
    assert "Apollo’s plan" in article(page(log, "bad/mojibake")).text()
    big = log.site / "bad" / "big" / "index.html"
    big = big if big.is_file() else log.site / "bad" / "big.html"
    assert big.stat().st_size > 5_000_000
    assert exists(log, "bad/long-line")
    for path in log.site.rglob("*"):
        assert len(path.name.encode()) < 255
    meetings = [
        p.name for p in (log.site / "meetings").iterdir() if p.name.startswith("2025-10-06-word")
    ]
    assert len(meetings) == 1


@pytest.mark.parametrize("form", ["yaml", "quoted", "t", "space", "datetime", "tz"])
def test_every_date_form_makes_a_meeting(
    built: tuple[AdversarialVault, BuildLog], form: str
) -> None:
    _, log = built
    assert exists(log, f"meetings/2025-10-06-date-{form}")


def test_impossible_or_odd_dates_are_notes_not_meetings(
    built: tuple[AdversarialVault, BuildLog],
) -> None:
    _, log = built
    for form in ("impossible", "impossible-quoted", "slash", "number", "empty"):
        assert exists(log, f"dates/date-{form}"), form


def test_comments_keep_the_visible_text(built: tuple[AdversarialVault, BuildLog]) -> None:
    _, log = built
    inline = article(page(log, "comments/inline-comment")).text()
    assert "Visible text" in inline and "more visible text" in inline
    multi = article(page(log, "comments/multiline-comment"))
    assert "Visible after the comment." in multi.text()
    assert multi.css_first("h1").text().strip() == "Multiline Comment"  # not the commented one
    embedder = article(page(log, "comments/embedder")).text()
    assert "Embedded visible" in embedder and "Shown." in embedder


# -- the list of cases -----------------------------------------------------------------------


def test_readme_lists_every_case(adversarial: tuple[AdversarialVault, dict[str, BuildLog]]) -> None:
    vault, _ = adversarial
    assert README.read_text(encoding="utf-8") == readme(vault), (
        "run: python tests/adversarial.py > tests/fixtures/adversarial/README.md"
    )


# -- the audit itself ----------------------------------------------------------------------


def test_the_audit_finds_planted_leaks(tmp_path: Path) -> None:
    """Each kind of finding, from a hand-made site that has every leak the audits look for."""
    import gzip

    vault, site = tmp_path / "vault", tmp_path / "site"
    (vault / "img").mkdir(parents=True)
    (vault / "img" / "ok.png").write_bytes(b"png")
    (tmp_path / "outside.png").write_bytes(b"not from the vault")
    (vault / "img" / "leak.png").symlink_to(tmp_path / "outside.png")
    files = {
        "a/index.html": '<p>zqx-planted</p><h1>Secret Title</h1><a href="../private/x/">x</a>'
        '<script>alert(1)</script><img src="x" onerror="alert(1)">'
        '<a href="java\tscript:alert(1)">j</a><iframe src="y"></iframe>'
        # a browser reads each of these as a script URL (entities decoded by the HTML parser)
        '<a href="&#x6A;ava&Tab;script:alert(1)">e</a><img src="\x01 DaTa:text/html,x">'
        '<a href="tel:123">an unlisted scheme</a>'
        # and each of these as a relative URL: text, not script
        '<a href="&amp;#106;avascript:x">t</a><a href="java script:x">s</a>'
        '<a href="https://example.com/">h</a><a href="mailto:a@b.c">m</a>',
        "private/x/index.html": "<p>a private page</p>",
        "search/search_index.json": '{"docs": [{"location": "private/x/", "title": "t", '
        '"text": "<img src=x onerror=y>"}]}',
        "sitemap.xml": "<urlset><url><loc>https://e.com/private/x/</loc></url></urlset>",
        "img/ok.png": "png",
        "img/leak.png": "not from the vault",
        "img/private-only.png": "used by a private note only",
        "other/renamed.png": "used by a private note only",
    }
    (vault / "img" / "private-only.png").write_bytes(b"used by a private note only")
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"ZQX-PLANTED"))
    findings = audit_privacy(
        site,
        ["zqx-planted"],
        ["Secret Title"],
        ["private/x"],
        vault=vault,
        attachments=["img/private-only.png"],
    )
    findings += audit_xss(site)
    kinds = Counter(f.kind for f in findings)
    assert kinds["marker"] == 2 and kinds["title"] == 1 and kinds["page"] == 1
    assert kinds["link"] == 3  # the href, the search index, the sitemap
    assert [f.file for f in findings if f.kind == "foreign-file"] == ["img/leak.png"]
    # at its own path, and its bytes under another name
    assert sorted(f.file for f in findings if f.kind == "attachment") == [
        "img/private-only.png",
        "other/renamed.png",
    ]
    assert kinds["script"] == 1 and kinds["handler"] == 2
    assert sorted(f.detail.rsplit("(", 1)[1] for f in findings if f.kind == "js-url") == [
        "data:)",
        "javascript:)",
        "javascript:)",
        "tel:)",
    ]
    assert kinds["active-element"] == 1


# -- every other fixture build -------------------------------------------------------------


def _build_and_audit(job: tuple[str, Path, Path, bool]) -> list[Finding]:
    name, vault, out, use_directory_urls = job
    if name == "sample vault":
        built = build_project(out, use_directory_urls=use_directory_urls)
    else:
        built = build_vault(vault, out, use_directory_urls=use_directory_urls)
    return audit_site(built.site, private_parts(vault), vault)


@pytest.mark.slow  # builds many vaults: left out of the everyday run
def test_every_fixture_build_passes_the_audit(tmp_path: Path) -> None:
    """The sample vault, each tests/fixtures/<case>/vault and each tests/cases/<case>/vault,
    under both URL styles: nothing of a note the plugin leaves out (its phrases, title,
    would-be page) and no script from the vault's text in the site."""
    vaults = [
        ("sample vault", ROOT / "docs_src"),
        *((p.parent.name, p) for p in sorted(FIXTURES.glob("*/vault"))),
        *((f"case {p.parent.name}", p) for p in sorted(CASES.glob("*/vault"))),
    ]
    jobs = [
        (name, vault, tmp_path / f"{i}-{style}", style)
        for i, (name, vault) in enumerate(vaults)
        for style in (True, False)
    ]
    assert len(jobs) >= 4
    failures = [
        f"{job[0]} ({'directory' if job[3] else 'file'} URLs): {finding}"
        for job, findings in zip(jobs, in_parallel(_build_and_audit, jobs), strict=True)
        for finding in findings
    ]
    assert not failures, "\n".join(failures)
