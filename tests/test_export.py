"""Hub folder export: layout, column conversion, merging configs, loading back with ``load_dataset``,
clear errors on bad input, and the ``projner export`` command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import datasets
import pytest
import yaml

from projner.builders.parallel import read_parallel
from projner.cli import main
from projner.dataset_cards.export import default_config_name, export_hub_folder
from projner.dataset_cards.folder import (
    HubFolderError,
    read_front_matter,
    validate_hub_folder,
)
from projner.dataset_cards.hub_columns import ExportError
from projner.dataset_cards.provenance import (
    Component,
    ModelRef,
    Provenance,
    ProvenanceError,
)
from projner.dataset_cards.sources import known_source
from projner.labels import CONLL2003_LABELS, MASAKHANER2_LABELS, PANX_LABELS
from projner.outputs import InterruptedRunWarning, staged_folder

datasets.disable_progress_bars()


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Loading an exported folder must not need the Hub."""
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _provenance(target: str = "de", task: str = "project-parallel", source: str = "europarl-ner",
                labels: tuple[str, ...] = CONLL2003_LABELS) -> dict:
    models = () if task == "project-parallel" else (
        ModelRef("translator", "facebook/nllb-200-distilled-600M", "f8d333a098d19b4fd9a8b18f"),
    )
    return Provenance(
        task=task,
        source_dataset=known_source(source, split="test"),
        source_language="en",
        target_language=target,
        method=Component("heuristic", {"min_score": 0.5, "merge_adjacent": True}),
        aligner=Component("eflomal", {"symmetrization": "gdfa"}),
        models=models,
        labels=labels,
        created="2025-03-01",
    ).to_dict()


def _parallel_rows() -> list[dict]:
    """Three projected sentences and one dropped one, built by hand so every count is known."""
    return [
        {"id": "0", "src_tokens": ["Anna", "visits", "Berlin"], "src_tags": ["B-PER", "O", "B-LOC"],
         "tgt_tokens": ["Anna", "besucht", "Berlin"], "projected_tags": ["B-PER", "O", "B-LOC"],
         "alignments": [[0, 0], [1, 1], [2, 2]], "dropped_reason": ""},
        {"id": "1", "src_tokens": ["The", "European", "Union"], "src_tags": ["O", "B-ORG", "I-ORG"],
         "tgt_tokens": ["Die", "Europäische", "Union"], "projected_tags": ["O", "B-ORG", "I-ORG"],
         "alignments": [[1, 1], [2, 2]], "dropped_reason": ""},
        {"id": "2", "src_tokens": ["Mr", "Smith"], "src_tags": ["O", "B-PER"],
         "tgt_tokens": ["Herr", "Smith", "."], "projected_tags": ["O", "O", "O"],
         "alignments": [], "dropped_reason": ""},
        {"id": "3", "src_tokens": ["Paris", "!"], "src_tags": ["B-LOC", "O"],
         "tgt_tokens": [], "projected_tags": None, "alignments": [],
         "dropped_reason": "empty translation"},
    ]


def _dataset(rows: list[dict]) -> datasets.Dataset:
    return datasets.Dataset.from_list(rows)


def _load(folder: Path, config: str, tmp_path: Path) -> datasets.DatasetDict:
    return datasets.load_dataset(str(folder), config, cache_dir=str(tmp_path / "hf-cache"))


def test_export_writes_hub_layout_and_loads_back(tmp_path):
    out = export_hub_folder({"test": _dataset(_parallel_rows())}, tmp_path / "hub",
                            config_name="de", provenance=_provenance())
    assert (out / "de" / "test-00000-of-00001.parquet").is_file()
    metadata = validate_hub_folder(out)
    assert metadata["configs"] == [
        {"config_name": "de", "data_files": [{"split": "test", "path": "de/test-*.parquet"}],
         "default": True}
    ]
    loaded = _load(out, "de", tmp_path)["test"]
    assert loaded.column_names[:3] == ["id", "tokens", "ner_tags"]
    assert "projected_tags" not in loaded.column_names and "dropped_reason" not in loaded.column_names
    names = loaded.features["ner_tags"].feature.names
    assert names == list(CONLL2003_LABELS)
    assert loaded["id"] == ["0", "1", "2"]  # the dropped sentence is left out ...
    assert loaded[0]["tokens"] == ["Anna", "besucht", "Berlin"]
    assert [names[i] for i in loaded[1]["ner_tags"]] == ["O", "B-ORG", "I-ORG"]
    assert loaded[0]["alignments"] == [[0, 0], [1, 1], [2, 2]]  # provenance columns stay
    stats = json.loads((out / "de" / "statistics.json").read_text())["splits"]["test"]
    assert stats["dropped"] == {"empty translation": 1}  # ... and counted with its reason
    assert stats["input_sentences"] == 4 and stats["sentences"] == 3
    assert stats["entities"] == {"LOC": 1, "ORG": 1, "PER": 1}
    assert stats["source_entities"] == {"LOC": 2, "ORG": 1, "PER": 2}
    assert stats["projection_rate"] == pytest.approx(3 / 5)
    assert metadata["license"] == "cc-by-sa-4.0" and "license_name" not in metadata  # Europarl-NER
    assert stats["keep_dropped"] is False and stats["incomplete"] == {}
    # the YAML features are the features load_dataset returns
    info = metadata["dataset_info"][0]
    assert info["splits"] == [{"name": "test", "num_bytes": info["dataset_size"], "num_examples": 3}]
    assert datasets.Features._from_yaml_list(info["features"]) == loaded.features


