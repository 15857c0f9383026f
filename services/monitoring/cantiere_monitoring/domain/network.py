"""Count tables seen as flows in a network, to decide which hidden counts a reader can pin down.

A table with margins is a circulation: source -> row (row total) -> column (cell) -> sink
(column total) -> source (grand total); a series is source -> sink (cells) -> source (total).
Every additive constraint of the table is flow conservation at a node, and that constraint
matrix is totally unimodular. So, from any table consistent with what is published, a hidden
count can take another integer value if and only if it lies on a cycle of the residual graph
(cells that can still go up or down within what their labels allow); otherwise it is pinned.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cantiere_monitoring.domain.cells import Bounds

SOURCE, SINK = 0, 1
Adjacency = list[list[tuple[int, int]]]  # per node: (next node, arc)


@dataclass(frozen=True)
class Network:
    """Nodes 0..nodes-1 and, for each arc (a cell or a total), its (tail, head)."""

    nodes: int
    ends: tuple[tuple[int, int], ...]

    @classmethod
    def series(cls, cells: int) -> Network:
        """Arcs 0..cells-1 are the cells, arc `cells` is the total."""
        return cls(2, tuple([(SOURCE, SINK)] * cells + [(SINK, SOURCE)]))

    @classmethod
    def table(cls, rows: int, cols: int) -> Network:
        """Arcs: cells row by row, then row totals, column totals, grand total (always the last arc)."""
        row, col = (lambda i: 2 + i), (lambda j: 2 + rows + j)
        cells = [(row(i), col(j)) for i in range(rows) for j in range(cols)]
        margins = [(SOURCE, row(i)) for i in range(rows)] + [(col(j), SINK) for j in range(cols)]
        return cls(2 + rows + cols, (*cells, *margins, (SINK, SOURCE)))


def is_fixed(bounds: Bounds) -> bool:
    """A shown count: the reader knows it exactly."""
    return bounds[0] == bounds[1]


def _moves(bounds: Bounds, x: int) -> tuple[bool, bool]:
    low, high = bounds
    return (high is None or x < high, x > low)


def _residual(net: Network, bounds: Iterable[tuple[int, Bounds]], point: Sequence[int]) -> Adjacency:
    adjacency: Adjacency = [[] for _ in range(net.nodes)]
    for arc, arc_bounds in bounds:
        tail, head = net.ends[arc]
        up, down = _moves(arc_bounds, point[arc])
        if up:
            adjacency[tail].append((head, arc))
        if down:
            adjacency[head].append((tail, arc))
    return adjacency


def _reaches(adjacency: Adjacency, start: int, goal: int, skip: int) -> bool:
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for nxt, arc in adjacency[node]:
            if arc != skip and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


def _pinned(net: Network, adjacency: Adjacency, bounds: Bounds, x: int, arc: int) -> bool:
    tail, head = net.ends[arc]
    up, down = _moves(bounds, x)
    return not ((up and _reaches(adjacency, head, tail, arc)) or (down and _reaches(adjacency, tail, head, arc)))


def pinned_arcs(net: Network, bounds: Sequence[Bounds], point: Sequence[int]) -> set[int]:
    """Hidden arcs whose count is the same in every integer table consistent with `bounds`."""
    adjacency = _residual(net, enumerate(bounds), point)
    return {
        arc
        for arc in range(len(net.ends))
        if not is_fixed(bounds[arc]) and _pinned(net, adjacency, bounds[arc], point[arc], arc)
    }


def is_pinned(net: Network, bounds: Sequence[Bounds], point: Sequence[int], arc: int) -> bool:
    """Whether one hidden arc is pinned (cheaper than `pinned_arcs` when only one matters)."""
    if is_fixed(bounds[arc]):
        return False
    return _pinned(net, _residual(net, enumerate(bounds), point), bounds[arc], point[arc], arc)


def feasible_point(net: Network, bounds: Sequence[Bounds]) -> list[int]:
    """Some integer table consistent with `bounds` (max-flow with lower bounds), as a reader could find."""
    # A vertex of this polytope never exceeds the sum of the finite bounds, so that caps the open ones.
    cap = sum(low + (high or 0) for low, high in bounds) + 1
    source, sink = net.nodes, net.nodes + 1
    to: list[int] = []
    room: list[int] = []
    out: list[list[int]] = [[] for _ in range(net.nodes + 2)]

    def edge(a: int, b: int, capacity: int) -> int:
        for frm, dst, c in ((a, b, capacity), (b, a, 0)):
            out[frm].append(len(to))
            to.append(dst)
            room.append(c)
        return len(to) - 2

    excess = [0] * net.nodes
    arc_edges = []
    for (tail, head), (low, high) in zip(net.ends, bounds, strict=True):
        excess[head] += low
        excess[tail] -= low
        arc_edges.append(edge(tail, head, (cap if high is None else high) - low))
    need = 0
    for node, extra in enumerate(excess):
        if extra > 0:
            edge(source, node, extra)
            need += extra
        elif extra < 0:
            edge(node, sink, -extra)
    while need:
        parent: dict[int, int] = {source: -1}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for e in out[node]:
                if room[e] and to[e] not in parent:
                    parent[to[e]] = e
                    queue.append(to[e])
        if sink not in parent:
            raise ValueError("the published figures do not add up: no table is consistent with them")
        path, node = [], sink
        while node != source:
            path.append(parent[node])
            node = to[parent[node] ^ 1]
        push = min(min(room[e] for e in path), need)
        for e in path:
            room[e] -= push
            room[e ^ 1] += push
        need -= push
    return [low + room[e ^ 1] for (low, _), e in zip(bounds, arc_edges, strict=True)]


def cheapest_cycle(
    net: Network,
    bounds: Sequence[Bounds],
    point: Sequence[int],
    arc: int,
    if_hidden: Mapping[int, Bounds],
) -> list[int] | None:
    """Shown arcs to hide so that hidden `arc` lies on a residual cycle, least total count first; None if none."""
    # Hidden arcs are free to use; a shown arc costs (its count, 1 cell) and moves within the
    # bounds its label would give it once hidden. Dijkstra on these costs picks the complement.
    free, extra = _residual(net, enumerate(bounds), point), _residual(net, if_hidden.items(), point)
    tail, head = net.ends[arc]
    up, down = _moves(bounds[arc], point[arc])
    # Going up needs a way back from head to tail, going down one from tail to head; up wins ties.
    ways = ((up, head, tail), (down, tail, head))
    found = [way for ok, start, goal in ways if ok and (way := _dijkstra(free, extra, point, start, goal, arc))]
    return min(found, key=lambda way: way[0])[1] if found else None


def _dijkstra(
    free: Adjacency, extra: Adjacency, point: Sequence[int], start: int, goal: int, skip: int
) -> tuple[tuple[int, int], list[int]] | None:
    best: dict[int, tuple[int, int]] = {start: (0, 0)}
    via: dict[int, tuple[int, int | None]] = {}
    heap = [((0, 0), start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node == goal:
            hidden, cursor = [], goal
            while cursor != start:
                cursor, used = via[cursor]
                if used is not None:
                    hidden.append(used)
            return cost, sorted(hidden)
        if cost > best[node]:
            continue
        steps = [(nxt, a, (0, 0)) for nxt, a in free[node]] + [(nxt, a, (point[a], 1)) for nxt, a in extra[node]]
        for nxt, a, (value, cells) in steps:
            new = (cost[0] + value, cost[1] + cells)
            if a != skip and (nxt not in best or new < best[nxt]):
                best[nxt] = new
                via[nxt] = (node, None if cells == 0 else a)
                heapq.heappush(heap, (new, nxt))
    return None
