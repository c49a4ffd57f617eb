"""Gold splits as the pipelines read them: built by projner's builders, cut to ``limit``, and
fingerprinted by content so the first cached stage depends on the data, not on where it came from."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import datasets

from projner.languages import get_language
from projner.processing.stage_cache import content_fingerprint

SPLIT_ALIASES = {"dev": "validation", "valid": "validation"}


@dataclass(frozen=True)
class GoldInput:
    """A gold split ready for a pipeline: its rows, label names, what it is, and its fingerprint."""

    dataset: datasets.Dataset
    labels: tuple[str, ...]
    name: str
    config: str
    split: str
    fingerprint: str
    skipped: dict[str, int] = field(default_factory=dict)
    """Input lines that lenient reading skipped, by reason (never silently)."""

    def tag_strings(self) -> list[list[str]]:
        """The gold ``ner_tags`` as IOB2 strings (they are stored as ``ClassLabel`` ids)."""
        return [[self.labels[i] for i in row] for row in self.dataset["ner_tags"]]


def load_gold(
    name: str,
    lang: str,
    split: str,
    *,
    data_dir: str | None,
    cache_dir: str | os.PathLike,
    limit: int | None = None,
    lenient: bool = False,
    label_map: Sequence[str] = (),
) -> GoldInput:
    """One split of MasakhaNER 2.0, PAN-X or CoNLL-2003 through projner's builders (first ``limit``)."""
    from projner import builders

    language = get_language(lang)
    split = SPLIT_ALIASES.get(split, split)
    if name == "masakhaner2":
        if not language.masakhaner2:
            raise ValueError(f"MasakhaNER 2.0 has no {language.name} ({language.code}) config")
        builder_class, config = builders.MasakhaNER2, language.masakhaner2
    elif name == "panx":
        if not language.panx:
            raise ValueError(f"PAN-X has no {language.name} ({language.code}) config")
        builder_class, config = builders.PanX, language.panx
    elif name == "conll2003":
        builder_class, config = builders.Conll2003, "en"
    else:
        raise ValueError(f"unknown dataset {name!r}; known: masakhaner2, panx, conll2003")
    builder = builder_class(
        config_name=config, data_dir=data_dir, cache_dir=str(Path(cache_dir) / "builders"),
        splits=[split], lenient=lenient, label_map=tuple(label_map),
    )
    builder.download_and_prepare()
    dataset = builder.as_dataset(split=split)
    if limit is not None:
        dataset = dataset.select(range(min(limit, len(dataset))))
    labels = tuple(dataset.features["ner_tags"].feature.names)
    skipped = builder.read_report.skipped().get(split, {})
    fingerprint = content_fingerprint(dataset, name, config, split)
    return GoldInput(dataset, labels, name, config, split, fingerprint, skipped)