def test_evaluation_runs_publish_every_scored_sentence_with_its_reason(tmp_path):
    rows = _parallel_rows()
    rows[2]["dropped_reason"] = "unaligned"  # Smith got no span: a scored prediction all the same
    silver = export_hub_folder({"test": _dataset(rows)}, tmp_path / "silver", config_name="de",
                               provenance=_provenance())
    assert _load(silver, "de", tmp_path)["test"]["id"] == ["0", "1"]  # training corpus: left out
    stats = json.loads((silver / "de" / "statistics.json").read_text())["splits"]["test"]
    assert stats["dropped"] == {"empty translation": 1, "unaligned": 1} and stats["incomplete"] == {}

    out = export_hub_folder({"test": _dataset(rows)}, tmp_path / "eval", config_name="de",
                            provenance=_provenance(), keep_dropped=True)
    loaded = _load(out, "de", tmp_path)["test"]
    assert loaded.column_names[:4] == ["id", "tokens", "ner_tags", "dropped_reason"]
    assert loaded["id"] == ["0", "1", "2"]  # the unlabelled sentence cannot be published ...
    assert loaded["dropped_reason"] == ["", "", "unaligned"]  # ... the incomplete one is, with its reason
    assert loaded[2]["ner_tags"] == [0, 0, 0]
    stats = json.loads((out / "de" / "statistics.json").read_text())["splits"]["test"]
    assert stats["keep_dropped"] is True and stats["sentences"] == 3 and stats["input_sentences"] == 4
    assert stats["incomplete"] == {"unaligned": 1} and stats["dropped"] == {"empty translation": 1}
    _, body = read_front_matter(out / "README.md")
    assert "| `test` | 4 | 3 | empty translation: 1 | unaligned: 1 |" in body
    assert "filter on that column for complete sentences only" in body


def test_unrecorded_languages_export_as_the_default_config(tmp_path):
    prov = _provenance()
    prov.update(source_language=None, target_language=None)
    prov["source_dataset"] = {"name": "a.conll + b.conll", "license": "unknown", "citation": None,
                              "homepage": None, "license_details": "the input files' licence, not recorded"}
    out = export_hub_folder({"train": _dataset(_parallel_rows())}, tmp_path / "hub",
                            config_name=default_config_name(prov), provenance=prov, keep_dropped=True)
    metadata = validate_hub_folder(out)
    assert metadata["configs"][0]["config_name"] == "default" and "language" not in metadata
    assert len(_load(out, "default", tmp_path)["train"]) == 3
    assert default_config_name(_provenance("deu")) == "de"
    # recording the language later: edit the provenance, rewrite the card
    provenance_path = out / "default" / "provenance.json"
    prov["target_language"] = "de"
    provenance_path.write_text(json.dumps(prov))
    assert main(["export", str(out)]) == 0
    metadata, body = read_front_matter(out / "README.md")
    assert metadata["language"] == ["de"] and "## German (`default`)" in body


