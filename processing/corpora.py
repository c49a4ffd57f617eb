"""Gold splits by name, as the CLI resolves them for the pipelines: built by projner's builders,
cut to ``limit``, with what the run records about them (:meth:`GoldInput.origin`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets

from projner.errors import UserError
from projner.languages import get_language

SPLIT_ALIASES = {"dev": "validation", "valid": "validation"}


@dataclass(frozen=True)
class GoldInput:
    """A gold split ready for a pipeline: its rows, label names, what it is, and its fingerprint."""

    dataset: datasets.Dataset
    labels: tuple[str, ...]
    name: str
    config: str
    split: str
    skipped: dict[str, int] = field(default_factory=dict)
    """Input lines that lenient reading skipped, by reason (never silently)."""

    def origin(self, report_key: str) -> Any:
        """What a run on this split records: the source's licence and citation, its name (under
        ``report_key`` in the report) and the lines the reader skipped."""
        from projner.dataset_cards.sources import known_source
        from projner.processing.options import Origin

        return Origin(source=known_source(self.name, config=self.config, split=self.split),
                      report={report_key: self.name, "input_skipped": self.skipped},
                      gold=f"{self.name} {self.config} {self.split}")


def resolve_gold(name: str, lang: str) -> tuple[type, str]:
    """The builder and config of dataset ``name`` for ``lang``; a user error listing the dataset's
    languages where it has none for ``lang``. Reads nothing."""
    from projner import builders
    from projner.languages import MASAKHANER2_LANGUAGES, PANX_LANGUAGES

    language = get_language(lang)
    if name == "conll2003":
        return builders.Conll2003, "en"
    known = {"masakhaner2": ("MasakhaNER 2.0", builders.MasakhaNER2, "masakhaner2", MASAKHANER2_LANGUAGES),
             "panx": ("PAN-X", builders.PanX, "panx", PANX_LANGUAGES)}
    if name not in known:
        raise UserError(f"unknown dataset {name!r}; known: masakhaner2, panx, conll2003")
    title, builder_class, attribute, languages = known[name]
    config = getattr(language, attribute)
    if not config:
        codes = ", ".join(sorted(lang_.code for lang_ in languages))
        raise UserError(f"{title} has no {language.name} ({language.code}) config; its languages: {codes}")
    return builder_class, config


def load_gold(
    name: str,
    lang: str,
    split: str,
    *,
    data_dir: str | None,
    cache_dir: str | os.PathLike,
    limit: int | None = None,
    lenient: bool = False,
    strict: bool = False,
    label_map: Sequence[str] = (),
) -> GoldInput:
    """One split of MasakhaNER 2.0, PAN-X or CoNLL-2003 through projner's builders (first ``limit``)."""
    split = SPLIT_ALIASES.get(split, split)
    builder_class, config = resolve_gold(name, lang)
    builder = builder_class(
        config_name=config, data_dir=data_dir, cache_dir=str(Path(cache_dir) / "builders"),
        splits=[split], lenient=lenient, strict=strict, label_map=tuple(label_map),
    )
    builder.download_and_prepare()
    read = builder.read_report
    if split in read.reads and read.sentences(split) == 0:
        raise UserError(f"no sentences in {', '.join(r.path for r in read.reads[split])}")
    dataset = builder.as_dataset(split=split)
    if limit is not None:
        dataset = dataset.select(range(min(limit, len(dataset))))
    labels = tuple(dataset.features["ner_tags"].feature.names)
    report = builder.read_report
    skipped = report.skipped().get(split, {}) | report.tolerated().get(split, {})
    return GoldInput(dataset, labels, name, config, split, skipped)
