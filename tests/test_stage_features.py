"""Stages declare the features of the list columns they add, so a first batch whose lists are all
empty (typed ``list<null>`` by inference) no longer makes ``datasets`` refuse a later batch with
elements; the declared features are exactly what inference gives from a batch with elements."""

from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from projner.processing.project.combine import CombineConfig
from projner.processing.project.pair import ProjectionConfig
from projner.processing.stage_cache import Chain, StepRunner
from projner.processing.stages.combination import (
    Combine,
    CombineColumns,
    combine_dataset,
)
from projner.processing.stages.corpus_names import KeepNamed, KeepNamedColumns
from projner.processing.stages.corpus_spans import CompleteSpans, CompleteSpansColumns
from projner.processing.stages.corpus_types import Retype, RetypeColumns
from projner.processing.stages.correspondence import Align, RefineConfig, RefineLinks
from projner.processing.stages.tag_columns import (
    GoldTags,
    GoldTagsConfig,
    MapTags,
    MapTagsConfig,
)
from projner.processing.stages.transfer import Project, ProjectColumns, project_dataset
from projner.processing.stages.translation import ProjectMarked, ProjectMarkedConfig
from projner.processing.stages.words import SplitWords, SplitWordsConfig


def pairs(entity_from: int = 0) -> datasets.Dataset:
    """Six sentence pairs; rows before ``entity_from`` have no entity (and so nothing in any list
    column of the projection), the others a projected and an unprojected one."""
    return datasets.Dataset.from_dict({
        "id": [str(k) for k in range(6)],
        "src_tokens": [["Paris", "and", "Rome"]] * 6,
        "src_tags": [["O", "O", "O"]] * entity_from + [["B-LOC", "O", "B-LOC"]] * (6 - entity_from),
        "tgt_tokens": [["Parigi", "e", "capitale"]] * 6,
        "alignments": [[[0, 0], [1, 1]]] * 6,
    })


def test_the_map_adapter_keeps_its_types_when_the_first_batch_has_no_entity():
    empty_first = pairs(entity_from=3)
    project = Project(ProjectionConfig())
    inferred = pairs().map(project, batched=True).features  # a first batch with elements
    direct = empty_first.map(project, batched=True, batch_size=2, features=project.features(empty_first.features))
    helper = project_dataset(empty_first, project, batch_size=2)
    assert direct.features == helper.features == inferred
    assert helper["tgt_entities"][:3] == [[]] * 3 and helper["tgt_entities"][3][0]["label"] == "LOC"
    assert helper["unprojected_entities"][3] == [{"start": 2, "end": 3, "label": "LOC", "reason": "unaligned"}]
    assert helper.to_dict() == direct.to_dict()


def test_a_helper_cache_written_before_the_stage_declared_features_is_not_loaded(tmp_path: Path):
    """Such a file types a column holding only empty lists ``list<null>``, which ``datasets`` would
    refuse to load under the declared features ("Type mismatch")."""
    pairs(entity_from=6).save_to_disk(tmp_path / "pairs")
    on_disk = datasets.load_from_disk(tmp_path / "pairs")  # so that maps are cached in files
    project = Project(ProjectionConfig())
    old = on_disk.map(project, batched=True, with_indices=True, new_fingerprint=project.fingerprint(on_disk._fingerprint))
    assert "null" in str(old.features["tgt_entities"])
    helper = project_dataset(on_disk, project)
    assert helper.features == project.features(on_disk.features)
    assert helper["tgt_entities"] == [[]] * 6


def test_a_batched_model_stage_whose_first_batch_has_no_link_runs_on_the_step_runner(tiny_aligner: Path,
                                                                                     tmp_path: Path):
    """Align in batches of 2: its first batch has an empty side in every pair (no links)."""
    words = [[], [], ["Paris", "and", "Rome"], ["Rome"]]
    dataset = datasets.Dataset.from_dict({"src_tokens": words, "tgt_tokens": [["Parigi", "e", "Roma"]] * 4})
    align = Align("neural", model=str(tiny_aligner), method="argmax", device="cpu")
    chain = Chain(StepRunner(tmp_path), dataset, "f" * 32)
    chain.step("align", align, uses_model=True, batch_size=2)
    links = chain.dataset["alignments"]
    assert links[:2] == [[], []] and all(links[2:])
    assert chain.dataset.features == align.features(dataset.features)
    assert chain.dataset.features["alignments"] == datasets.List(datasets.List(datasets.Value("int64")))
    again = Chain(StepRunner(tmp_path), dataset, "f" * 32)  # the cache file as it was written
    again.step("align", align, uses_model=True, batch_size=2)
    assert again.runner.cached_steps == ["align"] and again.dataset["alignments"] == links


