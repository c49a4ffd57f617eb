"""Back-translation refinement on hand-made sentences, one test per mode."""

from __future__ import annotations

import pytest

from projner.processing.align.links import invert
from projner.processing.align.refine import (
    Refinement,
    RefinementConfig,
    compose,
    refine,
)

# T  (target, German):        Angela(0) Merkel(1) besuchte(2) gestern(3) Paris(4)
# E  (English, MT of T):      Angela(0) Merkel(1) visited(2) Paris(3) yesterday(4)
# T' (E translated back):     Angela(0) Merkel(1) besuchte(2) Paris(3) gestern(4)
ENGLISH_TO_BACK = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
BACK_TO_TARGET = [(0, 0), (1, 1), (2, 2), (3, 4), (4, 3)]  # monolingual: same words, reordered
# The direct cross-lingual aligner got the reordering wrong and linked "visited" twice.
DIRECT = [(0, 0), (1, 1), (2, 2), (2, 3), (3, 3), (4, 4)]


def test_back_translation_alone_follows_the_monolingual_links() -> None:
    got = refine(DIRECT, ENGLISH_TO_BACK, BACK_TO_TARGET, "back-translation")
    assert got == [(0, 0), (1, 1), (2, 2), (3, 4), (4, 3)]


def test_intersection_keeps_what_both_routes_agree_on() -> None:
    got = refine(DIRECT, ENGLISH_TO_BACK, BACK_TO_TARGET, Refinement.INTERSECTION)
    assert got == [(0, 0), (1, 1), (2, 2)]


def test_union_adds_the_direct_links() -> None:
    got = refine(DIRECT, ENGLISH_TO_BACK, BACK_TO_TARGET, "union")
    assert got == [(0, 0), (1, 1), (2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)]


def test_composition_is_many_to_many_and_drops_dead_ends() -> None:
    # "New York" in E → one T' word → two T words; T' word 2 has no T partner; E word 3 no T' partner.
    english_to_back = [(0, 0), (1, 0), (2, 2)]
    back_to_target = [(0, 0), (0, 1), (1, 2)]
    assert compose(english_to_back, back_to_target) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert compose([], back_to_target) == []


def test_links_computed_the_other_way_round_are_inverted_first() -> None:
    # An aligner run with T as source and T' as target gives (t, t') links.
    target_to_back = invert(BACK_TO_TARGET)
    assert refine([], ENGLISH_TO_BACK, invert(target_to_back)) == refine([], ENGLISH_TO_BACK, BACK_TO_TARGET)


def test_config_takes_names_and_rejects_unknown_modes() -> None:
    assert RefinementConfig("union").mode is Refinement.UNION
    assert RefinementConfig().mode is Refinement.BACK_TRANSLATION
    with pytest.raises(ValueError):
        RefinementConfig("average")
    with pytest.raises(ValueError):
        refine([], [], [], "average")
