"""What a pipeline returns, and the one call that publishes it.

A pipeline never writes files: it returns the output ``DatasetDict``, its report and its typed
:class:`~projner.dataset_cards.provenance.Provenance`; :func:`export` turns that into a Hub
dataset folder (parquet, card, provenance, statistics, report), and the CLI calls it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets

from projner.dataset_cards.provenance import Provenance

SCORE_KEYS = ("precision", "recall", "f1", "support", "per_type")


@dataclass(frozen=True)
class PipelineResult:
    """A run's output (every input sentence; dropped ones with their reason), report and provenance."""

    dataset: datasets.DatasetDict
    reports: dict[str, dict[str, Any]]
    """One report per split (scores where there is gold, counts, timings, ``cached_steps``)."""
    provenance: Provenance
    keep_dropped: bool
    """Evaluation runs publish every sentence (those with ``projection_issues`` counted as
    incomplete); silver corpora leave out those with a ``dropped_reason``, counted by reason."""
    gold: str | None = None
    """What the scores were measured against, in words."""
    no_gold_reason: str | None = None

    @property
    def report(self) -> dict[str, Any]:
        """The report of a one-split run; with several splits, ``{"splits": {name: report}}``."""
        if len(self.reports) == 1:
            return next(iter(self.reports.values()))
        return {"splits": self.reports}

    @property
    def scores(self) -> dict[str, Any] | None:
        """Strict seqeval scores of a one-split run scored against gold, else None."""
        report = self.report
        return {k: report[k] for k in SCORE_KEYS if k in report} if "f1" in report else None

    def folder_report(self) -> dict[str, Any]:
        """The report a Hub folder stores beside the data (see :mod:`projner.dataset_cards.provenance`)."""
        out: dict[str, Any] = {"statistics": self.report}
        if self.scores:
            out |= {"scores": self.scores, "gold": self.gold}
        elif self.no_gold_reason:
            out["no_gold_reason"] = self.no_gold_reason
        return out

    @property
    def config_name(self) -> str:
        """The config the result is published as: its target language, or ``default``."""
        from projner.dataset_cards.export import default_config_name

        return default_config_name(self.provenance)


def export(result: PipelineResult, folder: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``result`` as one config (its target language) of the Hub dataset folder ``folder``,
    merged with the configs already there; returns the folder. ``datasets.load_dataset(folder,
    config)`` loads it. The config appears whole or not at all; a folder projner did not write is
    refused unless ``overwrite`` (and its files are never replaced)."""
    from projner.dataset_cards.export import export_hub_folder

    if not isinstance(result, PipelineResult):
        raise TypeError("export writes a PipelineResult (what project_parallel, translate_train, translate_test and "
                        f"model_transfer return), got {type(result).__name__}")
    return export_hub_folder(result.dataset, folder, config_name=result.config_name, provenance=result.provenance,
                             report=result.folder_report(), keep_dropped=result.keep_dropped, overwrite=overwrite)


def reason_counts(reasons: Sequence[str]) -> dict[str, int]:
    """Non-empty reasons counted (a sentence's reasons joined by ``+`` count as one)."""
    return dict(sorted(Counter(r for r in reasons if r).items()))


def prediction_counts(predicted: Sequence[Sequence[str]]) -> dict[str, Any]:
    """What an unscored run predicted: sentences with an entity, and entities per type."""
    from projner.dataset_cards.statistics import count_entities

    return {"sentences_with_entities": sum(1 for tags in predicted if any(tag != "O" for tag in tags)),
            "predicted_entities": dict(sorted(count_entities(predicted).items()))}
