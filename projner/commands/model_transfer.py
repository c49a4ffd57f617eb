"""``projner model-transfer``: the zero-shot baseline, the NER model applied to the target directly."""

from __future__ import annotations

import argparse

from projner.commands import pipeline_options as cli

HELP = "zero-shot baseline: label the target sentences with the NER model and score them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=("masakhaner2", "panx"))
    parser.add_argument("--lang", required=True, help="target language code (yo, yor, sw, ...)")
    parser.add_argument("--split", default="test", help="split to score (default test)")
    cli.add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.processing.pipelines import model_transfer

    cli.prepare(args, dataset=args.dataset)
    with cli.user_errors():
        gold = cli.load_gold_split(args, args.dataset, args.lang)
        result = model_transfer(gold.dataset, args.lang, run=cli.run_options(args), split=gold.split,
                                origin=gold.origin("dataset"))
    return cli.finish(result, args, cli.print_summary)
