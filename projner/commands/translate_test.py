"""``projner translate-test``: the paper's evaluation protocol on a gold target-language test set."""

from __future__ import annotations

import argparse

from projner.commands import pipeline_options as cli

HELP = ("translate gold target sentences to English, label them, project the entities back onto the "
        "original words and score them against the gold")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=("masakhaner2", "panx"))
    parser.add_argument("--lang", required=True, help="target language code (yo, yor, sw, ...)")
    parser.add_argument("--split", default="test", help="split to score (default test)")
    cli.add_method_arguments(parser, methods=("heuristic", "candidates"))
    parser.add_argument("--backtranslation", action="store_true",
                        help="use a back-translation of the labelled English into the target language")
    parser.add_argument("--refinement", default="markers",
                        choices=("markers", "back-translation", "intersection", "union"),
                        help="with --backtranslation: markers (the paper's: the EasyProject model carries the "
                        "entities into the back-translation, which is aligned to the original and projected "
                        "from) or links English→back-translation→original, alone or intersected/united with "
                        "the direct links (default markers)")
    cli.add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.processing.pipelines import translate_test

    cli.prepare(args, dataset=args.dataset)
    with cli.user_errors():
        gold = cli.load_gold_split(args, args.dataset, args.lang)
        result = translate_test(gold.dataset, args.lang, run=cli.run_options(args), split=gold.split,
                                method=cli.method_options(args, backtranslation=args.backtranslation,
                                                          refinement=args.refinement),
                                origin=gold.origin("dataset"))
    return cli.finish(result, args, cli.print_summary)
