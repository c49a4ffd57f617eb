"""A notebook user's session: a DatasetDict built by hand with its own column names and ClassLabel
tags, every pipeline run on it from ``import projner``, exported, loaded back with
``datasets.load_dataset``; and the CLI on the same sentences writing the very same parquet."""

from __future__ import annotations

from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

import projner
from projner.builders import parallel_pairs
from projner.cli import main as cli_main

pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def by_hand(rows: dict[str, list], labels: list[str], tag_columns: tuple[str, ...], split: str) -> datasets.DatasetDict:
    """What a user writes: their own names, tags as ClassLabel ids."""
    words = datasets.Sequence(datasets.Value("string"))
    tags = datasets.Sequence(datasets.ClassLabel(names=labels))
    features = datasets.Features({name: tags if name in tag_columns else
                                  datasets.Value("string") if name == "sid" else
                                  datasets.Sequence(datasets.Sequence(datasets.Value("int32"))) if name == "links"
                                  else words for name in rows})
    encoded = {name: [[labels.index(t) for t in row] for row in values] if name in tag_columns else values
               for name, values in rows.items()}
    return datasets.DatasetDict({split: datasets.Dataset.from_dict(encoded, features=features)})


def parquet(folder: Path, config: str) -> list:
    tables = [pq.read_table(path) for path in sorted((folder / config).glob("*.parquet"))]
    return [table.to_pylist() for table in tables]


def gold_rows(fixtures: Path, tmp_path: Path, name: str, lang: str, split: str, data: str):
    from projner.processing.corpora import load_gold

    gold = load_gold(name, lang, split, data_dir=str(fixtures / data), cache_dir=tmp_path / "gold")
    names = gold.dataset.features["ner_tags"].feature.names
    return gold.dataset, list(names)


def model_options(tiny_models, cache: Path) -> projner.RunOptions:
    return projner.RunOptions(translator=str(tiny_models["translator"]), ner_model=str(tiny_models["ner"]),
                              aligner_model=str(tiny_models["aligner"]), cache_dir=str(cache), num_beams=1,
                              max_new_tokens=8)


def cli_models(tiny_models, cache: Path) -> list[str]:
    return ["--translator", str(tiny_models["translator"]), "--ner-model", str(tiny_models["ner"]),
            "--aligner-model", str(tiny_models["aligner"]), "--cache-dir", str(cache), "--num-beams", "1",
            "--max-new-tokens", "8"]


def test_target_side_pipelines_from_a_hand_built_datasetdict(tiny_models, fixtures, tmp_path):
    gold, labels = gold_rows(fixtures, tmp_path, "masakhaner2", "yo", "test", "masakhaner2")
    mine = by_hand({"sid": gold["id"], "words": gold["tokens"], "gold": [[labels[i] for i in row]
                                                                          for row in gold["ner_tags"]]},
                   labels, ("gold",), "test")
    columns = projner.Columns(tokens="words", tags="gold", id="sid")
    run = model_options(tiny_models, tmp_path / "cache")
    for pipeline, command in ((projner.translate_test, "translate-test"), (projner.model_transfer, "model-transfer")):
        result = pipeline(mine, "yo", columns=columns, run=run)
        assert isinstance(result.dataset, datasets.DatasetDict) and result.provenance.target_language == "yo"
        assert result.report["sentences"] == 3 and 0.0 <= result.report["f1"] <= 1.0
        projner.export(result, tmp_path / command)
        loaded = datasets.load_dataset(str(tmp_path / command), "yo", cache_dir=str(tmp_path / "hf"))["test"]
        names = loaded.features["ner_tags"].feature.names
        assert [[names[i] for i in row] for row in loaded["ner_tags"]] == result.dataset["test"]["projected_tags"]
        assert loaded["tokens"] == mine["test"]["words"] and "words" in mine["test"].column_names
        # the CLI resolves the same sentences by name and writes the same parquet
        assert cli_main([command, "--dataset", "masakhaner2", "--lang", "yo", "--data-dir",
                         str(fixtures / "masakhaner2"), *cli_models(tiny_models, tmp_path / "cache"),
                         "--output", str(tmp_path / f"cli-{command}")]) == 0
        assert parquet(tmp_path / f"cli-{command}", "yo") == parquet(tmp_path / command, "yo")


