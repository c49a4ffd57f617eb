import pytest
from hypothesis import given
from hypothesis import strategies as st

from projner.processing.project.spans import Span, spans_to_tags, tags_to_spans


def test_tags_to_spans_reads_iob2_and_repairs_orphan_inside():
    tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG"]
    assert tags_to_spans(tags) == [Span(0, 2, "PER"), Span(3, 5, "LOC"), Span(5, 6, "LOC"), Span(6, 7, "ORG")]


def test_spans_to_tags_rejects_overlap_and_overrun():
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_tags([Span(0, 2, "PER"), Span(1, 3, "LOC")], 4)
    with pytest.raises(ValueError, match="past the sentence end"):
        spans_to_tags([Span(2, 5, "PER")], 4)


@st.composite
def span_sets(draw):
    length = draw(st.integers(0, 30))
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=12)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if draw(st.booleans()):
            spans.append(Span(start, end, draw(st.sampled_from(["PER", "ORG", "LOC"]))))
    return spans, length


@given(span_sets())
def test_round_trip(case):
    spans, length = case
    assert tags_to_spans(spans_to_tags(spans, length)) == sorted(spans)
