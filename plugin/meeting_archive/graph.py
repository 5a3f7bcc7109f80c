"""The relationship graph: people, accounts and topics, linked by the meetings they share.

An entity's meetings, for the graph, are the meetings its page lists: those that list it (people
and account fields, account tags), and for a topic those that link to it. Two entities are
joined by an edge whose weight is the number of meetings they share. Everything comes from the
archive model, which holds published notes only: a private note adds no node and no weight.

The layout is computed here, at build time, so that the browser only draws: a deterministic
force-directed layout (no randomness; the same vault gives the same picture) whose repulsion
looks only at nearby nodes through a grid, and whose number of rounds is capped by a work
budget, so that it stays linear and takes seconds, not minutes, for 5,000 nodes.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from .charts import XLINK
from .markup import xml_text
from .model import Archive, Entity, Note

GRAPH_VERSION = 1
KIND_ORDER = {"account": 0, "person": 1, "topic": 2}
IDEAL = 30.0
"""Ideal edge length (layout units)."""
LAYOUT_BUDGET = 1_500_000
"""Pair and edge visits the layout may spend in all (a few seconds of Python)."""
MIN_ROUNDS, MAX_ROUNDS = 12, 150


@dataclass
class GraphNode:
    entity: Entity
    meetings: int
    """Meetings it is in (listed or linked)."""
    degree: int = 0
    strength: int = 0
    """Sum of the weights of its edges: how much it shares with others."""
    x: float = 0.0
    y: float = 0.0


@dataclass
class EntityGraph:
    nodes: list[GraphNode]
    """Most connected first (strength, then degree, then meetings, then name)."""
    edges: list[tuple[int, int, int]]
    """(i, j, weight) with i < j, indexes into `nodes`."""
    adjacency: list[dict[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.adjacency:
            self.adjacency = [{} for _ in self.nodes]
            for i, j, w in self.edges:
                self.adjacency[i][j] = w
                self.adjacency[j][i] = w

    def index_of(self, entity: Entity) -> int | None:
        for i, node in enumerate(self.nodes):
            if node.entity is entity:
                return i
        return None


def involved_meetings(entity: Entity) -> list[Note]:
    """The meetings an entity is in: those that list it (a topic: those that link to it), the
    same meetings its page lists and counts."""
    return [m for m in entity.meetings if m.is_meeting]


def entity_graph(archive: Archive, layout: bool = True) -> EntityGraph:
    """Every person, account and topic as a node; an edge per pair that shares a meeting."""
    entities = archive.entities()
    in_meeting: dict[int, list[int]] = {}
    counts = []
    for index, entity in enumerate(entities):
        meetings = involved_meetings(entity)
        counts.append(len(meetings))
        for meeting in meetings:
            in_meeting.setdefault(id(meeting), []).append(index)
    weights: Counter[tuple[int, int]] = Counter()
    for members in in_meeting.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = members[a], members[b]
                weights[(i, j) if i < j else (j, i)] += 1
    strength = [0] * len(entities)
    degree = [0] * len(entities)
    for (i, j), w in weights.items():
        strength[i] += w
        strength[j] += w
        degree[i] += 1
        degree[j] += 1
    order = sorted(
        range(len(entities)),
        key=lambda i: (
            -strength[i],
            -degree[i],
            -counts[i],
            KIND_ORDER[entities[i].kind],
            entities[i].name.casefold(),
            entities[i].page_path,
        ),
    )
    rank = {old: new for new, old in enumerate(order)}
    nodes = [GraphNode(entities[i], counts[i], degree[i], strength[i]) for i in order]
    edges = sorted(
        (min(rank[i], rank[j]), max(rank[i], rank[j]), w) for (i, j), w in weights.items()
    )
    graph = EntityGraph(nodes, edges)
    if layout:
        lay_out(graph)
    return graph


# -- layout -----------------------------------------------------------------------------------

_GOLDEN = math.pi * (3 - math.sqrt(5))


def lay_out(graph: EntityGraph, budget: int = LAYOUT_BUDGET) -> None:
    """Positions for every node: connected nodes by forces, isolated ones on a ring around."""
    connected = [i for i, node in enumerate(graph.nodes) if node.degree]
    xs, ys = _seed(graph, connected)
    if connected:
        _relax(graph, connected, xs, ys, budget)
    for i in connected:
        graph.nodes[i].x, graph.nodes[i].y = round(xs[i], 1), round(ys[i], 1)
    radius = max((math.hypot(xs[i], ys[i]) for i in connected), default=0.0) + 2 * IDEAL
    _ring([i for i, node in enumerate(graph.nodes) if not node.degree], graph, radius)


def _seed(graph: EntityGraph, connected: list[int]) -> tuple[list[float], list[float]]:
    """Each node next to its strongest neighbour placed before it (nodes come most connected
    first, so hubs are placed first and the rest gather around them); a node with no placed
    neighbour starts a new group on a wide spiral."""
    n = len(graph.nodes)
    xs, ys = [0.0] * n, [0.0] * n
    placed = [False] * n
    children = [0] * n
    groups = 0
    for i in connected:
        parent, best = -1, 0
        for j, w in graph.adjacency[i].items():
            if placed[j] and (w > best or (w == best and j < parent)):
                parent, best = j, w
        if parent < 0:
            r = 6 * IDEAL * math.sqrt(groups)
            xs[i], ys[i] = r * math.cos(groups * _GOLDEN), r * math.sin(groups * _GOLDEN)
            groups += 1
        else:
            c = children[parent] = children[parent] + 1
            r = IDEAL * (0.6 + 0.25 * math.sqrt(c))
            angle = c * _GOLDEN + parent
            xs[i], ys[i] = xs[parent] + r * math.cos(angle), ys[parent] + r * math.sin(angle)
        placed[i] = True
    return xs, ys


def _relax(
    graph: EntityGraph, connected: list[int], xs: list[float], ys: list[float], budget: int
) -> None:
    """Fruchterman–Reingold with weak gravity and cooling. Repulsion reaches only the nodes in
    nearby cells of a grid whose cells are a few times the current spacing, so each round costs
    about the same per node whatever the density; the rounds stop when `budget` (pair and edge
    visits) is spent, so the time is capped for any vault."""
    k2 = IDEAL * IDEAL
    pull = [(i, j, 1.0 + math.log(w)) for i, j, w in graph.edges]
    n = len(connected)
    rounds = MAX_ROUNDS
    spent = 0
    round_ = 0
    while round_ < rounds:
        scale = _rms_radius(connected, xs, ys) or IDEAL
        spacing = scale * math.sqrt(2 * math.pi / n)
        cell = 2.5 * spacing
        reach = cell * cell
        temp = scale * (0.25 * (1 - round_ / rounds) + 0.01)
        dx = dict.fromkeys(connected, 0.0)
        dy = dict.fromkeys(connected, 0.0)
        grid: dict[tuple[int, int], list[int]] = {}
        for i in connected:
            grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
        work = len(pull)
        for (cx, cy), members in grid.items():
            # Each pair once: within the cell, and against the four cells ahead of it.
            ahead = [
                j
                for key in ((cx + 1, cy), (cx - 1, cy + 1), (cx, cy + 1), (cx + 1, cy + 1))
                for j in grid.get(key, ())
            ]
            work += len(members) * (len(members) // 2 + len(ahead))
            for a, i in enumerate(members):
                xi, yi = xs[i], ys[i]
                fx = fy = 0.0
                for j in chain(islice(members, a + 1, None), ahead):
                    ddx, ddy = xi - xs[j], yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 > reach:
                        continue
                    if d2 < 1e-6:  # on the same spot: push apart along a fixed direction
                        ddx, ddy, d2 = 1e-3, 1e-3 * ((i - j) % 5 - 2), 1.5e-6
                    f = k2 / d2
                    fx += ddx * f
                    fy += ddy * f
                    dx[j] -= ddx * f
                    dy[j] -= ddy * f
                dx[i] += fx
                dy[i] += fy
        work += _far_field(grid, xs, ys, dx, dy, k2)
        for i, j, w in pull:
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            f = math.sqrt(ddx * ddx + ddy * ddy) * w / IDEAL
            dx[i] -= ddx * f
            dy[i] -= ddy * f
            dx[j] += ddx * f
            dy[j] += ddy * f
        for i in connected:
            x, y = xs[i], ys[i]
            gx, gy = dx[i] - 0.01 * x, dy[i] - 0.01 * y
            d = math.sqrt(gx * gx + gy * gy)
            if d > temp:
                gx, gy = gx * temp / d, gy * temp / d
            xs[i], ys[i] = x + gx, y + gy
        spent += work
        round_ += 1
        if round_ == 1:
            rounds = max(MIN_ROUNDS, min(MAX_ROUNDS, budget // max(work, 1)))
        elif spent > 2 * budget:
            break  # the layout got denser than its first round promised


def _far_field(
    grid: dict[tuple[int, int], list[int]],
    xs: list[float],
    ys: list[float],
    dx: dict[int, float],
    dy: dict[int, float],
    k2: float,
) -> int:
    """Repulsion from far away, cell by cell: every node of a cell is pushed by each block of
    4×4 cells (beyond its own block) as by one node of the block's weight at its centre.
    Without it a layout has no shape beyond each node's neighbourhood."""
    blocks: dict[tuple[int, int], list[float]] = {}
    cells = []
    for (cx, cy), members in grid.items():
        sx = sum(xs[i] for i in members)
        sy = sum(ys[i] for i in members)
        block = blocks.setdefault((cx >> 2, cy >> 2), [0.0, 0.0, 0.0])
        block[0] += sx
        block[1] += sy
        block[2] += len(members)
        cells.append(((cx >> 2, cy >> 2), sx / len(members), sy / len(members), members))
    centres = [(key, b[0] / b[2], b[1] / b[2], b[2]) for key, b in blocks.items()]
    for own, x, y, members in cells:
        fx = fy = 0.0
        for key, bx, by, mass in centres:
            if key == own:
                continue
            ddx, ddy = x - bx, y - by
            d2 = ddx * ddx + ddy * ddy or 1e-6
            f = mass * k2 / d2
            fx += ddx * f
            fy += ddy * f
        for i in members:
            dx[i] += fx
            dy[i] += fy
    return len(cells) * len(centres)


