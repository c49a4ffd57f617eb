"""``projner project-parallel``: project gold source entities onto a sentence-aligned target file.

Reads two CoNLL files (target tags optional), aligns them (eflomal trained on the pair, or ready
Pharaoh links with ``--alignments``), projects, scores against the target's tags where it has them,
and writes every sentence pair as a Hub dataset folder (parquet, card, provenance, report).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from projner.commands.aligner_options import add_neural_arguments, neural_options
from projner.labels import LabelMapWarning
from projner.processing.align.backends import BACKENDS
from projner.processing.align.statistical import DEFAULT_SYMMETRIZATION, SYMMETRIZATIONS

HELP = "project the entities of a labelled CoNLL file onto a sentence-aligned target CoNLL file"


class CommandError(Exception):
    """Bad input: printed as one line naming the file and what is wrong, exit code 2."""


class InputWarning(UserWarning):
    """Something in the input files worth a look (a rare or one-sided entity type): said, not fatal."""


def entity_type_list(text: str) -> tuple[str, ...]:
    """``--labels PER,ORG,LOC`` → the entity type names (argparse refuses anything else)."""
    from projner.labels import TYPE_NAME_RE

    types = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in types if not TYPE_NAME_RE.match(t) or t == "O"]
    if not types or bad:
        raise argparse.ArgumentTypeError(f"{text!r}: give entity type names separated by commas, e.g. PER,ORG,LOC")
    return types


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, type=Path, help="labelled CoNLL file (token TAG)")
    parser.add_argument("--target", required=True, type=Path,
                        help="sentence-aligned CoNLL file of the other language (tags optional: "
                             "where present, the projection is scored against them)")
    add_projection_arguments(parser)
    parser.add_argument("--label-map", nargs="+", default=[], metavar="TYPE=NEW",
                        help="rewrite entity types on both sides, e.g. MISC=O to drop MISC (LOC=PER "
                             "PER=LOC swaps two types)")
    parser.add_argument("--labels", type=entity_type_list, metavar="TYPE,TYPE",
                        help="the entity types the files may hold after --label-map, e.g. PER,ORG,LOC; "
                             "a tag of any other type is an error naming its line")
    parser.add_argument("--strict", action="store_true",
                        help="a --label-map entry naming a type absent from the files is an error, not a warning")
    parser.add_argument("--source-lang", help="language code of --source (recorded in the provenance and "
                             "the card; optional)")
    parser.add_argument("--target-lang", help="language code of --target (names the config; optional: "
                             "without it the config is 'default' and the card says the language was "
                             "not recorded)")
    parser.add_argument("--output", required=True, type=Path,
                        help="Hub dataset folder to write (parquet, card, provenance; merged with the "
                             "configs already there)")
    parser.add_argument("--split", default="train",
                        help="split name of the projected sentences in the folder (default: train)")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")


def add_projection_arguments(parser: argparse.ArgumentParser) -> None:
    """The aligner and projection options (shared with ``projner demo``)."""
    parser.add_argument("--aligner", default="eflomal",
                        help=f"word aligner backend, one of {', '.join(BACKENDS)} (default: eflomal, trained on the pair; neural: an "
                             "encoder, see the neural aligner options; neural+eflomal: the union of both)")
    parser.add_argument("--alignments", type=Path,
                        help="ready Pharaoh links (0-indexed, source first, one line per sentence "
                             "pair) to use instead of running an aligner")
    parser.add_argument("--symmetrize", choices=SYMMETRIZATIONS, default=DEFAULT_SYMMETRIZATION,
                        help=f"how the aligner's two directions combine (default: {DEFAULT_SYMMETRIZATION})")
    parser.add_argument("--aligner-runs", type=int, default=None,
                        help="eflomal runs combined by link voting (default: the backend's, 3)")
    parser.add_argument("--extra-parallel", nargs=2, type=Path, metavar=("SRC.txt", "TGT.txt"),
                        help="extra unlabelled parallel text (one tokenised sentence per line, same "
                             "language pair) to train the aligner on")
    parser.add_argument("--method", choices=("heuristic", "candidates"), default="candidates",
                        help="projection method (default: candidates)")
    parser.add_argument("--solver", choices=("exact", "greedy", "ilp"), default="exact",
                        help="how candidates are chosen (default: exact)")
    parser.add_argument("--no-name-links", action="store_true",
                        help="project through the links as given, without repairing entity words' "
                             "links by spelling")
    add_neural_arguments(parser, method_flag="--align-method")


def _has_tags(path: Path) -> bool:
    """Whether a CoNLL file has a tag column (judged by its first token line)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            fields = line.split()
            if fields and fields[0] != "-DOCSTART-":
                return len(fields) >= 2
    return False


