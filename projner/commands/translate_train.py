"""``projner translate-train``: a silver corpus from labelled English (CoNLL-2003) by translation
and projection, written as a Hub dataset folder with its provenance and card."""

from __future__ import annotations

import argparse

from projner.commands.pipeline_options import (
    add_common_arguments,
    add_method_arguments,
    method_options,
    print_summary,
    run_options,
)

HELP = "translate labelled English into a language and project its entities: a silver NER corpus"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", default="conll2003", choices=("conll2003",),
                        help="labelled source corpus (a local copy through --data-dir)")
    parser.add_argument("--lang", required=True, help="target language code")
    parser.add_argument("--split", default="train", help="source split to translate (default train)")
    parser.add_argument("--source-label-map", nargs="*", default=["MISC=O"], metavar="TYPE=NEW",
                        help="rewrites of the source's types (default MISC=O); renames apply before "
                        "projection, dropped types (TYPE=O) after retyping (see --retype-dropped)")
    add_method_arguments(parser, methods=("heuristic", "candidates", "easyproject"))
    parser.add_argument("--retype-dropped", action=argparse.BooleanOptionalAction, default=True,
                        help="project the types the label map drops (MISC) too, give each projected span the "
                        "type the corpus's other projections give its text (a translated nationality that "
                        "became a country name becomes LOC) or O, then apply the map; heuristic and "
                        "candidates only (default: on)")
    selection = parser.add_argument_group("which sentences the silver corpus keeps")
    selection.add_argument("--keep-partial", action="store_true",
                           help="keep sentences where some entity was not projected (default: drop, counted)")
    selection.add_argument("--min-score", type=float,
                           help="drop (and count) sentences with a projected entity scored below this")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.commands.pipeline_options import (
        finish,
        gold_origin,
        load_gold_split,
        prepare,
        user_errors,
    )
    from projner.processing.pipelines import translate_train

    prepare(args, translating=True)
    with user_errors():
        gold = load_gold_split(args, args.source, "en")
        result = translate_train(
            gold.dataset, args.lang, source_lang="en", run=run_options(args), split=gold.split,
            method=method_options(args, keep_partial=args.keep_partial, min_score=args.min_score,
                                  retype_dropped=args.retype_dropped),
            source_label_map=tuple(args.source_label_map), origin=gold_origin(gold, "source"),
        )
    return finish(result, args, print_summary)