def _rms_radius(nodes: list[int], xs: list[float], ys: list[float]) -> float:
    cx = sum(xs[i] for i in nodes) / len(nodes)
    cy = sum(ys[i] for i in nodes) / len(nodes)
    return math.sqrt(sum((xs[i] - cx) ** 2 + (ys[i] - cy) ** 2 for i in nodes) / len(nodes))


def _ring(isolated: list[int], graph: EntityGraph, radius: float) -> None:
    """Isolated nodes (no shared meeting) on rings around the rest."""
    per_ring = max(12, int(2 * math.pi * radius / (IDEAL * 0.8)))
    for n, i in enumerate(isolated):
        ring, slot = divmod(n, per_ring)
        r = radius + ring * IDEAL
        angle = 2 * math.pi * slot / per_ring + ring * 0.3
        graph.nodes[i].x, graph.nodes[i].y = (
            round(r * math.cos(angle), 1),
            round(r * math.sin(angle), 1),
        )


# -- the graph page's data --------------------------------------------------------------------


def graph_data(
    graph: EntityGraph, url_of: Callable[[Entity], str], max_nodes: int
) -> dict[str, Any]:
    """graph.json: nodes most connected first (so the first `max_nodes` are the ones to show
    first), edges as [i, j, weight] index triples, urls relative to the site root."""
    return {
        "version": GRAPH_VERSION,
        "max_nodes": max_nodes,
        "nodes": [
            {
                "id": node.entity.page_path,
                "label": node.entity.name,
                "kind": node.entity.kind,
                "url": url_of(node.entity),
                "meetings": node.meetings,
                "degree": node.degree,
                "strength": node.strength,
                "x": node.x,
                "y": node.y,
            }
            for node in graph.nodes
        ],
        "edges": [[i, j, w] for i, j, w in graph.edges],
    }