def _read_lines(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as handle:
        return [line.split() for line in handle]


def _read_alignments(path: Path, sentences: int) -> list[list[tuple[int, int]]]:
    from projner.processing.align.links import PharaohError, read_pharaoh

    try:
        links = [line.sure for line in read_pharaoh(path)]
    except (OSError, PharaohError) as err:
        raise CommandError(str(err)) from None
    if len(links) != sentences:
        raise CommandError(
            f"{path} has {len(links)} lines but the CoNLL files have {sentences} sentence pairs"
        )
    return links


def _align(args: argparse.Namespace, rows: list[dict]) -> tuple[list, dict[str, Any]]:
    """Links for every pair and a description of where they came from."""
    if args.alignments is not None:
        return _read_alignments(args.alignments, len(rows)), {
            "name": "file", "params": {"path": str(args.alignments)}}
    from projner.processing.align.backends import make_aligner, uses_encoder

    if args.aligner == "neural":
        eflomal_only = [flag for flag, given in (("--aligner-runs", args.aligner_runs is not None),
                                                 ("--extra-parallel", bool(args.extra_parallel))) if given]
        if eflomal_only:
            raise CommandError(f"{', '.join(eflomal_only)}: eflomal options, not for --aligner neural")
    options: dict[str, Any] = neural_options(args) if uses_encoder(args.aligner) else {}
    if args.aligner != "neural":
        options["symmetrization"] = args.symmetrize
    if args.aligner_runs is not None:
        options["runs"] = args.aligner_runs
    if args.extra_parallel:
        src_path, tgt_path = args.extra_parallel
        extra_source, extra_target = _read_lines(src_path), _read_lines(tgt_path)
        if len(extra_source) != len(extra_target):
            raise CommandError(
                f"--extra-parallel: {src_path} has {len(extra_source)} lines but {tgt_path} has "
                f"{len(extra_target)}"
            )
        options.update(extra_source=extra_source, extra_target=extra_target)
    try:
        aligner = make_aligner(args.aligner, **options)
    except ValueError as err:
        raise CommandError(str(err)) from None
    links = aligner.align([r["src_tokens"] for r in rows], [r["tgt_tokens"] for r in rows])
    params = {k: v for k, v in options.items() if not k.startswith("extra_")}
    if args.extra_parallel:
        params["extra_parallel"] = [str(p) for p in args.extra_parallel]
    config = getattr(aligner, "config", None)
    if config is not None:
        from dataclasses import asdict

        params.update(asdict(config))
    return links, {"name": args.aligner, "params": params}


def projection_config(args: argparse.Namespace) -> Any:
    from projner.languages import get_language
    from projner.processing.project.names import NameMatchConfig
    from projner.processing.project.pair import ProjectionConfig
    from projner.processing.project.scores import ScoreConfig

    target = getattr(args, "target_lang", None)
    spaceless = target is not None and not get_language(target).spaces  # see ScoreConfig.linked_tie_break
    return ProjectionConfig(method=args.method, solver=args.solver,
                            names=None if args.no_name_links else NameMatchConfig(),
                            scores=ScoreConfig(linked_tie_break=spaceless))


def _label_names(rows: list[dict]) -> tuple[str, ...]:
    """IOB2 label names for the source's entity types, in the Hub's order (PER, ORG, LOC, …)."""
    from projner.labels import (
        CONLL2003_LABELS,
        MASAKHANER2_LABELS,
        entity_types,
        labels_for_types,
    )

    known = entity_types(MASAKHANER2_LABELS + CONLL2003_LABELS)
    found = set(entity_types(tag for r in rows for tag in r["src_tags"]))
    ordered = [t for t in known if t in found] + sorted(found - set(known))
    return labels_for_types(ordered)


def project_parallel(args: argparse.Namespace) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Read, align, project and score; returns the dataset, the report and the provenance."""
    from projner.builders.conll import ConllError, ReadReport
    from projner.builders.parallel import (
        ParallelMismatchError,
        read_parallel,
        type_report,
        type_warnings,
    )
    from projner.labels import LabelMap, labels_for_types
    from projner.processing.evaluate import ner_scores
    from projner.processing.project.link_index import LinkRangeError
    from projner.processing.project.pair import project_pair
    from projner.processing.project.spans import tags_to_spans

    _check_names(args)
    try:
        label_map = LabelMap.parse(args.label_map)
        target_labelled = _has_tags(args.target)
        reads = (ReadReport(str(args.source)), ReadReport(str(args.target)))
        allowed = labels_for_types(args.labels) if getattr(args, "labels", None) else None
        rows = list(read_parallel(args.source, args.target, target_labelled=target_labelled, labels=allowed,
                                  label_map=label_map, reports=reads, repair=True))
        if not rows:
            raise CommandError(f"no sentences in {args.source} and {args.target}")
        label_map.check_types([*reads[0].types, *reads[1].types], strict=getattr(args, "strict", False),
                              where=f"{args.source} and {args.target}")
    except (OSError, ValueError, ConllError, ParallelMismatchError) as err:
        raise CommandError(str(err)) from None
    types = type_report(reads[0], reads[1] if target_labelled else None)
    for line in type_warnings(types, {"source": str(args.source), "target": str(args.target)}):
        warnings.warn(line, InputWarning, stacklevel=1)

    started = time.perf_counter()
    links, aligner = _align(args, rows)
    alignment_seconds = time.perf_counter() - started

    config = projection_config(args)
    entities = [tags_to_spans(r["src_tags"]) for r in rows]
    started = time.perf_counter()
    projections = []
    for number, (row, spans, pair_links) in enumerate(zip(rows, entities, links)):
        try:
            projections.append(project_pair(row["src_tokens"], spans, row["tgt_tokens"], pair_links, config))
        except LinkRangeError as err:
            where = f"{args.alignments}, line {number + 1}" if args.alignments else f"sentence pair {number + 1}"
            raise CommandError(f"{where}: {err}") from None
    projection_seconds = time.perf_counter() - started

    report = run_report(rows, entities, projections, projection_seconds, alignment_seconds, config,
                        aligner, args, label_map)
    report |= types | {"iob2_repaired": {"source": len(reads[0].repaired), "target": len(reads[1].repaired)}}
    if target_labelled:
        report.update(ner_scores([r["tgt_tags"] for r in rows], [p.tags for p in projections]))
    dataset = build_dataset(rows, entities, links, projections, config)
    provenance = {
        "task": "project-parallel",
        "source_dataset": _files_source(args),
        "source_language": _language_code(getattr(args, "source_lang", None)),
        "target_language": _language_code(getattr(args, "target_lang", None)),
        "method": {"name": config.method, "params": _plain_config(config)},
        "aligner": aligner,
        "models": [],
        "label_map": label_map.as_strings(),
        "labels": list(_label_names(rows)),
    }
    return dataset, report, provenance


def _check_names(args: argparse.Namespace) -> None:
    """Language codes and the split name are checked before minutes of alignment, not after."""
    from projner.dataset_cards.folder import SPLIT_NAME_RE
    from projner.languages import LanguageError, get_language

    for option in ("source_lang", "target_lang"):
        if getattr(args, option, None):
            try:
                get_language(getattr(args, option))
            except LanguageError as err:
                raise CommandError(f"--{option.replace('_', '-')}: {err}") from None
    split = getattr(args, "split", None)
    if split is not None and not SPLIT_NAME_RE.match(split):
        raise CommandError(f"--split {split!r}: use letters, digits and '_' (no '-')")


def _language_code(code: str | None) -> str | None:
    """The registry's code for a language given on the command line; None where none was given."""
    from projner.languages import get_language

    return get_language(code).code if code else None


def _files_source(args: argparse.Namespace) -> dict[str, Any]:
    """What the card can honestly say about two local CoNLL files: their names, nothing more."""
    files = f"{Path(args.source).name} + {Path(args.target).name}"
    return {
        "name": files, "license": "unknown",
        "license_details": f"The licence of the input files ({files}) was not recorded: the "
        "output inherits it. Check it before publishing, and record it as source_dataset.license "
        "(a Hub licence id) in <config>/provenance.json, then run `projner export FOLDER`.",
        "citation": None, "homepage": None,
    }


def _plain_config(config: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return json.loads(json.dumps(asdict(config)))


def run_report(rows, entities, projections, projection_seconds, alignment_seconds, config, aligner,
               args, label_map) -> dict[str, Any]:
    """The report's counts and timings (scores are added by the caller where gold exists)."""
    from projner.processing.stages.transfer import dropped_reason, entity_reasons

    incomplete = Counter(dropped_reason(p) for p in projections)
    incomplete.pop("", None)
    return {
        "sentences": len(rows),
        "source_entities": sum(len(e) for e in entities),
        "projected_entities": sum(len(p.matches) for p in projections),
        "unprojected": entity_reasons(projections),
        "incomplete_sentences": dict(incomplete),
        "projection_seconds": projection_seconds,
        "alignment_seconds": alignment_seconds,
        "method": config.describe(),
        "aligner": aligner,
        "label_map": label_map.as_strings(),
        "source": str(args.source),
        "target": str(args.target),
    }


def build_dataset(rows, entities, links, projections, config) -> Any:
    """Every sentence pair in the shared column names: ``tgt_tokens`` and ``projected_tags`` (which
    ``projner export`` publishes as ``tokens``/``ner_tags``), and the provenance columns
    (``alignments`` as aligned or given, before name repair; entity scores; ``method``)."""
    import datasets

    from projner.processing.stages.transfer import (
        dropped_reason,
        source_entity_dicts,
        target_entity_dicts,
    )

    words = datasets.Sequence(datasets.Value("string"))
    entity = {"start": datasets.Value("int32"), "end": datasets.Value("int32"),
              "label": datasets.Value("string"), "score": datasets.Value("float32")}
    features = datasets.Features({
        "id": datasets.Value("string"),
        "src_tokens": words,
        "src_tags": words,
        "tgt_tokens": words,
        "projected_tags": words,
        "alignments": datasets.Sequence(datasets.Sequence(datasets.Value("int32"))),
        "src_entities": [entity],
        "tgt_entities": [entity],
        "dropped_reason": datasets.Value("string"),
        "method": datasets.Value("string"),
    })
    method = config.describe()
    data = {
        "id": [r["id"] for r in rows],
        "src_tokens": [r["src_tokens"] for r in rows],
        "src_tags": [r["src_tags"] for r in rows],
        "tgt_tokens": [r["tgt_tokens"] for r in rows],
        "projected_tags": [p.tags for p in projections],
        "alignments": [[[int(i), int(j)] for i, j in pair] for pair in links],
        "src_entities": [source_entity_dicts(e, p) for e, p in zip(entities, projections)],
        "tgt_entities": [target_entity_dicts(p) for p in projections],
        "dropped_reason": [dropped_reason(p) for p in projections],
        "method": [method] * len(rows),
    }
    return datasets.Dataset.from_dict(data, features=features)


def write_output(dataset: Any, output: Path, provenance: dict[str, Any], report: dict[str, Any],
                 split: str, gold: str | None = None) -> str:
    """Every sentence pair as split ``split`` of a Hub dataset folder (parquet, card, provenance,
    report); returns the config name (the target language code, or ``default`` where unknown).
    ``gold``: what the scores were measured against, in words (default: the target file's tags).

    This is an evaluation of the projection, so every sentence is published as it was scored:
    those with a ``dropped_reason`` keep that column (filter on it) and are counted in the card."""
    from projner.dataset_cards.export import default_config_name, export_hub_folder

    scores = {k: report[k] for k in ("precision", "recall", "f1", "per_type", "support") if k in report}
    folder_report: dict[str, Any] = {"statistics": report}
    if scores:
        folder_report.update(scores=scores, gold=gold or f"the tags of {report['target']}")
    else:
        folder_report["no_gold_reason"] = f"{report['target']} has no tags"
    config = default_config_name(provenance)
    export_hub_folder({split: dataset}, output, config_name=config, provenance=provenance,
                      report=folder_report, keep_dropped=True)
    return config


def print_summary(report: dict[str, Any]) -> None:
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


def run(args: argparse.Namespace) -> int:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputWarning)
            warnings.simplefilter("always", LabelMapWarning)
            dataset, report, provenance = project_parallel(args)
    except CommandError as err:
        print(f"projner project-parallel: error: {err}", file=sys.stderr)
        return 2
    for warning in caught:
        print(f"projner project-parallel: warning: {warning.message}", file=sys.stderr)
    if report.get("iob2_repaired", {}).get("source") or report.get("iob2_repaired", {}).get("target"):
        repaired = report["iob2_repaired"]
        print(f"projner project-parallel: warning: I-X starting an entity read as B-X: {repaired['source']} "
              f"in {args.source}, {repaired['target']} in {args.target} (counted in the report)", file=sys.stderr)
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_summary(report)
    try:
        config = write_output(dataset, args.output, provenance, report, args.split)
    except ValueError as err:  # ExportError, ProvenanceError: bad labels or names, said clearly
        print(f"projner project-parallel: error: {err}", file=sys.stderr)
        return 2
    print_written(args.output, config)
    return 0


def print_written(output: Path, config: str) -> None:
    print(f"Hub dataset folder written to {output} (config {config!r}, card in README.md); "
          f"load it with datasets.load_dataset({str(output)!r}, {config!r})")
