"""MasakhaNER 2.0: NER for 20 African languages, one config per language as on the Hub.

By default the split files are downloaded from the dataset's public repository through the
download manager; ``data_dir`` points at a local copy of ``MasakhaNER2.0/data`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import datasets

from projner.builders.base import ConllBuilder, NerConfig, Source, SourceError
from projner.builders.conll import ReadReport, Sentence
from projner.labels import MASAKHANER2_LABELS, OUTSIDE
from projner.languages import MASAKHANER2_LANGUAGES

URL = "https://github.com/masakhane-io/masakhane-ner/raw/main/MasakhaNER2.0/data/{lang}/{stem}.txt"
VERSION = datasets.Version("1.0.0")
"""Bump when the examples a config yields change; it is part of every cache path."""
DATE_EVIDENCE = 200
"""Sentences after which a split without a DATE entity is not MasakhaNER 2.0: in every language and
split of it at least one sentence in 18 has one (the fewest: Twi dev, 35 of 605), so 200 without
one would happen by chance about once in 150,000 splits."""


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

    def _examples(self, files: tuple[str, ...], reports: list[ReadReport]) -> Iterator[dict]:
        """The split's examples; a split of :data:`DATE_EVIDENCE` sentences or more without a DATE
        entity is another collection with the same layout (PAN-X's Rahimi folders: PER/ORG/LOC
        only) given as ``data_dir``, an error naming the file."""
        date = self.label_map.map_type("DATE")
        seen, sentences = date == OUTSIDE, 0
        for example in super()._examples(files, reports):
            sentences += 1
            seen = seen or any(tag != OUTSIDE and tag[2:] == date for tag in example["ner_tags"])
            yield example
        if sentences >= DATE_EVIDENCE and not seen:
            raise SourceError(f"{files[0]}: {sentences:,} sentences and no DATE entity, which MasakhaNER 2.0 "
                              "tags in every language and split: is this another collection with the same "
                              "layout (PAN-X's Rahimi folders are read by the PAN-X builder, layout rahimi)?")

    def _example(self, index: int, sentence: Sentence) -> dict:
        return {"id": str(index), "tokens": sentence.tokens, "ner_tags": sentence.tags}
