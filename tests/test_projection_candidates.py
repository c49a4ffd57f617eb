"""Candidate matching: the scores' formulas, the candidate restriction losing nothing, the results."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projner.processing.project.candidates import CandidateConfig
from projner.processing.project.link_index import index_links
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.scores import ExternalSpan, ScoreConfig, SentenceScorer
from projner.processing.project.solvers import Pair, solve_exact
from projner.processing.project.spans import Span

PAPER = ScoreConfig(weights=(("alignment", 1.0),), case_mismatch_factor=1.0)


def score_of(words_src, entities, words_tgt, links, config, entity, span, external=()):
    index = index_links(links, len(words_src), len(words_tgt))
    scorer = SentenceScorer(words_src, entities, words_tgt, index, config, external)
    return scorer.score(entity, scorer.entity_links(entity), [span])[0]


def test_alignment_and_coverage_scores():
    src = ["the", "United", "States", "said"]
    tgt = ["die", "Vereinigten", "Staaten", "sagten"]
    entity = [Span(1, 3, "LOC")]
    links = [(1, 1), (2, 2), (2, 0)]
    alignment = ScoreConfig(weights=(("alignment", 1.0),), case_mismatch_factor=1.0)
    coverage = ScoreConfig(weights=(("coverage", 1.0),), case_mismatch_factor=1.0)
    # A = 2 links into words 1-2: 2*2/(2+2); coverage: 2 source + 2 target words of 4
    assert score_of(src, entity, tgt, links, alignment, 0, (1, 3)) == pytest.approx(1.0)
    assert score_of(src, entity, tgt, links, coverage, 0, (1, 3)) == pytest.approx(1.0)
    # adding the article linked to "States": 3 links over 5 words, but coverage stays 5/5
    assert score_of(src, entity, tgt, links, alignment, 0, (0, 3)) == pytest.approx(6 / 5)
    assert score_of(src, entity, tgt, links, coverage, 0, (0, 3)) == pytest.approx(1.0)
    # no link into the span: inadmissible (None), not merely 0
    assert score_of(src, entity, tgt, links, coverage, 0, (3, 4)) is None


def test_case_factor_prefers_a_capitalised_start_on_equal_evidence():
    src = ["the", "Member", "States", "agree"]
    tgt = ["gli", "Stati", "membri", "concordano"]
    links = [(1, 0), (1, 2), (2, 1)]  # "Member" also linked to the article
    result = project_pair(src, [Span(1, 3, "ORG")], tgt, links)
    assert [(s.span.start, s.span.end) for s in result.spans] == [(1, 3)]
    without = ProjectionConfig(scores=ScoreConfig(case_mismatch_factor=1.0, weights=(("alignment", 1.0),)))
    spans = project_pair(src, [Span(1, 3, "ORG")], tgt, links, without).spans
    assert [(s.span.start, s.span.end) for s in spans] == [(0, 3)]


def test_a_strong_case_factor_can_pull_the_start_before_the_linked_words():
    # "Ef cd": 2/3 coverage, capitalised start; "cd": coverage 1 but lower-case start, times 0.6
    config = ProjectionConfig(names=None, scores=ScoreConfig(case_mismatch_factor=0.6))
    result = project_pair(["Ab"], [Span(0, 1, "PER")], ["xy", "Ef", "cd"], [(0, 2)], config)
    assert [(s.span.start, s.span.end) for s in result.spans] == [(1, 3)]
    assert result.spans[0].score == pytest.approx(2 / 3)


def test_external_spans_are_candidates_and_scored_by_ner():
    src, tgt = ["Obama", "spoke"], ["sprach", "Barack", "Obama", "."]
    config = ProjectionConfig(names=None, scores=ScoreConfig(weights=(("coverage", 1.0), ("ner", 1.0))))
    external = [ExternalSpan(1, 3, "PER", 0.9), ExternalSpan(0, 1, "LOC", 0.8), ExternalSpan(3, 4, "PER", 0.95),
                ExternalSpan(2, 9, "PER", 0.99)]   # punctuation only; past the end
    result = project_pair(src, [Span(0, 1, "PER")], tgt, [], config, external=external)
    assert [(s.span.start, s.span.end, s.span.label) for s in result.spans] == [(1, 3, "PER")]
    assert result.spans[0].score == pytest.approx(0.9)
    # without a link or a proposal there is nothing to project, and the reason says so
    bare = project_pair(src, [Span(0, 1, "PER")], tgt, [], config)
    assert bare.spans == [] and bare.unprojected == ((0, "unaligned"),)


def test_pair_scorers_and_unknown_score_names():
    src, tgt = ["Paris", "is", "big"], ["Paris", "ist", "groß"]
    def prefers_last(context, spans):
        return [1.0 if end == len(context.target_words) else 0.0 for _, end in spans]
    config = ProjectionConfig(names=None, scores=ScoreConfig(weights=(("coverage", 1.0), ("translation", 5.0))))
    result = project_pair(src, [Span(0, 1, "LOC")], tgt, [(0, 0), (0, 2)], config,
                          scorers={"translation": prefers_last})
    assert [(s.span.start, s.span.end) for s in result.spans] == [(2, 3)]
    with pytest.raises(ValueError, match="unknown score 'translation'"):
        project_pair(src, [Span(0, 1, "LOC")], tgt, [(0, 0)], config)


def test_min_score_filters_and_reports():
    config = ProjectionConfig(names=None, scores=ScoreConfig(min_score=0.9))
    result = project_pair(["New", "York"], [Span(0, 2, "LOC")], ["Nueva", "York", "x"], [(1, 1)], config)
    assert result.spans == [] and result.unprojected == ((0, "filtered"),)


def test_max_ngram_caps_length():
    src, tgt = ["A", "B", "C"], ["a", "b", "c"]
    links = [(0, 0), (1, 1), (2, 2)]
    config = ProjectionConfig(names=None, candidates=CandidateConfig(max_ngram=2))
    spans = project_pair(src, [Span(0, 3, "ORG")], tgt, links, config).spans
    assert all(len(s.span) <= 2 for s in spans) and spans


WORDS = ["Ab", "cd", "Ef", "gh", ",", "Ij", "kl", "Mn"]


@st.composite
def sentence_pairs(draw):
    n_src = draw(st.integers(1, 7))
    n_tgt = draw(st.integers(1, 9))
    src = [draw(st.sampled_from(WORDS)) for _ in range(n_src)]
    tgt = [draw(st.sampled_from(WORDS)) for _ in range(n_tgt)]
    links = sorted(draw(st.sets(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)), max_size=10)))
    cuts = sorted(draw(st.sets(st.integers(0, n_src), max_size=6)))
    entities = [Span(a, b, draw(st.sampled_from(["PER", "LOC"]))) for a, b in zip(cuts[::2], cuts[1::2])]
    factor = draw(st.sampled_from([1.0, 0.95, 0.6]))
    weights = draw(st.sampled_from([(("coverage", 1.0),), (("alignment", 1.0),),
                                    (("alignment", 0.5), ("coverage", 1.0))]))
    return src, tgt, links, entities, ScoreConfig(weights=weights, case_mismatch_factor=factor)


@settings(max_examples=200, deadline=None)
@given(sentence_pairs())
def test_candidate_restriction_loses_no_optimum(case):
    """Exact matching over the restricted candidates = exact matching over every n-gram."""
    src, tgt, links, entities, scores = case
    config = ProjectionConfig(names=None, scores=scores)
    result = project_pair(src, entities, tgt, links, config)
    index = index_links(links, len(src), len(tgt))
    scorer = SentenceScorer(src, entities, tgt, index, scores)
    every = [(s, e) for s in range(len(tgt)) for e in range(s + 1, len(tgt) + 1)]
    pairs = []
    for k in range(len(entities)):
        for value, (s, e) in zip(scorer.score(k, scorer.entity_links(k), every), every):
            if value is not None and value > 0:
                pairs.append(Pair(value, k, s, e))
    best = sum(p.score for p in solve_exact(pairs))
    assert sum(s.score for s in result.spans) == pytest.approx(best, abs=1e-9)
    assert len(result.matches) + len(result.unprojected) == len(entities)
    assert len(result.tags) == len(tgt)  # spans_to_tags raises on an overlap
