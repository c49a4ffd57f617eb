"""CoNLL-2003 English, the usual labelled source side for translate-train; local files only.

The Reuters text is not redistributable, so projner never bundles or downloads it: ``data_dir``
must hold ``en.conll.{train,dev,test}.tsv`` (``token TAG`` lines, ``-DOCSTART-`` documents).
"""

from __future__ import annotations

import os

import datasets

from projner.builders.base import ConllBuilder, NerConfig, Source
from projner.builders.conll import Sentence
from projner.labels import CONLL2003_LABELS

VERSION = datasets.Version("1.0.0")
"""Bump when the examples a config yields change; it is part of every cache path."""


class Conll2003(ConllBuilder):
    """CoNLL-2003 NER: ``id``, ``tokens``, ``ner_tags`` (PER/ORG/LOC/MISC, IOB2).

    The Hub's ``pos_tags`` and ``chunk_tags`` are absent: the two-column files carry no such columns.
    """

    VERSION = VERSION
    BUILDER_CONFIGS = [NerConfig(name="en", version=VERSION, language="en",
                                 description="CoNLL-2003 English (Reuters news).")]
    DEFAULT_CONFIG_NAME = "en"
    DATASET_NAME = "conll2003"
    LABELS = CONLL2003_LABELS
    DESCRIPTION = (
        "CoNLL-2003 shared task, English: Reuters news sentences tagged with PER, ORG, LOC and MISC "
        "(IOB2); -DOCSTART- document markers are dropped."
    )
    SOURCE = "conll2003"

    def _source_files(self) -> dict[str, Source]:
        data_dir = self._require_data_dir(
            "a local folder with en.conll.{train,dev,test}.tsv (CoNLL-2003 cannot be bundled or downloaded)"
        )
        return {split: os.path.join(data_dir, f"{self.config.language}.conll.{stem}.tsv")
                for split, stem in self.SPLIT_FILES.items()}

    def _example(self, index: int, sentence: Sentence) -> dict:
        return {"id": str(index), "tokens": sentence.tokens, "ner_tags": sentence.tags}
