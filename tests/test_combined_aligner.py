"""The neural aligner and eflomal combined: union and intersection of their links, one backend name."""

from __future__ import annotations

import pytest

from projner.processing.align.backends import make_aligner
from projner.processing.align.combined import CombinedConfig, combine_links
from projner.processing.align.neural import NeuralAligner

pytestmark = pytest.mark.usefixtures("single_thread")

SOURCE = [s.split() for s in ("the house is small", "the car is red", "a small car", "the red house")]
TARGET = [s.split() for s in ("das Haus ist klein", "das Auto ist rot", "ein kleines Auto", "das rote Haus")]


def test_combine_links_takes_the_union_or_the_intersection_per_pair():
    first, second = [[(0, 0), (1, 1)], []], [[(1, 1), (2, 2)], [(0, 0)]]
    assert combine_links(first, second, "union") == [[(0, 0), (1, 1), (2, 2)], [(0, 0)]]
    assert combine_links(first, second, "intersection") == [[(1, 1)], []]
    # fill: the second's links only between words the first leaves both unaligned
    assert combine_links([[(0, 0)]], [[(0, 1), (1, 0), (1, 1)]], "fill") == [[(0, 0), (1, 1)]]
    with pytest.raises(ValueError, match="combination must be one of union, intersection, fill"):
        combine_links(first, second, "gdfa")


def test_options_are_sorted_to_the_aligner_they_belong_to():
    config = CombinedConfig.from_options(model="m", layer=6, method="itermax", symmetrization="gdfa", runs=1,
                                         combination="intersection")
    assert (config.neural.model, config.neural.layer, config.neural.method.value) == ("m", 6, "itermax")
    assert (config.eflomal.symmetrization, config.eflomal.runs, config.combination) == ("gdfa", 1, "intersection")
    assert CombinedConfig.from_options(model="m").combination == "fill"
    with pytest.raises(ValueError, match="aligner 'neural\\+eflomal'"):
        make_aligner("neural+eflomal", model="m", no_such_option=1)


@pytest.mark.parametrize("combination", ["fill", "union", "intersection"])
def test_the_combined_backend_holds_the_neural_links_or_keeps_within_them(tiny_aligner, combination):
    neural = NeuralAligner(model=str(tiny_aligner), layer=8, device="cpu").align(SOURCE, TARGET)
    combined = make_aligner("neural+eflomal", model=str(tiny_aligner), layer=8, device="cpu", runs=1,
                            combination=combination).align(SOURCE, TARGET)
    for ours, theirs in zip(combined, neural):
        if combination in ("fill", "union"):
            assert set(theirs) <= set(ours)
        else:
            assert set(ours) <= set(theirs)