def test_second_config_merges_and_every_config_loads(tmp_path):
    folder = tmp_path / "hub"
    first = _dataset(_parallel_rows())
    export_hub_folder({"test": first, "validation": first}, folder, config_name="de",
                      provenance=_provenance("de"))
    export_hub_folder({"test": _dataset(_parallel_rows()[:2])}, folder, config_name="es",
                      provenance=_provenance("es"), report=None)
    metadata, body = read_front_matter(folder / "README.md")
    assert [c["config_name"] for c in metadata["configs"]] == ["de", "es"]
    assert [c.get("default", False) for c in metadata["configs"]] == [True, False]
    assert [i["config_name"] for i in metadata["dataset_info"]] == ["de", "es"]
    assert set(metadata["language"]) == {"de", "es", "en"}
    assert metadata["multilinguality"] == "multilingual"
    assert "## German (`de`)" in body and "## Spanish (`es`)" in body
    de, es = _load(folder, "de", tmp_path), _load(folder, "es", tmp_path)
    assert set(de) == {"test", "validation"} and set(es) == {"test"}
    assert de["test"].features == es["test"].features
    assert len(es["test"]) == 2
    default = datasets.load_dataset(str(folder), cache_dir=str(tmp_path / "hf-cache"))
    assert set(default) == {"test", "validation"}  # no config name: the default, de
    # re-exporting a config replaces its files and keeps it the default
    export_hub_folder({"train": first}, folder, config_name="de", provenance=_provenance("de"))
    assert sorted(p.name for p in (folder / "de").glob("*.parquet")) == ["train-00000-of-00001.parquet"]
    metadata, _ = read_front_matter(folder / "README.md")
    assert metadata["configs"][0]["default"] is True and "default" not in metadata["configs"][1]
    assert set(_load(folder, "de", tmp_path)) == {"train"}


def test_translate_test_and_translate_train_column_renames(tmp_path):
    names = datasets.ClassLabel(names=list(PANX_LABELS))
    features = datasets.Features({
        "tokens": datasets.List(datasets.Value("string")),
        "ner_tags": datasets.List(names),
        "src_tokens": datasets.List(datasets.Value("string")),
        "projected_tags": datasets.List(datasets.Value("string")),
    })
    # translate-test: the dataset's own words receive the labels; its gold tags stay beside them
    tt = datasets.Dataset.from_dict({
        "tokens": [["Ade", "lọ", "sí", "Èkó"]], "ner_tags": [[1, 0, 0, 5]],
        "src_tokens": [["Ade", "went", "to", "Lagos"]],
        "projected_tags": [["B-PER", "O", "O", "O"]],
    }, features=features)
    prov = _provenance("yo", task="translate-test", source="panx", labels=PANX_LABELS)
    out = export_hub_folder({"test": tt}, tmp_path / "tt", config_name="yo", provenance=prov)
    row = _load(out, "yo", tmp_path)["test"][0]
    assert row["tokens"] == ["Ade", "lọ", "sí", "Èkó"]
    assert row["ner_tags"] == [1, 0, 0, 0] and row["original_ner_tags"] == [1, 0, 0, 5]
    # translate-train: the translation receives the labels; the source words are kept as original_
    tr = datasets.Dataset.from_dict({
        "tokens": [["Ade", "went", "home"]], "ner_tags": [["B-PER", "O", "O"]],
        "tgt_tokens": [["Ade", "lọ", "ilé"]], "projected_tags": [["B-PER", "O", "O"]],
    })
    prov = _provenance("yo", task="translate-train", source="conll2003", labels=CONLL2003_LABELS)
    out = export_hub_folder({"train": tr}, tmp_path / "tr", config_name="yo", provenance=prov)
    row = _load(out, "yo", tmp_path)["train"][0]
    assert row["tokens"] == ["Ade", "lọ", "ilé"] and row["original_tokens"] == ["Ade", "went", "home"]
    metadata, _ = read_front_matter(out / "README.md")
    assert metadata["license"] == "other"
    assert metadata["license_name"] == "reuters-corpus-research-only"
    assert "research use only" in metadata["license_details"]
    assert metadata["language_creators"] == ["found", "machine-generated"]