def graph_json(graph: EntityGraph, url_of: Callable[[Entity], str], max_nodes: int) -> str:
    data = graph_data(graph, url_of, max_nodes)
    for node in data["nodes"]:
        node["label"] = xml_text(node["label"])
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# -- local graphs -----------------------------------------------------------------------------

LOCAL_LIMIT = 16
"""Neighbours shown on an entity's page (the strongest ones)."""


@dataclass
class LocalGraph:
    center: GraphNode
    neighbours: list[tuple[GraphNode, int]]
    """With the weight of the edge to the centre; strongest first."""
    among: list[tuple[int, int, int]]
    """Edges between neighbours: indexes into `neighbours`, and the weight."""
    hidden: int = 0
    """Neighbours left out (beyond the limit)."""


def local_graph(graph: EntityGraph, index: int, limit: int = LOCAL_LIMIT) -> LocalGraph:
    center = graph.nodes[index]
    ranked = sorted(graph.adjacency[index].items(), key=lambda jw: (-jw[1], jw[0]))
    shown = ranked[:limit]
    position = {j: n for n, (j, _) in enumerate(shown)}
    among = []
    for j, n in position.items():
        for other, w in graph.adjacency[j].items():
            m = position.get(other)
            if m is not None and n < m:
                among.append((n, m, w))
    return LocalGraph(
        center,
        [(graph.nodes[j], w) for j, w in shown],
        sorted(among),
        hidden=len(ranked) - len(shown),
    )


