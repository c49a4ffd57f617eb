"""Combining several sources' projections on the same target words (processing/project/combine.py)."""

from __future__ import annotations

import itertools

import pytest

from projner.processing.project.combine import (
    CombineConfig,
    agreement_weights,
    combine_spans,
    reliability_weights,
)
from projner.processing.project.spans import ScoredSpan, Span


def scored(start: int, end: int, label: str, score: float = 1.0) -> ScoredSpan:
    return ScoredSpan(Span(start, end, label), score)


def words(result) -> list[tuple[int, int, str]]:
    return [(s.span.start, s.span.end, s.span.label) for s in result.spans]


def test_vote_keeps_what_a_majority_projected_and_drops_the_rest():
    projections = [[scored(0, 2, "PER"), scored(4, 5, "LOC")],
                   [scored(0, 2, "PER")],
                   [scored(0, 2, "PER"), scored(6, 7, "ORG")]]
    result = combine_spans(projections, CombineConfig(method="vote"))
    assert words(result) == [(0, 2, "PER")]
    assert result.voters == ((0, 1, 2),)
    assert result.counts.as_dict() == {"proposed": 3, "kept": 1, "dropped": 2,
                                       "type_disagreements": 0, "ties": 0}


def test_vote_min_agree_one_is_the_union_without_overlaps():
    projections = [[scored(0, 2, "PER")], [scored(1, 3, "PER")], [scored(5, 6, "LOC")]]
    result = combine_spans(projections, CombineConfig(method="vote", min_agree=1))
    assert words(result) in ([(0, 2, "PER"), (5, 6, "LOC")], [(1, 3, "PER"), (5, 6, "LOC")])
    assert result.counts.ties == 1  # two one-voter spans over the same word


def test_vote_type_disagreement_goes_to_the_majority_type_and_is_counted():
    projections = [[scored(0, 1, "ORG")], [scored(0, 1, "LOC")], [scored(0, 1, "LOC")]]
    result = combine_spans(projections, CombineConfig(method="vote"))
    assert words(result) == [(0, 1, "LOC")]
    assert result.voters == ((1, 2),)
    assert result.counts.type_disagreements == 1


def test_vote_type_tie_goes_to_the_larger_projection_score():
    projections = [[scored(0, 1, "ORG", 0.9)], [scored(0, 1, "LOC", 0.4)]]
    result = combine_spans(projections, CombineConfig(method="vote"))
    assert words(result) == [(0, 1, "ORG")]


def test_ilp_partial_agreement_supports_a_boundary_one_voter_got_exactly():
    # "gli Stati membri": one voter projected "Stati membri", two projected only "Stati" or
    # "membri Stati"-like overlaps; the exact span with overlapping support wins over nothing.
    projections = [[scored(1, 3, "ORG")], [scored(1, 2, "ORG")], [scored(0, 3, "ORG")]]
    exact_only = combine_spans(projections, CombineConfig(partial=0.0, threshold=0.4))
    assert words(exact_only) == []
    partial = combine_spans(projections, CombineConfig(partial=0.5, threshold=0.4))
    assert words(partial) == [(1, 3, "ORG")]


def test_ilp_never_returns_overlapping_spans_and_keeps_one_type_per_span():
    projections = [[scored(0, 2, "PER"), scored(3, 4, "LOC")],
                   [scored(0, 2, "ORG"), scored(2, 4, "LOC")],
                   [scored(0, 2, "PER"), scored(3, 4, "LOC")]]
    result = combine_spans(projections, CombineConfig(threshold=0.3))
    assert words(result) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert result.counts.type_disagreements == 1
    ends = [(s.span.start, s.span.end) for s in result.spans]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))


def test_ilp_weights_let_a_trusted_voter_outweigh_two_others():
    projections = [[scored(0, 1, "PER")], [], []]
    assert words(combine_spans(projections, CombineConfig(threshold=0.4))) == []
    assert words(combine_spans(projections, CombineConfig(threshold=0.4), [3.0, 1.0, 1.0])) == [(0, 1, "PER")]


def test_ilp_scores_scale_support():
    projections = [[scored(0, 1, "PER", 0.3)], [scored(0, 1, "PER", 0.3)], []]
    assert words(combine_spans(projections, CombineConfig(threshold=0.4))) == []
    assert words(combine_spans(projections, CombineConfig(threshold=0.4, use_scores=False))) == [(0, 1, "PER")]


def test_one_voter_is_returned_unchanged():
    spans = [scored(0, 2, "PER", 0.8), scored(3, 4, "LOC", 0.6)]
    for config in (CombineConfig(method="vote"), CombineConfig()):
        assert words(combine_spans([spans], config)) == [(0, 2, "PER"), (3, 4, "LOC")]


def _corpus(sentences: int = 30) -> tuple[list[list[Span]], list[list[Span]], list[list[Span]]]:
    """Three sources over a truth of one entity per sentence: one finds it all, one two thirds of
    it, one all of it plus, in every other sentence, a span nobody else projects."""
    truth = [[Span(n % 5, n % 5 + 1 + n % 2, "PER")] for n in range(sentences)]
    exact = [list(spans) for spans in truth]
    partial = [list(spans) if n % 3 else [] for n, spans in enumerate(truth)]
    noisy = [list(spans) + ([Span(7, 9, "LOC")] if n % 2 else []) for n, spans in enumerate(truth)]
    return exact, partial, noisy


def test_reliability_weights_trust_the_sources_whose_spans_are_confirmed():
    exact, partial, noisy = _corpus()
    weights = reliability_weights([exact, partial, noisy])
    assert weights[0] > weights[1]
    # noisy finds every entity, like exact, but a third of its spans are ones nobody confirms
    assert weights[0] > weights[2]
    garbage = [[Span(8, 9, "ORG")] for _ in exact]
    assert reliability_weights([exact, partial, garbage])[2] == pytest.approx(0.01)  # the floor


