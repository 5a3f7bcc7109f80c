"""The relationship graph: graph.json equals the entity model of the `archive` fixture (node and
edge counts, weights counted from its files by hand), a private meeting adds nothing, the
layout is deterministic and lays out 5,000 nodes sensibly, and every entity page has its local
graph."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from conftest import FIXTURES, Built, build_vault, follow
from meeting_archive import graph
from meeting_archive.model import Archive, Entity, Note

SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"  # see charts.XLINK
PRIVATE = """---
title: Secret sync
date: 2025-02-02
publish: false
account: Globex
participants: [Jai Menon, Priya Raman, Zed Hidden]
---

About [[Project Nimbus]] and [[Hidden Topic]].
"""
# The fixture's meetings and who is in each (fields, tags, links), by page path:
MEETINGS = [
    {"accounts/umbrella", "people/img-src-x-onerror-alert-name", "people/jai-menon",
     "topics/project-nimbus"},
    {"accounts/globex", "people/jai-menon", "people/priya-raman"},
    {"accounts/initech", "people/priya-raman", "people/priya-shah", "topics/project-nimbus"},
    {"accounts/globex", "people/jai-menon", "people/sam-okafor"},
]


def expected_edges() -> dict[frozenset[str], int]:
    weights: dict[frozenset[str], int] = {}
    for members in MEETINGS:
        ordered = sorted(members)
        for a in range(len(ordered)):
            for b in range(a + 1, len(ordered)):
                pair = frozenset((ordered[a], ordered[b]))
                weights[pair] = weights.get(pair, 0) + 1
    return weights


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("graph")
    shutil.copytree(FIXTURES / "archive" / "vault", tmp / "vault")
    (tmp / "vault" / "Meetings" / "2025-02-02 Secret.md").write_text(PRIVATE, encoding="utf-8")
    return build_vault(tmp / "vault", tmp)


def data(built: Built) -> dict[str, Any]:
    return json.loads((built.site / "graph.json").read_text(encoding="utf-8"))


def test_graph_json_equals_the_entity_model(site: Built) -> None:
    g = data(site)
    ids = [n["id"] for n in g["nodes"]]
    entities = {m for meeting in MEETINGS for m in meeting}
    assert len(ids) == len(set(ids)) == 9
    assert set(ids) == entities
    edges = {frozenset((ids[i], ids[j])): w for i, j, w in g["edges"]}
    assert len(g["edges"]) == len(edges) == 17
    assert edges == expected_edges()
    # the private meeting (Jai, Priya Raman, Globex) would have made these 2, 2 and 3
    assert edges[frozenset(("people/jai-menon", "people/priya-raman"))] == 1
    assert edges[frozenset(("accounts/globex", "people/jai-menon"))] == 2
    assert not any("zed" in i or "hidden" in i for i in ids)
    for node in g["nodes"]:
        mine = [w for pair, w in edges.items() if node["id"] in pair]
        assert node["degree"] == len(mine) and node["strength"] == sum(mine)
        assert node["meetings"] == sum(node["id"] in m for m in MEETINGS)
        assert math.isfinite(node["x"]) and math.isfinite(node["y"])
        # each node links to its page
        assert (site.site / node["url"] / "index.html").is_file()
    # most connected first
    strengths = [n["strength"] for n in g["nodes"]]
    assert strengths == sorted(strengths, reverse=True)
    assert g["nodes"][0]["id"] == "people/jai-menon"


def test_graph_of_the_model_equals_graph_json(site: Built) -> None:
    """The same counts from the model (archive.json's meetings, read back)."""
    archive = json.loads((site.site / "archive.json").read_text(encoding="utf-8"))
    members = [set(m["people"]) | set(m["accounts"]) | set(m["topics"]) for m in archive["meetings"]]
    assert sorted(map(sorted, members)) == sorted(map(sorted, MEETINGS))


def test_graph_page(site: Built) -> None:
    html = site.html("graph/")
    box = re.search(r'<div class="ma-graph" data-graph="([^"]+)" data-max-nodes="(\d+)" data-total="(\d+)"', html)
    assert box is not None
    assert follow("graph/", box.group(1))[0] == "graph.json"
    assert box.group(2) == "2000" and box.group(3) == "9"
    # the most connected, as a table that needs no script
    assert "people/jai-menon/" in {follow("graph/", h)[0] for h in re.findall(r'href="([^"]+)"', html)}
    # in the sidebar
    assert re.search(r'<a href="[^"]*graph/"[^>]*>\s*<span class="md-ellipsis">\s*Graph', site.html(""))


def test_graph_max_nodes_option(tmp_path: Any) -> None:
    shutil.copytree(FIXTURES / "archive" / "vault", tmp_path / "vault")
    built = build_vault(tmp_path / "vault", tmp_path, plugin={"graph_max_nodes": 3})
    assert data(built)["max_nodes"] == 3
    html = built.html("graph/")
    assert 'data-max-nodes="3"' in html and "The 3 most connected of 9 are drawn first" in html


@pytest.mark.parametrize(
    "page",
    ["people/jai-menon/", "people/priya-shah/", "accounts/globex/", "accounts/umbrella/",
     "topics/project-nimbus/"],
)
def test_local_graph_on_each_entity_page(site: Built, page: str) -> None:
    html = site.html(page)
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]* class="ma-local-graph".*?</svg>', html, re.S)
    assert len(found) == 1
    svg = ET.fromstring(found[0])
    assert svg.get("data-center") == page.rstrip("/")
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    pair_weights = {p: w for p, w in expected_edges().items() if page.rstrip("/") in p}
    nodes = [a for a in svg.iter(f"{SVG}a") if "ma-node" in a.get("class", "")]
    assert len(nodes) == 1 + len(pair_weights)
    targets = {follow(page, a.attrib[HREF])[0] for a in nodes}
    neighbours = {next(iter(p - {page.rstrip("/")})) + "/" for p in pair_weights}
    assert targets == neighbours | {page}
    # edges to the centre, one per neighbour, and a link to the node in the full graph
    spokes = [e for e in svg.iter(f"{SVG}line") if e.get("data-a") == "c"]
    assert len(spokes) == len(pair_weights)
    assert f"../../graph/?focus={page.rstrip('/')}" in re.findall(r'href="([^"]+)"', html)