def test_combine_dataset_keeps_its_types_when_the_first_batch_has_no_span():
    span = {"start": 0, "end": 1, "label": "PER", "score": 1.0}
    dataset = datasets.Dataset.from_dict({"tgt_tokens": [["a"]] * 4, "a": [[], [], [span], [span]],
                                          "b": [[], [], [span], []]})
    stage = Combine(CombineColumns(voters=("a", "b")), CombineConfig(method="vote"))
    out = combine_dataset(dataset, stage, batch_size=2)
    assert out.features == combine_dataset(dataset.select([2, 3, 0, 1]), stage).features
    assert out["combine_voters"][:3] == [[], [], [["a", "b"]]]


def _used_links_projection() -> datasets.Dataset:
    """A projection that writes its links and its spans under the names ``keep_named`` reads."""
    kept = KeepNamedColumns()
    columns = ProjectColumns(target_entities=kept.unfiltered_entities, projected_tags="unfiltered_tags",
                             issues=kept.unfiltered_issues, unprojected=kept.unfiltered_unprojected,
                             used_links=kept.used_links)
    return pairs(entity_from=1).map(Project(columns=columns), batched=True, with_indices=True)


def _stages_over_data_with_elements() -> list[tuple[object, datasets.Dataset]]:
    projected = pairs().map(Project(), batched=True)
    typed = projected.rename_columns({"tgt_entities": "typed_entities", "projected_tags": "typed_tags"})
    uncompleted = projected.rename_columns({"tgt_entities": "uncompleted_entities", "projected_tags": "tags"})
    span = {"start": 0, "end": 1, "label": "PER", "score": 1.0}
    marked = datasets.Dataset.from_dict({
        "src_tokens": [["Angela", "Merkel", "visited", "Paris", "."]], "src_tags": [["B-PER", "I-PER", "O", "B-LOC", "O"]],
        "marked_translation": ["[Angela Merkel] besuchte [Paris"], "entity_translations": [["Angela Merkel", "Paris"]],
    })
    links = datasets.Dataset.from_dict({"direct_alignments": [[[0, 0]]], "en_bt_alignments": [[[0, 1]]],
                                        "bt_alignments": [[[1, 0]]]})
    return [
        (Project(), pairs()),
        (Project(columns=ProjectColumns(used_links="used_links")), pairs()),
        (Project(), projected.remove_columns(["projected_tags", "tgt_entities", "projection_issues",
                                              "unprojected_entities"])),  # src_entities given
        (KeepNamed(), _used_links_projection()),
        (CompleteSpans(columns=CompleteSpansColumns()), uncompleted),
        (Retype(columns=RetypeColumns()), typed),
        (Combine(CombineColumns(voters=("a",)), CombineConfig(method="vote")),
         datasets.Dataset.from_dict({"tgt_tokens": [["a"]], "a": [[span]]})),
        (ProjectMarked(ProjectMarkedConfig(target_lang="de")), marked),
        (SplitWords(SplitWordsConfig(lang="de")), datasets.Dataset.from_dict({"translation": ["Ja, gut."]})),
        (GoldTags(GoldTagsConfig(("O", "B-PER"), input_column="ner_tags")),
         datasets.Dataset.from_dict({"ner_tags": [[0, 1]]})),
        (MapTags(MapTagsConfig(("PER=O",), "src_tags", "mapped")), pairs()),
        (RefineLinks(RefineConfig("union")), links),
    ]


@pytest.mark.parametrize("case", range(len(_stages_over_data_with_elements())))
def test_declared_features_are_what_datasets_infers_from_a_batch_with_elements(case: int):
    """So caches and exports keep the schema they had before stages declared it."""
    stage, dataset = _stages_over_data_with_elements()[case]
    indices = {"with_indices": True} if getattr(stage, "with_indices", False) else {}
    inferred = dataset.map(stage, batched=True, **indices).features
    assert stage.features(dataset.features) == inferred
    assert list(stage.features(dataset.features)) == list(inferred)  # the column order too
