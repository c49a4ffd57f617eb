"""Scores of a tagger on a gold split, the one way projner reports them (seqeval strict IOB2, by name)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from projner.labels import LabelMap, entity_types
from projner.processing.evaluate import ner_scores
from projner.training.data import TaggedSentence


def score_predictions(
    gold: Sequence[TaggedSentence],
    predicted: Sequence[Sequence[str]],
    *,
    label_map: LabelMap | None = None,
) -> dict:
    """``ner_scores`` of the predictions, plus the sentence count and the types only one side knows.

    A type the tagger predicts but the gold never uses (MISC against MasakhaNER) costs precision;
    ``predicted_only_types`` makes that visible instead of leaving it to be guessed from the score.
    """
    scores = ner_scores([s.tags for s in gold], predicted, label_map=label_map)
    mapped = (lambda tags: label_map.map_tags(tags)) if label_map else (lambda tags: list(tags))
    gold_types = set(entity_types(tag for s in gold for tag in mapped(s.tags)))
    predicted_types = set(entity_types(tag for tags in predicted for tag in mapped(tags)))
    scores["sentences"] = len(gold)
    scores["predicted_only_types"] = sorted(predicted_types - gold_types)
    scores["gold_only_types"] = sorted(gold_types - predicted_types)
    return scores


def write_predictions(
    path: str | os.PathLike, gold: Sequence[TaggedSentence], predicted: Sequence[Sequence[str]]
) -> None:
    """``word<TAB>gold<TAB>predicted`` per line, a blank line between sentences: for reading the errors,
    and readable back as CoNLL (a word may hold spaces, as in ``New York``; a tab in a word, which
    would add a column, is written as a space)."""
    with open(path, "w", encoding="utf-8") as handle:
        for sentence, tags in zip(gold, predicted, strict=True):
            handle.writelines(f"{word.replace(chr(9), ' ')}\t{gold_tag}\t{tag}\n"
                              for word, gold_tag, tag in zip(sentence.words, sentence.tags, tags, strict=True))
            handle.write("\n")
