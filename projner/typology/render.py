"""The report on disk: ``report.md`` (tables, correlations, unmeasured languages, figures),
``results.csv``, ``correlations.csv`` and PNG plots (matplotlib, Agg backend, no display needed), each
written to a temporary sibling and renamed into place, so a killed run leaves no file cut short."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from projner.languages import get_language
from projner.outputs import check_folder, replacing, write_text
from projner.typology.build import TypologyReport
from projner.typology.correlation import Correlation
from projner.typology.distance import FEATURE_SETS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MARKER = "<!-- written by projner report; rerunning it into this folder rewrites this file -->"
"""The last line of the report's markdown pages: what tells projner the folder is its own."""

OUTPUT_NAMES = re.compile(r"report\.md|results\.csv|correlations\.csv|typology\.png|source_sets\.(md|csv)"
                          r"|f1_(by_language|vs_distance|vs_source_set)_.+\.png")
"""The files ``projner report`` writes into its folder (and so replaces on a rerun)."""


def is_report_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a report projner wrote: its ``report.md`` or ``source_sets.md`` ends with
    :data:`MARKER`."""
    for name in ("report.md", "source_sets.md"):
        try:
            if MARKER in (folder / name).read_text(encoding="utf-8"):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def check_output(folder: Path, *, overwrite: bool = False) -> Path:
    """``--output`` before any work: new, empty, an earlier report's, or (``overwrite``) a user's folder
    without files of the names a report writes; never a file."""
    return check_folder(folder, "--output", overwrite=overwrite, ours=is_report_folder, names=OUTPUT_NAMES)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _cell(c: Correlation) -> str:
    if c.pearson_r is None:
        return f"n/a (n={c.n})"
    return f"{c.pearson_r:+.2f} / {c.spearman_rho:+.2f} (n={c.n})"


def write_results_csv(report: TypologyReport, path: Path) -> None:
    header = ["dataset", "language", "language_name", "method", "task", "origin", "f1", "file"]
    header += [f"{fs}_{kind}" for fs in FEATURE_SETS for kind in report.kinds]
    with replacing(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in report.results:
            row = [r.dataset, r.language, get_language(r.language).name, report.labels[r], r.task,
                   r.origin, f"{r.f1:.6f}", r.file]
            row += [_fmt(report.distance(fs, kind, r.language), 6)
                    for fs in FEATURE_SETS for kind in report.kinds]
            writer.writerow(row)


def write_correlations_csv(report: TypologyReport, path: Path) -> None:
    with replacing(path, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataset", "method", "feature_set", "distance", "n", "pearson_r",
                         "pearson_p", "spearman_rho", "spearman_p"])
        for row in report.correlations:
            c = row.correlation
            writer.writerow([row.dataset, row.method, row.feature_set, row.kind, c.n,
                             _fmt(c.pearson_r, 6), _fmt(c.pearson_p, 6),
                             _fmt(c.spearman_rho, 6), _fmt(c.spearman_p, 6)])


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _f1_table(report: TypologyReport, dataset: str) -> str:
    methods = report.methods(dataset)
    table = report.f1(dataset)
    header = ["language", *[f"{fs} distance" for fs in FEATURE_SETS], *methods]
    rows = []
    for lang in report.languages(dataset):
        rows.append([f"{get_language(lang).name} (`{lang}`)",
                     *[_fmt(report.distance(fs, "nearest", lang)) for fs in FEATURE_SETS],
                     *[f"{100 * table[m][lang]:.1f}" if lang in table[m] else "" for m in methods]])
    return _table(header, rows)


def _correlation_table(report: TypologyReport, dataset: str, kind: str) -> str:
    cells = {(r.method, r.feature_set): r.correlation for r in report.correlations
             if r.dataset == dataset and r.kind == kind}
    rows = [[m, *[_cell(cells[(m, fs)]) for fs in FEATURE_SETS]] for m in report.methods(dataset)]
    return _table(["method", *FEATURE_SETS], rows)


def write_markdown(report: TypologyReport, path: Path, inputs: Sequence[Path],
                   figures: dict[str, list[str]]) -> None:
    sources = ", ".join(f"{get_language(s).name} (`{s}`)" for s in report.distances.sources)
    lines = [
        "# F1 against typological distance",
        "",
        f"Source language(s): {sources}. Inputs: " + ", ".join(f"`{p}`" for p in inputs) + ".",
        "",
        "Distance: cosine distance of URIEL vectors from lang2vec (syntactic, phonological and "
        "inventory: k-NN predicted features; genetic: family membership; geographic: `geo`). "
        + ("With several sources, *nearest* is the distance to the closest source and *set* the "
           "distance to the centroid of the sources' vectors. " if len(report.kinds) > 1 else "")
        + "F1: seqeval strict IOB2, in %. Correlation cells: Pearson r / Spearman rho (n "
        "languages); p-values are in `correlations.csv`.",
        "",
        "## Languages without URIEL features",
        "",
    ]
    missing = {fs: langs for fs, langs in report.distances.missing.items() if langs}
    if missing:
        lines += [f"- {fs}: " + ", ".join(f"{get_language(c).name} (`{c}`)" for c in langs) + (
            " (a source language: this feature set has no distances)" if report.distances.unmeasured(fs)
            else " (left out of this feature set's correlations)") for fs, langs in missing.items()]
    else:
        lines.append("None: every language has a vector in every feature set.")
    if report.distances.codes:
        lines += ["", "lang2vec codes used for macrolanguages: " + ", ".join(
            f"`{c}` → `{u}`" for c, u in sorted(report.distances.codes.items())) + "."]
    for dataset in report.datasets:
        lines += ["", f"## {dataset}", "", "### F1 by language and method",
                  "", "Languages nearest the source first (syntactic distance).", "",
                  _f1_table(report, dataset)]
        for kind in report.kinds:
            lines += ["", f"### Correlation of F1 with distance ({kind})", "",
                      _correlation_table(report, dataset, kind)]
        if figures.get(dataset):
            lines += [""] + [f"![{name}]({name})" for name in figures[dataset]]
    write_text(path, "\n".join([*lines, "", MARKER]) + "\n")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Figure, path: Path, dpi: int) -> None:
    """``fig`` as a PNG at ``path``, all of it or nothing (``savefig`` writes as it renders), then closed."""
    try:
        with replacing(path, binary=True) as stream:
            fig.savefig(stream, format="png", dpi=dpi)
    finally:
        _pyplot().close(fig)


def plot_by_language(report: TypologyReport, dataset: str, methods: Sequence[str], path: Path) -> None:
    plt = _pyplot()
    langs = report.languages(dataset)
    table = report.f1(dataset)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.28 * len(langs) + 2), 3.6))
    for method in methods:
        xs = [i for i, lang in enumerate(langs) if lang in table[method]]
        ax.plot(xs, [100 * table[method][langs[i]] for i in xs], marker="o", markersize=3.5,
                linewidth=1, label=method)
    ax.set_xticks(range(len(langs)), langs, rotation=90, fontsize=7)
    ax.set_ylabel("F1 (%)")
    ax.set_xlabel("target language, nearest the source first (syntactic distance)")
    ax.set_title(f"{dataset}: F1 per language and method", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)


def _scatter(ax, report: TypologyReport, dataset: str, methods: Sequence[str], feature_set: str,
             kind: str) -> None:
    import numpy as np

    table = report.f1(dataset)
    cells = {(r.method, r.feature_set, r.kind): r.correlation for r in report.correlations
             if r.dataset == dataset}
    for method in methods:
        pairs = [(d, 100 * f1) for lang, f1 in table[method].items()
                 if (d := report.distance(feature_set, kind, lang)) is not None]
        if not pairs:
            continue
        xs, ys = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        c = cells[(method, feature_set, kind)]
        stats = (f"r={c.pearson_r:+.2f}, ρ={c.spearman_rho:+.2f}, n={c.n}"
                 if c.pearson_r is not None else f"n={c.n}")
        points = ax.scatter(xs, ys, s=12, alpha=0.8, label=f"{method} ({stats})")
        if c.pearson_r is not None:
            slope, intercept = np.polyfit(xs, ys, 1)
            grid = np.linspace(xs.min(), xs.max(), 2)
            ax.plot(grid, slope * grid + intercept, color=points.get_facecolor()[0], linewidth=1)
    ax.set_xlabel(f"{feature_set} distance ({kind})", fontsize=8)
    ax.set_ylabel("F1 (%)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:  # a feature set without distances leaves the panel empty
        ax.legend(fontsize=6)


def plot_against_distance(report: TypologyReport, dataset: str, methods: Sequence[str],
                          path: Path) -> None:
    plt = _pyplot()
    kinds = report.kinds
    fig, axes = plt.subplots(len(kinds), len(FEATURE_SETS), squeeze=False,
                             figsize=(3.4 * len(FEATURE_SETS), 3.2 * len(kinds)))
    for row, kind in enumerate(kinds):
        for col, feature_set in enumerate(FEATURE_SETS):
            _scatter(axes[row][col], report, dataset, methods, feature_set, kind)
    fig.suptitle(f"{dataset}: F1 against typological distance from "
                 + ", ".join(report.distances.sources), fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=100)


def plot_summary(report: TypologyReport, feature_set: str, path: Path, min_languages: int = 5) -> bool:
    """One panel per dataset with enough languages: model transfer and the best other method
    against ``feature_set`` distance. False where no dataset has ``min_languages`` languages."""
    plt = _pyplot()
    datasets = [d for d in report.datasets if len(report.languages(d)) >= min_languages]
    if not datasets:
        return False
    fig, axes = plt.subplots(1, len(datasets), squeeze=False, figsize=(4.6 * len(datasets), 3.4))
    for ax, dataset in zip(axes[0], datasets, strict=True):
        methods = report.plotted_methods(dataset, None, top=1)
        _scatter(ax, report, dataset, methods, feature_set, "nearest")
        ax.set_title(dataset, fontsize=9)
    fig.suptitle(f"F1 against {feature_set} distance from "
                 + ", ".join(report.distances.sources) + " (URIEL, cosine)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi=90)
    return True