def test_masakhaner2_output_inherits_cc_by_nc(tmp_path):
    rows = [{"tokens": ["Kano"], "tgt_tokens": ["Kano"], "projected_tags": ["B-LOC"]}]
    prov = _provenance("ha", task="model-transfer", source="masakhaner2", labels=MASAKHANER2_LABELS)
    prov["aligner"] = None
    prov["models"] = [{"role": "ner", "id": "Davlan/afro-xlmr-large", "revision": "abc123"}]
    out = export_hub_folder({"test": _dataset(rows)}, tmp_path / "m", config_name="ha", provenance=prov)
    metadata, _ = read_front_matter(out / "README.md")
    assert metadata["license"] == "cc-by-nc-4.0"
    assert metadata["source_datasets"] == ["extended|masakhane/masakhaner2"]
    assert metadata["task_categories"] == ["token-classification"]
    assert metadata["task_ids"] == ["named-entity-recognition"]
    assert metadata["size_categories"] == ["n<1K"]


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[1].update(projected_tags=["O", "B-ORG", "I-FOO"]), "'I-FOO' is not one of"),
    (lambda rows: rows[1].update(projected_tags=["O", "I-ORG", "I-ORG"]), "follows 'O'"),
    (lambda rows: rows[0].update(projected_tags=["B-PER", "O"]), "3 words in tgt_tokens but 2 tags"),
    (lambda rows: rows[3].update(dropped_reason=""), "either labelled or dropped"),
])
def test_bad_examples_are_named_and_nothing_is_written(tmp_path, change, message):
    rows = _parallel_rows()
    change(rows)
    with pytest.raises(ExportError, match=message) as err:
        export_hub_folder({"test": _dataset(rows)}, tmp_path / "hub", config_name="de",
                          provenance=_provenance())
    assert "split 'test', example" in str(err.value) and "(id '" in str(err.value)
    assert not (tmp_path / "hub").exists()


def test_missing_label_column_and_bad_provenance_are_clear_errors(tmp_path):
    ds = _dataset([{"tgt_tokens": ["a"], "tgt_tags": ["O"]}])
    with pytest.raises(ExportError, match="no 'projected_tags' column"):
        export_hub_folder({"test": ds}, tmp_path / "x", config_name="de", provenance=_provenance())
    prov = _provenance()
    del prov["source_dataset"]["license"]
    with pytest.raises(ProvenanceError, match="missing 'license'"):
        export_hub_folder({"test": ds}, tmp_path / "x", config_name="de", provenance=prov)
    with pytest.raises(ExportError, match="split name 'dev-1'"):
        export_hub_folder({"dev-1": ds}, tmp_path / "x", config_name="de", provenance=_provenance())
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "README.md").write_text("---\nconfigs:\n- config_name: default\n  data_files: x.csv\n---\n")
    good = _dataset(_parallel_rows())
    with pytest.raises(ExportError, match=r"README.md was not written by projner and is never replaced"):
        export_hub_folder({"test": good}, foreign, config_name="de", provenance=_provenance())
    assert sorted(p.name for p in foreign.iterdir()) == ["README.md"]


def test_europarl_projection_exports_every_sentence_accounted(tmp_path, shared_data):
    europarl = shared_data / "europarl-ner"
    rows = list(read_parallel(europarl / "en-europarl.test.conll02", europarl / "it-europarl.test.conll02"))
    # gold target tags stand in for a projection: every sentence is published
    for row in rows:
        row["projected_tags"] = row.pop("tgt_tags")
    out = export_hub_folder({"test": _dataset(rows)}, tmp_path / "hub", config_name="it",
                            provenance=_provenance("it"))
    loaded = _load(out, "it", tmp_path)["test"]
    assert len(loaded) == len(rows) == 799
    names = loaded.features["ner_tags"].feature.names
    assert [names[i] for i in loaded[10]["ner_tags"]] == rows[10]["projected_tags"]


def test_export_command_converts_saved_dataset_and_regenerates_card(tmp_path, capsys):
    saved = tmp_path / "run"
    datasets.DatasetDict({"test": _dataset(_parallel_rows())}).save_to_disk(str(saved))
    assert main(["export", str(saved), "--output", str(tmp_path / "hub")]) == 2
    assert "provenance.json: missing" in capsys.readouterr().err
    (saved / "provenance.json").write_text(json.dumps(_provenance("it")))
    (saved / "report.json").write_text(json.dumps({"no_gold_reason": "a test run"}))
    assert main(["export", str(saved), "--output", str(tmp_path / "hub")]) == 0
    printed = capsys.readouterr().out
    assert "config 'it'" in printed and "3 of 4 sentences published" in printed
    readme = tmp_path / "hub" / "README.md"
    assert "No evaluation: a test run." in readme.read_text()
    # regenerate the card after editing the report
    (tmp_path / "hub" / "it" / "report.json").write_text(json.dumps({"no_gold_reason": "edited"}))
    assert main(["export", str(tmp_path / "hub")]) == 0
    assert "No evaluation: edited." in readme.read_text()
    yaml.safe_load(readme.read_text().split("---\n")[1])  # front matter still valid YAML
    assert main(["export", str(tmp_path)]) == 2
    assert "neither a save_to_disk folder" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "nosuch")]) == 2
    assert capsys.readouterr().err == f"projner export: error: {tmp_path / 'nosuch'}: no such folder\n"
    # a save_to_disk folder's options on an export folder are refused, not ignored
    card = readme.read_text()
    for option in (["--provenance", "nosuch.json"], ["--report", str(saved / "report.json")],
                   ["--config", "../bad"], ["--keep-dropped"]):
        assert main(["export", str(tmp_path / "hub"), *option]) == 2
        assert f"{option[0]}: only for a save_to_disk folder" in capsys.readouterr().err
    assert readme.read_text() == card
    # an evaluation run of one's own: every sentence that has labels published, with its reason
    assert main(["export", str(saved), "--output", str(tmp_path / "eval"), "--keep-dropped"]) == 0
    assert "3 of 4 sentences published" in capsys.readouterr().out
    assert _load(tmp_path / "eval", "it", tmp_path)["test"]["dropped_reason"] == ["", "", ""]


