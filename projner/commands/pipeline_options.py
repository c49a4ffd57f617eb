"""The one place for the pipeline commands' options: models, data, limits, outputs, devices, the
projection and aligner options, their conversion into the pipelines' frozen option dataclasses, and
what every command does after its pipeline (print, write the report, export). Light: no heavy
imports at module level, so ``projner --help`` stays quick."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from projner.commands.aligner_options import (
    METHODS,
    add_neural_arguments,
    neural_options,
)
from projner.commands.checks import Accumulate, device_name, existing_file, positive_int
from projner.errors import UserError
from projner.processing import defaults
from projner.processing.align.backends import BACKENDS as ALIGNER_BACKENDS
from projner.processing.align.statistical import DEFAULT_SYMMETRIZATION, SYMMETRIZATIONS
from projner.processing.stage_cache import DEFAULT_SHARD_ROWS
from projner.processing.translation_backends import BACKENDS, COMPUTE_TYPES


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    models = parser.add_argument_group("models (Hub ids or local folders)")
    models.add_argument("--translator", default=defaults.DEFAULT_TRANSLATOR, help=f"NLLB-200 model (default {defaults.DEFAULT_TRANSLATOR})")
    models.add_argument("--ner-model", default=defaults.DEFAULT_NER_MODEL, help=f"token classifier (default {defaults.DEFAULT_NER_MODEL})")
    models.add_argument("--aligner-model", default=defaults.DEFAULT_ALIGNER_MODEL,
                        help=f"encoder of the neural aligner (default {defaults.DEFAULT_ALIGNER_MODEL})")
    models.add_argument("--ner-label-map", nargs="*", action=Accumulate, default=["MISC=O"], metavar="TYPE=NEW",
                        help="rewrites of the NER model's types onto the dataset's (default MISC=O)")
    models.add_argument("--num-beams", type=positive_int, default=4, help="beam size of the translator (default 4)")
    models.add_argument("--max-new-tokens", type=positive_int, default=256,
                        help="longest translation in tokens; longer ones are flagged (default 256)")
    data = parser.add_argument_group("data and outputs")
    data.add_argument("--data-dir", help="local copy of the dataset (folder the builder reads)")
    data.add_argument("--limit", type=positive_int, help="only the first N sentences (N ≥ 1)")
    data.add_argument("--lenient", action="store_true", help="skip (and count) malformed input lines")
    data.add_argument("--strict", action="store_true",
                      help="a known defect of an official file, or a label map entry naming a type the data or "
                      "the model lacks, is an error (default: read as the official loader does and counted; "
                      "a warning)")
    data.add_argument("--output", help="write the output here as a Hub dataset folder (parquet, card, provenance; "
                      "load it with datasets.load_dataset(DIR, LANG)); the scoring commands publish every "
                      "sentence (projection_issues kept), translate-train leaves those with a dropped_reason out "
                      "(counted)")
    data.add_argument("--report", help="write the run report (JSON) here, last (it says \"complete\": true)")
    add_overwrite_argument(data)
    data.add_argument("--cache-dir", help="stage caches (default: <datasets cache>/projner); reruns reuse them")
    run = parser.add_argument_group("execution")
    run.add_argument("--num-proc", type=positive_int, help="worker processes for model stages (one per GPU)")
    run.add_argument("--shard-rows", type=positive_int, default=DEFAULT_SHARD_ROWS,
                     help="rows a model stage maps and caches at a time: a killed run resumes at its first "
                     f"unfinished shard (default {DEFAULT_SHARD_ROWS})")
    run.add_argument("--device", default="auto", type=device_name, help="auto (CUDA if present), cpu, cuda (default auto)")
    run.add_argument("--engine", default="datasets", choices=("datasets", "ray"),
                     help="datasets: Dataset.map in this process (--num-proc workers); ray: Ray Data, model "
                     "stages on actor pools, on this machine or a cluster (pip install 'projner[ray]'; "
                     "docs/ray.md) (default datasets)")
    run.add_argument("--ray-address", help="ray engine: 'auto' joins the cluster started with 'ray start', "
                     "HOST:PORT a given head (default: a local Ray started for the run)")
    run.add_argument("--ray-workers", type=positive_int,
                     help="ray engine: actors per model stage (default: one per GPU slot, else one)")
    run.add_argument("--ray-gpus-per-worker", type=float,
                     help="ray engine: GPUs each actor reserves, 0.5 puts two on a GPU (default: 1 on a "
                     "cluster with GPUs, else 0)")
    run.add_argument("--ray-retries", type=int, default=3,
                     help="ray engine: restarts of a lost worker and retries of its batches (-1: unlimited; "
                     "default 3)")
    run.add_argument("--translate-batch-size", type=positive_int, default=16)
    run.add_argument("--translator-backend", default="transformers", choices=BACKENDS,
                     help="engine of every translation step: transformers (generate) or ctranslate2 (a copy "
                     "converted on first use into the cache; pip install 'projner[fast]') (default transformers)")
    run.add_argument("--compute-type", default="auto", choices=COMPUTE_TYPES,
                     help="precision of the ctranslate2 backend (default auto: int8 on CPU, float16 on GPU)")
    run.add_argument("--ner-batch-size", type=positive_int, default=32)


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
    group.add_argument("--aligner", default="neural", choices=tuple(ALIGNER_BACKENDS),
                       help="neural (encoder similarities, --aligner-model), eflomal (statistical, trained "
                       "on the sentences at hand) or neural+eflomal (neural links, eflomal's where neither "
                       "word has one) (default neural)")
    group.add_argument("--align-method", default=defaults.DEFAULT_ALIGN_METHOD, choices=METHODS,
                       help=f"link extraction of the neural aligner (default {defaults.DEFAULT_ALIGN_METHOD})")
    group.add_argument("--align-layer", type=int, default=defaults.DEFAULT_ALIGN_LAYER,
                       help=f"encoder layer of the neural aligner (default {defaults.DEFAULT_ALIGN_LAYER})")
    add_symmetrization_argument(group)
    group.add_argument("--align-batch-size", type=positive_int, default=32)
    group.add_argument("--easyproject-model", default=defaults.EASYPROJECT_TRANSLATOR,
                       help=f"marker-carrying translator (default {defaults.EASYPROJECT_TRANSLATOR})")
    group.add_argument("--easyproject-tokenizer", default=defaults.DEFAULT_TRANSLATOR,
                       help=f"its tokenizer ('model' for the model's own; default {defaults.DEFAULT_TRANSLATOR})")
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
    from projner.processing.engines import RayConfig
    from projner.processing.engines.ray_data import require_ray
    from projner.processing.options import RunOptions

    if args.engine == "ray":
        if args.num_proc:
            raise SystemExit("projner: --num-proc is the datasets engine's; with --engine ray use --ray-workers")
        try:
            require_ray()
        except ImportError as missing:
            raise SystemExit(f"projner: {missing}") from None
    return RunOptions(
        translator=args.translator, ner_model=args.ner_model, aligner_model=args.aligner_model,
        ner_label_map=tuple(args.ner_label_map), cache_dir=args.cache_dir, num_proc=args.num_proc,
        device=args.device, num_beams=args.num_beams, max_new_tokens=args.max_new_tokens,
        translate_batch_size=args.translate_batch_size, translator_backend=args.translator_backend,
        compute_type=args.compute_type, ner_batch_size=args.ner_batch_size, shard_rows=args.shard_rows,
        strict=args.strict,
        engine=args.engine,
        ray=RayConfig(address=args.ray_address, workers=args.ray_workers, gpus_per_worker=args.ray_gpus_per_worker,
                      retries=args.ray_retries),
    )


def load_gold_split(args: argparse.Namespace, name: str, lang: str) -> Any:
    """The gold split a command names (``--dataset``/``--lang``/``--split``, ``--data-dir``,
    ``--limit``, ``--lenient``), read through projner's builders."""
    from projner.processing.corpora import load_gold
    from projner.processing.options import RunOptions

    return load_gold(name, lang, args.split, data_dir=args.data_dir, limit=args.limit, lenient=args.lenient,
                     strict=args.strict, cache_dir=RunOptions(cache_dir=args.cache_dir).cache_root())


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """Where a command's target sentences come from: a gold dataset by name, or the user's file."""
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--dataset", choices=("masakhaner2", "panx"), help="a gold dataset, read by projner's builders")
    given.add_argument("--input", type=existing_file, help="your own target sentences: a CoNLL file (one word a line, blank line "
                       "between sentences; with a tag column the run is scored against it, without one nothing "
                       "is scored) or a .txt file (one sentence a line, words separated by spaces; not scored)")
    parser.add_argument("--lang", required=True, help="target language code (yo, yor, sw, ...)")
    parser.add_argument("--split", default="test", help="split to run on, or to publish --input as (default test)")


