"""The solvers: exact really is exact, greedy never beats it, outputs are always valid."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projner.processing.project.solvers import (
    MAX_DP_ENTITIES,
    Pair,
    solve_exact,
    solve_greedy,
    solve_ilp,
)
from projner.processing.project.spans import Span, spans_to_tags


def total(pairs):
    return sum(p.score for p in pairs)


def feasible(pairs):
    entities = [p.entity for p in pairs]
    if len(entities) != len(set(entities)):
        return False
    return all(a.end <= b.start or b.end <= a.start for a, b in combinations(pairs, 2))


def brute_force(pairs):
    best = 0.0
    for size in range(1, len(pairs) + 1):
        for subset in combinations(pairs, size):
            if feasible(subset):
                best = max(best, total(subset))
    return best


@st.composite
def instances(draw, max_pairs=9, max_entities=4, length=12):
    count = draw(st.integers(0, max_pairs))
    pairs = []
    for _ in range(count):
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, min(length, start + 5)))
        score = draw(st.floats(0.01, 2.0, allow_nan=False))
        pairs.append(Pair(score, draw(st.integers(0, max_entities - 1)), start, end))
    return pairs


def as_tags(pairs, length=40):
    return spans_to_tags([Span(p.start, p.end, f"T{p.entity}") for p in pairs], length)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_exact_equals_brute_force_and_ilp(pairs):
    exact = solve_exact(pairs)
    assert feasible(exact)
    assert total(exact) == pytest.approx(brute_force(pairs), abs=1e-9)
    assert total(solve_ilp(pairs)) == pytest.approx(total(exact), abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(instances(max_pairs=30, max_entities=8, length=30))
def test_exact_never_below_greedy_and_outputs_are_valid(pairs):
    exact, greedy = solve_exact(pairs), solve_greedy(pairs)
    assert total(exact) >= total(greedy) - 1e-9
    for chosen in (exact, greedy):
        assert feasible(chosen)
        assert all(p in pairs for p in chosen)
        tags = as_tags(chosen)  # raises on overlap
        assert all(not t.startswith("I-") or tags[k - 1][2:] == t[2:] for k, t in enumerate(tags))


def test_greedy_can_lose_where_exact_does_not():
    # entity 0 prefers the span entity 1 needs; greedy takes it, exact moves entity 0 aside
    pairs = [Pair(1.0, 0, 0, 2), Pair(0.9, 0, 5, 6), Pair(0.8, 1, 0, 2)]
    assert total(solve_greedy(pairs)) == pytest.approx(1.0)
    assert total(solve_exact(pairs)) == pytest.approx(1.7)
    assert {(p.entity, p.start) for p in solve_exact(pairs)} == {(0, 5), (1, 0)}


def test_large_component_falls_back_to_the_ilp_and_stays_exact():
    # MAX_DP_ENTITIES + 1 entities all wanting two overlapping spans: one component beyond the DP
    n = MAX_DP_ENTITIES + 1
    pairs = [Pair(1.0 + 0.01 * k, k, k, k + 2) for k in range(n)]
    pairs += [Pair(0.5, k, 100 + k, 101 + k) for k in range(n)]
    exact = solve_exact(pairs)
    assert feasible(exact)
    assert total(exact) == pytest.approx(total(solve_ilp(pairs)), abs=1e-6)


def test_empty_and_ties_are_deterministic():
    assert solve_exact([]) == solve_greedy([]) == solve_ilp([]) == []
    pairs = [Pair(1.0, 0, 3, 4), Pair(1.0, 0, 1, 2)]
    assert solve_greedy(pairs) == [Pair(1.0, 0, 1, 2)]
    assert solve_exact(pairs) == solve_exact(list(reversed(pairs)))