@pytest.mark.parametrize("content, message", [
    ('{"task": "project-parallel"}', "provenance: missing 'source_dataset'"),
    ('{"task": "project-parallel", "source_dataset": "x"}', "provenance.source_dataset must be a mapping"),
    (None, "not valid JSON"),
])
def test_a_bad_provenance_file_is_named_in_one_line(tmp_path, capsys, content, message):
    saved = tmp_path / "run"
    datasets.DatasetDict({"test": _dataset(_parallel_rows())}).save_to_disk(str(saved))
    path = saved / "provenance.json"
    if content is None:
        path.write_bytes(b"\xff{}")
    else:
        path.write_text(content)
    assert main(["export", str(saved), "--output", str(tmp_path / "hub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"projner export: error: {path}: ") and message in err and err.count("\n") == 1


# --- a killed run (SIGKILL, a scheduler's SIGTERM, power loss: no `finally` runs) -----------------


def _exported(tmp_path: Path) -> Path:
    return export_hub_folder({"test": _dataset(_parallel_rows())}, tmp_path / "hub", config_name="de",
                             provenance=_provenance())


def test_what_a_killed_export_left_is_refused_by_push_and_view_and_cleaned_by_the_next_export(tmp_path, capsys):
    folder = _exported(tmp_path)
    stale = folder / ".projner-tmp-kmf3u4h6" / "de"
    stale.mkdir(parents=True)
    (stale / "test-00000-of-00001.parquet").write_bytes(b"half a copy")
    said = r"holds \.projner-tmp-kmf3u4h6, left by an interrupted run; `projner export .*` restores"
    with pytest.raises(HubFolderError, match=said):
        validate_hub_folder(folder)  # what push and view check first: never uploaded beside the data
    with pytest.warns(InterruptedRunWarning, match="removed .*projner-tmp-kmf3u4h6"):
        _exported(tmp_path)
    assert not list(folder.glob(".projner-tmp-*")) and validate_hub_folder(folder)


def test_a_config_swapped_out_but_not_replaced_is_restored_by_export(tmp_path, capsys):
    folder = _exported(tmp_path)
    (folder / "de").rename(folder / ".projner-tmp-old-de")  # killed between the two renames
    assert main(["export", str(folder)]) == 0
    assert f"restored {folder / 'de'} from an interrupted replacement" in capsys.readouterr().out
    assert _load(folder, "de", tmp_path)["test"].num_rows == 3


def test_published_files_are_readable_by_others_as_the_umask_allows(tmp_path):
    mask = os.umask(0o022)  # the common default: group and others may read
    try:
        folder = _exported(tmp_path)
    finally:
        os.umask(mask)
    for path in (folder, folder / "README.md", folder / "de" / "provenance.json"):
        assert path.stat().st_mode & 0o044 == 0o044, path


def test_staging_clears_its_own_killed_leftovers_and_no_siblings(tmp_path):
    """A killed export's staging folder for this path goes; a running export's for ``out.x`` stays."""
    own, sibling = tmp_path / ".projner-tmp-out.k1ll3d_x", tmp_path / ".projner-tmp-out.x.abcd1234"
    own.mkdir()
    sibling.mkdir()
    with staged_folder(tmp_path / "out") as staging:
        (staging / "data.txt").write_text("x", encoding="utf-8")
    assert not own.exists() and sibling.is_dir() and (tmp_path / "out" / "data.txt").is_file()
