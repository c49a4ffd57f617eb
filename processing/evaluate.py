"""NER scores the one way projner reports them: seqeval, strict mode, IOB2, labels by name.

Strict IOB2 counts an entity only when its boundaries and type match exactly and it is well formed,
so a projection that starts an entity with ``I-`` earns nothing; this is the paper's protocol.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from projner.labels import LabelMap, is_iob2, join_adjacent


def ner_scores(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    *,
    label_map: LabelMap | None = None,
    adjacent_joined: bool = False,
) -> dict:
    """Precision, recall and F1 (fractions) overall and per type, with the entity counts.

    Tags are strings; ``label_map`` rewrites types on both sides first (e.g. DATE=O to score
    PER/ORG/LOC only). ``adjacent_joined`` reads both sides as maximal runs of one type
    (:func:`~projner.labels.join_adjacent`), for gold that defines its entities so (pud-names): a
    prediction of two adjacent names is then the one run the gold can express. Sentences must pair
    up word for word.
    """
    for side, sentences in (("gold", gold), ("predicted", predicted)):
        _check_tags(side, sentences)
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    for index, (g, p) in enumerate(zip(gold, predicted)):
        if len(g) != len(p):
            raise ValueError(f"sentence {index}: {len(g)} gold tags but {len(p)} predicted")
    if label_map:
        gold = [label_map.map_tags(s) for s in gold]
        predicted = [label_map.map_tags(s) for s in predicted]
    if adjacent_joined:
        gold = [join_adjacent(s) for s in gold]
        predicted = [join_adjacent(s) for s in predicted]
    gold, predicted = [list(s) for s in gold], [list(s) for s in predicted]
    if not gold:  # seqeval refuses an empty list; no sentence scores as no entity does
        gold, predicted = [[]], [[]]
    with warnings.catch_warnings():
        # With no entity on either side seqeval averages over no types, and numpy warns "Mean of
        # empty slice"; every score is then 0 (zero_division), which is what the report says.
        warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
        warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
        report = classification_report(
            gold, predicted, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
        )
    micro = report.pop("micro avg")
    for key in ("macro avg", "weighted avg"):
        report.pop(key, None)
    per_type = {
        etype: {
            "precision": float(row["precision"]),
            "recall": float(row["recall"]),
            "f1": float(row["f1-score"]),
            "support": int(row["support"]),
        }
        for etype, row in sorted(report.items())
    }
    return {
        "precision": float(micro["precision"]),
        "recall": float(micro["recall"]),
        "f1": float(micro["f1-score"]),
        "support": int(micro["support"]),
        "per_type": per_type,
    }


def _check_tags(side: str, sentences: Sequence[Sequence[str]]) -> None:
    """Each sentence a list of IOB2 tag strings: seqeval reads a flat list of tags character by
    character, and a tag it cannot parse (``b-per``, ``S-PER``, ``None``) fails inside it (KeyError
    '-') naming no sentence."""
    valid: set[str] = set()
    for index, sentence in enumerate(sentences):
        if isinstance(sentence, (str, bytes)) or not hasattr(sentence, "__len__"):
            raise TypeError(f"{side} sentence {index} is a {type(sentence).__name__} ({sentence!r:.40}), not a list "
                            "of tags: ner_scores takes a list of sentences, each a list of tags ([['B-PER', 'O']])")
        for word, tag in enumerate(sentence):
            if isinstance(tag, str) and tag in valid:
                continue
            if not is_iob2(tag):
                raise ValueError(f"{side} sentence {index}, word {word}: {tag!r:.40} is not an IOB2 tag "
                                 "(O, B-TYPE or I-TYPE)")
            valid.add(tag)