def load_target(args: argparse.Namespace) -> Any:
    """The sentences ``--dataset`` or ``--input`` names, as the pipeline reads them."""
    if args.input:
        from projner.processing.corpora import load_sentences

        return load_sentences(args.input, args.split, limit=args.limit, lenient=args.lenient)
    return load_gold_split(args, args.dataset, args.lang)


def finish(result: Any, args: argparse.Namespace, summary: Any) -> int:
    """After a pipeline: print its summary, export ``--output`` (whole, or not at all), then write
    ``--report`` last, saying ``"complete": true``: a report means the run finished."""
    from projner.outputs import write_report

    summary(result.report)
    if args.output:
        from projner.processing.results import export

        export(result, args.output, overwrite=args.overwrite)
        print_written(args.output, result.config_name)
    if args.report:
        write_report(args.report, result.report)
    return 0


def add_overwrite_argument(parser: Any) -> None:
    parser.add_argument("--overwrite", action="store_true",
                        help="write into an --output folder that is not projner's, and replace a --report file "
                        "projner did not write (files projner did not write in the folder are still kept)")


def check_outputs(args: argparse.Namespace, config_name: str) -> None:
    """Every output path, before any work: ``--output`` (a folder projner may write config
    ``config_name`` into), ``--report`` (a file) and ``--cache-dir`` (any folder: its files are
    caches to reuse); a failed check is one line and nothing done."""
    from projner.dataset_cards.export import check_export_target
    from projner.outputs import check_file, check_folder, check_not_input, is_report

    overwrite = getattr(args, "overwrite", False)
    if getattr(args, "cache_dir", None):
        check_folder(args.cache_dir, "--cache-dir", ours=lambda _: True)
    if getattr(args, "output", None):
        check_export_target(Path(args.output), config_name, overwrite=overwrite)
    if getattr(args, "report", None):
        check_file(args.report, "--report", overwrite=overwrite, ours=is_report)
        check_not_input(args.report, "--report", input_files(args))
    if args.output and args.report and Path(args.report).resolve().is_relative_to(Path(args.output).resolve()):
        raise UserError(f"--report {args.report}: inside --output {args.output}; the folder holds the "
                        "report already (<config>/report.json), write this one elsewhere")


