"""Train one backend on tagged sentences, score it on gold, and save model, predictions and scores.

The command, the example script and the benchmark all go through here, so a CRF and a fine-tuned
transformer are trained from the same sentences and scored the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from projner.outputs import write_json
from projner.training.crf import CrfConfig, FeatureCache, train_crf
from projner.training.data import TaggedSentence, label_list
from projner.training.scoring import score_predictions, write_predictions
from projner.training.transformer import TransformerConfig

SCORES_FILE = "scores.json"
PREDICTIONS_FILE = "predictions.txt"
CRF_MODEL_FILE = "model.crfsuite"
TRANSFORMER_MODEL_DIR = "model"


def train_and_score(
    train: Sequence[TaggedSentence],
    gold: Sequence[TaggedSentence] | None,
    output: str | Path,
    backend: CrfConfig | TransformerConfig,
    *,
    features: FeatureCache | None = None,
) -> dict:
    """Train on ``train``, tag ``gold`` (if given), write everything to ``output``; returns the result.

    The result holds the backend and its settings, the label set, the model path, timings and (with
    gold) the scores, the sentence count and the words a transformer could not see (truncation).
    """
    if not train:
        raise ValueError("no training sentences")
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    labels = label_list(train)
    result: dict = {"labels": list(labels), "train_sentences": len(train)}
    started = time.perf_counter()
    if isinstance(backend, CrfConfig):
        model_path = output / CRF_MODEL_FILE
        tagger = train_crf(((s.words, s.tags) for s in train), model_path, config=backend, features=features)
        result.update(backend="crf", settings=backend.as_dict(), model=str(model_path))
        result["train_seconds"] = time.perf_counter() - started
        predicted = tagger.tag([s.words for s in gold]) if gold else None
    else:
        from projner.training.transformer import predict_tags, train_transformer

        model_path = output / TRANSFORMER_MODEL_DIR
        model, tokenizer, cut, losses = train_transformer(train, labels, model_path, backend)
        result.update(backend="transformers", settings=backend.as_dict(), model=str(model_path),
                      train_words_truncated=cut, loss_history=losses)
        result["train_seconds"] = time.perf_counter() - started
        predicted = None
        if gold:
            predicted, cut = predict_tags(model, tokenizer, [s.words for s in gold],
                                          max_length=backend.max_length)
            result["eval_words_truncated"] = cut
    if gold and predicted is not None:
        result["scores"] = score_predictions(gold, predicted)
        write_predictions(output / PREDICTIONS_FILE, gold, predicted)
    return result


def write_scores(output: str | Path, result: dict) -> Path:
    """``scores.json`` in ``output``: the result of :func:`train_and_score` plus what the caller adds."""
    path = Path(output) / SCORES_FILE
    return write_json(path, result)
