"""The NER stage: model labels mapped by name, word-level IOB2, windows, entity scores."""

from __future__ import annotations

import pickle

import datasets
import pytest
import torch

from projner.labels import LabelMap
from projner.processing.project.spans import tags_to_spans
from projner.processing.stages.tagging import (
    Label,
    LabelConfig,
    LabelMappingError,
    owner_windows,
    target_tag,
    windows,
)
from projner.testing.tiny_models import CONLL_IOB1_LABELS

SENTENCES = [
    "EU rejects German call to boycott British lamb .".split(),
    [],
    "Peter Blackburn visited the European Commission in Brussels on Thursday .".split(),
    ["Àṣejèrè", ":", "Ẹ", "káàsán", "Alàgbà", "Olúwadámilọ́lá"],
]
LONG = ("The United Nations said the talks in Geneva would resume in March and Angela Merkel "
        "met Emmanuel Macron in Paris , France .").split() * 4


pytestmark = pytest.mark.usefixtures("single_thread")


def make(tiny_models, **changes) -> Label:
    return Label(LabelConfig(**({"model": str(tiny_models["ner"]), "batch_size": 4} | changes)))


def is_iob2(tags: list[str]) -> bool:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


def test_model_labels_are_mapped_by_name_not_by_id(tiny_models):
    mapping = make(tiny_models).label_mapping()
    # tiny NER ids: B-LOC B-MISC B-ORG I-LOC I-MISC I-ORG I-PER O (the real CoNLL model's order)
    assert mapping == ["B-LOC", "O", "B-ORG", "I-LOC", "O", "I-ORG", "I-PER", "O"]
    renamed = make(tiny_models, label_map=("MISC=O", "LOC=GPE"), target_types=("PER", "ORG", "GPE"))
    assert renamed.label_mapping()[0] == "B-GPE"


def test_a_model_type_without_a_target_is_an_error_naming_it(tiny_models):
    with pytest.raises(LabelMappingError, match="'MISC'.*MISC=O"):
        make(tiny_models, label_map=()).label_mapping()
    with pytest.raises(LabelMappingError, match="'LOC'"):
        make(tiny_models, target_types=("PER", "ORG")).label_mapping()


def test_target_tag_folds_schemes_and_refuses_unnamed_labels():
    types = frozenset({"PER", "LOC"})
    none = LabelMap()
    assert [target_tag(t, none, types, "m") for t in ("S-PER", "E-PER", "U-LOC", "L-LOC", "PER", "O")] == [
        "B-PER", "I-PER", "B-LOC", "I-LOC", "I-PER", "O"]
    with pytest.raises(LabelMappingError, match="no names"):
        target_tag("LABEL_3", none, types, "m")


def test_tags_are_word_level_valid_iob2_with_mean_probability_scores(tiny_models):
    stage = make(tiny_models)
    results = stage.label(SENTENCES)
    assert [len(r.tags) for r in results] == [len(s) for s in SENTENCES]
    assert any(r.entities for r in results), "the tiny model should predict some entities"
    for result in results:
        assert is_iob2(result.tags)
        assert not any("MISC" in tag for tag in result.tags)
        assert [e.span for e in result.entities] == tags_to_spans(result.tags)
        for entity in result.entities:
            words = result.probabilities[entity.span.start:entity.span.end]
            assert entity.score == pytest.approx(sum(words) / len(words))
            assert 0.0 < entity.score <= 1.0


def test_first_subword_decides_with_probabilities_merged_by_target_tag(tiny_models):
    stage = make(tiny_models)
    outside = [i for i, tag in enumerate(stage.label_mapping()) if tag == "O"]
    assert [CONLL_IOB1_LABELS[i] for i in outside] == ["B-MISC", "I-MISC", "O"]
    checked_outside = 0
    for words, result in zip(SENTENCES, stage.label(SENTENCES)):
        if not words:
            continue
        encoded = stage._tokenizer([words], is_split_into_words=True, return_tensors="pt")
        with torch.no_grad():
            probs = stage._model(**encoded).logits.softmax(-1)[0]
        first: dict[int, int] = {}
        for position, word in enumerate(encoded.word_ids(0)):
            if word is not None:
                first.setdefault(word, position)
        assert sorted(first) == list(range(len(words)))
        for word, position in first.items():
            assert result.probabilities[word] >= float(probs[position].max()) - 1e-5  # batched vs one: float32 noise
            if result.tags[word] == "O":  # MISC's mass counts for O, never for another type
                assert result.probabilities[word] == pytest.approx(float(probs[position][outside].sum()), abs=1e-5)
                checked_outside += 1
    assert checked_outside > 0


def test_windows_cover_every_word_within_the_budget():
    counts = [1, 2, 3, 1, 1, 4, 2, 2, 9, 1]
    spans = windows(counts, 6)
    covered = {w for a, b in spans for w in range(a, b)}
    assert covered == set(range(len(counts)))
    assert all(sum(counts[a:b]) <= 6 or b - a == 1 for a, b in spans)
    assert windows([1, 1], 6) == [(0, 2)]
    owners = owner_windows(spans, len(counts))
    assert all(spans[o][0] <= w < spans[o][1] for w, o in enumerate(owners))


def test_long_sentences_are_labelled_in_windows(tiny_models):
    wide = make(tiny_models).label([LONG, SENTENCES[0]])
    narrow_stage = make(tiny_models, max_length=16)
    narrow = narrow_stage.label([LONG, SENTENCES[0]])
    assert narrow_stage._window < len(LONG)
    assert len(narrow[0].tags) == len(LONG) and is_iob2(narrow[0].tags)
    assert sum(a != b for a, b in zip(wide[0].tags, narrow[0].tags)) > 0  # context differs, windows ran
    big_enough = make(tiny_models, max_length=64).label([SENTENCES[0]])
    assert big_enough[0].tags == wide[1].tags  # a sentence that fits is one window either way


def test_map_adds_columns_in_one_or_two_processes_and_pickles_without_model(tiny_models, tmp_path):
    stage = make(tiny_models)
    ds = datasets.Dataset.from_dict({"src_tokens": SENTENCES})
    one = ds.map(stage, batched=True, batch_size=2, with_rank=True, keep_in_memory=True)
    assert one.column_names == ["src_tokens", "src_tags", "src_entities"]
    assert len(pickle.dumps(stage)) < 10_000
    two = ds.map(stage, batched=True, batch_size=2, with_rank=True, num_proc=2,
                 cache_file_name=str(tmp_path / "two.arrow"))
    assert two["src_tags"] == one["src_tags"]
    assert two["src_entities"] == one["src_entities"]


def test_fingerprint_follows_output_parameters_only(tiny_models):
    base = make(tiny_models).fingerprint("p")
    assert make(tiny_models, batch_size=1, device="cpu").fingerprint("p") == base
    for change in ({"label_map": ("MISC=O", "ORG=O")}, {"max_length": 32}, {"target_types": ("PER", "ORG", "LOC", "MISC")}):
        assert make(tiny_models, **change).fingerprint("p") != base
