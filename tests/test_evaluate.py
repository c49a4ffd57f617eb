import warnings

import pytest

from projner.labels import LabelMap, join_adjacent
from projner.processing.evaluate import ner_scores


def test_strict_iob2_counts_only_well_formed_exact_entities():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "I-LOC"], ["B-ORG", "O"]]
    scores = ner_scores(gold, pred)
    assert scores["precision"] == 1.0
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["per_type"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_label_map_applies_to_both_sides():
    gold = [["B-DATE", "O", "B-PER"]]
    pred = [["O", "O", "B-PER"]]
    assert ner_scores(gold, pred)["recall"] == 0.5
    assert ner_scores(gold, pred, label_map=LabelMap({"DATE": "O"}))["f1"] == 1.0


def test_length_mismatch_names_the_sentence():
    with pytest.raises(ValueError, match="sentence 1: 2 gold tags but 1 predicted"):
        ner_scores([["O"], ["O", "O"]], [["O"], ["O"]])


def test_join_adjacent_makes_each_run_of_one_type_one_entity():
    assert join_adjacent(["B-PER", "B-PER", "I-PER", "B-LOC", "O", "I-PER"]) == [
        "B-PER", "I-PER", "I-PER", "B-LOC", "O", "B-PER"]
    with pytest.raises(ValueError, match="not an IOB2 tag"):
        join_adjacent(["PER"])


def test_adjacent_joined_scores_two_adjacent_names_as_the_gold_run():
    gold = [["B-NAME", "I-NAME", "O", "B-NAME"]]
    pred = [["B-NAME", "B-NAME", "O", "O"]]
    assert ner_scores(gold, pred)["precision"] == 0.0
    joined = ner_scores(gold, pred, adjacent_joined=True)
    assert (joined["precision"], joined["recall"]) == (1.0, 0.5)


def test_no_entity_on_either_side_scores_zero_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = ner_scores([["O", "O"]], [["O", "O"]])
    assert scores["f1"] == scores["precision"] == scores["recall"] == 0.0 and scores["per_type"] == {}


@pytest.mark.parametrize("gold, predicted, error, message", [
    (["B-PER", "O"], ["B-PER", "O"], TypeError,
     r"gold sentence 0 is a str \('B-PER'\), not a list of tags: ner_scores takes a list of sentences"),
    ([["B-PER", "O"]], ["B-PER O"], TypeError, r"predicted sentence 0 is a str"),
    ([["O"], ["b-per", "o"]], [["O"], ["B-PER", "O"]], ValueError,
     r"gold sentence 1, word 0: 'b-per' is not an IOB2 tag \(O, B-TYPE or I-TYPE\)"),
    ([["S-PER", "O"]], [["B-PER", "O"]], ValueError, r"gold sentence 0, word 0: 'S-PER' is not an IOB2 tag"),
    ([["B-PER", "O"]], [["PER", "O"]], ValueError, r"predicted sentence 0, word 0: 'PER' is not an IOB2 tag"),
    ([["B-PER", None]], [["B-PER", "O"]], ValueError, r"gold sentence 0, word 1: None is not an IOB2 tag"),
    ([[1, 0]], [[1, 0]], ValueError, r"gold sentence 0, word 0: 1 is not an IOB2 tag"),
])
def test_tags_that_are_not_iob2_sentences_are_named(gold, predicted, error, message):
    """A flat list of tags, lowercase, IOBES, bare types, None or ids: seqeval said KeyError '-', 'b',
    'P', 'Invalid token is found' or a TypeError, naming no sentence."""
    with pytest.raises(error, match=message):
        ner_scores(gold, predicted)
    with pytest.raises(error, match=message):
        ner_scores(gold, predicted, label_map=LabelMap({"PER": "O"}))


def test_no_sentences_score_zero_as_no_entity_does():
    assert ner_scores([], []) == ner_scores([[]], [[]]) == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0, "per_type": {}}
