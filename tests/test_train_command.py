"""``projner train --backend crf`` end to end: files written, scores recomputable, bad input named."""

from __future__ import annotations

import json

import pytest
import train_corpus

from projner.cli import main
from projner.processing.evaluate import ner_scores


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("train-command")
    return {
        "root": root,
        "train": train_corpus.write_conll(root / "silver.conll", train_corpus.sentences(150, seed=1)),
        "test": train_corpus.write_conll(root / "gold.conll", train_corpus.sentences(40, seed=2, held_out=True)),
    }


def _columns(path):
    """Gold and predicted tag sequences of a ``predictions.txt``."""
    gold, predicted = [], []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        rows = [line.split("\t") for line in block.splitlines()]
        gold.append([r[1] for r in rows])
        predicted.append([r[2] for r in rows])
    return gold, predicted


def test_crf_command_writes_model_predictions_and_scores(files, capsys):
    out = files["root"] / "crf"
    rc = main(["train", "--train", str(files["train"]), "--eval-conll", str(files["test"]),
               "--label-map", "DATE=O", "--iterations", "40", "--output", str(out)])
    assert rc == 0
    result = json.loads((out / "scores.json").read_text())
    assert result["backend"] == "crf" and result["settings"]["max_iterations"] == 40
    assert result["settings"]["c1"] == result["settings"]["c2"] == 0.1
    assert result["label_map"] == ["DATE=O"] and (out / "model.crfsuite").is_file()
    scores = result["scores"]
    assert set(scores["per_type"]) == {"PER", "ORG", "LOC"} and scores["f1"] > 0.85
    gold, predicted = _columns(out / "predictions.txt")
    assert ner_scores(gold, predicted)["f1"] == pytest.approx(scores["f1"])
    assert result["eval_sources"][0]["kept"] == 40
    printed = capsys.readouterr().out
    assert f"F1 {scores['f1']:.4f}" in printed and "150 of 150 sentences" in printed


def test_label_map_changes_what_is_scored(files):
    out = files["root"] / "with-date"
    assert main(["train", "--train", str(files["train"]), "--eval-conll", str(files["test"]),
                 "--iterations", "40", "--output", str(out)]) == 0
    scores = json.loads((out / "scores.json").read_text())["scores"]
    assert "DATE" in scores["per_type"] and scores["per_type"]["DATE"]["support"] > 0


def test_types_only_the_tagger_knows_are_reported(files, tmp_path, capsys):
    gold_without_dates = tmp_path / "gold.conll"
    text = files["test"].read_text(encoding="utf-8").replace("B-DATE", "O")
    gold_without_dates.write_text(text, encoding="utf-8")
    assert main(["train", "--train", str(files["train"]), "--eval-conll", str(gold_without_dates),
                 "--iterations", "20", "--output", str(tmp_path / "out")]) == 0
    scores = json.loads((tmp_path / "out" / "scores.json").read_text())["scores"]
    assert scores["predicted_only_types"] == ["DATE"]
    assert "types predicted but absent from gold: DATE" in capsys.readouterr().out


