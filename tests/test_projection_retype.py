"""Retyping the types a label map drops: the corpus lexicon (core) and the ``.map`` stage."""

import datasets
import pytest

from projner.processing.project.pair import ProjectionConfig
from projner.processing.project.retype import RetypeConfig, retype_spans
from projner.processing.project.spans import Span
from projner.processing.stages.corpus_types import (
    Retype,
    RetypeColumns,
    retype_counts,
    retype_dataset,
)
from projner.processing.stages.transfer import Project, ProjectColumns, project_dataset


def test_misc_spans_take_the_type_their_text_has_elsewhere_in_the_corpus():
    words = [["kiran", "Jamus"], ["a", "Jamus"], ["Jamus", "ta"], ["JAMUS", "!"], ["harshen", "Jamusanci"],
             ["Turai", "ORG"]] + [["Turai"]] * 5
    spans = [[Span(1, 2, "MISC")], [Span(1, 2, "LOC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")],
             [Span(1, 2, "MISC")], [Span(0, 1, "MISC")]] + [[Span(0, 1, t)] for t in ("LOC", "ORG", "LOC", "ORG", "LOC")]
    result = retype_spans(words, spans)
    assert result.spans[0] == [Span(1, 2, "LOC")]   # Jamus (any case) is LOC 3 times out of 3
    assert result.spans[4] == [Span(1, 2, "MISC")]  # Jamusanci (the language) is never a name: kept MISC
    assert result.spans[5] == [Span(0, 1, "MISC")]  # Turai: LOC 3 of 5 is below 2/3: undecided
    assert result.spans[1:4] == spans[1:4] and result.spans[6:] == spans[6:]
    assert result.retyped == {"MISC": {"LOC": 1}} and result.untyped == {"MISC": 2}


def test_evidence_below_the_count_or_from_retyped_types_does_not_count():
    words = [["Jamus"]] * 4
    spans = [[Span(0, 1, "MISC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")], [Span(0, 1, "MISC")]]
    assert retype_spans(words, spans).spans[0] == [Span(0, 1, "MISC")]  # 2 LOC < min_count 3
    assert retype_spans(words, spans, RetypeConfig(min_count=2)).spans[0] == [Span(0, 1, "LOC")]


def test_a_prefixed_word_is_typed_by_its_name_stem():
    words = [["mauto", "eRussia"], ["kuRussia"], ["Russia"], ["muRussia", "."]]
    spans = [[Span(1, 2, "MISC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")]]
    assert retype_spans(words, spans).spans[0] == [Span(1, 2, "LOC")]
    assert retype_spans(words, spans, RetypeConfig(name_stems=False)).spans[0] == [Span(1, 2, "MISC")]


@pytest.mark.parametrize("bad", [{"min_count": 0}, {"min_share": 0.5}, {"min_share": 1.1}])
def test_retype_config_rejects_evidence_thresholds_that_decide_nothing(bad):
    with pytest.raises(ValueError):
        RetypeConfig(**bad)


ROWS = {
    "tokens": [["the", "German", "call"]] * 2 + [["in", "Germany"]] * 3 + [["German", "Paris"]],
    "src_unmapped_tags": [["O", "B-MISC", "O"]] * 2 + [["O", "B-LOC"]] * 3 + [["B-MISC", "B-LOC"]],
    "tgt_tokens": [["kiran", "Jamus"]] * 2 + [["a", "Jamus"]] * 3 + [["Faris", "x"]],
    "alignments": [[[1, 1], [2, 0]]] * 2 + [[[0, 0], [1, 1]]] * 3 + [[[1, 0]]],
}


def test_the_stage_projects_optional_types_then_retypes_and_maps_them_away():
    ds = datasets.Dataset.from_dict(ROWS)
    columns = ProjectColumns(source_tokens="tokens", source_tags="src_unmapped_tags",
                             projected_tags="typed_tags", target_entities="typed_entities")
    typed = project_dataset(ds, Project(ProjectionConfig(names=None), columns, optional_types=("MISC",)))
    assert typed["projection_issues"] == [""] * 6  # the last MISC is unaligned, but optional
    out = retype_dataset(typed, Retype(RetypeConfig(), label_map=("MISC=O",)))
    assert out["projected_tags"][:5] == [["O", "B-LOC"]] * 5
    assert out["projected_tags"][5] == ["B-LOC", "O"]
    assert [e["score"] for e in out["tgt_entities"][0]] == [e["score"] for e in typed["typed_entities"][0]]
    assert retype_counts(out["typed_entities"], out["tgt_entities"], ("MISC",)) == {"MISC": {"LOC": 2}}
    kept = retype_dataset(typed, Retype(RetypeConfig(min_count=4), label_map=("MISC=O",)))
    assert kept["projected_tags"][:2] == [["O", "O"]] * 2
    assert retype_counts(kept["typed_entities"], kept["tgt_entities"], ("MISC",)) == {"MISC": {"O": 2}}


def test_required_types_still_drop_their_sentence():
    rows = dict(ROWS, alignments=ROWS["alignments"][:5] + [[[0, 1]]])  # Paris (LOC) unaligned
    columns = ProjectColumns(source_tokens="tokens", source_tags="src_unmapped_tags")
    out = project_dataset(datasets.Dataset.from_dict(rows), Project(ProjectionConfig(names=None), columns,
                                                                   optional_types=("MISC",)))
    assert out["projection_issues"][5] == "unaligned"


def test_retyping_sees_the_whole_corpus_or_refuses():
    typed = datasets.Dataset.from_dict({"tgt_tokens": [["a"], ["b"]],
                                        "typed_entities": [[], [{"start": 0, "end": 1, "label": "LOC", "score": 1.0}]]})
    with pytest.raises(ValueError, match="whole corpus"):
        typed.map(Retype(rows=2), batched=True, batch_size=1)
    out = retype_dataset(typed, Retype())
    assert out["projected_tags"] == [["O"], ["B-LOC"]]
    with pytest.raises(ValueError, match="never overwrites"):
        retype_dataset(out, Retype())
    renamed = Retype(columns=RetypeColumns(target_entities="e2", projected_tags="t2"))
    assert retype_dataset(out, renamed)["t2"] == [["O"], ["B-LOC"]]
    assert Retype().fingerprint("p") != Retype(RetypeConfig(min_count=5)).fingerprint("p")
