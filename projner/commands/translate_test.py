"""``projner translate-test``: the paper's evaluation protocol on a gold target-language test set."""

from __future__ import annotations

import argparse

from projner.commands.pipeline_options import (
    add_common_arguments,
    add_method_arguments,
    method_options,
    print_summary,
    run_options,
)

HELP = ("translate gold target sentences to English, label them, project the entities back onto the "
        "original words and score them against the gold")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=("masakhaner2", "panx"))
    parser.add_argument("--lang", required=True, help="target language code (yo, yor, sw, ...)")
    parser.add_argument("--split", default="test", help="split to score (default test)")
    add_method_arguments(parser, methods=("heuristic", "candidates"))
    parser.add_argument("--backtranslation", action="store_true",
                        help="use a back-translation of the labelled English into the target language")
    parser.add_argument("--refinement", default="markers",
                        choices=("markers", "back-translation", "intersection", "union"),
                        help="with --backtranslation: markers (the paper's: the EasyProject model carries the "
                        "entities into the back-translation, which is aligned to the original and projected "
                        "from) or links English→back-translation→original, alone or intersected/united with "
                        "the direct links (default markers)")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.commands.pipeline_options import (
        finish,
        gold_origin,
        load_gold_split,
        prepare,
        user_errors,
    )
    from projner.processing.pipelines import translate_test

    prepare(args, dataset=args.dataset)
    with user_errors():
        gold = load_gold_split(args, args.dataset, args.lang)
        result = translate_test(gold.dataset, args.lang, run=run_options(args), split=gold.split,
                                method=method_options(args, backtranslation=args.backtranslation,
                                                      refinement=args.refinement),
                                origin=gold_origin(gold, "dataset"))
    return finish(result, args, print_summary)
