"""The CRF backend: a linear-chain CRF (python-crfsuite) over surface features of words.

Fast and model-free, so silver corpora can be compared on a CPU: the same features, optimiser and
iterations for every corpus, and only the labels differ.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import pycrfsuite

from projner.training.features import sentence_features


@dataclass(frozen=True)
class CrfConfig:
    """L-BFGS with elastic-net regularisation; the defaults are the benchmark's fixed settings."""

    c1: float = 0.1
    c2: float = 0.1
    max_iterations: int = 100
    all_possible_transitions: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


class FeatureCache:
    """Feature sequences by sentence words, so corpora that share their words share the work.

    Two silver corpora of the same translations differ only in labels; the benchmark extracts their
    features once and trains twice.
    """

    def __init__(self) -> None:
        self._items: dict[tuple[str, ...], pycrfsuite.ItemSequence] = {}

    def __call__(self, words: Sequence[str]) -> pycrfsuite.ItemSequence:
        key = tuple(words)
        items = self._items.get(key)
        if items is None:
            items = self._items[key] = pycrfsuite.ItemSequence(sentence_features(key))
        return items

    def __len__(self) -> int:
        return len(self._items)


def train_crf(
    sentences: Iterable[tuple[Sequence[str], Sequence[str]]],
    model_path: str | os.PathLike,
    *,
    config: CrfConfig = CrfConfig(),
    features: FeatureCache | None = None,
) -> CrfTagger:
    """Train on ``(words, tags)`` pairs, write the model to ``model_path`` and return its tagger."""
    features = features if features is not None else FeatureCache()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(
        {
            "c1": config.c1,
            "c2": config.c2,
            "max_iterations": config.max_iterations,
            "feature.possible_transitions": config.all_possible_transitions,
        }
    )
    count = 0
    for words, tags in sentences:
        if len(words) != len(tags):
            raise ValueError(f"training sentence {count}: {len(words)} words but {len(tags)} tags")
        trainer.append(features(words), list(tags))
        count += 1
    if count == 0:
        raise ValueError("no training sentences")
    trainer.train(os.fspath(model_path))
    return CrfTagger(model_path, features=features)


class CrfTagger:
    """A trained CRF model file, ready to tag word sequences."""

    def __init__(self, model_path: str | os.PathLike, *, features: FeatureCache | None = None) -> None:
        self.model_path = os.fspath(model_path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self.model_path)
        self._features = features if features is not None else FeatureCache()

    @property
    def labels(self) -> list[str]:
        """The tags the model can predict."""
        return list(self._tagger.labels())

    def tag(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags per word for each sentence (an empty sentence gets no tags)."""
        return [list(self._tagger.tag(self._features(words))) if words else [] for words in sentences]
