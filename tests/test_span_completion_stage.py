"""Span completion in the product: ``project_parallel(span_completion=...)``, ``--complete-spans``,
the ``complete_spans`` stage (processing/stages/corpus_spans.py) and what it reports."""

import json
from pathlib import Path

import datasets
import pytest

from projner.cli import main
from projner.processing.options import MethodOptions, RunOptions
from projner.processing.pipelines import project_parallel
from projner.processing.project.name_evidence import NameEvidenceConfig
from projner.processing.project.span_completion import SpanCompletionConfig
from projner.processing.stages.corpus_spans import CompleteSpans, complete_spans_dataset

# "European Union" is projected onto all of "Unione europea" three times; "EU", linked to "Unione"
# only, once: the corpus says the name reaches over "europea".
UNION = (["the", "European", "Union", "acts"], ["B-ORG", "I-ORG", "O"], ["l'", "Unione", "europea", "agisce"],
         [[1, 2], [2, 1], [3, 3]])
PAIRS = {
    "id": ["a", "b", "c", "d"],
    "src_tokens": [UNION[0]] * 3 + [["the", "EU", "acts"]],
    "src_tags": [["O", "B-ORG", "I-ORG", "O"]] * 3 + [["O", "B-ORG", "O"]],
    "tgt_tokens": [UNION[2]] * 3 + [["la", "Unione", "europea", "agisce"]],
    "tgt_tags": [["O", "B-ORG", "I-ORG", "O"]] * 4,
    "alignments": [UNION[3]] * 3 + [[[0, 0], [1, 1], [2, 3]]],
}
EUROPARL = Path(__file__).resolve().parents[2] / "shared" / "data" / "europarl-ner"


def _run(tmp_path, pairs=PAIRS, **options):
    return project_parallel(datasets.Dataset.from_dict(pairs), run=RunOptions(cache_dir=str(tmp_path / "cache")),
                            split="train", **options)


def test_a_span_short_of_the_whole_name_is_widened_and_counted(tmp_path):
    before = _run(tmp_path)
    after = _run(tmp_path, span_completion=SpanCompletionConfig())
    assert before.dataset["train"]["projected_tags"][3] == ["O", "B-ORG", "O", "O"]
    ds = after.dataset["train"]
    assert ds["projected_tags"][3] == ["O", "B-ORG", "I-ORG", "O"]
    assert ds["tgt_entities"][3][0]["score"] == before.dataset["train"]["tgt_entities"][3][0]["score"]
    assert ds["tgt_entities"][:3] == before.dataset["train"]["tgt_entities"][:3]
    assert after.report["f1"] == 1.0 and before.report["f1"] < 1.0
    assert after.report["span_completion"] == {
        "config": {"min_count": 3, "min_share": 0.5, "max_words": 6}, "widened_spans": 1}
    assert after.provenance.method.params["span_completion"]["min_count"] == 3
    assert list(after.report["timings"])[-3:] == ["project", "complete_spans", "stamp"]


def test_without_the_option_nothing_changes_and_no_step_runs(tmp_path):
    result = _run(tmp_path)
    assert "span_completion" not in result.report and "complete_spans" not in result.report["timings"]
    assert "uncompleted_entities" not in result.dataset["train"].column_names
    assert "span_completion" not in result.provenance.method.params


def test_it_runs_after_name_evidence_and_before_retyping(tmp_path):
    pairs = dict(PAIRS, src_tags=[["O", "B-MISC", "I-MISC", "O"]] * 3 + [["O", "B-MISC", "O"]])
    result = _run(tmp_path, pairs, label_map=["MISC=O"], retype_dropped=True, name_evidence=NameEvidenceConfig(),
                  span_completion=SpanCompletionConfig())
    assert list(result.report["timings"])[-5:] == ["project", "keep_named", "complete_spans", "retype", "stamp"]
    ds = result.dataset["train"]
    assert ds["typed_entities"][3] == [{**ds["uncompleted_entities"][3][0], "end": 3}]
    assert result.report["span_completion"]["widened_spans"] == 1


def test_the_stage_needs_the_whole_corpus_and_its_fingerprint_holds_its_parameters():
    rows = {"tgt_tokens": PAIRS["tgt_tokens"],
            "uncompleted_entities": [[{"start": 1, "end": 3, "label": "ORG", "score": 1.0}]] * 3
            + [[{"start": 1, "end": 2, "label": "ORG", "score": 0.5}]]}
    ds = complete_spans_dataset(datasets.Dataset.from_dict(rows))
    assert ds["tgt_entities"][3] == [{"start": 1, "end": 3, "label": "ORG", "score": 0.5}]
    with pytest.raises(ValueError, match="stage 'complete_spans' reads uncompleted_entities"):
        complete_spans_dataset(datasets.Dataset.from_dict({"tgt_tokens": PAIRS["tgt_tokens"]}))
    with pytest.raises(ValueError, match="whole corpus"):
        datasets.Dataset.from_dict(rows).map(CompleteSpans(rows=4), batched=True, batch_size=2)
    stage = CompleteSpans(rows=4)
    assert stage.fingerprint("x") == CompleteSpans(rows=4).fingerprint("x")
    assert stage.fingerprint("x") != CompleteSpans(SpanCompletionConfig(min_count=2), rows=4).fingerprint("x")
    assert stage.fingerprint("x") != stage.fingerprint("y")


def test_the_option_reaches_the_stage_from_method_options():
    from projner.cli import build_parser
    from projner.commands.pipeline_options import method_options

    parser = build_parser()
    for flag, expected in (([], None), (["--complete-spans"], SpanCompletionConfig())):
        args = parser.parse_args(["translate-train", "--lang", "sw", *flag])
        assert method_options(args, span_completion=args.complete_spans).span_completion_config() == expected
    assert MethodOptions(span_completion=True).span_completion_config() == SpanCompletionConfig()
    assert MethodOptions().span_completion_config() is None
    assert MethodOptions(method="easyproject", span_completion=True).span_completion_config() is None


@pytest.mark.skipif(not EUROPARL.is_dir(), reason="needs ../shared/data/europarl-ner")
def test_on_europarl_ner_it_widens_eu_to_unione_europea(tmp_path):
    """English -> Italian through the reference intersection links (real data, deterministic)."""
    reports = {}
    for flag in ([], ["--complete-spans"]):
        report = tmp_path / f"r{len(flag)}.json"
        code = main(["project-parallel", "--source", str(EUROPARL / "en-europarl.test.conll02"),
                     "--target", str(EUROPARL / "it-europarl.test.conll02"),
                     "--alignments", str(EUROPARL / "alignments" / "eflomal.en-it.intersection.txt"),
                     "--label-map", "MISC=O", "--source-lang", "en", "--target-lang", "it", *flag,
                     "--output", str(tmp_path / f"out{len(flag)}"), "--report", str(report),
                     "--cache-dir", str(tmp_path / "cache")])
        assert code == 0
        reports[bool(flag)] = json.loads(report.read_text())
    assert reports[True]["span_completion"]["widened_spans"] == 12
    assert round(100 * reports[False]["f1"], 2) == 89.45
    assert round(100 * reports[True]["f1"], 2) == 90.45