LABEL_SIZE = 11.0
"""Font size of a local graph's labels (SVG units)."""
LABEL_EM = 0.64
"""Width of a label's character, in ems: a little wider than most sans-serif fonts draw
them, so that boxes estimated here hold the text drawn."""
LABEL_LINE = 14.0
"""Least vertical distance between two labels on the same side."""


@dataclass
class _Label:
    text: str
    x: float
    y: float
    """Baseline."""
    anchor: str
    """SVG text-anchor: start, middle or end."""
    size: float = LABEL_SIZE

    @property
    def width(self) -> float:
        return len(self.text) * self.size * LABEL_EM

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom), estimated."""
        left = {"start": self.x, "middle": self.x - self.width / 2, "end": self.x - self.width}
        x0 = left[self.anchor]
        return (x0, self.y - self.size, x0 + self.width, self.y + self.size * 0.3)


def _short(name: str) -> str:
    return name if len(name) <= 24 else name[:23] + "…"


def _place_labels(
    points: Sequence[tuple[float, float, float]], sizes: Sequence[float], texts: Sequence[str]
) -> list[_Label]:
    """Each neighbour's label beside its node, outwards: to the right on the right half, to the
    left on the left half, above or below the node straight above or below the centre. Labels
    on one side that would overlap are moved apart vertically, in order, so none overlaps."""
    labels = []
    for (x, y, angle), size, text in zip(points, sizes, texts, strict=True):
        cos, sin = math.cos(angle), math.sin(angle)
        if abs(cos) < 1e-6:
            dy = size + 12 if sin > 0 else -size - 5
            labels.append(_Label(text, x, y + dy, "middle"))
        else:
            side = 1 if cos > 0 else -1
            labels.append(
                _Label(text, x + side * (size + 4), y + 4, "start" if side > 0 else "end")
            )
    for anchor in ("start", "end"):
        column = sorted((lb for lb in labels if lb.anchor == anchor), key=lambda lb: lb.y)
        for above, below in itertools.pairwise(column):
            below.y = max(below.y, above.y + LABEL_LINE)
    return labels


def local_svg(
    center: tuple[str, str, str],
    neighbours: Sequence[tuple[str, str, str, int]],
    among: Sequence[tuple[int, int, int]],
    hidden: int,
    href_of: Callable[[str], str],
    ident: str,
    center_id: str = "",
) -> str:
    """A small radial graph (the entity in the middle, its strongest neighbours around it) as
    an inline SVG, named by its title and description (not `role="img"`, which would hide its
    links from screen readers): every node a link, readable without a script, labels that never overlap and
    a viewBox that holds them all. `center` is (name, kind, source of its page), each neighbour
    (name, kind, source, shared meetings); `href_of` gives the link to a source. The page's
    script adds hover highlighting."""
    name = center[0]
    count = len(neighbours)
    radius = 120.0 if count > 6 else 90.0
    t_id, d_id = f"{ident}-title", f"{ident}-desc"
    names = ", ".join(n[0] for n in neighbours[:8])
    more = f" and {count - 8} more" if count > 8 else ""
    desc = (
        f"{name} shares meetings with {count} others"
        + (f" (the strongest {count} of {count + hidden} shown)" if hidden else "")
        + (f": {names}{more}." if count else ".")
    )
    points = []
    for n in range(count):
        angle = -math.pi / 2 + 2 * math.pi * n / max(count, 1)
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        # Exactly above or below the centre (a label there is centred on its node).
        if abs(math.cos(angle)) < 1e-9:
            x = 0.0
        points.append((x, y, angle))
    peak = max((n[3] for n in neighbours), default=1)
    sizes = [5 + 6 * math.sqrt(n[3] / peak) for n in neighbours]
    labels = _place_labels(points, sizes, [_short(n[0]) for n in neighbours])
    center_size = 14.0
    center_label = _Label(_short(name), 0.0, center_size + 14, "middle")
    boxes = [lb.box() for lb in [*labels, center_label]]
    boxes += [(x - r, y - r, x + r, y + r) for (x, y, _), r in zip(points, sizes, strict=True)]
    boxes.append((-center_size, -center_size, center_size, center_size))
    pad = 8.0
    left = min(b[0] for b in boxes) - pad
    top = min(b[1] for b in boxes) - pad
    right = max(b[2] for b in boxes) + pad
    bottom = max(b[3] for b in boxes) + pad
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="{XLINK}" class="ma-local-graph" '
        f'viewBox="{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}" '
        f'width="100%" aria-labelledby="{t_id} {d_id}" '
        f'data-center="{html.escape(center_id or center[2])}">',
        f'<title id="{t_id}">Connections of {html.escape(name)}</title>',
        f'<desc id="{d_id}">{html.escape(desc)}</desc>',
    ]
    out.append('<g class="ma-edges">')
    for a, b, w in among:
        (x1, y1, _), (x2, y2, _) = points[a], points[b]
        out.append(
            f'<line class="ma-edge ma-edge-among" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" data-a="{a}" data-b="{b}" stroke="currentColor" '
            f'stroke-opacity="0.25" stroke-width="{0.6 + 1.4 * w / peak:.1f}"/>'
        )
    for n, neighbour in enumerate(neighbours):
        x, y, _ = points[n]
        w = neighbour[3]
        out.append(
            f'<line class="ma-edge" x1="0" y1="0" x2="{x:.1f}" y2="{y:.1f}" data-a="c" '
            f'data-b="{n}" stroke="currentColor" stroke-opacity="0.45" '
            f'stroke-width="{1 + 3 * w / peak:.1f}"><title>{w} shared meeting'
            f"{'s' if w != 1 else ''}</title></line>"
        )
    out.append("</g>")
    out.append(
        _local_node(center[0], center[1], href_of(center[2]), 0, 0, "c", None, center_size,
                    center_label, center=True)
    )  # fmt: skip
    for n, neighbour in enumerate(neighbours):
        x, y, _ = points[n]
        out.append(
            _local_node(
                neighbour[0], neighbour[1], href_of(neighbour[2]), x, y, str(n), neighbour[3],
                sizes[n], labels[n],
            )
        )  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def _local_node(
    entity_name: str,
    kind: str,
    href: str,
    x: float,
    y: float,
    key: str,
    weight: int | None,
    size: float,
    label: _Label,
    center: bool = False,
) -> str:
    name = html.escape(entity_name)
    shared = f": {weight} shared meeting{'s' if weight != 1 else ''}" if weight else ""
    css = f"ma-node ma-{kind}" + (" ma-center" if center else "")
    return (
        f'<a xlink:href="{html.escape(href)}" class="{css}" data-n="{key}" '
        f'aria-label="{name} ({kind}{shared})"><title>{name} ({kind}{shared})'
        f'</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="currentColor"/>'
        f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="{label.anchor}" '
        f'font-size="{label.size:.0f}" fill="currentColor">{html.escape(label.text)}</text></a>'
    )