INPUT_OPTIONS = ("source", "target", "alignments", "input", "extra_parallel")
"""The options that name a command's input files (one path or a list)."""


def input_files(args: argparse.Namespace) -> list[str]:
    """Every input file the command line names (for the outputs to be checked against)."""
    found: list[str] = []
    for option in INPUT_OPTIONS:
        given = getattr(args, option, None)
        found += [str(p) for p in (given if isinstance(given, list | tuple) else [given] if given else [])]
    return found


def check_models(args: argparse.Namespace, options: tuple[str, ...]) -> None:
    """A model given as a local path that does not exist fails now, not after the data is read."""
    for option in options:
        value = getattr(args, option, None)
        if value and _looks_local(value) and not Path(value).expanduser().is_dir():
            raise UserError(f"--{option.replace('_', '-')} {value}: no such folder (give a model folder or a Hub id "
                            "such as ORG/NAME)")


def _looks_local(value: str) -> bool:
    """A path rather than a Hub id (``ORG/NAME``): absolute, relative with ``.``/``~``, or deeper."""
    return value.startswith((".", "/", "~")) or value.count("/") > 1 or "\\" in value


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """A value the pipeline refuses, or a model or file it cannot open, as one line (exit 2)."""
    try:
        yield
    except UserError:
        raise
    except (ValueError, OSError) as err:
        raise UserError(str(err)) from err


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
    elif "no_gold" in report:
        found = ", ".join(f"{etype} {n}" for etype, n in report["predicted_entities"].items()) or "none"
        lines.append(f"{report['task']} {report['lang']} {report['split']}: {report['sentences']} sentences, "
                     f"{report['sentences_with_entities']} with entities; entities predicted: {found}")
        lines.append(f"not scored: {report['no_gold']}")
    else:
        lines.append(f"{report['task']} {report['lang']}: {report['sentences']} sentences, {report['kept']} kept; "
                     f"entities: {report['source_entities']} in the source, {report['projected_entities']} "
                     "projected into the kept sentences")
    for key in ("dropped", "incomplete_sentences"):
        if report.get(key):
            lines.append(f"{key.split('_')[0]}: " + json.dumps(report[key], ensure_ascii=False))
    lines.append("steps: " + ", ".join(f"{name} {seconds:.1f}s" + _cache_note(report, name)
                                        for name, seconds in report["timings"].items()))
    print("\n".join(lines), file=sys.stdout)


