"""The one place for the pipeline commands' options: models, data, limits, outputs, devices, the
projection and aligner options, their conversion into the pipelines' frozen option dataclasses, and
what every command does after its pipeline (print, write the report, export). Light: no heavy
imports at module level, so ``projner --help`` stays quick."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from projner.commands.aligner_options import (
    DEFAULT_ALIGNER_MODEL,
    add_neural_arguments,
    neural_options,
)
from projner.commands.checks import positive_int
from projner.processing.align.backends import BACKENDS
from projner.processing.align.statistical import DEFAULT_SYMMETRIZATION, SYMMETRIZATIONS
from projner.processing.stage_cache import DEFAULT_SHARD_ROWS

DEFAULT_TRANSLATOR = "facebook/nllb-200-3.3B"
DEFAULT_NER_MODEL = "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
EASYPROJECT_TRANSLATOR = "ychenNLP/nllb-200-3.3B-easyproject"


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    models = parser.add_argument_group("models (Hub ids or local folders)")
    models.add_argument("--translator", default=DEFAULT_TRANSLATOR, help=f"NLLB-200 model (default {DEFAULT_TRANSLATOR})")
    models.add_argument("--ner-model", default=DEFAULT_NER_MODEL, help=f"token classifier (default {DEFAULT_NER_MODEL})")
    models.add_argument("--aligner-model", default=DEFAULT_ALIGNER_MODEL,
                        help=f"encoder of the neural aligner (default {DEFAULT_ALIGNER_MODEL})")
    models.add_argument("--ner-label-map", nargs="*", default=["MISC=O"], metavar="TYPE=NEW",
                        help="rewrites of the NER model's types onto the dataset's (default MISC=O)")
    models.add_argument("--num-beams", type=int, default=4, help="beam size of the translator (default 4)")
    models.add_argument("--max-new-tokens", type=int, default=256,
                        help="longest translation in tokens; longer ones are flagged (default 256)")
    data = parser.add_argument_group("data and outputs")
    data.add_argument("--data-dir", help="local copy of the dataset (folder the builder reads)")
    data.add_argument("--limit", type=positive_int, help="only the first N sentences (N ≥ 1)")
    data.add_argument("--lenient", action="store_true", help="skip (and count) malformed input lines")
    data.add_argument("--output", help="write the output here as a Hub dataset folder (parquet, card, provenance; "
                      "load it with datasets.load_dataset(DIR, LANG)); the scoring commands publish every "
                      "sentence (dropped_reason kept), translate-train leaves incomplete ones out (counted)")
    data.add_argument("--report", help="write the run report (JSON) here")
    data.add_argument("--cache-dir", help="stage caches (default: <datasets cache>/projner); reruns reuse them")
    run = parser.add_argument_group("execution")
    run.add_argument("--num-proc", type=positive_int, help="worker processes for model stages (one per GPU)")
    run.add_argument("--shard-rows", type=positive_int, default=DEFAULT_SHARD_ROWS,
                     help="rows a model stage maps and caches at a time: a killed run resumes at its first "
                     f"unfinished shard (default {DEFAULT_SHARD_ROWS})")
    run.add_argument("--device", default="auto", help="auto (CUDA if present), cpu, cuda (default auto)")
    run.add_argument("--translate-batch-size", type=int, default=16)
    run.add_argument("--ner-batch-size", type=int, default=32)


def add_method_arguments(parser: argparse.ArgumentParser, *, methods: tuple[str, ...]) -> None:
    group = parser.add_argument_group("projection")
    group.add_argument("--method", default="candidates", choices=methods,
                       help="heuristic (aligned ranges), candidates (scored spans + solver)"
                       + (", easyproject (entity markers through translation)" if "easyproject" in methods else "")
                       + " (default candidates)")
    group.add_argument("--solver", default="exact", choices=("exact", "greedy", "ilp"),
                       help="how candidates are chosen (default exact)")
    group.add_argument("--candidates", default="ngram", choices=("ngram", "ner"),
                       help="ngram: spans around aligned words; ner: also the NER model's spans on the "
                       "target side (default ngram)")
    group.add_argument("--ner-weight", type=float, default=0.0,
                       help="weight of the target-side NER probability in candidate scores (with --candidates ner)")
    group.add_argument("--aligner", default="neural", choices=tuple(BACKENDS),
                       help="neural (encoder similarities, --aligner-model), eflomal (statistical, trained "
                       "on the sentences at hand) or neural+eflomal (neural links, eflomal's where neither word has one) "
                       "(default neural)")
    group.add_argument("--align-method", default="itermax", choices=("argmax", "itermax", "match", "softmax"),
                       help="link extraction of the neural aligner (default itermax)")
    group.add_argument("--align-layer", type=int, default=8, help="encoder layer of the neural aligner (default 8)")
    group.add_argument("--symmetrization", default=DEFAULT_SYMMETRIZATION, choices=SYMMETRIZATIONS,
                       help=f"eflomal's combination of directions (default {DEFAULT_SYMMETRIZATION})")
    group.add_argument("--align-batch-size", type=int, default=32)
    group.add_argument("--easyproject-model", default=EASYPROJECT_TRANSLATOR,
                       help=f"marker-carrying translator (default {EASYPROJECT_TRANSLATOR})")
    group.add_argument("--easyproject-tokenizer", default=DEFAULT_TRANSLATOR,
                       help=f"its tokenizer ('model' for the model's own; default {DEFAULT_TRANSLATOR})")
    group.add_argument("--easyproject-threshold", type=float, default=0.5,
                       help="least similarity of a marked span to an entity's translation (default 0.5)")


def method_options(args: argparse.Namespace, **extra: Any) -> Any:
    from projner.processing.pipelines import MethodOptions

    return MethodOptions(
        method=args.method, solver=args.solver, candidates=args.candidates, ner_weight=args.ner_weight,
        aligner=args.aligner, align_method=args.align_method, align_layer=args.align_layer,
        symmetrization=args.symmetrization, align_batch_size=args.align_batch_size,
        easyproject_model=args.easyproject_model,
        easyproject_tokenizer=None if args.easyproject_tokenizer == "model" else args.easyproject_tokenizer,
        easyproject_threshold=args.easyproject_threshold, **extra,
    )


def run_options(args: argparse.Namespace) -> Any:
    from projner.processing.options import RunOptions

    return RunOptions(
        translator=args.translator, ner_model=args.ner_model, aligner_model=args.aligner_model,
        ner_label_map=tuple(args.ner_label_map), cache_dir=args.cache_dir, num_proc=args.num_proc,
        device=args.device, num_beams=args.num_beams, max_new_tokens=args.max_new_tokens,
        translate_batch_size=args.translate_batch_size, ner_batch_size=args.ner_batch_size,
        shard_rows=args.shard_rows,
    )


def load_gold_split(args: argparse.Namespace, name: str, lang: str) -> Any:
    """The gold split a command names (``--dataset``/``--lang``/``--split``, ``--data-dir``,
    ``--limit``, ``--lenient``), read through projner's builders."""
    from projner.processing.corpora import load_gold
    from projner.processing.options import RunOptions

    return load_gold(name, lang, args.split, data_dir=args.data_dir, limit=args.limit, lenient=args.lenient,
                     cache_dir=RunOptions(cache_dir=args.cache_dir).cache_root())


