"""``projner model-transfer``: the zero-shot baseline, the NER model applied to the target directly."""

from __future__ import annotations

import argparse

from projner.commands import pipeline_options as cli

HELP = "zero-shot baseline: label the target sentences with the NER model (and score them where they have gold tags)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cli.add_target_arguments(parser)
    cli.add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.processing.pipelines import model_transfer

    cli.prepare(args, dataset=args.dataset)
    with cli.user_errors():
        target = cli.load_target(args)
        result = model_transfer(target.dataset, args.lang, run=cli.run_options(args), split=target.split,
                                origin=target.origin("dataset"))
    return cli.finish(result, args, cli.print_summary)
