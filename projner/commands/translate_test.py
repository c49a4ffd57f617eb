"""``projner translate-test``: the paper's evaluation protocol on a gold target-language test set, or
the same pipeline labelling a user's own target sentences (scored only where they carry tags)."""

from __future__ import annotations

import argparse

from projner.commands import pipeline_options as cli
from projner.processing.project.combine import COMBINE_METHODS

HELP = ("translate target sentences to English (or other pivots), label them, project the entities "
        "back onto the original words and score them against the gold where there is one")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cli.add_target_arguments(parser)
    cli.add_method_arguments(parser, methods=("heuristic", "candidates"))
    cli.add_corpus_step_arguments(parser)
    parser.add_argument("--backtranslation", action="store_true",
                        help="use a back-translation of the labelled English into the target language")
    parser.add_argument("--refinement", default="markers",
                        choices=("markers", "back-translation", "intersection", "union"),
                        help="with --backtranslation: markers (the paper's: the EasyProject model carries the "
                        "entities into the back-translation, which is aligned to the original and projected "
                        "from) or links English→back-translation→original, alone or intersected/united with "
                        "the direct links (default markers)")
    parser.add_argument("--pivots", type=pivot_list, default=["en"],
                        help="pivot language(s) the target is translated into and labelled in, comma-separated "
                             "(default en; give an NER model for them with --ner-model); several: each "
                             "projected back on its own, then combined (--combine)")
    parser.add_argument("--combine", choices=COMBINE_METHODS, default="ilp",
                        help="with several pivots: ilp (weighted evidence; default) or vote")
    parser.add_argument("--min-agree", type=int, help="with --combine vote: pivots that must agree (default: a majority)")
    cli.add_common_arguments(parser)


def pivot_list(text: str) -> list[str]:
    """``--pivots en,fr,sw`` → the codes, checked against projner's language table."""
    from projner.languages import LanguageError, get_language

    codes = [c.strip() for c in text.split(",") if c.strip()]
    try:
        return [get_language(c).code for c in codes] or ["en"]
    except LanguageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def run(args: argparse.Namespace) -> int:
    from projner.processing.multisource import translate_test_pivots
    from projner.processing.project.combine import CombineConfig

    cli.prepare(args, dataset=args.dataset)
    with cli.user_errors():
        target = cli.load_target(args)
        result = translate_test_pivots(
            target.dataset, args.lang, args.pivots, run=cli.run_options(args), split=target.split,
            combine=CombineConfig(method=args.combine, min_agree=args.min_agree),
            method=cli.method_options(args, backtranslation=args.backtranslation, refinement=args.refinement,
                                      name_evidence=args.name_evidence, span_completion=args.complete_spans),
            origin=target.origin("dataset"))
    return cli.finish(result, args, cli.print_summary)
