"""Spans on words the corpus uses as common words are dropped (processing/project/name_evidence.py)."""

import pytest

from projner.processing.project.name_evidence import (
    NameEvidenceConfig,
    is_named,
    keep_named,
    name_shares,
)
from projner.processing.project.spans import ScoredSpan, Span

# Three pairs of a made-up language: "welt" translates the lower-case "world" twice and the name
# "World" once; "kimi" translates only the name "Kim".
SOURCE = [["the", "world", "is", "big"], ["World", "War", "ended"], ["Kim", "saw", "the", "world", "."]]
ENTITIES = [[], [Span(0, 2, "NAME")], [Span(0, 1, "NAME")]]
TARGET = [["welt", "ist", "gross"], ["Welt", "krieg", "endete"], ["kimi", "sah", "welt", "neu", "."]]
LINKS = [[(1, 0), (2, 1), (3, 2)], [(0, 0), (1, 1), (2, 2)], [(0, 2), (0, 0), (1, 1), (3, 2), (4, 4)]]


def test_name_shares_count_links_from_names_among_links_from_words():
    shares = name_shares(SOURCE, ENTITIES, TARGET, LINKS)
    assert shares.share("welt") == pytest.approx(2 / 4)  # World (sentence 2), Kim→welt; world twice
    assert shares.share("Welt") == shares.share("welt")  # case-folded
    assert shares.share("kimi") == 1.0
    assert shares.share("krieg") == 1.0
    assert shares.share("neu") is None  # linked from nothing
    assert shares.share(".") is None  # the link from "." (no letter or digit) does not count


def test_a_span_is_kept_where_one_word_is_used_as_a_name_or_is_never_linked():
    shares = name_shares(SOURCE, ENTITIES, TARGET, LINKS)
    assert is_named(["welt"], shares, NameEvidenceConfig(min_share=0.5))
    assert not is_named(["welt"], shares, NameEvidenceConfig(min_share=0.6))
    assert is_named(["welt", "kimi"], shares, NameEvidenceConfig(min_share=0.6))
    assert is_named(["neu"], shares, NameEvidenceConfig(min_share=1.0))
    assert not is_named(["."], shares, NameEvidenceConfig())


def test_keep_named_filters_each_sentence_and_keeps_span_objects():
    shares = name_shares(SOURCE, ENTITIES, TARGET, LINKS)
    spans = [[ScoredSpan(Span(0, 1, "NAME"), 0.9)], [Span(0, 2, "NAME")], [Span(0, 1, "NAME"), Span(2, 3, "NAME")]]
    kept = keep_named(TARGET, [[s.span for s in spans[0]], spans[1], spans[2]], shares, NameEvidenceConfig(0.6))
    assert kept == [[], [Span(0, 2, "NAME")], [Span(0, 1, "NAME")]]


def test_config_is_checked_and_lengths_must_agree():
    with pytest.raises(ValueError, match="min_share"):
        NameEvidenceConfig(min_share=0.0)
    with pytest.raises(ValueError):
        name_shares(SOURCE, ENTITIES[:2], TARGET, LINKS)