def test_layout_is_deterministic(tmp_path: Any, site: Built) -> None:
    shutil.copytree(FIXTURES / "archive" / "vault", tmp_path / "vault")
    (tmp_path / "vault" / "Meetings" / "2025-02-02 Secret.md").write_text(PRIVATE, encoding="utf-8")
    again = build_vault(tmp_path / "vault", tmp_path)
    assert data(again) == data(site)
    points = {(n["x"], n["y"]) for n in data(site)["nodes"]}
    assert len(points) == 9  # no two nodes on one spot


# -- scale ----------------------------------------------------------------------------------


def synthetic_archive(people: int, accounts: int, topics: int, meetings: int) -> Archive:
    """An archive of made-up entities, clustered as real ones are: each account has its
    contacts, and a meeting is an account, a few of its contacts, one of a few colleagues and
    sometimes a topic (deterministic: a seeded generator)."""
    rnd = random.Random(5)
    entity: dict[str, Entity] = {}

    def named(kind: Any, name: str) -> Entity:
        if name not in entity:
            entity[name] = Entity(kind, name, slug=name.lower().replace(" ", "-"))
        return entity[name]

    contacts = [[f"Person {p}" for p in range(a, people, accounts)] for a in range(accounts)]
    notes = []
    for n in range(meetings):
        a = n % accounts
        note = Note(f"m{n}.md", f"Meeting {n}", {}, "", 1, date=dt.date(2024, 1 + n % 12, 1),
                    is_meeting=True, page_path=f"meetings/m{n}")
        notes.append(note)
        named("account", f"Account {a}").meetings.append(note)
        for name in rnd.sample(contacts[a], min(len(contacts[a]), rnd.randint(1, 3))):
            named("person", name).meetings.append(note)
        named("person", f"Colleague {rnd.randrange(40)}").meetings.append(note)
        if rnd.random() < 0.3:
            named("topic", f"Topic {rnd.randrange(topics)}").mentions.append(note)
    split = {kind: {e.name: e for e in entity.values() if e.kind == kind}
             for kind in ("person", "account", "topic")}
    return Archive({n.path: n for n in notes}, notes, split["person"], split["account"],
                   split["topic"], [], [], {})


def test_five_thousand_nodes_lay_out() -> None:
    # How long it takes is measured by bench/, not asserted here.
    archive = synthetic_archive(people=4200, accounts=700, topics=100, meetings=9000)
    g = graph.entity_graph(archive)
    assert len(g.nodes) >= 4900
    assert all(math.isfinite(n.x) and math.isfinite(n.y) for n in g.nodes)
    # neighbours end up nearer each other than nodes at random
    def dist(a: graph.GraphNode, b: graph.GraphNode) -> float:
        return math.hypot(a.x - b.x, a.y - b.y)
    edge = sum(dist(g.nodes[i], g.nodes[j]) for i, j, _ in g.edges) / len(g.edges)
    sample = sum(dist(g.nodes[i], g.nodes[(i * 7 + 13) % len(g.nodes)]) for i in range(len(g.nodes))) / len(g.nodes)
    assert edge < 0.8 * sample  # a random placement gives about 1.0


def test_local_graph_is_small() -> None:
    archive = synthetic_archive(people=60, accounts=2, topics=3, meetings=200)
    g = graph.entity_graph(archive, layout=False)
    hub = max(range(len(g.nodes)), key=lambda i: g.nodes[i].degree)
    local = graph.local_graph(g, hub)
    assert len(local.neighbours) == graph.LOCAL_LIMIT
    assert local.hidden == g.nodes[hub].degree - graph.LOCAL_LIMIT
    weights = [w for _, w in local.neighbours]
    assert weights == sorted(weights, reverse=True)
