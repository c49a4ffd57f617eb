"""Train one backend on tagged sentences, score it on gold, and save model, predictions and scores.

The command, the example script and the benchmark all go through here, so a CRF and a fine-tuned
transformer are trained from the same sentences and scored the same way.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from projner.outputs import check_folder, is_report, write_report
from projner.training.crf import CrfConfig, FeatureCache, train_crf
from projner.training.data import TaggedSentence, label_list
from projner.training.scoring import score_predictions, write_predictions
from projner.training.transformer import TransformerConfig

SCORES_FILE = "scores.json"
PREDICTIONS_FILE = "predictions.txt"
CRF_MODEL_FILE = "model.crfsuite"
TRANSFORMER_MODEL_DIR = "model"
OUTPUT_FILES = (SCORES_FILE, PREDICTIONS_FILE, CRF_MODEL_FILE, TRANSFORMER_MODEL_DIR)
"""What a run writes into its output folder (and so replaces on a rerun)."""
OUTPUT_NAMES = re.compile("|".join(map(re.escape, OUTPUT_FILES)))


def is_train_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a finished run projner wrote: a ``scores.json`` saying ``"complete"``."""
    return is_report(Path(folder) / SCORES_FILE)


def check_output(output: str | Path, *, overwrite: bool = False) -> Path:
    """``--output`` before any work: new, empty, an earlier run's, or (``overwrite``) a user's folder
    without files of the names a run writes; never a file."""
    return check_folder(output, "--output", overwrite=overwrite, ours=is_train_folder, names=OUTPUT_NAMES)


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
    if is_train_folder(output):
        _clear_previous_run(output)
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


def _clear_previous_run(output: Path) -> None:
    """An earlier run's files, so that none outlives it (its predictions beside a run without gold,
    its CRF model beside a transformer); ``scores.json`` goes first, so that a crash in between
    leaves a folder no longer marked finished."""
    for name in OUTPUT_FILES:
        path = output / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def write_scores(output: str | Path, result: dict) -> Path:
    """``scores.json`` in ``output``, written last: the result of :func:`train_and_score` plus what the
    caller adds, saying ``"complete": true`` (which marks the folder as a run projner may rewrite)."""
    path = Path(output) / SCORES_FILE
    return write_report(path, result)
