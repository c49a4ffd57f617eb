"""The alignment heuristic and the name links that can run before it."""

import pytest

from projner.processing.project.heuristic import (
    HeuristicConfig,
    heuristic_ranges,
    project_heuristic,
)
from projner.processing.project.link_index import LinkRangeError, index_links
from projner.processing.project.names import NameMatchConfig, add_name_links
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.spans import Span


def ranges(links, entity, n_source=6, n_target=10, **config):
    index = index_links(links, n_source, n_target)
    return [(r.span.start, r.span.end) for r in heuristic_ranges(index, entity, HeuristicConfig(**config))]


def test_contiguous_range_and_its_score():
    index = index_links([(1, 3), (2, 4)], 4, 6)
    [scored] = heuristic_ranges(index, Span(1, 3, "PER"), HeuristicConfig())
    assert (scored.span, scored.score) == (Span(3, 5, "PER"), pytest.approx(1.0))


def test_merge_distance_closes_small_gaps_only():
    entity = Span(0, 2, "ORG")
    assert ranges([(0, 3), (1, 5)], entity) == [(3, 6)]                    # one word between
    assert ranges([(0, 3), (1, 5)], entity, merge_distance=0) == []        # two 1-word ranges fail 1/2
    assert ranges([(0, 3), (1, 6)], entity) == []                          # two words between


def test_length_filter_is_strict():
    entity = Span(0, 5, "ORG")
    four = [(k, k) for k in range(4)]
    assert ranges(four, entity) == []                                      # 4/5 = 0.8 is not > 0.8
    assert ranges(four, entity, length_ratio_threshold=0.75) == [(0, 4)]
    assert ranges([(0, 7)], Span(0, 1, "LOC")) == [(7, 8)]                 # 1/1 passes


def test_several_ranges_are_kept_unless_top_k():
    entity = Span(0, 1, "LOC")
    links = [(0, 1), (0, 5), (0, 6)]
    assert ranges(links, entity) == [(1, 2), (5, 7)]
    assert ranges(links, entity, top_k=1) == [(5, 7)]       # 2·2/(1+2) beats 2·1/(1+1)


def test_overlapping_ranges_of_two_entities_go_to_the_better_score():
    index = index_links([(0, 2), (1, 2), (1, 3), (3, 2)], 4, 5)
    chosen = project_heuristic(index, [Span(0, 2, "PER"), Span(3, 4, "LOC")])
    assert [(k, s.span.start, s.span.end) for k, s in chosen] == [(0, 2, 4)]


def test_unprojected_entities_carry_their_reason():
    config = ProjectionConfig(method="heuristic", names=None)
    result = project_pair(["A", "B", "C", "x"], [Span(0, 2, "ORG"), Span(2, 3, "PER")],
                          ["a", "b", "c"], [(0, 0)], config)
    assert result.spans == []
    assert result.unprojected == ((0, "filtered"), (1, "unaligned"))
    empty = project_pair(["A"], [Span(0, 1, "PER")], [], [], config)
    assert empty.unprojected == ((0, "no target words"),) and empty.tags == []


def test_links_outside_the_pair_are_an_error():
    with pytest.raises(LinkRangeError, match="link 2-0 lies outside a pair of 2 source and 1 target"):
        index_links([(2, 0)], 2, 1)


def test_name_links_repair_missing_and_contradicted_links():
    source = ["Mr", "Ponnambalam", "visited", "Lapland"]
    target = ["Herr", "Ponnambalam", "besuchte", "gern", "Lappland"]
    entities = [Span(1, 2, "PER"), Span(3, 4, "LOC")]
    index = index_links([(0, 0), (3, 3)], 4, 5)         # name unaligned, Lapland on a wrong word
    repaired = add_name_links(source, entities, target, index)
    assert repaired.targets[1] == [1] and repaired.targets[3] == [4]
    assert repaired.targets[0] == [0]                    # words outside entities are left alone


def test_name_links_respect_case_and_length():
    # capitalised "Union" never takes lower-case "non"; short words must match exactly
    index = index_links([], 2, 3)
    repaired = add_name_links(["the", "Union"], [Span(1, 2, "ORG")], ["non", "la", "EU"], index)
    assert repaired.targets[1] == []
    exact = add_name_links(["EU"], [Span(0, 1, "ORG")], ["die", "EU"], index_links([], 1, 2))
    assert exact.targets[0] == [1]


def test_orphans_pair_with_orphans_of_any_case_and_neighbours_need_less():
    # "Member" is unlinked; Italian "membri" is unlinked: a look-alike despite the case
    source, target = ["Member", "States"], ["gli", "Stati", "membri"]
    index = index_links([(1, 1)], 2, 3)
    assert add_name_links(source, [Span(0, 2, "ORG")], target, index).targets[0] == [2]
    # "States" / Spanish "Estados": different first letter, but right beside the linked "miembros"
    index = index_links([(0, 2)], 2, 4)
    spanish = ["los", "Estados", "miembros", "dicen"]
    assert add_name_links(source, [Span(0, 2, "ORG")], spanish, index).targets[1] == [1]
    off = NameMatchConfig(neighbour_threshold=None)
    assert add_name_links(source, [Span(0, 2, "ORG")], spanish, index, off).targets[1] == []


def test_crossed_entity_words_are_uncrossed_not_orphaned():
    # the aligner crossed them: Member→Stati, States→membri; spelling says States≈Stati
    source, target = ["Member", "States"], ["Stati", "membri", "oggi"]
    index = index_links([(0, 0), (1, 1)], 2, 3)
    repaired = add_name_links(source, [Span(0, 2, "ORG")], target, index)
    assert repaired.targets[1] == [0] and repaired.targets[0] == [1]
    result = project_pair(source, [Span(0, 2, "ORG")], target, [(0, 0), (1, 1)])
    assert [(s.span.start, s.span.end) for s in result.spans] == [(0, 2)]


def test_a_word_linked_to_nothing_similar_takes_a_full_look_alike_beside_the_entity():
    source = ["Rural", "Development"]
    target = ["lo", "sviluppo", "rurale", "e", "rurale"]
    index = index_links([(0, 0), (1, 1)], 2, 5)
    assert add_name_links(source, [Span(0, 2, "ORG")], target, index).targets[0] == [0, 2]
    # a weaker look-alike is not enough for a word the aligner linked elsewhere
    weak = ["lo", "sviluppo", "rurali", "x"]
    index = index_links([(0, 0), (1, 1)], 2, 4)
    strict = NameMatchConfig(threshold=0.95)
    assert add_name_links(source, [Span(0, 2, "ORG")], weak, index, strict).targets[0] == [0]