def test_a_sources_views_split_its_weight_and_do_not_vouch_for_it():
    exact, partial, noisy = _corpus()
    one_each = reliability_weights([exact, partial, noisy])
    # noisy voting three times over (three views of one source) is still one source
    views = reliability_weights([exact, partial, noisy, noisy, noisy], ["a", "b", "c", "c", "c"])
    assert views[:2] == pytest.approx(one_each[:2])
    assert sum(views[2:]) == pytest.approx(one_each[2])
    # as separate sources, noisy's copies confirm each other's extra spans and gain trust
    assert reliability_weights([exact, partial, noisy, noisy, noisy])[2] > views[2] * 3


def test_agreement_weights_trust_the_voters_that_agree():
    a = [[Span(0, 1, "PER")], [Span(2, 3, "LOC")]]
    b = [[Span(0, 1, "PER")], [Span(2, 3, "LOC")]]
    c = [[Span(1, 2, "PER")], []]
    weights = agreement_weights([a, b, c])
    assert weights[0] == weights[1] == pytest.approx(0.5)
    assert weights[2] == pytest.approx(0.01)  # agrees with nobody: the floor
    with pytest.raises(ValueError, match="different numbers of sentences"):
        agreement_weights([a, a[:1]])


def test_two_sources_fall_back_to_agreement():
    exact, _, noisy = _corpus()
    pair = [exact, exact, noisy, noisy]  # two views each
    assert reliability_weights(pair, ["a", "a", "b", "b"]) == agreement_weights(pair)


def test_reliability_weights_refuse_mismatched_voters():
    exact, partial, _ = _corpus()
    assert reliability_weights([exact]) == [1.0]
    with pytest.raises(ValueError, match="different numbers of sentences"):
        reliability_weights([exact, partial[:3]])
    with pytest.raises(ValueError, match="1 groups for 2 voters"):
        reliability_weights([exact, partial], ["a"])


def test_bad_configs_and_weights_are_refused():
    with pytest.raises(ValueError, match="combine method"):
        CombineConfig(method="union")
    with pytest.raises(ValueError, match="min_agree"):
        CombineConfig(method="vote", min_agree=0)
    with pytest.raises(ValueError, match="2 weights for 3 voters"):
        combine_spans([[], [], []], CombineConfig(), [1.0, 1.0])


def test_combine_stage_keeps_every_voter_column_and_says_who_voted_for_what():
    import datasets

    from projner.processing.stages.combination import (
        Combine,
        CombineColumns,
        combine_dataset,
        summed_counts,
    )

    def entity(start, end, label, score=1.0):
        return {"start": start, "end": end, "label": label, "score": score}

    dataset = datasets.Dataset.from_dict({
        "id": ["0", "1"],
        "tgt_tokens": [["Romano", "Prodi", "a", "Roma"], ["nulla"]],
        "tgt_entities_en": [[entity(0, 2, "PER"), entity(3, 4, "LOC")], []],
        "tgt_entities_de": [[entity(0, 2, "PER")], []],
        "tgt_entities_es": [[entity(1, 2, "PER"), entity(3, 4, "ORG")], [entity(0, 1, "LOC")]],
    })
    columns = CombineColumns(voters=("tgt_entities_en", "tgt_entities_de", "tgt_entities_es"))
    stage = Combine(columns, CombineConfig(method="vote"), names=("en", "de", "es"))
    out = combine_dataset(dataset, stage)
    assert out["projected_tags"] == [["B-PER", "I-PER", "O", "B-LOC"], ["O"]]
    assert out["combine_voters"] == [[["en", "de"], ["en"]], []]  # es gave those words ORG
    assert out["tgt_entities_es"] == dataset["tgt_entities_es"]
    assert summed_counts(out, columns) == {"proposed": 4, "kept": 2, "dropped": 2,
                                           "type_disagreements": 1, "ties": 1}
    with pytest.raises(ValueError, match="already has projected_tags"):
        combine_dataset(out, stage)
    weighted = combine_dataset(dataset, Combine(columns))  # ilp: weights from the voters' agreement
    assert weighted["projected_tags"][0][:2] == ["B-PER", "I-PER"]


def test_combine_stage_names_the_row_of_a_bad_entity():
    from projner.processing.stages.combination import Combine, CombineColumns

    stage = Combine(CombineColumns(voters=("a",)))
    with pytest.raises(ValueError, match=r"stage 'combine', row 0 of the batch \(id 7\), column 'a'.*runs past"):
        stage({"id": ["7"], "tgt_tokens": [["x"]], "a": [[{"start": 0, "end": 2, "label": "PER", "score": 1.0}]]})


def test_combine_dataset_names_the_dataset_row_past_the_first_batch():
    import datasets

    from projner.processing.stages.combination import (
        Combine,
        CombineColumns,
        combine_dataset,
    )

    entity = {"start": 0, "end": 1, "label": "PER", "score": 1.0}
    rows = {"tgt_tokens": [["x"]] * 5, "a": [[entity]] * 3 + [[entity | {"end": 2}], [entity]]}
    dataset, columns = datasets.Dataset.from_dict(rows), CombineColumns(voters=("a",))
    with pytest.raises(ValueError, match=r"stage 'combine', row 3, column 'a'.*runs past"):
        combine_dataset(dataset, Combine(columns, CombineConfig(method="vote")), batch_size=2)
    with pytest.raises(ValueError, match=r"^row 3, column 'a'.*runs past"):  # ilp: the weights' pass meets it first
        combine_dataset(dataset, Combine(columns), batch_size=2)
