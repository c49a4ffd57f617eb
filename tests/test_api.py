"""The datasets-first API: one stage contract, and project-parallel through the shared stages giving
what the per-pair loop gave."""

from __future__ import annotations

import dataclasses

import pytest

from projner.builders.parallel import parallel_pairs
from projner.labels import LabelMap
from projner.processing.evaluate import ner_scores
from projner.processing.options import Origin, RunOptions
from projner.processing.pipelines import project_parallel
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.spans import tags_to_spans
from projner.processing.stages.base import Stage
from projner.processing.stages.correspondence import AlignConfig


def every_stage() -> list[Stage]:
    """One of each stage, built from its config as a user imports them (nothing is loaded)."""
    import projner as p

    translate = p.TranslateConfig("en", "yo")
    return [
        p.Detokenize(p.DetokenizeConfig("en")), p.SplitWords(p.SplitWordsConfig("yo")), p.Translate(translate),
        p.EasyProjectTranslate(p.EasyProjectTranslateConfig(translate)), p.ProjectMarked(p.ProjectMarkedConfig("yo")),
        p.Label(p.LabelConfig()), p.Align(p.AlignConfig("eflomal")), p.RefineLinks(p.RefineConfig("union")),
        p.Project(), p.Retype(p.RetypeConfig(types=("MISC",)), ("MISC=O",)), p.SelectSentences(p.SelectConfig()),
        p.Stamp(p.StampConfig("heuristic")), p.GoldTags(p.GoldTagsConfig(("O", "B-PER", "I-PER"))),
        p.MapTags(p.MapTagsConfig(("MISC=O",), "src_unmapped_tags", "src_tags")),
    ]


@pytest.mark.parametrize("stage", every_stage(), ids=lambda s: type(s).__name__)
def test_every_stage_keeps_the_contract(stage):
    assert isinstance(stage, Stage)
    assert dataclasses.is_dataclass(stage.config) and stage.config.__dataclass_params__.frozen
    assert stage.outputs and all(isinstance(c, str) for c in (*stage.inputs, *stage.outputs))
    assert not set(stage.inputs) & set(stage.outputs)
    first, second = stage.fingerprint("a"), stage.fingerprint("b")
    assert isinstance(first, str) and first != second and first == stage.fingerprint("a")


def test_missing_columns_are_named_before_anything_runs(tmp_path):
    import datasets

    from projner.processing.options import PairColumns
    from projner.processing.stage_cache import Chain, StepRunner
    from projner.processing.stages.transfer import Project

    pairs = datasets.Dataset.from_dict({"words": [["a"]], "src_tags": [["O"]], "tgt_tokens": [["b"]]})
    with pytest.raises(ValueError, match=r"no column 'src_tokens' \(src_tokens\); the dataset has words"):
        project_parallel(pairs, run=RunOptions(cache_dir=str(tmp_path)))
    mapped = project_parallel(pairs, columns=PairColumns(src_tokens="words"), run=RunOptions(cache_dir=str(tmp_path)),
                              aligner=AlignConfig("eflomal", {"runs": 1}))
    assert mapped.dataset["train"]["projected_tags"] == [["O"]] and "words" in pairs.column_names
    chain = Chain(StepRunner(tmp_path / "runs"), pairs, "f" * 32)
    with pytest.raises(ValueError, match="stage 'project' reads src_tokens, alignments"):
        chain.step("project", Project())


def core_loop(rows, links, config, label_map):
    """What project-parallel computed before it ran through the stages: project_pair per pair."""
    projections = [project_pair(r["src_tokens"], tags_to_spans(label_map.map_tags(r["src_tags"])), r["tgt_tokens"],
                                pair, config) for r, pair in zip(rows, links)]
    gold = [label_map.map_tags(r["tgt_tags"]) for r in rows]
    return projections, ner_scores(gold, [p.tags for p in projections])


PINNED_F1 = {  # strict F1 of the per-pair loop before the refactor, on the shipped eflomal links
    ("de", "intersection", "candidates"): 0.9114688128772637, ("de", "gdfa", "candidates"): 0.90748031496063,
    ("es", "intersection", "candidates"): 0.9354207436399217, ("es", "gdfa", "candidates"): 0.934761441090555,
    ("it", "intersection", "candidates"): 0.8944723618090452, ("it", "gdfa", "candidates"): 0.8838133068520357,
    ("de", "intersection", "heuristic"): 0.8673139158576051, ("de", "gdfa", "heuristic"): 0.8446298227320125,
    ("es", "intersection", "heuristic"): 0.934934934934935, ("es", "gdfa", "heuristic"): 0.9379310344827586,
    ("it", "intersection", "heuristic"): 0.889119170984456, ("it", "gdfa", "heuristic"): 0.8311425682507583,
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["de", "es", "it"])
def test_project_parallel_through_the_stages_equals_the_per_pair_loop_on_europarl(lang, shared_data, tmp_path):
    folder = shared_data / "europarl-ner"
    label_map = LabelMap.parse(["MISC=O"])
    for symmetrization in ("intersection", "gdfa"):
        links_file = folder / "alignments" / f"eflomal.en-{lang}.{symmetrization}.txt"
        pairs, _ = parallel_pairs(folder / "en-europarl.test.conll02", folder / f"{lang}-europarl.test.conll02",
                                  alignments=links_file)
        for method in ("candidates", "heuristic"):
            config = ProjectionConfig(method=method)
            run = RunOptions(cache_dir=str(tmp_path / "cache"))
            result = project_parallel(pairs, projection=config, label_map=["MISC=O"], run=run, split="test",
                                      origin=Origin(alignments=str(links_file)))
            ds, report = result.dataset["test"], result.report
            projections, scores = core_loop(pairs, pairs["alignments"], config, label_map)
            assert ds["projected_tags"] == [p.tags for p in projections]
            assert ds["tgt_tags"] == [label_map.map_tags(tags) for tags in pairs["tgt_tags"]]  # as scored
            assert {k: report[k] for k in scores} == scores
            assert report["f1"] == PINNED_F1[lang, symmetrization, method]
            assert report["projected_entities"] == sum(len(p.matches) for p in projections)
            assert report["aligner"] == {"name": "file", "params": {"path": str(links_file)}}
            assert result.provenance.method.params["method"] == method
            again = project_parallel(pairs, projection=config, label_map=["MISC=O"], run=run, split="test")
            assert again.report["cached_steps"] == ["map_source_tags", "target_tags", "project", "stamp"]
            assert again.dataset["test"]["projected_tags"] == ds["projected_tags"]
