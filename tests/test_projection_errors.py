"""Every wrong span of a projection in one class (processing/project/errors.py)."""

from projner.processing.project.errors import (
    BOUNDARY,
    COMMON_SOURCE,
    DROPPED,
    SPURIOUS,
    TYPE,
    UNANNOTATED_SOURCE,
    UNLINKED,
    ProjectionError,
    projection_errors,
)
from projner.processing.project.spans import Span

# "The American envoy met Kim Jong Un in Seoul and Park at noon ." with only "Kim Jong Un", "Seoul"
# and "Park" annotated (an adjective is no name on the source side) against a made-up target whose
# annotators tagged the country the adjective became.
SOURCE = ["The", "American", "envoy", "met", "Kim", "Jong", "Un", "in", "Seoul", "and", "Park", "at", "noon", "."]
ENTITIES = [Span(4, 7, "PER"), Span(8, 9, "LOC"), Span(10, 11, "PER")]
#          0        1         2       3      4       5      6       7       8      9      10
TARGET = ["Amerika", "gesandte", "traf", "Kim", "Jong", "Un", "in", "Seoul", "und", "Park", "mittags"]
LINKS = [(0, 0), (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5), (7, 6), (8, 7), (9, 8), (10, 9), (12, 10)]


def kinds(errors: list[ProjectionError]) -> list[tuple[bool, str, Span]]:
    return [(e.missed, e.kind, e.span) for e in errors]


def test_an_exact_projection_has_no_error():
    gold = [Span(3, 6, "PER"), Span(7, 8, "LOC"), Span(9, 10, "PER")]
    assert projection_errors(SOURCE, ENTITIES, gold, gold, LINKS) == []


def test_a_name_the_source_leaves_untagged_is_told_from_an_alignment_miss():
    gold = [Span(0, 1, "LOC"), Span(3, 6, "PER"), Span(7, 8, "LOC"), Span(9, 10, "PER")]
    predicted = [Span(3, 5, "PER"), Span(7, 8, "ORG")]
    errors = projection_errors(SOURCE, ENTITIES, gold, predicted, LINKS)
    assert kinds(errors) == [
        (True, UNANNOTATED_SOURCE, Span(0, 1, "LOC")),  # linked from "American" (and the first word "The")
        (True, BOUNDARY, Span(3, 6, "PER")),
        (True, TYPE, Span(7, 8, "LOC")),
        (True, DROPPED, Span(9, 10, "PER")),  # "Park" links into it, nothing was projected there
        (False, BOUNDARY, Span(3, 5, "PER")),
        (False, TYPE, Span(7, 8, "ORG")),
    ]
    assert errors[0].source_words == ("The", "American")


def test_a_gold_span_linked_from_common_words_the_first_word_or_nothing():
    gold = [Span(1, 2, "LOC"), Span(10, 11, "LOC")]
    errors = projection_errors(SOURCE, ENTITIES, gold, [], LINKS)
    assert kinds(errors) == [(True, COMMON_SOURCE, Span(1, 2, "LOC")), (True, COMMON_SOURCE, Span(10, 11, "LOC"))]
    only_first_word = projection_errors(SOURCE, ENTITIES, [Span(0, 1, "LOC")], [], [(0, 0)])
    assert kinds(only_first_word) == [(True, COMMON_SOURCE, Span(0, 1, "LOC"))]  # "The" says nothing
    assert kinds(projection_errors(SOURCE, ENTITIES, [Span(0, 1, "LOC")], [], [])) == [
        (True, UNLINKED, Span(0, 1, "LOC"))]


def test_a_projected_span_on_no_gold_word_is_spurious():
    errors = projection_errors(SOURCE, ENTITIES, [Span(3, 6, "PER")], [Span(3, 6, "PER"), Span(10, 11, "PER")], LINKS)
    assert kinds(errors) == [(False, SPURIOUS, Span(10, 11, "PER"))]