def gold_origin(gold: Any, report_name: str) -> Any:
    """What a run on a builder's split records: the source's licence and citation, its name and the
    lines the reader skipped."""
    from projner.dataset_cards.sources import known_source
    from projner.processing.options import Origin

    return Origin(source=known_source(gold.name, config=gold.config, split=gold.split),
                  report={report_name: gold.name, "input_skipped": gold.skipped},
                  gold=f"{gold.name} {gold.config} {gold.split}")


def finish(result: Any, args: argparse.Namespace, summary: Any) -> int:
    """After a pipeline: print its summary, write ``--report`` and export ``--output``."""
    if args.report:
        write_report(args.report, result.report)
    summary(result.report)
    if args.output:
        from projner.processing.results import export

        export(result, args.output)
        print_written(args.output, result.config_name)
    return 0


def write_report(path: str | Path, report: dict[str, Any]) -> None:
    from projner.dataset_cards.folder import write_json

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_json(Path(path), report)


def print_written(output: str | Path, config: str) -> None:
    print(f"Hub dataset folder written to {output} (config {config!r}, card in README.md); "
          f"load it with datasets.load_dataset({str(output)!r}, {config!r})")


def print_summary(report: dict[str, Any]) -> None:
    """Scores (when there are), counts and cache use, for the terminal."""
    lines = []
    if "f1" in report:
        lines.append(f"{report['task']} {report.get('dataset', '')} {report['lang']} {report['split']}: "
                     f"F1 {100 * report['f1']:.1f}  P {100 * report['precision']:.1f}  "
                     f"R {100 * report['recall']:.1f}  ({report['sentences']} sentences)")
        for etype, row in report.get("per_type", {}).items():
            lines.append(f"  {etype:<6} F1 {100 * row['f1']:.1f}  P {100 * row['precision']:.1f}  "
                         f"R {100 * row['recall']:.1f}  support {row['support']}")
    else:
        lines.append(f"{report['task']} {report['lang']}: {report['sentences']} sentences, {report['kept']} kept; "
                     f"entities: {report['source_entities']} in the source, {report['projected_entities']} "
                     "projected into the kept sentences")
    if report.get("dropped"):
        lines.append("dropped: " + json.dumps(report["dropped"], ensure_ascii=False))
    lines.append("steps: " + ", ".join(f"{name} {seconds:.1f}s" + _cache_note(report, name)
                                        for name, seconds in report["timings"].items()))
    print("\n".join(lines), file=sys.stdout)


