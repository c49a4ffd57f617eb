"""XTREME PAN-X (WikiANN NER, Rahimi et al. splits): 40 configs ``PAN-X.<lang>`` as on the Hub.

PAN-X has no stable public download, so ``data_dir`` is required: the root of one of the three
collections it circulates in, recognised from its files (or named with ``layout=``):

- ``raw``: XTREME's ``panx_dataset`` archives, ``<lang>.tar.gz`` holding ``train``, ``dev``,
  ``test`` (or those files extracted as ``<lang>-<split>``); lines ``lang:token<TAB>TAG``.
- ``xtreme``: XTREME's preprocessed files ``{train,dev,test}-<lang>.tsv``, ``token<TAB>TAG``;
  its test files carry no labels and are refused (build with ``splits=("train", "validation")``).
- ``rahimi``: one folder per ISO 639-3 code holding ``{train,dev,test}.txt``, ``token TAG``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import datasets

from projner.builders.base import ConllBuilder, NerConfig, Source, extract_archive
from projner.builders.conll import Sentence
from projner.labels import PANX_LABELS
from projner.languages import PANX_LANGUAGES, Language

LAYOUTS = ("raw", "xtreme", "rahimi")
VERSION = datasets.Version("1.0.0")
"""Bump when the examples a config yields change; it is part of every cache path."""


@dataclass
class PanXConfig(NerConfig):
    """``layout``: one of :data:`LAYOUTS`, or None to recognise it from the files in ``data_dir``."""

    layout: str | None = None


def _layout_files(layout: str, data_dir: str, lang: Language) -> dict[str, str]:
    """Split → the file that holds it in ``layout`` (for ``raw``: the archive, if there is one)."""
    code, stems = lang.iso639_1, PanX.SPLIT_FILES
    if layout == "xtreme":
        return {split: os.path.join(data_dir, f"{stem}-{code}.tsv") for split, stem in stems.items()}
    if layout == "rahimi":
        return {split: os.path.join(data_dir, lang.iso639_3, f"{stem}.txt") for split, stem in stems.items()}
    archive = os.path.join(data_dir, f"{code}.tar.gz")
    if os.path.exists(archive):
        return dict.fromkeys(stems, archive)
    return {split: os.path.join(data_dir, f"{code}-{stem}") for split, stem in stems.items()}


def detect_layout(data_dir: str, lang: Language) -> str:
    """The one layout whose files for ``lang`` exist in ``data_dir``; an error naming them otherwise."""
    found = [layout for layout in LAYOUTS
             if any(os.path.exists(path) for path in _layout_files(layout, data_dir, lang).values())]
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f"{data_dir} holds PAN-X files for {lang.code} in several layouts ({', '.join(found)}); "
                         "choose one with layout=")
    looked = [f"{lang.iso639_1}.tar.gz"] + [os.path.relpath(p, data_dir) for layout in LAYOUTS
                                            for p in sorted(set(_layout_files(layout, data_dir, lang).values()))]
    raise FileNotFoundError(f"no PAN-X files for {lang.code} in {data_dir}; looked for {', '.join(looked)}")

class PanX(ConllBuilder):
    """XTREME PAN-X NER: ``tokens``, ``ner_tags`` (PER/ORG/LOC, IOB2), ``langs``."""

    BUILDER_CONFIG_CLASS = PanXConfig
    VERSION = VERSION
    BUILDER_CONFIGS = [
        PanXConfig(name=lang.panx, version=VERSION, language=lang.code,
                   description=f"PAN-X NER for {lang.name} ({lang.code}).")
        for lang in PANX_LANGUAGES
    ]
    DEFAULT_CONFIG_NAME = "PAN-X.en"
    DATASET_NAME = "panx"
    LABELS = PANX_LABELS
    DESCRIPTION = (
        "WikiANN (PAN-X) named entities as in the XTREME benchmark: Wikipedia sentences tagged with "
        "PER, ORG and LOC (IOB2), with the train/dev/test splits of Rahimi et al. (2019)."
    )
    SOURCE = "panx"

    def _features(self, labels: datasets.ClassLabel) -> datasets.Features:
        return datasets.Features({
            "tokens": datasets.List(datasets.Value("string")),
            "ner_tags": datasets.List(labels),
            "langs": datasets.List(datasets.Value("string")),
        })

    @property
    def layout(self) -> str:
        data_dir = self._require_data_dir(
            "the root of a PAN-X collection (XTREME raw archives, XTREME preprocessed files or Rahimi folders)"
        )
        if self.config.layout is None:
            return detect_layout(data_dir, self.language)
        if self.config.layout not in LAYOUTS:
            raise ValueError(f"layout={self.config.layout!r}; expected one of {', '.join(LAYOUTS)}")
        return self.config.layout

    def _source_files(self) -> dict[str, Source]:
        return _layout_files(self.layout, self.config.data_dir, self.language)

    def _fetch(self, dl_manager: datasets.DownloadManager, sources: dict[str, Source]) -> dict[str, Source]:
        """Raw archives are extracted into the builder's download cache; the split is a file inside."""
        fetched = super()._fetch(dl_manager, sources)
        for split, path in list(fetched.items()):
            if path.endswith(".tar.gz"):
                extracted = extract_archive(path, os.path.join(self._cache_downloaded_dir, "projner-extracted"))
                member = os.path.join(extracted, self.SPLIT_FILES[split])
                if os.path.exists(member):
                    fetched[split] = member
                else:
                    del fetched[split]
                    self._leave_out(split, f"{path}::{self.SPLIT_FILES[split]}")
        return fetched

    def _reader_options(self) -> dict:
        return {"token_prefix": f"{self.language.iso639_1}:"} if self.layout == "raw" else {}

    def _example(self, index: int, sentence: Sentence) -> dict:
        return {"tokens": sentence.tokens, "ner_tags": sentence.tags,
                "langs": [self.language.iso639_1] * len(sentence.tokens)}
