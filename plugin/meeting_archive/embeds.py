"""Problems of the vault's embeds, found once on the graph of which note embeds which (not on
every page that meets them): each cycle of whole-note embeds is one warning, and each chain
deeper than the limit is one warning at the note it starts from. Pages stop such embeds with a
visible marker (note_page.py), whatever page they are on.
"""

from __future__ import annotations

from .model import Note, Problem

Graph = dict[str, list[tuple[str, int]]]
"""Note path → the notes it embeds whole, with the line of each embed."""


def embed_problems(graph: Graph, notes: dict[str, Note], max_depth: int) -> list[Problem]:
    problems: list[Problem] = []
    cyclic: set[str] = set()
    for component in _components(graph):
        start = min(component)
        cycle = _cycle(graph, start, component)
        if cycle is None:
            continue
        cyclic.update(component)
        line = next(line for target, line in graph[start] if target == cycle[1])
        chain = " → ".join(cycle)
        problems.append(
            Problem(start, f"embed stopped (cycle): {chain}", notes[start].body_line + line)
        )
    embedded = {target for edges in graph.values() for target, _ in edges}
    depth: dict[str, tuple[int, str | None, int]] = {}
    for root in sorted(graph):
        if root in embedded or root in cyclic:
            continue
        if _depth(graph, root, cyclic, depth) > max_depth + 1:
            path = _deepest(root, depth)
            line = next(line for target, line in graph[root] if target == path[1])
            shown = " → ".join(path[: max_depth + 2])
            problems.append(
                Problem(
                    root,
                    f"embed stopped (more than {max_depth} levels): {shown}",
                    notes[root].body_line + line,
                )
            )
    return problems


def _components(graph: Graph) -> list[set[str]]:
    """Strongly connected components with a cycle (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            if edge < len(edges):
                work.append((node, edge + 1))
                target = edges[edge][0]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or any(t == node for t, _ in graph.get(node, [])):
                    found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _cycle(graph: Graph, start: str, component: set[str]) -> list[str] | None:
    """A cycle through `start` inside its component: [start, …, start]."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, _ in sorted(graph.get(node, [])):
                if target not in component:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return None


def _depth(
    graph: Graph, root: str, cyclic: set[str], memo: dict[str, tuple[int, str | None, int]]
) -> int:
    """Notes on the longest embed chain from `root` (itself included), cycles left out."""
    work = [(root, False)]
    while work:
        node, done = work.pop()
        if node in memo and not done:
            continue
        targets = [t for t, _ in graph.get(node, []) if t not in cyclic]
        if not done:
            work.append((node, True))
            work.extend((t, False) for t in targets if t not in memo)
            memo[node] = (1, None, 0)  # while its targets are worked out
            continue
        best, via = 1, None
        for target in targets:
            depth = memo.get(target, (1, None, 0))[0] + 1
            if depth > best:
                best, via = depth, target
        memo[node] = (best, via, 0)
    return memo[root][0]


def _deepest(root: str, memo: dict[str, tuple[int, str | None, int]]) -> list[str]:
    path = [root]
    while (via := memo[path[-1]][1]) is not None and via not in path:
        path.append(via)
    return path