def _cache_note(report: dict[str, Any], step: str) -> str:
    if step in report["cached_steps"]:
        return " (cached)"
    cached, shards = report.get("cached_shards", {}).get(step, (0, 0))
    return f" ({cached} of {shards} shards cached)" if cached else ""


def check_paths(args: argparse.Namespace) -> None:
    """A ``--report`` inside a folder that cannot be created fails before hours of translation."""
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)


def add_parallel_arguments(parser: argparse.ArgumentParser) -> None:
    """The aligner and projection options of ``project-parallel`` and ``demo``."""
    parser.add_argument("--aligner", default="eflomal",
                        help=f"word aligner backend, one of {', '.join(BACKENDS)} (default: eflomal, trained "
                             "on the pair; neural: an encoder, see the neural aligner options; "
                             "neural+eflomal: neural links, eflomal's where neither word has one)")
    parser.add_argument("--alignments", type=Path,
                        help="ready Pharaoh links (0-indexed, source first, one line per sentence "
                             "pair) to use instead of running an aligner")
    parser.add_argument("--symmetrization", choices=SYMMETRIZATIONS, default=DEFAULT_SYMMETRIZATION,
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
    parser.add_argument("--cache-dir", help="stage caches (default: <datasets cache>/projner); reruns reuse them")
    add_neural_arguments(parser, method_flag="--align-method")


def projection_config(args: argparse.Namespace) -> Any:
    from projner.processing.options import written_without_spaces
    from projner.processing.project.names import NameMatchConfig
    from projner.processing.project.pair import ProjectionConfig
    from projner.processing.project.scores import ScoreConfig

    return ProjectionConfig(method=args.method, solver=args.solver,
                            names=None if args.no_name_links else NameMatchConfig(),
                            scores=ScoreConfig(linked_tie_break=written_without_spaces(getattr(args, "target_lang", None))))


def aligner_config(args: argparse.Namespace) -> Any:
    """The aligner ``--aligner`` and its options name (eflomal-only options refused for the neural one)."""
    from projner.builders.parallel import parallel_text
    from projner.processing.align.backends import uses_encoder
    from projner.processing.stages.correspondence import AlignConfig

    if args.aligner == "neural":
        eflomal_only = [flag for flag, given in (("--aligner-runs", args.aligner_runs is not None),
                                                 ("--extra-parallel", bool(args.extra_parallel))) if given]
        if eflomal_only:
            raise ValueError(f"{', '.join(eflomal_only)}: eflomal options, not for --aligner neural")
    options: dict[str, Any] = neural_options(args) if uses_encoder(args.aligner) else {}
    if args.aligner != "neural":
        options["symmetrization"] = args.symmetrization
    if args.aligner_runs is not None:
        options["runs"] = args.aligner_runs
    if args.extra_parallel:
        extra_source, extra_target = parallel_text(*args.extra_parallel)
        options.update(extra_source=extra_source, extra_target=extra_target)
    return AlignConfig(args.aligner, options)


def check_names(args: argparse.Namespace, options: tuple[str, ...] = ("source_lang", "target_lang")) -> None:
    """Language codes and the split name are checked before minutes of alignment, not after."""
    from projner.dataset_cards.folder import SPLIT_NAME_RE
    from projner.languages import LanguageError, get_language

    for option in options:
        if getattr(args, option, None):
            try:
                get_language(getattr(args, option))
            except LanguageError as err:
                raise ValueError(f"--{option.replace('_', '-')}: {err}") from None
    split = getattr(args, "split", None)
    if split is not None and not SPLIT_NAME_RE.match(split):
        raise ValueError(f"--split {split!r}: use letters, digits and '_' (no '-')")
