"""The real seed note (../shared/seed), built alone: its page, its people, its account, its
topics and its action items. Expectations are read from the note itself, so that no word of
it is copied into the project; the test skips when ../shared is absent."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import SEED, Built, article, build_vault, follow
from meeting_archive.urls import slugify

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not here")


@pytest.fixture(scope="module")
def seed() -> dict[str, object]:
    raw = SEED.read_bytes().decode("utf-8")
    meta = yaml.safe_load(raw.split("---")[1])
    body = raw.split("---", 2)[2]
    section = lambda name: re.search(rf"## {name}\n(.*?)(?:\n## |\n---|\Z)", body, re.S).group(1)  # noqa: E731
    tasks = [line for line in section("Action Items").splitlines() if line.startswith("- [ ]")]
    decisions = [line[2:].strip() for line in section("Decisions").splitlines() if line.startswith("- ")]
    return {"meta": meta, "tasks": tasks, "decisions": decisions, "related": re.findall(r"- \[\[(.+?)\]\]", section("Related"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("seed")
    (tmp / "vault").mkdir()
    shutil.copy(SEED, tmp / "vault" / SEED.name)
    return build_vault(tmp / "vault", tmp)


def meeting_url(seed: dict) -> str:
    meta = seed["meta"]
    return f"meetings/{meta['date']}-{slugify(meta['title'])}/"


def test_meeting_page_is_repaired_and_linked(site: Built, seed: dict) -> None:
    page = article(site.html(meeting_url(seed)))
    text = page.text()
    assert "’s" in text and "📅" in text and "🔺" in text and "⏫" in text
    assert "\uf8ff" not in text and "‚Äô" not in text
    header = page.css_first(".ma-meeting-header")
    targets = {a.text(): follow(meeting_url(seed), a.attributes["href"] or "")[0] for a in header.css("a")}
    meta = seed["meta"]
    assert targets[meta["account"]] == f"accounts/{slugify(meta['account'])}/"
    for person in meta["participants"]:
        assert targets[person] == f"people/{slugify(person)}/"
        assert (site.site / f"people/{slugify(person)}/index.html").is_file()


def test_owner_gets_the_open_items(site: Built, seed: dict) -> None:
    owners = {re.search(r"@(\w+)", t).group(1) for t in seed["tasks"]}
    assert len(owners) == 1
    person = next(p for p in seed["meta"]["participants"] if p.split()[0] in owners)
    page = article(site.html(f"people/{slugify(person)}/"))
    heading = page.css_first("#open-action-items")
    assert heading.text(strip=True).startswith(f"Open action items ({len(seed['tasks'])})")
    board = article(site.html("actions/"))
    rows = [[td.text(strip=True) for td in tr.css("td")] for tr in board.css("tbody tr")]
    first = re.sub(r"@\w+.*", "", seed["tasks"][0][6:]).strip()
    assert [first, person] in [r[1:3] for r in rows]


def test_account_decisions(site: Built, seed: dict) -> None:
    page = article(site.html(f"accounts/{slugify(seed['meta']['account'])}/"))
    decisions = page.css_first("#decisions")
    table = decisions.next
    while table.tag != "table":
        table = table.next
    assert [tr.css("td")[1].text(strip=True) for tr in table.css("tbody tr")] == seed["decisions"]


def test_topics_link_back(site: Built, seed: dict) -> None:
    people_and_accounts = {*seed["meta"]["participants"], seed["meta"]["account"]}
    topics = [t for t in seed["related"] if t not in people_and_accounts]
    assert topics
    for topic in topics:
        page = article(site.html(f"topics/{slugify(topic)}/"))
        hrefs = [follow(f"topics/{slugify(topic)}/", a.attributes["href"] or "")[0] for a in page.css("li a")]
        assert meeting_url(seed) in hrefs


def test_missing_transcript_is_one_warning_naming_the_line(site: Built) -> None:
    warnings = site.messages()
    assert len(warnings) == 1
    assert re.match(rf"meeting_archive: {SEED.name}:\d+: linked note \[\[Inbox/Transcripts/", warnings[0])
