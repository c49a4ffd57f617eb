"""Source-set experiments: F1 of each (target, source set, method) against the set's typology.

A result that names its sources (``"sources": [...]`` in a JSON record, written by
``benchmarks/source_sets.py``) is placed by three URIEL distances of one feature set (see
:func:`~projner.typology.distance.source_set_distances`): to the nearest source, to the set's
centroid, and the set's diversity (mean pairwise distance inside it). ``projner report`` writes
``source_sets.md`` / ``source_sets.csv`` and one figure per corpus, ``f1_vs_source_set_<corpus>.png``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from projner.languages import get_language
from projner.outputs import replacing
from projner.typology.correlation import correlate
from projner.typology.distance import source_set_distances
from projner.typology.results import Result

MEASURES = ("nearest", "centroid", "diversity")


@dataclass(frozen=True)
class SourceSetRow:
    result: Result
    distances: dict[str, float | None]


def source_set_rows(results: Sequence[Result], feature_set: str = "syntactic") -> list[SourceSetRow]:
    """Every result with a source set, with that set's distances from its target."""
    rows = []
    for result in results:
        if result.sources:
            rows.append(SourceSetRow(result, source_set_distances(result.language, result.sources, feature_set)))
    return rows


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def write_source_set_csv(rows: Sequence[SourceSetRow], path: Path) -> None:
    with replacing(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "target", "sources", "size", "method", "f1", *MEASURES])
        for row in rows:
            r = row.result
            writer.writerow([r.dataset, r.language, "+".join(r.sources), len(r.sources), r.method,
                             f"{r.f1:.6f}", *[_fmt(row.distances[m]) for m in MEASURES]])


def _correlations(rows: Sequence[SourceSetRow]) -> list[str]:
    """Per method: Pearson r / Spearman rho of F1 with each measure over the method's rows."""
    lines = ["| method | " + " | ".join(MEASURES) + " |", "|---|" + "---|" * len(MEASURES)]
    for method in dict.fromkeys(r.result.method for r in rows):
        cells = []
        for measure in MEASURES:
            pairs = [(d, r.result.f1) for r in rows if r.result.method == method
                     and (d := r.distances[measure]) is not None]
            c = correlate([d for d, _ in pairs], [f for _, f in pairs])
            cells.append(f"n/a (n={c.n})" if c.pearson_r is None
                         else f"{c.pearson_r:+.2f} / {c.spearman_rho:+.2f} (n={c.n})")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return lines


def source_set_markdown(rows: Sequence[SourceSetRow], figures: dict[str, str], feature_set: str) -> str:
    """The source-set section of ``report.md`` (also written alone as ``source_sets.md``)."""
    intro = (f"Distances: URIEL {feature_set} features (lang2vec), cosine. *nearest*: target to its "
             "closest source; *centroid*: target to the mean vector of the set; *diversity*: mean "
             "pairwise distance inside the set (0 for one source). F1: seqeval strict IOB2, in %.")
    lines = ["# F1 by source set", "", intro]
    for dataset in dict.fromkeys(r.result.dataset for r in rows):
        subset = [r for r in rows if r.result.dataset == dataset]
        methods = list(dict.fromkeys(r.result.method for r in subset))
        lines += ["", f"## {dataset}", "",
                  "| target | sources | " + " | ".join(methods) + " | " + " | ".join(MEASURES) + " |",
                  "|---|---|" + "---|" * (len(methods) + len(MEASURES))]
        keys = list(dict.fromkeys((r.result.language, r.result.sources) for r in subset))
        for language, sources in keys:
            cells = {r.result.method: r for r in subset if (r.result.language, r.result.sources) == (language, sources)}
            any_row = next(iter(cells.values()))
            lines.append(f"| {get_language(language).name} (`{language}`) | {'+'.join(sources)} | "
                         + " | ".join(f"{100 * cells[m].result.f1:.1f}" if m in cells else "" for m in methods)
                         + " | " + " | ".join(_fmt(any_row.distances[m]) for m in MEASURES) + " |")
        lines += ["", "Correlation of F1 with each measure (Pearson r / Spearman rho, n sets):", "",
                  *_correlations(subset)]
        if dataset in figures:
            lines += ["", f"![{figures[dataset]}]({figures[dataset]})"]
    return "\n".join(lines) + "\n"


def plot_source_sets(rows: Sequence[SourceSetRow], dataset: str, path: Path) -> None:
    """F1 against nearest, centroid and diversity: colour per target, marker per set size; filled for
    the first method the results list for a set (its main one), hollow for the others."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from projner.typology.render import save_figure

    subset = [r for r in rows if r.result.dataset == dataset]
    targets = list(dict.fromkeys(r.result.language for r in subset))
    methods = list(dict.fromkeys(r.result.method for r in subset))
    main = {}
    for row in subset:
        main.setdefault((row.result.language, row.result.sources), row.result.method)
    markers = {1: "o", 2: "s"}
    colours = plt.get_cmap("tab10")
    fig, axes = plt.subplots(1, len(MEASURES), figsize=(4.2 * len(MEASURES), 3.8), sharey=True)
    for ax, measure in zip(axes, MEASURES, strict=True):
        for row in subset:
            value = row.distances[measure]
            if value is None:
                continue
            colour = colours(targets.index(row.result.language) % 10)
            filled = main[(row.result.language, row.result.sources)] == row.result.method
            ax.scatter(value, 100 * row.result.f1, marker=markers.get(len(row.result.sources), "^"), s=30,
                       facecolors=colour if filled else "none", edgecolors=colour, linewidths=1)
        ax.set_xlabel(f"{measure}", fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("strict F1 (%)")
    handles = [plt.Line2D([], [], color=colours(k % 10), marker="o", linestyle="", label=t)
               for k, t in enumerate(targets)]
    handles += [plt.Line2D([], [], color="grey", marker=m, linestyle="", label=f"{n} source(s)" if n < 3
                           else "all others") for n, m in ((1, "o"), (2, "s"), (3, "^"))]
    axes[-1].legend(handles=handles, fontsize=7, title="target / set", title_fontsize=7)
    fig.suptitle(f"{dataset}: F1 by source set against URIEL distance and diversity "
                 f"(methods: {', '.join(methods)})", fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)
