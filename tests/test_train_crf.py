"""The CRF backend: its features, that it learns a pattern and generalises, and how it is scored."""

from __future__ import annotations

import pytest
import train_corpus

from projner.labels import LabelMap
from projner.training.crf import CrfConfig, CrfTagger, FeatureCache, train_crf
from projner.training.data import TaggedSentence
from projner.training.features import sentence_features, word_features, word_shape
from projner.training.scoring import score_predictions

FAST = CrfConfig(max_iterations=50)


def test_word_shape_keeps_classes_and_punctuation():
    assert word_shape("McDonald's") == "XxXxxxxx'x"
    assert word_shape("1996-08") == "dddd-dd"
    assert word_shape("东京") == "aa"


def test_word_features_affixes_and_flags():
    features = word_features("Abuja")
    assert features["word"] == "Abuja" and features["lower"] == "abuja"
    assert [features[f"pre{n}"] for n in (1, 2, 3, 4)] == ["A", "Ab", "Abu", "Abuj"]
    assert [features[f"suf{n}"] for n in (1, 2, 3, 4)] == ["a", "ja", "uja", "buja"]
    assert features["title"] is True and "upper" not in features and "digit" not in features
    assert "pre3" not in word_features("ya") and word_features("42")["digit"] is True


def test_neighbour_features_reach_two_words_each_side():
    feats = sentence_features(["a", "Kano", "ranar", "Litinin", "."])
    middle = feats[2]
    assert middle["-2:word"] == "a" and middle["-1:word"] == "Kano"
    assert middle["+1:title"] is True and middle["+2:word"] == "."
    assert "+3:word" not in middle and "-3:word" not in middle
    assert feats[0]["BOS"] is True and "-1:word" not in feats[0]
    assert feats[-1]["EOS"] is True and "+1:word" not in feats[-1]


def test_crf_learns_contexts_and_tags_unseen_names(tmp_path):
    train = train_corpus.sentences(300, seed=1)
    test = [TaggedSentence(w, t, "test") for w, t in train_corpus.sentences(60, seed=2, held_out=True)]
    tagger = train_crf(train, tmp_path / "model.crfsuite", config=FAST)
    scores = score_predictions(test, tagger.tag([s.words for s in test]))
    assert scores["f1"] > 0.85, scores
    assert set(tagger.labels) == {"O", "B-PER", "I-PER", "B-LOC", "B-ORG", "I-ORG", "B-DATE"}
    reloaded = CrfTagger(tmp_path / "model.crfsuite")
    assert reloaded.tag([test[0].words]) == tagger.tag([test[0].words])


def test_crf_trained_on_wrong_labels_scores_low(tmp_path):
    """The score measures the labels: PER tagged as LOC in training gives no PER at test time."""
    swap = {"B-PER": "B-LOC", "I-PER": "I-LOC"}
    train = [(w, [swap.get(t, t) for t in tags]) for w, tags in train_corpus.sentences(300, seed=1)]
    test = [TaggedSentence(w, t, "test") for w, t in train_corpus.sentences(60, seed=2, held_out=True)]
    tagger = train_crf(train, tmp_path / "model.crfsuite", config=FAST)
    scores = score_predictions(test, tagger.tag([s.words for s in test]))
    assert scores["per_type"]["PER"]["f1"] == 0.0
    assert scores["f1"] < 0.7


def test_feature_cache_extracts_each_sentence_once(tmp_path):
    corpus = train_corpus.sentences(20, seed=3)
    cache = FeatureCache()
    train_crf(corpus, tmp_path / "a.crfsuite", config=CrfConfig(max_iterations=5), features=cache)
    size = len(cache)
    relabelled = [(w, ["O"] * len(w)) for w, _ in corpus]
    train_crf(relabelled, tmp_path / "b.crfsuite", config=CrfConfig(max_iterations=5), features=cache)
    assert len(cache) == size <= 20


def test_train_crf_rejects_mismatched_and_empty_input(tmp_path):
    with pytest.raises(ValueError, match="training sentence 0: 2 words but 1 tags"):
        train_crf([(["a", "b"], ["O"])], tmp_path / "m.crfsuite")
    with pytest.raises(ValueError, match="no training sentences"):
        train_crf([], tmp_path / "m.crfsuite")


def test_scores_are_strict_and_name_types_only_one_side_has():
    gold = [TaggedSentence(["Musa", "ya", "je", "Kano", "Litinin"], ["B-PER", "O", "O", "B-LOC", "B-DATE"], "g")]
    predicted = [["B-PER", "O", "O", "I-LOC", "B-MISC"]]
    scores = score_predictions(gold, predicted)
    assert scores["precision"] == pytest.approx(1 / 2) and scores["recall"] == pytest.approx(1 / 3)
    assert scores["predicted_only_types"] == ["MISC"] and scores["gold_only_types"] == ["DATE"]
    mapped = score_predictions(gold, predicted, label_map=LabelMap.parse(["DATE=O", "MISC=O"]))
    assert mapped["recall"] == pytest.approx(1 / 2) and mapped["precision"] == 1.0
    assert mapped["predicted_only_types"] == [] and mapped["sentences"] == 1
