"""``projner report RESULTS... --output DIR``: F1 across languages against typological distance.

RESULTS are the paper's CSVs (``reference-results/*_metrics.csv``), projner export folders or JSON
reports (formats in :mod:`projner.typology.results`). DIR receives ``report.md``, ``results.csv``,
``correlations.csv``, ``f1_by_language_<dataset>.png``, ``f1_vs_distance_<dataset>.png`` and
``typology.png`` (the summary figure); results that name their source set (``benchmarks/source_sets.py``)
go to ``source_sets.md``, ``source_sets.csv`` and ``f1_vs_source_set_<dataset>.png`` instead.
DIR is new, empty or an earlier report's; another folder needs ``--overwrite``, and a file there with
the name of one the report writes is never replaced. Needs the ``report`` extra (matplotlib, lang2vec).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from projner.commands.checks import Accumulate, language_code
from projner.errors import UserError

if TYPE_CHECKING:
    from projner.typology.build import TypologyReport

HELP = "table and plots of F1 per language and method against typological distance (URIEL)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", nargs="+", type=Path,
                        help="paper CSVs, projner export folders or JSON reports")
    parser.add_argument("--output", type=Path, required=True,
                        help="folder for the report: new, empty or an earlier report's")
    parser.add_argument("--overwrite", action="store_true",
                        help="write into an --output folder that is not an earlier report's (a file there "
                        "with the name of one the report writes still stops it: it is never replaced)")
    parser.add_argument("--source", nargs="+", action=Accumulate, default=["en"], type=language_code,
                        help="source language(s) the transfer started from (default: en)")
    parser.add_argument("--methods", nargs="+", action=Accumulate,
                        help="methods to plot (default: model transfer and the three best others)")
    parser.add_argument("--summary-feature", default="syntactic",
                        help="feature set of the summary figure typology.png (default: syntactic)")


def run(args: argparse.Namespace) -> int:
    from projner.languages import LanguageError
    from projner.typology.build import build_report
    from projner.typology.distance import FEATURE_SETS
    from projner.typology.render import (
        check_output,
        plot_against_distance,
        plot_by_language,
        plot_summary,
        slug,
        write_correlations_csv,
        write_markdown,
        write_results_csv,
    )
    from projner.typology.results import ResultsError, read_results
    from projner.typology.source_sets import source_set_rows

    if args.summary_feature not in FEATURE_SETS:
        raise UserError(f"--summary-feature must be one of {', '.join(FEATURE_SETS)}")
    check_output(args.output, overwrite=args.overwrite)
    try:
        results = read_results(args.results)
        set_rows = source_set_rows(results, args.summary_feature)
        results = [r for r in results if not r.sources]
        report = build_report(results, args.source) if results else None
    except (ResultsError, LanguageError, ValueError) as err:
        raise UserError(str(err)) from None
    plotted = plotted_methods(report, args.methods) if report else {}
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    if set_rows:
        write_source_sets(set_rows, out, args.summary_feature)
    if report is None:
        return 0
    figures: dict[str, list[str]] = {}
    for dataset, methods in plotted.items():
        names = [f"f1_by_language_{slug(dataset)}.png", f"f1_vs_distance_{slug(dataset)}.png"]
        plot_by_language(report, dataset, methods, out / names[0])
        plot_against_distance(report, dataset, methods, out / names[1])
        figures[dataset] = names
    if plot_summary(report, args.summary_feature, out / "typology.png"):
        figures.setdefault(report.datasets[0], []).insert(0, "typology.png")
    write_results_csv(report, out / "results.csv")
    write_correlations_csv(report, out / "correlations.csv")
    write_markdown(report, out / "report.md", args.results, figures)
    for feature_set, langs in report.distances.missing.items():
        if langs:
            print(f"no {feature_set} features in lang2vec for: {', '.join(langs)}"
                  + (" (a source: no distances in this feature set)" if report.distances.unmeasured(feature_set) else ""))
    print(f"{len(report.results)} results, {len(report.datasets)} datasets, "
          f"{len({r.language for r in report.results})} languages → {out / 'report.md'}")
    return 0


def plotted_methods(report: TypologyReport, chosen: list[str] | None) -> dict[str, list[str]]:
    """Each dataset's methods to plot, settled before ``--output`` is made: a ``--methods`` with no
    name on a dataset stops the report without leaving a folder behind."""
    plotted = {}
    for dataset in report.datasets:
        plotted[dataset] = report.plotted_methods(dataset, chosen)
        if chosen and not plotted[dataset]:
            raise UserError(f"none of --methods is on {dataset}; available: " + ", ".join(report.methods(dataset)))
    return plotted


def write_source_sets(rows, out: Path, feature_set: str) -> None:
    """The source-set table, CSV and one figure per corpus."""
    from projner.outputs import write_text
    from projner.typology.render import MARKER, slug
    from projner.typology.source_sets import (
        plot_source_sets,
        source_set_markdown,
        write_source_set_csv,
    )

    figures = {}
    for dataset in dict.fromkeys(r.result.dataset for r in rows):
        figures[dataset] = f"f1_vs_source_set_{slug(dataset)}.png"
        plot_source_sets(rows, dataset, out / figures[dataset])
    write_source_set_csv(rows, out / "source_sets.csv")
    write_text(out / "source_sets.md", source_set_markdown(rows, figures, feature_set) + f"\n{MARKER}\n")
    print(f"{len(rows)} source-set results, {len(figures)} corpora → {out / 'source_sets.md'}")
