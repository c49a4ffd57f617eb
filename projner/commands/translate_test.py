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
from projner.processing.project.combine import COMBINE_METHODS

HELP = ("translate gold target sentences to English (or other pivots), label them, project the entities "
        "back onto the original words and score them against the gold")


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
    parser.add_argument("--pivots", type=pivot_list, default=["en"],
                        help="pivot language(s) the target is translated into and labelled in, comma-separated "
                             "(default en; give an NER model for them with --ner-model); several: each "
                             "projected back on its own, then combined (--combine)")
    parser.add_argument("--combine", choices=COMBINE_METHODS, default="ilp",
                        help="with several pivots: ilp (weighted evidence; default) or vote")
    parser.add_argument("--min-agree", type=int, help="with --combine vote: pivots that must agree (default: a majority)")
    add_common_arguments(parser)


def pivot_list(text: str) -> list[str]:
    """``--pivots en,fr,sw`` → the codes, checked against projner's language table."""
    from projner.languages import LanguageError, get_language

    codes = [c.strip() for c in text.split(",") if c.strip()]
    try:
        return [get_language(c).code for c in codes] or ["en"]
    except LanguageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def run(args: argparse.Namespace) -> int:
    from projner.commands.pipeline_options import (
        finish,
        gold_origin,
        load_gold_split,
        prepare,
        user_errors,
    )
    from projner.processing.multisource import translate_test_pivots
    from projner.processing.project.combine import CombineConfig

    prepare(args, dataset=args.dataset)
    with user_errors():
        gold = load_gold_split(args, args.dataset, args.lang)
        result = translate_test_pivots(
            gold.dataset, args.lang, args.pivots, run=run_options(args), split=gold.split,
            combine=CombineConfig(method=args.combine, min_agree=args.min_agree),
            method=method_options(args, backtranslation=args.backtranslation, refinement=args.refinement),
            origin=gold_origin(gold, "dataset"))
    return finish(result, args, print_summary)