def _cache_note(report: dict[str, Any], step: str) -> str:
    if step in report["cached_steps"]:
        return " (cached)"
    cached, shards = report.get("cached_shards", {}).get(step, (0, 0))
    return f" ({cached} of {shards} shards cached)" if cached else ""


def prepare(args: argparse.Namespace, *, dataset: str | None = None, translating: bool = False) -> None:
    """What a pipeline command checks before any model loads or any data is read: ``--lang`` (and,
    with ``dataset``, that the dataset has it; ``translating``: that NLLB-200 covers it), the
    split name, local model paths and every output path."""
    from projner.languages import get_language
    from projner.processing.corpora import resolve_gold

    language = get_language(args.lang)
    if dataset is not None:
        resolve_gold(dataset, args.lang)
    if translating:
        language.require_nllb()
    check_names(args, ())
    check_models(args, ("translator", "ner_model", "aligner_model", "easyproject_model"))
    check_outputs(args, language.code)


def add_symmetrization_argument(parser: Any) -> None:
    """``--symmetrization``, the same flag in every command that runs eflomal."""
    parser.add_argument("--symmetrization", default=DEFAULT_SYMMETRIZATION, choices=SYMMETRIZATIONS,
                        help=f"how eflomal's two directions combine (default {DEFAULT_SYMMETRIZATION})")


def add_corpus_step_arguments(parser: argparse.ArgumentParser, *, scope: str = "") -> None:
    """The opt-in whole-corpus steps after projection, alike wherever projection runs; ``scope``
    says where they apply (e.g. which methods)."""
    parser.add_argument("--name-evidence", action="store_true",
                        help="drop projected spans each of whose words the corpus uses more as the translation "
                             "of a common word than of a name (their entities count as unprojected, reason "
                             f"'common word'){scope} (default: off)")
    parser.add_argument("--complete-spans", action="store_true",
                        help="widen projected spans to the word sequences the corpus projects as whole names "
                             f"(EU -> 'Unione' becomes 'Unione europea' where the corpus projects that whole){scope} "
                             "(default: off)")


def add_parallel_arguments(parser: argparse.ArgumentParser) -> None:
    """The aligner and projection options of ``project-parallel`` and ``demo``."""
    parser.add_argument("--aligner", default="eflomal",
                        help=f"word aligner backend, one of {', '.join(ALIGNER_BACKENDS)} (default: eflomal, trained "
                             "on the pair; neural: an encoder, see the neural aligner options; "
                             "neural+eflomal: neural links, eflomal's where neither word has one)")
    parser.add_argument("--alignments", type=existing_file, nargs="+", action=Accumulate,
                        help="ready Pharaoh links (0-indexed, source first, one line per sentence "
                             "pair) to use instead of running an aligner; one file per --source")
    add_symmetrization_argument(parser)
    parser.add_argument("--aligner-runs", type=int, default=None,
                        help="eflomal runs combined by link voting (default: the backend's, 3)")
    parser.add_argument("--extra-parallel", nargs=2, type=existing_file, metavar=("SRC.txt", "TGT.txt"),
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
    add_overwrite_argument(parser)
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
        given = getattr(args, option, None)
        for code in (given if isinstance(given, list) else [given] if given else []):
            try:
                get_language(code)
            except LanguageError as err:
                raise UserError(f"--{option.replace('_', '-')}: {err}") from None
    split = getattr(args, "split", None)
    if split is not None and not SPLIT_NAME_RE.match(split):
        raise UserError(f"--split {split!r}: use letters, digits and '_' (no '-')")
