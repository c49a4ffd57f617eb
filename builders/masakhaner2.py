"""MasakhaNER 2.0: NER for 20 African languages, one config per language as on the Hub.

By default the split files are downloaded from the dataset's public repository through the
download manager; ``data_dir`` points at a local copy of ``MasakhaNER2.0/data`` instead.
"""

from __future__ import annotations

import os

import datasets

from projner.builders.base import ConllBuilder, NerConfig, Source
from projner.builders.conll import Sentence
from projner.labels import MASAKHANER2_LABELS
from projner.languages import MASAKHANER2_LANGUAGES

URL = "https://github.com/masakhane-io/masakhane-ner/raw/main/MasakhaNER2.0/data/{lang}/{stem}.txt"
VERSION = datasets.Version("1.0.0")
"""Bump when the examples a config yields change; it is part of every cache path."""


class MasakhaNER2(ConllBuilder):
    """MasakhaNER 2.0: ``id``, ``tokens``, ``ner_tags`` (PER/ORG/LOC/DATE, IOB2)."""

    VERSION = VERSION
    BUILDER_CONFIGS = [
        NerConfig(name=lang.masakhaner2, version=VERSION, language=lang.masakhaner2,
                  description=f"MasakhaNER 2.0 for {lang.name} ({lang.masakhaner2}).")
        for lang in MASAKHANER2_LANGUAGES
    ]
    DEFAULT_CONFIG_NAME = "yor"
    DATASET_NAME = "masakhaner2"
    LABELS = MASAKHANER2_LABELS
    DESCRIPTION = (
        "MasakhaNER 2.0: news sentences in 20 African languages annotated by native speakers with "
        "PER, ORG, LOC and DATE entities (IOB2)."
    )
    SOURCE = "masakhaner2"

    def _source_files(self) -> dict[str, Source]:
        lang = self.config.language
        if self.config.data_dir:
            data_dir = self._require_data_dir("a local copy of MasakhaNER2.0/data")
            return {split: os.path.join(data_dir, lang, f"{stem}.txt")
                    for split, stem in self.SPLIT_FILES.items()}
        return {split: URL.format(lang=lang, stem=stem) for split, stem in self.SPLIT_FILES.items()}

    def _example(self, index: int, sentence: Sentence) -> dict:
        return {"id": str(index), "tokens": sentence.tokens, "ner_tags": sentence.tags}
