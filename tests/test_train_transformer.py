"""The transformers backend: first-subword labels, a short fine-tune of a tiny model, labels by name."""

from __future__ import annotations

import json

import pytest
import train_corpus
from tiny_tagger import build_tiny_tagger

from projner.cli import main
from projner.processing.evaluate import ner_scores
from projner.training.transformer import IGNORED, first_subword_labels


def test_first_subword_carries_the_label_and_the_rest_is_ignored():
    word_ids = [None, 0, 0, 1, 2, 2, 2, None, None]
    assert first_subword_labels(word_ids, [5, 0, 3]) == [IGNORED, 5, IGNORED, 0, 3, IGNORED, IGNORED,
                                                         IGNORED, IGNORED]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("transformer")
    train = train_corpus.sentences(200, seed=1)
    test = train_corpus.sentences(40, seed=2, held_out=True)
    return {
        "root": root,
        "train_a": train_corpus.write_conll(root / "a.conll", train[:120]),
        "train_b": train_corpus.write_conll(root / "b.conll", train[120:]),
        "test": train_corpus.write_conll(root / "test.conll", test),
        "model": build_tiny_tagger(root / "tiny", [" ".join(words) for words, _ in train]),
    }


def test_fine_tune_a_tiny_model_on_a_mix_and_score_it(corpus, capsys):
    out = corpus["root"] / "out"
    rc = main(["train", "--backend", "transformers", "--model", str(corpus["model"]),
               "--train", str(corpus["train_a"]), "--train", str(corpus["train_b"]),
               "--eval-conll", str(corpus["test"]), "--label-map", "DATE=O", "--output", str(out),
               "--max-steps", "40", "--batch-size", "16", "--learning-rate", "5e-3", "--logging-steps", "10"])
    assert rc == 0
    result = json.loads((out / "scores.json").read_text())
    assert result["backend"] == "transformers" and result["train_sentences"] == 200
    assert [s["kept"] for s in result["train_sources"]] == [120, 80]
    assert result["labels"][0] == "O" and sorted(result["labels"][1:]) == [
        "B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER"]
    losses = [loss for _, loss in result["loss_history"]]
    assert len(losses) == 4 and losses[-1] < losses[0] / 2, losses
    assert result["scores"]["f1"] > 0.2 and "DATE" not in result["scores"]["per_type"]
    assert result["train_words_truncated"] == 0 and result["eval_words_truncated"] == 0

    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(out / "model")
    assert [config.id2label[i] for i in range(len(config.id2label))] == result["labels"]
    rows = [line.split("\t") if line else [] for line in (out / "predictions.txt").read_text().splitlines()]
    gold, predicted, g, p = [], [], [], []
    for row in rows + [[]]:
        if row:
            g.append(row[1])
            p.append(row[2])
        elif g:
            gold.append(g)
            predicted.append(p)
            g, p = [], []
    assert ner_scores(gold, predicted)["f1"] == pytest.approx(result["scores"]["f1"])
    assert "F1" in capsys.readouterr().out
