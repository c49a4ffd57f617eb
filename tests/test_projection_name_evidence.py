"""Spans on words the corpus uses as common words are dropped (processing/project/name_evidence.py)."""

import pytest

from projner.processing.project.name_evidence import (
    NameEvidenceConfig,
    is_named,
    name_shares,
    named_spans,
)
from projner.processing.project.spans import Span

# Pairs of a made-up language: "welt" is the lower-case "world" once (a common use), the name
# "World" once, and once both the name "Kim" and "world" link to it (a name use, like a compound
# "EU-Recht"); "kimi" translates only the name "Kim"; "gestern" only the capitalised "Yesterday",
# which is no entity (no evidence either way).
SOURCE = [["the", "world", "is", "big"], ["World", "War", "ended"], ["Kim", "saw", "the", "world", "."],
          ["Yesterday", "rain"]]
ENTITIES = [[], [Span(0, 2, "NAME")], [Span(0, 1, "NAME")], []]
TARGET = [["welt", "ist", "gross"], ["Welt", "krieg", "endete"], ["kimi", "sah", "welt", "neu", "."],
          ["gestern", "regen"]]
LINKS = [[(1, 0), (2, 1), (3, 2)], [(0, 0), (1, 1), (2, 2)], [(0, 2), (0, 0), (1, 1), (3, 2), (4, 4)],
         [(0, 0), (1, 1)]]


def test_name_shares_count_name_uses_among_name_and_common_uses():
    shares = name_shares(SOURCE, ENTITIES, TARGET, LINKS)
    assert shares.share("welt") == pytest.approx(2 / 3)
    assert shares.share("Welt") == shares.share("welt")  # case-folded
    assert shares.share("kimi") == 1.0
    assert shares.share("krieg") == 1.0
    assert shares.share("endete") == 0.0
    assert shares.share("regen") == 0.0
    assert shares.share("gestern") is None  # linked only from a capitalised word outside entities
    assert shares.share("neu") is None  # linked from nothing
    assert shares.share(".") is None  # the link from "." (no letter or digit) does not count


def test_a_span_is_kept_where_one_word_is_used_as_a_name_or_is_never_linked():
    shares = name_shares(SOURCE, ENTITIES, TARGET, LINKS)
    assert is_named(["welt"], shares, NameEvidenceConfig(min_share=0.6))
    assert not is_named(["welt"], shares, NameEvidenceConfig(min_share=0.7))
    assert is_named(["welt", "kimi"], shares, NameEvidenceConfig(min_share=0.7))
    assert not is_named(["endete"], shares, NameEvidenceConfig())
    assert is_named(["neu"], shares, NameEvidenceConfig(min_share=1.0))
    assert is_named(["gestern"], shares, NameEvidenceConfig(min_share=1.0))
    assert not is_named(["."], shares, NameEvidenceConfig())


def test_named_spans_says_which_spans_of_each_sentence_stay():
    spans = [[Span(0, 1, "NAME")], [Span(0, 2, "NAME")], [Span(0, 1, "NAME"), Span(2, 3, "NAME")],
             [Span(1, 2, "NAME")]]
    kept = named_spans(SOURCE, ENTITIES, TARGET, LINKS, spans, NameEvidenceConfig(0.7))
    assert kept == [[False], [True], [True, False], [False]]
    assert named_spans(SOURCE, ENTITIES, TARGET, LINKS, spans)[0] == [True]  # welt: 2/3


def test_config_is_checked_and_lengths_must_agree():
    with pytest.raises(ValueError, match="min_share"):
        NameEvidenceConfig(min_share=0.0)
    with pytest.raises(ValueError):
        name_shares(SOURCE, ENTITIES[:2], TARGET, LINKS)