def test_translate_train_from_any_labelled_source(tiny_models, fixtures, tmp_path):
    gold, labels = gold_rows(fixtures, tmp_path, "conll2003", "en", "train", "conll2003")
    mine = by_hand({"sid": gold["id"], "words": gold["tokens"],
                    "gold": [[labels[i] for i in row] for row in gold["ner_tags"]]}, labels, ("gold",), "train")
    result = projner.translate_train(mine, "sw", columns=projner.Columns(tokens="words", tags="gold", id="sid"),
                                     run=model_options(tiny_models, tmp_path / "cache"),
                                     method=projner.MethodOptions(keep_partial=True))
    assert result.provenance.source_language == "en" and result.provenance.labels[0] == "O"
    assert "MISC" not in " ".join(result.provenance.labels)  # MISC=O by default, names from the features
    projner.export(result, tmp_path / "api")
    loaded = datasets.load_dataset(str(tmp_path / "api"), "sw", cache_dir=str(tmp_path / "hf"))["train"]
    assert len(loaded) == result.report["kept"]
    assert cli_main(["translate-train", "--lang", "sw", "--data-dir", str(fixtures / "conll2003"), "--keep-partial",
                     *cli_models(tiny_models, tmp_path / "cache"), "--output", str(tmp_path / "cli")]) == 0
    assert parquet(tmp_path / "cli", "sw") == parquet(tmp_path / "api", "sw")


def test_project_parallel_with_own_names_classlabels_and_given_links(fixtures, tmp_path):
    folder = fixtures / "europarl-ner"
    files = (folder / "en-europarl.test.conll02", folder / "de-europarl.test.conll02")
    pairs, _ = parallel_pairs(*files, alignments=folder / "eflomal.en-de.gdfa.txt")
    labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
    rows = {"sid": pairs["id"], "en": pairs["src_tokens"], "en_ner": pairs["src_tags"], "de": pairs["tgt_tokens"],
            "de_ner": pairs["tgt_tags"], "links": pairs["alignments"]}
    columns = projner.PairColumns(src_tokens="en", src_tags="en_ner", tgt_tokens="de", tgt_tags="de_ner",
                                  alignments="links", id="sid")
    run = projner.RunOptions(cache_dir=str(tmp_path / "cache"))
    mine = by_hand(rows, labels, ("en_ner", "de_ner"), "test")
    result = projner.project_parallel(mine, columns=columns, label_map=["MISC=O"], source_lang="en",
                                      target_lang="de", run=run)
    assert result.provenance.labels == ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
    assert result.report["sentences"] == 4 and "f1" in result.report
    projner.export(result, tmp_path / "api")
    loaded = datasets.load_dataset(str(tmp_path / "api"), "de", cache_dir=str(tmp_path / "hf"))["test"]
    names = loaded.features["ner_tags"].feature.names
    assert [[names[i] for i in row] for row in loaded["ner_tags"]] == result.dataset["test"]["projected_tags"]
    # the same pairs with string tags, as the CLI reads the files, give the CLI's parquet
    strings = datasets.DatasetDict({"test": datasets.Dataset.from_dict(rows)})
    from_strings = projner.project_parallel(strings, columns=columns, label_map=["MISC=O"], source_lang="en",
                                            target_lang="de", run=run)
    assert from_strings.report["f1"] == result.report["f1"]
    projner.export(from_strings, tmp_path / "api-strings")
    assert cli_main(["project-parallel", "--source", str(files[0]), "--target", str(files[1]), "--alignments",
                     str(folder / "eflomal.en-de.gdfa.txt"), "--label-map", "MISC=O", "--source-lang", "en",
                     "--target-lang", "de", "--split", "test", "--cache-dir", str(tmp_path / "cache"),
                     "--output", str(tmp_path / "cli")]) == 0
    assert parquet(tmp_path / "cli", "de") == parquet(tmp_path / "api-strings", "de")


def test_the_public_surface():
    for name in ("translate_train", "translate_test", "model_transfer", "project_parallel", "export", "push",
                 "RunOptions", "MethodOptions", "ProjectionConfig", "Project", "Align", "Label", "Translate",
                 "Stage", "MasakhaNER2", "PanX", "Provenance"):
        assert name in projner.__all__ and getattr(projner, name) is not None
    with pytest.raises(AttributeError):
        _ = projner.no_such_name


def test_docs_and_readme_import_only_public_packages():
    import re

    root = Path(__file__).resolve().parent.parent
    deep = re.compile(r"(?:from|import)\s+projner\.\w+\.\w+")
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
            assert not deep.search(line), f"{doc.name}, line {number}: {line.strip()}"


