"""Span completion (processing/project/span_completion.py): spans widened to the word sequences the
corpus projects as whole names, never shortened, dropped or retyped."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projner.processing.project.span_completion import (
    SpanCompletionConfig,
    complete_spans,
    whole_names,
)
from projner.processing.project.spans import Span

WHOLE = ["l'", "Unione", "europea", "decide"]
"""A sentence where the projection found all of "Unione europea" (source: "European Union")."""
SHORT = ["la", "Unione", "europea", "e", "gli", "Stati"]
"""One where it found "Unione" only (source: "EU", linked to one word)."""


def test_a_span_inside_a_whole_name_of_its_type_is_widened():
    words = [WHOLE, WHOLE, WHOLE, SHORT]
    spans = [[Span(1, 3, "ORG")]] * 3 + [[Span(1, 2, "ORG"), Span(5, 6, "LOC")]]
    completed = complete_spans(words, spans)
    assert completed[3] == [Span(1, 3, "ORG"), Span(5, 6, "LOC")]
    assert completed[:3] == spans[:3]
    assert whole_names(words, spans, SpanCompletionConfig()) == {("unione", "europea"): "ORG"}


def test_case_does_not_matter_but_the_words_do():
    words = [WHOLE, WHOLE, WHOLE, ["UNIONE", "EUROPEA"], ["Unione", "Sovietica"]]
    spans = [[Span(1, 3, "ORG")]] * 3 + [[Span(0, 1, "ORG")], [Span(0, 1, "ORG")]]
    completed = complete_spans(words, spans)
    assert completed[3] == [Span(0, 2, "ORG")]
    assert completed[4] == [Span(0, 1, "ORG")]


def test_too_few_spans_are_no_evidence():
    words = [WHOLE, WHOLE, SHORT]
    spans = [[Span(1, 3, "ORG")], [Span(1, 3, "ORG")], [Span(1, 2, "ORG")]]
    assert complete_spans(words, spans) == spans
    assert complete_spans(words, spans, SpanCompletionConfig(min_count=2))[2] == [Span(1, 3, "ORG")]


def test_a_sequence_mostly_projected_in_parts_is_not_a_whole_name():
    # three whole spans, four occurrences touched by shorter spans: share 3/7 < 0.5
    words = [WHOLE] * 3 + [SHORT] * 4
    spans = [[Span(1, 3, "ORG")]] * 3 + [[Span(1, 2, "ORG")]] * 4
    assert complete_spans(words, spans) == spans
    # occurrences no span touches do not count against it
    untouched = complete_spans(words + [SHORT] * 5, spans[:4] + [[]] * 8)
    assert untouched[3] == [Span(1, 3, "ORG")]


def test_another_type_or_a_neighbouring_span_blocks_the_widening():
    words = [WHOLE] * 3 + [SHORT, SHORT]
    spans = [[Span(1, 3, "ORG")]] * 3 + [[Span(1, 2, "LOC")], [Span(1, 2, "ORG"), Span(2, 3, "LOC")]]
    assert complete_spans(words, spans)[3:] == spans[3:]


def test_two_spans_never_grow_into_each_other():
    words = [["x", "y", "q"]] * 3 + [["q", "y", "z"]] * 3 + [["x", "y", "z"]]
    spans = [[Span(0, 2, "ORG")]] * 3 + [[Span(1, 3, "ORG")]] * 3 + [[Span(0, 1, "ORG"), Span(2, 3, "ORG")]]
    assert complete_spans(words, spans)[6] == [Span(0, 2, "ORG"), Span(2, 3, "ORG")]


def test_the_longest_whole_name_wins():
    long = ["la", "Banca", "centrale", "europea", "oggi"]
    words = [long] * 3 + [["Banca", "centrale", "di", "Francia"]] * 3 + [long]
    spans = ([[Span(1, 4, "ORG")]] * 3 + [[Span(0, 2, "ORG")]] * 3 + [[Span(1, 2, "ORG")]])
    assert complete_spans(words, spans)[6] == [Span(1, 4, "ORG")]


@given(st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", "c", "D"]), min_size=1, max_size=7),
                          st.lists(st.tuples(st.integers(0, 6), st.integers(1, 3),
                                             st.sampled_from(["PER", "ORG"])), max_size=3)),
                min_size=1, max_size=12))
def test_spans_only_grow_keep_their_type_and_never_overlap(corpus):
    words, spans = [], []
    for sentence, raw in corpus:
        kept: list[Span] = []
        for start, length, label in raw:
            if start >= len(sentence):
                continue
            span = Span(start, min(start + length, len(sentence)), label)
            if not any(s.start < span.end and span.start < s.end for s in kept):
                kept.append(span)
        words.append(sentence)
        spans.append(sorted(kept))
    completed = complete_spans(words, spans, SpanCompletionConfig(min_count=1))
    for before, after in zip(spans, completed, strict=True):
        assert len(before) == len(after)
        for old, new in zip(before, after):
            assert new.start <= old.start and old.end <= new.end and new.label == old.label
        ordered = sorted(after)
        assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))


@pytest.mark.parametrize("field, value", [("min_count", 0), ("min_share", 0.0), ("min_share", 1.5), ("max_words", 1)])
def test_a_bad_setting_is_refused(field, value):
    with pytest.raises(ValueError, match=field):
        SpanCompletionConfig(**{field: value})
