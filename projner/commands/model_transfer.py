"""``projner model-transfer``: the zero-shot baseline, the NER model applied to the target directly."""

from __future__ import annotations

import argparse

from projner.commands.pipeline_options import (
    add_common_arguments,
    print_summary,
    run_options,
)

HELP = "zero-shot baseline: label the target sentences with the NER model and score them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=("masakhaner2", "panx"))
    parser.add_argument("--lang", required=True, help="target language code (yo, yor, sw, ...)")
    parser.add_argument("--split", default="test", help="split to score (default test)")
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.commands.pipeline_options import (
        finish,
        gold_origin,
        load_gold_split,
        prepare,
        user_errors,
    )
    from projner.processing.pipelines import model_transfer

    prepare(args, dataset=args.dataset)
    with user_errors():
        gold = load_gold_split(args, args.dataset, args.lang)
        result = model_transfer(gold.dataset, args.lang, run=run_options(args), split=gold.split,
                                origin=gold_origin(gold, "dataset"))
    return finish(result, args, print_summary)