def unlabelled_files(sentences: list[list[str]], folder: Path) -> tuple[Path, Path]:
    """The user's own sentences as the CLI takes them: a CoNLL file without tags and a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    conll, text = folder / "mine.conll", folder / "mine.txt"
    conll.write_text("\n\n".join("\n".join(words) for words in sentences) + "\n", encoding="utf-8")
    text.write_text("\n".join(" ".join(words) for words in sentences) + "\n", encoding="utf-8")
    return conll, text


def test_target_side_pipelines_label_unlabelled_sentences_and_score_nothing(tiny_models, fixtures, tmp_path):
    import json

    gold, _ = gold_rows(fixtures, tmp_path, "masakhaner2", "yo", "test", "masakhaner2")
    sentences = gold["tokens"]
    run = model_options(tiny_models, tmp_path / "cache")
    as_dataset = datasets.Dataset.from_dict({"words": sentences, "ner_tags": gold["ner_tags"]})
    as_dict = datasets.DatasetDict({"test": datasets.Dataset.from_dict({"id": [str(i) for i in range(len(sentences))],
                                                                        "tokens": sentences})})
    conll, text = unlabelled_files(sentences, tmp_path / "files")
    for pipeline, command in ((projner.model_transfer, "model-transfer"), (projner.translate_test, "translate-test")):
        # a Dataset whose tags are not to be used (tags=None), and a DatasetDict without any
        first = pipeline(as_dataset, "yo", columns=projner.Columns(tokens="words", tags=None), run=run, split="test")
        result = pipeline(as_dict, "yo", run=run)
        for run_result in (first, result):
            report = run_result.report
            assert run_result.scores is None and run_result.gold is None and "f1" not in report
            assert "no gold tags" in report["no_gold"] and report["no_gold"] == run_result.no_gold_reason
            predicted = run_result.dataset["test"]["projected_tags"]
            assert report["sentences"] == len(sentences) == len(predicted)
            assert [len(tags) for tags in predicted] == [len(words) for words in sentences]
            entities = sum(1 for tags in predicted for tag in tags if tag.startswith("B-"))
            assert sum(report["predicted_entities"].values()) == entities
            assert report["sentences_with_entities"] == sum(1 for tags in predicted if set(tags) != {"O"})
            assert "MISC" not in " ".join(run_result.provenance.labels)  # the model's types after MISC=O
            assert {t.partition("-")[2] for tags in predicted for t in tags} <= {
                t.partition("-")[2] for t in run_result.provenance.labels}
        assert first.dataset["test"]["projected_tags"] == result.dataset["test"]["projected_tags"]
        projner.export(result, tmp_path / command)
        loaded = datasets.load_dataset(str(tmp_path / command), "yo", cache_dir=str(tmp_path / "hf"))["test"]
        names = loaded.features["ner_tags"].feature.names
        assert [[names[i] for i in row] for row in loaded["ner_tags"]] == result.dataset["test"]["projected_tags"]
        assert loaded["tokens"] == sentences and "original_ner_tags" not in loaded.column_names
        stored = json.loads((tmp_path / command / "yo" / "report.json").read_text(encoding="utf-8"))
        assert "scores" not in stored and "no gold tags" in stored["no_gold_reason"]
        card = (tmp_path / command / "README.md").read_text(encoding="utf-8")
        assert "No evaluation: the target sentences have no gold tags" in card
        # the CLI on the same sentences, from a CoNLL file without tags or a text file: the same parquet
        for given in (conll, text):
            out = tmp_path / f"cli-{command}-{given.suffix[1:]}"
            assert cli_main([command, "--input", str(given), "--lang", "yo", *cli_models(tiny_models, tmp_path / "cache"),
                             "--output", str(out)]) == 0
            assert parquet(out, "yo") == parquet(tmp_path / command, "yo")


def test_a_tagged_input_file_is_scored_and_a_bad_one_named(tiny_models, fixtures, tmp_path, capsys):
    gold, labels = gold_rows(fixtures, tmp_path, "masakhaner2", "yo", "test", "masakhaner2")
    tagged = tmp_path / "tagged.conll"
    tagged.write_text("\n\n".join("\n".join(f"{w} {labels[t]}" for w, t in zip(words, tags))
                                  for words, tags in zip(gold["tokens"], gold["ner_tags"])) + "\n", encoding="utf-8")
    common = ["--lang", "yo", *cli_models(tiny_models, tmp_path / "cache")]
    assert cli_main(["model-transfer", "--input", str(tagged), *common]) == 0
    by_file = capsys.readouterr().out
    assert cli_main(["model-transfer", "--dataset", "masakhaner2", "--data-dir", str(fixtures / "masakhaner2"),
                     *common]) == 0
    by_name = capsys.readouterr().out
    assert "F1" in by_file and by_file.splitlines()[0].split(":")[1] == by_name.splitlines()[0].split(":")[1]
    text = tmp_path / "words.txt"
    text.write_text("Ade lo\n\nsi Eko\n", encoding="utf-8")
    assert cli_main(["model-transfer", "--input", str(text), *common]) == 0
    out = capsys.readouterr().out
    assert "2 sentences" in out and "not scored: the target sentences have no gold tags" in out
    broken = tmp_path / "broken.conll"
    broken.write_text("Ade B-PER\nlo X-PER\n", encoding="utf-8")
    assert cli_main(["model-transfer", "--input", str(broken), *common]) == 2
    assert f"{broken}, line 2" in capsys.readouterr().err
