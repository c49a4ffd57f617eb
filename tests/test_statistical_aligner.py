"""The eflomal backend: direction, indices, empty pairs, voting and extra text, the registry."""

import random

import pytest

from projner.processing.align.backends import BACKENDS, make_aligner
from projner.processing.align.base import WordAligner
from projner.processing.align.statistical import (
    EflomalAligner,
    EflomalConfig,
    vote_links,
)

FAST = {"samplers": 1, "rel_iterations": 0.2}
ENGLISH = ["the", "house", "is", "red", "big", "old", "and", "small", "car", "green"]
GERMAN = ["das", "Haus", "ist", "rot", "groß", "alt", "und", "klein", "Auto", "grün"]


def order(n):
    """Target position of each source word: every full block of three is rotated (word 0 goes
    after words 1 and 2), so source-first links (i, order[i]) differ from swapped ones."""
    return [k + (i - k + 2) % 3 if k + 3 <= n else i for k in range(0, n, 3) for i in range(k, min(k + 3, n))]


def corpus(seed=0, size=60):
    """Word-for-word translations, reordered by :func:`order`."""
    rng = random.Random(seed)
    source, target = [], []
    for _ in range(size):
        picks = [rng.randrange(len(ENGLISH)) for _ in range(rng.randint(3, 8))]
        words = [ENGLISH[p] for p in picks]
        translated = [GERMAN[p] for p in picks]
        placed = [""] * len(words)
        for i, j in enumerate(order(len(words))):
            placed[j] = translated[i]
        source.append(words)
        target.append(placed)
    return source, target


def expected(words):
    return set(enumerate(order(len(words))))


@pytest.mark.parametrize("config", [EflomalConfig(runs=1, **FAST), EflomalConfig(runs=3, **FAST)])
def test_learns_a_consistent_corpus_source_first(config):
    source, target = corpus()
    links = EflomalAligner(config).align(source, target)
    assert len(links) == len(source)
    right = sum(len(set(pair) & expected(s)) for pair, s in zip(links, source))
    assert right / sum(len(s) for s in source) > 0.8   # links swapped to target-first: ~0.2
    for pair, s, t in zip(links, source, target):
        assert all(0 <= i < len(s) and 0 <= j < len(t) for i, j in pair)


def test_empty_sides_give_no_links_and_keep_their_place():
    source, target = corpus(size=30)
    source.insert(5, [])
    target.insert(5, ["allein"])
    source.append(["only"])
    target.append([])
    links = EflomalAligner(EflomalConfig(runs=1, **FAST)).align(source, target)
    assert len(links) == 32 and links[5] == [] and links[-1] == []
    assert set(links[6]) & expected(source[6])


def test_extra_parallel_text_trains_but_is_not_returned():
    source, target = corpus(size=50)
    extra_source, extra_target = corpus(seed=1, size=40)
    aligner = EflomalAligner(EflomalConfig(runs=1, **FAST), extra_source=extra_source, extra_target=extra_target)
    links = aligner.align(source[:3], target[:3])
    assert len(links) == 3
    assert all(set(pair) & expected(s) for pair, s in zip(links, source[:3]))
    with pytest.raises(ValueError, match="3 source but 2 target"):
        EflomalAligner(extra_source=[["a"]] * 3, extra_target=[["b"]] * 2)


def test_vote_links_keeps_links_enough_runs_agree_on():
    runs = [[[(0, 0), (1, 1)], []], [[(0, 0), (1, 2)], [(0, 0)]], [[(0, 0), (1, 1), (1, 1)], []]]
    assert vote_links(runs, 2) == [[(0, 0), (1, 1)], []]
    assert vote_links(runs, 3) == [[(0, 0)], []]
    assert vote_links(runs, 1) == [[(0, 0), (1, 1), (1, 2)], [(0, 0)]]


def test_config_checks_and_votes():
    assert EflomalConfig(runs=3).votes_needed == 2
    assert EflomalConfig(runs=4).votes_needed == 3
    assert EflomalConfig(runs=3, min_votes=1).votes_needed == 1
    with pytest.raises(ValueError):
        EflomalConfig(symmetrization="sideways")
    with pytest.raises(ValueError, match="stem_letters"):
        EflomalConfig(stem_letters=-1)
    with pytest.raises(ValueError, match="min_votes"):
        EflomalConfig(runs=2, min_votes=3)
    with pytest.raises(ValueError, match="2 source sentences but 1 target"):
        EflomalAligner().align([["a"], ["b"]], [["c"]])


def test_registry():
    aligner = make_aligner("eflomal", symmetrization="union", runs=2)
    assert isinstance(aligner, WordAligner) and aligner.config.symmetrization == "union"
    assert "eflomal" in BACKENDS
    with pytest.raises(ValueError, match="unknown aligner 'giza'"):
        make_aligner("giza")
    with pytest.raises(ValueError, match="aligner 'eflomal'"):
        make_aligner("eflomal", colour="blue")
