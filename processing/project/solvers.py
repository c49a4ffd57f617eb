"""Choose (entity, span) pairs: each entity at most once, chosen spans never overlapping.

The problem is weighted interval selection with one choice per entity (the "job interval selection
problem"), NP-hard in general but tiny per sentence. ``exact`` solves it exactly:

1. entities whose candidates' envelopes do not chain-overlap are independent: split into components;
2. a component whose entities' best spans do not overlap is solved by taking them (no solution can
   beat every entity's own maximum);
3. otherwise a dynamic programme over span ends with the set of used entities as state (exact;
   2^k states for k entities of the component, used up to :data:`MAX_DP_ENTITIES`);
4. beyond that, the integer linear programme through ``scipy.optimize.milp`` (HiGHS).

``ilp`` always uses step 4 (a reference to test the others against); ``greedy`` repeatedly takes the
best remaining pair and drops what conflicts with it (Politov et al.'s "argmax").
Ties are broken by the pairs' order (entity, start, end), so results are deterministic.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import NamedTuple

MAX_DP_ENTITIES = 12
"""Largest component solved by the dynamic programme (its state space is 2^k per span end)."""

_EPSILON = 1e-12


class Pair(NamedTuple):
    """One admissible match: entity ``entity`` to target words ``start..end-1`` with ``score``.

    ``tie``: a tiny secondary preference added to the objective (never reported as the score).
    """

    score: float
    entity: int
    start: int
    end: int
    tie: float = 0.0

    @property
    def value(self) -> float:
        """What the solvers maximise."""
        return self.score + self.tie


Solver = Callable[[Sequence[Pair]], list[Pair]]


def _order(pair: Pair) -> tuple[float, int, int, int]:
    return (-pair.value, pair.entity, pair.start, pair.end)


def solve_greedy(pairs: Sequence[Pair]) -> list[Pair]:
    """Best pair first; skip pairs whose entity is matched or whose span overlaps a chosen one."""
    chosen: list[Pair] = []
    used: set[int] = set()
    for pair in sorted(pairs, key=_order):
        if pair.entity in used:
            continue
        if any(pair.start < other.end and other.start < pair.end for other in chosen):
            continue
        chosen.append(pair)
        used.add(pair.entity)
    return sorted(chosen, key=lambda p: p.start)


def _best_per_entity(pairs: Sequence[Pair]) -> dict[int, Pair]:
    best: dict[int, Pair] = {}
    for pair in pairs:
        current = best.get(pair.entity)
        if current is None or _order(pair) < _order(current):
            best[pair.entity] = pair
    return best


def _disjoint(spans: Sequence[Pair]) -> bool:
    ordered = sorted(spans, key=lambda p: p.start)
    return all(a.end <= b.start for a, b in pairwise(ordered))


def _components(pairs: Sequence[Pair]) -> list[list[Pair]]:
    """Groups of pairs whose entities' envelopes (first start to last end) chain-overlap."""
    envelope: dict[int, list[int]] = {}
    for pair in pairs:
        span = envelope.get(pair.entity)
        if span is None:
            envelope[pair.entity] = [pair.start, pair.end]
        else:
            span[0] = min(span[0], pair.start)
            span[1] = max(span[1], pair.end)
    group_of: dict[int, int] = {}
    group, reach = -1, -1
    for entity, (start, end) in sorted(envelope.items(), key=lambda item: item[1][0]):
        if start >= reach:
            group += 1
        reach = max(reach, end)
        group_of[entity] = group
    groups: list[list[Pair]] = [[] for _ in range(group + 1)]
    for pair in pairs:
        groups[group_of[pair.entity]].append(pair)
    return groups


def _solve_dp(pairs: Sequence[Pair]) -> list[Pair]:
    """Exact: best total over span ends, state = set of entities already used."""
    bit = {entity: 1 << k for k, entity in enumerate(sorted({p.entity for p in pairs}))}
    ends = sorted({p.end for p in pairs})
    by_end: dict[int, list[Pair]] = {}
    for pair in sorted(pairs, key=lambda p: (p.entity, p.start, p.end)):
        by_end.setdefault(pair.end, []).append(pair)
    empty: dict[int, tuple[float, tuple | None]] = {0: (0.0, None)}
    tables: list[dict[int, tuple[float, tuple | None]]] = []
    for x, end in enumerate(ends):
        table = dict(tables[x - 1]) if x else dict(empty)
        for pair in by_end[end]:
            y = bisect_right(ends, pair.start) - 1
            before = tables[y] if y >= 0 else empty
            flag = bit[pair.entity]
            for mask, (value, chain) in before.items():
                if mask & flag:
                    continue
                total = value + pair.value
                key = mask | flag
                current = table.get(key)
                if current is None or total > current[0] + _EPSILON:
                    table[key] = (total, (pair, chain))
        tables.append(table)
    best_value, chain = -1.0, None
    for mask in sorted(tables[-1]):
        value, candidate = tables[-1][mask]
        if value > best_value + _EPSILON:
            best_value, chain = value, candidate
    chosen: list[Pair] = []
    while chain is not None:
        chosen.append(chain[0])
        chain = chain[1]
    return chosen


def solve_ilp(pairs: Sequence[Pair]) -> list[Pair]:
    """Exact through HiGHS: maximise the total score; one span per entity, one entity per word."""
    if not pairs:
        return []
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    entities = sorted({p.entity for p in pairs})
    row_of_entity = {entity: k for k, entity in enumerate(entities)}
    positions = sorted({j for p in pairs for j in range(p.start, p.end)})
    row_of_position = {j: len(entities) + k for k, j in enumerate(positions)}
    matrix = lil_matrix((len(entities) + len(positions), len(pairs)))
    for column, pair in enumerate(pairs):
        matrix[row_of_entity[pair.entity], column] = 1
        for j in range(pair.start, pair.end):
            matrix[row_of_position[j], column] = 1
    result = milp(
        c=-np.array([p.value for p in pairs]),
        constraints=LinearConstraint(matrix.tocsr(), -np.inf, 1),
        integrality=np.ones(len(pairs)),
        bounds=Bounds(0, 1),
    )
    if not result.success:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    return sorted((p for p, x in zip(pairs, result.x) if x > 0.5), key=lambda p: p.start)


def solve_exact(pairs: Sequence[Pair]) -> list[Pair]:
    """The maximum-total selection (see the module docstring for how)."""
    chosen: list[Pair] = []
    for component in _components(pairs):
        best = list(_best_per_entity(component).values())
        if _disjoint(best):
            chosen.extend(best)
        elif len({p.entity for p in component}) <= MAX_DP_ENTITIES:
            chosen.extend(_solve_dp(component))
        else:
            chosen.extend(solve_ilp(component))
    return sorted(chosen, key=lambda p: p.start)


SOLVERS: dict[str, Solver] = {"exact": solve_exact, "greedy": solve_greedy, "ilp": solve_ilp}