def test_gold_types_the_training_data_lacks_are_warned_of(files, tmp_path, capsys):
    gold_with_persons = tmp_path / "gold.conll"
    gold_with_persons.write_text(files["test"].read_text(encoding="utf-8").replace("-PER\n", "-PERSON\n"),
                                 encoding="utf-8")
    assert main(["train", "--train", str(files["train"]), "--eval-conll", str(gold_with_persons),
                 "--iterations", "5", "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "projner train: warning: gold entity types the training data lacks: PERSON (" in err
    assert len(err.strip().splitlines()) == 1
    scores = json.loads((tmp_path / "out" / "scores.json").read_text())["scores"]
    assert scores["gold_only_types"] == ["PERSON"] and scores["predicted_only_types"] == ["PER"]


def test_gold_from_the_masakhaner2_builder(files, fixtures, tmp_path):
    rc = main(["train", "--train", str(files["train"]), "--eval-dataset", "masakhaner2", "--eval-lang", "yor",
               "--data-dir", str(fixtures), "--label-map", "DATE=O", "--iterations", "5",
               "--output", str(tmp_path / "out")])
    assert rc == 0
    result = json.loads((tmp_path / "out" / "scores.json").read_text())
    assert result["eval_sources"][0]["source"] == "masakhaner2/yor[test]"
    assert result["scores"]["sentences"] == result["eval_sources"][0]["kept"] > 0


@pytest.mark.parametrize("arguments, message", [
    (["--train", "{root}/missing.conll"], "missing.conll: no such file or folder"),
    (["--train", "{root}/bad.conll"], "bad.conll, line 2"),
    (["--train", "{train}", "--eval-dataset", "masakhaner2"], "--eval-dataset needs --eval-lang"),
    (["--train", "{train}", "--label-map", "B-DATE=O"], "name entity types"),
    (["--train", "{root}/empty.conll"], "empty.conll: no sentences"),
    (["--train", "{train}", "--eval-conll", "{root}/empty.conll"], "empty.conll: no sentences"),
    (["--train", "{root}/all_o.conll"], "all_o.conll: no entities in 2 sentences: a tagger trained on them"),
    (["--train", "{train}", *(a for t in ("PER", "LOC", "ORG", "DATE") for a in ("--label-map", f"{t}=O"))],
     "no entities in 150 sentences after the label map"),
    (["--train", "{train}", "--eval-conll", "{root}/all_o.conll"],
     "all_o.conll: no entities in 2 sentences: F1 is undefined on a gold split without entities"),
])
def test_bad_input_is_an_error_naming_it(files, tmp_path, capsys, arguments, message):
    (files["root"] / "bad.conll").write_text("Kano B-LOC\nya PER\n\n", encoding="utf-8")
    (files["root"] / "empty.conll").write_text("", encoding="utf-8")
    (files["root"] / "all_o.conll").write_text("Kano O\nya O\n\nna O\n", encoding="utf-8")
    arguments = [a.format(root=files["root"], train=files["train"]) for a in arguments]
    assert main(["train", *arguments, "--output", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out" / "scores.json").exists()


def test_output_folder_rules(files, tmp_path, capsys):
    """--output as the pipelines' --output: never a file, a user's folder only with --overwrite, a
    user's file never replaced, an earlier run's folder rewritten."""
    train = ["train", "--train", str(files["train"]), "--eval-conll", str(files["test"]), "--iterations", "5"]
    afile = tmp_path / "afile.txt"
    afile.write_text("mine", encoding="utf-8")
    assert main([*train, "--output", str(afile)]) == 2
    assert "--output" in (err := capsys.readouterr().err) and "is a file, not a folder" in err
    users = tmp_path / "users"
    users.mkdir()
    (users / "scores.json").write_text("MY NOTES", encoding="utf-8")
    assert main([*train, "--output", str(users)]) == 2
    assert "projner did not write it" in capsys.readouterr().err
    assert main([*train, "--output", str(users), "--overwrite"]) == 2
    assert "holds files projner did not write (scores.json)" in capsys.readouterr().err
    assert (users / "scores.json").read_text() == "MY NOTES" and not (users / "model.crfsuite").exists()
    (users / "scores.json").rename(users / "notes.txt")
    assert main([*train, "--output", str(users), "--overwrite"]) == 0
    assert (users / "notes.txt").read_text() == "MY NOTES"
    assert main([*train, "--output", str(users)]) == 0  # now an earlier run's folder: rewritten
    assert json.loads((users / "scores.json").read_text())["complete"] is True
    assert (users / "predictions.txt").exists()
    without_gold = ["train", "--train", str(files["train"]), "--iterations", "5", "--output", str(users)]
    assert main(without_gold) == 0  # the earlier run's predictions do not outlive it
    assert not (users / "predictions.txt").exists() and (users / "notes.txt").read_text() == "MY NOTES"
