"""Results + distances → the report's tables: one row per (dataset, language, method), and the
correlation of F1 with each distance per (dataset, method, feature set)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean

from projner.typology.correlation import Correlation, correlate
from projner.typology.distance import FEATURE_SETS, Distances, measure
from projner.typology.results import Result

KINDS = ("nearest", "set")
"""Distance to the nearest source and to the source set's centroid (see ``distance``)."""


@dataclass(frozen=True)
class CorrelationRow:
    dataset: str
    method: str
    feature_set: str
    kind: str
    correlation: Correlation


@dataclass
class TypologyReport:
    results: list[Result]
    labels: dict[Result, str]
    """Each result's method as shown: the method, with its origin where origins are mixed."""
    distances: Distances
    correlations: list[CorrelationRow]

    @property
    def datasets(self) -> list[str]:
        return list(dict.fromkeys(r.dataset for r in self.results))

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS if len(self.distances.sources) > 1 else KINDS[:1]

    def distance(self, feature_set: str, kind: str, language: str) -> float | None:
        table = self.distances.nearest if kind == "nearest" else self.distances.to_set
        return table[feature_set].get(language)

    def methods(self, dataset: str) -> list[str]:
        """Methods on this dataset, best mean F1 first."""
        scores: dict[str, list[float]] = defaultdict(list)
        for result in self.results:
            if result.dataset == dataset:
                scores[self.labels[result]].append(result.f1)
        return sorted(scores, key=lambda m: -mean(scores[m]))

    def f1(self, dataset: str) -> dict[str, dict[str, float]]:
        """method → language → F1 on one dataset."""
        table: dict[str, dict[str, float]] = defaultdict(dict)
        for result in self.results:
            if result.dataset == dataset:
                table[self.labels[result]][result.language] = result.f1
        return table

    def languages(self, dataset: str, order_by: str = "syntactic") -> list[str]:
        """The dataset's languages, nearest to the source(s) first (unmeasured ones last)."""
        langs = sorted({r.language for r in self.results if r.dataset == dataset})
        return sorted(langs, key=lambda c: (self.distance(order_by, "nearest", c) is None,
                                            self.distance(order_by, "nearest", c) or 0.0, c))

    def plotted_methods(self, dataset: str, chosen: Sequence[str] | None, top: int = 3) -> list[str]:
        """``chosen`` where given; else model transfer and the ``top`` best other methods."""
        available = self.methods(dataset)
        if chosen:
            return [m for m in chosen if m in available]
        baseline = [m for m in available if m.startswith("model-transfer")]
        return baseline + [m for m in available if m not in baseline][:top]


def _labels(results: Sequence[Result]) -> dict[Result, str]:
    mixed = len({r.origin for r in results}) > 1
    return {r: f"{r.method} ({r.origin})" if mixed else r.method for r in results}


def build_report(results: Sequence[Result], sources: Sequence[str],
                 feature_sets: Sequence[str] = tuple(FEATURE_SETS)) -> TypologyReport:
    if not results:
        raise ValueError("no results to report")
    distances = measure({r.language for r in results}, sources, feature_sets)
    report = TypologyReport(list(results), _labels(results), distances, [])
    for dataset in report.datasets:
        table = report.f1(dataset)
        for method in report.methods(dataset):
            for feature_set in feature_sets:
                for kind in report.kinds:
                    pairs = [(d, f1) for lang, f1 in table[method].items()
                             if (d := report.distance(feature_set, kind, lang)) is not None]
                    report.correlations.append(CorrelationRow(
                        dataset, method, feature_set, kind,
                        correlate([d for d, _ in pairs], [f for _, f in pairs])))
    return report
