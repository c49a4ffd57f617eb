"""Gold splits to score a tagger on: any source :mod:`.data` reads, or a projner builder's split."""

from __future__ import annotations

import os
from pathlib import Path

from projner.labels import LabelMap
from projner.training.data import (
    DataError,
    LoadReport,
    TaggedSentence,
    dataset_sentences,
)

BUILDERS: dict[str, str] = {"masakhaner2": "MasakhaNER 2.0", "panx": "XTREME PAN-X"}
"""Datasets ``--eval-dataset`` knows, by the name the builders use."""


def builder_split(
    dataset: str,
    lang: str,
    split: str = "test",
    *,
    data_dir: str | os.PathLike | None = None,
    label_map: LabelMap | None = None,
    lenient: bool = False,
    cache_dir: str | os.PathLike | None = None,
) -> tuple[list[TaggedSentence], LoadReport]:
    """One split of MasakhaNER 2.0 or PAN-X for ``lang``, built by projner's builders (not repaired).

    ``data_dir``: the dataset's local folder; a folder that holds it under the dataset's name
    (``../shared/data`` holding ``masakhaner2/``) works too. Without it the builder downloads.
    ``cache_dir``: where ``datasets`` keeps the built Arrow files (default: its own cache).
    """
    from projner.languages import get_language

    language = get_language(lang)
    if data_dir is not None and (Path(data_dir) / dataset).is_dir():
        data_dir = Path(data_dir) / dataset
    options = {"data_dir": os.fspath(data_dir) if data_dir is not None else None,
               "cache_dir": os.fspath(cache_dir) if cache_dir is not None else None,
               "lenient": lenient, "splits": [split]}
    if dataset == "masakhaner2":
        from projner.builders.masakhaner2 import MasakhaNER2

        if language.masakhaner2 is None:
            raise DataError(f"MasakhaNER 2.0 has no {language.name} ({language.code})")
        builder = MasakhaNER2(config_name=language.masakhaner2, **options)
    elif dataset == "panx":
        from projner.builders.panx import PanX

        if language.panx is None:
            raise DataError(f"PAN-X has no {language.name} ({language.code})")
        builder = PanX(config_name=language.panx, **options)
    else:
        raise DataError(f"unknown dataset {dataset!r}; choose one of {', '.join(BUILDERS)}")
    from projner.processing.corpora import prepared_split

    sentences, report = dataset_sentences(prepared_split(builder, split), f"{dataset}/{lang}[{split}]",
                                          label_map, repair=False)
    for reason, count in builder.read_report.skipped().get(split, {}).items():
        report.dropped[f"line skipped: {reason}"] += count
    return sentences, report
