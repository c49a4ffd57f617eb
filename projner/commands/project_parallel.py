"""``projner project-parallel``: project gold source entities onto a sentence-aligned target file.

Reads the CoNLL files (target tags optional) and ready Pharaoh links where given into datasets,
calls :func:`projner.processing.multisource.project_parallel_sources` (one source: exactly
:func:`projner.processing.pipelines.project_parallel`; several: each projected on its own, then
combined with ``--combine``), prints the summary, writes the report and exports every sentence pair
as a Hub dataset folder (parquet, card, provenance, report).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from projner.commands.checks import Accumulate, existing_file
from projner.commands.pipeline_options import (
    add_corpus_step_arguments,
    add_parallel_arguments,
)
from projner.errors import UserError
from projner.processing.project.combine import COMBINE_METHODS

HELP = "project the entities of a labelled CoNLL file onto a sentence-aligned target CoNLL file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, type=existing_file, nargs="+", action=Accumulate,
                        help="labelled CoNLL file(s) (token TAG); several: each sentence-aligned with "
                             "--target, projected on its own and combined (--combine)")
    parser.add_argument("--target", required=True, type=existing_file,
                        help="sentence-aligned CoNLL file of the other language (tags optional: "
                             "where present, the projection is scored against them)")
    add_parallel_arguments(parser)
    parser.add_argument("--label-map", nargs="+", action=Accumulate, default=[], metavar="TYPE=NEW",
                        help="rewrite entity types on both sides, e.g. MISC=O to drop MISC (LOC=PER "
                             "PER=LOC swaps two types)")
    parser.add_argument("--labels", type=entity_type_list, metavar="TYPE,TYPE",
                        help="the entity types the files may hold after --label-map, e.g. PER,ORG,LOC; "
                             "a tag of any other type is an error naming its line")
    parser.add_argument("--strict", action="store_true",
                        help="a --label-map entry naming a type absent from the files is an error, not a warning")
    parser.add_argument("--retype-dropped", action="store_true",
                        help="project the types --label-map drops too and give each projected span the type "
                             "the corpus's other projections give its text, or O (default: off)")
    add_corpus_step_arguments(parser)
    parser.add_argument("--source-lang", nargs="+", action=Accumulate,
                        help="language code of each --source, in order (recorded in the provenance and the "
                             "card, and names each source's columns; optional)")
    parser.add_argument("--combine", choices=COMBINE_METHODS, default="ilp",
                        help="how several sources' projections become one: ilp (weighted evidence, partial "
                             "agreement on boundaries, exact solver; default) or vote (a span kept where at "
                             "least --min-agree sources projected exactly it)")
    parser.add_argument("--min-agree", type=int,
                        help="with --combine vote: sources that must agree (default: a majority)")
    parser.add_argument("--views", type=int, metavar="N",
                        help="align each source with N eflomal runs and let each run's links, symmetrised by "
                             "intersection and by gdfa, project and vote on their own, the views of one source "
                             "sharing its weight (the method of docs/source-sets.md; N=3 there). Default: one "
                             "voter per source, through the runs' voted links")
    parser.add_argument("--target-lang", help="language code of --target (names the config; optional: "
                             "without it the config is 'default' and the card says the language was "
                             "not recorded)")
    parser.add_argument("--output", required=True, type=Path,
                        help="Hub dataset folder to write (parquet, card, provenance; merged with the "
                             "configs already there)")
    parser.add_argument("--split", default="train",
                        help="split name of the projected sentences in the folder (default: train)")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")


def entity_type_list(text: str) -> tuple[str, ...]:
    """``--labels PER,ORG,LOC`` → the entity type names (argparse refuses anything else)."""
    from projner.labels import TYPE_NAME_RE

    types = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in types if not TYPE_NAME_RE.match(t) or t == "O"]
    if not types or bad:
        raise argparse.ArgumentTypeError(f"{text!r}: give entity type names separated by commas, e.g. PER,ORG,LOC")
    return types


def run_files(args: argparse.Namespace, sources: Sequence[Path], target: Path, *, source_datasets: Sequence[Any],
              gold: str | None, label_map: list[str], source_langs: Sequence[str | None], target_lang: str | None,
              split: str) -> Any:
    """Read the files (and links) and run the pipeline: what ``project-parallel`` and ``demo`` share."""
    from projner.builders.parallel import parallel_pairs
    from projner.commands.pipeline_options import aligner_config, projection_config
    from projner.labels import LabelMap
    from projner.processing.multisource import SourcePairs, project_parallel_sources
    from projner.processing.options import Origin, RunOptions
    from projner.processing.project.combine import CombineConfig
    from projner.processing.project.name_evidence import NameEvidenceConfig
    from projner.processing.project.span_completion import SpanCompletionConfig

    alignments = args.alignments or [None] * len(sources)
    given = {"--alignments": len(alignments), "--source-lang": len(source_langs)}
    wrong = [f"{count} {option}" for option, count in given.items() if count != len(sources)]
    if wrong:
        raise ValueError(f"{len(sources)} --source file(s) but {' and '.join(wrong)}: give one of each per source, "
                         "in order")
    inputs = []
    for source, links, lang, source_dataset in zip(sources, alignments, source_langs, source_datasets, strict=True):
        pairs, found = parallel_pairs(source, target, alignments=links, label_map=LabelMap.parse(label_map),
                                      types=getattr(args, "labels", None), strict=getattr(args, "strict", False))
        origin = Origin(source=source_dataset, report={"source": str(source), "target": str(target), **found},
                        gold=gold, alignments=str(links) if links else None)
        inputs.append(SourcePairs(lang or source.stem, pairs, lang, origin))
    combine = CombineConfig(method=getattr(args, "combine", "ilp"), min_agree=getattr(args, "min_agree", None))
    return project_parallel_sources(
        inputs, target_lang=target_lang, combine=combine, views=getattr(args, "views", None), split=split,
        projection=projection_config(args),
        aligner=aligner_config(args), label_map=label_map, retype_dropped=getattr(args, "retype_dropped", False),
        name_evidence=NameEvidenceConfig() if getattr(args, "name_evidence", False) else None,
        span_completion=SpanCompletionConfig() if getattr(args, "complete_spans", False) else None,
        run=RunOptions(cache_dir=args.cache_dir),
    )


def print_summary(report: dict[str, Any]) -> None:
    if "source_reports" in report:
        print_combined_summary(report)
        return
    print(f"{report['sentences']} sentence pairs, {report['source_entities']} source entities, "
          f"{report['projected_entities']} projected ({report['method']}) "
          f"in {report['projection_seconds']:.3f} s (alignment {report['alignment_seconds']:.1f} s)")
    if report["unprojected"]:
        counts = ", ".join(f"{reason}: {n}" for reason, n in sorted(report["unprojected"].items()))
        print(f"unprojected entities by reason: {counts}")
    if "f1" in report:
        print(f"strict IOB2 against {report['target']}: F1 {100 * report['f1']:.2f}  "
              f"precision {100 * report['precision']:.2f}  recall {100 * report['recall']:.2f}")
        for etype, row in report["per_type"].items():
            print(f"  {etype:<6} F1 {100 * row['f1']:.2f}  (support {row['support']})")
    if report.get("cached_steps"):
        print("cached steps: " + ", ".join(report["cached_steps"]))


def print_combined_summary(report: dict[str, Any]) -> None:
    """Several sources: each source's own score, then the combination's decisions and score."""
    for name, own in report["source_reports"].items():
        score = f", F1 {100 * own['f1']:.2f}" if "f1" in own else ""
        print(f"source {name}: {own['projected_entities']} of {own['source_entities']} entities projected{score}")
    counts = report["counts"]
    print(f"combined ({report['combine']}) over {report['sentences']} sentences: {counts['kept']} spans kept, "
          f"{counts['dropped']} dropped, {counts['type_disagreements']} type disagreements, {counts['ties']} ties")
    if "f1" in report:
        print(f"strict IOB2 of the combination: F1 {100 * report['f1']:.2f}  precision "
              f"{100 * report['precision']:.2f}  recall {100 * report['recall']:.2f}")


def print_input_warnings(command: str, caught: list, report: dict[str, Any]) -> None:
    """What reading the files found worth a look, one line each, on stderr."""
    for warning in caught:
        print(f"projner {command}: warning: {warning.message}", file=sys.stderr)
    repaired = report.get("iob2_repaired", {})
    if repaired.get("source") or repaired.get("target"):
        print(f"projner {command}: warning: I-X starting an entity read as B-X: {repaired['source']} "
              f"in {report['source']}, {repaired['target']} in {report['target']} (counted in the report)",
              file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import warnings

    from projner.commands.pipeline_options import check_names, check_outputs, finish
    from projner.dataset_cards.export import UNKNOWN_LANGUAGE_CONFIG
    from projner.dataset_cards.sources import local_files
    from projner.languages import get_language

    try:
        check_names(args)
        check_outputs(args, get_language(args.target_lang).code if args.target_lang else UNKNOWN_LANGUAGE_CONFIG)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run_files(args, args.source, args.target, gold=None, label_map=args.label_map,
                               source_datasets=[local_files(s, args.target) for s in args.source],
                               source_langs=args.source_lang or [None] * len(args.source),
                               target_lang=args.target_lang, split=args.split)
        if "source_reports" not in result.report:
            print_input_warnings("project-parallel", [w for w in caught if _is_input_warning(w)], result.report)
        else:
            for warning in (w for w in caught if _is_input_warning(w)):
                print(f"projner project-parallel: warning: {warning.message}", file=sys.stderr)
        return finish(result, args, print_summary)
    except UserError:
        raise
    except (OSError, ValueError) as err:  # bad files, links, names or labels: said clearly
        raise UserError(str(err)) from err


def _is_input_warning(caught: Any) -> bool:
    from projner.builders.parallel import InputWarning
    from projner.labels import LabelMapWarning

    return issubclass(caught.category, (InputWarning, LabelMapWarning))
