"""``projner aer --gold FILE --pred FILE``: precision, recall and alignment error rate.

Gold ``i-j`` links are sure, ``ipj`` possible. Either file may be 0- or 1-indexed; by default the
indexing is detected (a file with no index 0 is read as 1-indexed) and the choice is printed.
"""

from __future__ import annotations

import argparse

from projner.commands.checks import existing_file
from projner.errors import UserError

HELP = "score predicted word alignments against gold sure/possible links (precision, recall, AER)"


def _indexing(parser: argparse.ArgumentParser, side: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{side}-one-indexed", dest=f"{side}_one_indexed", action="store_const", const=True,
                       help=f"the {side} file counts words from 1")
    group.add_argument(f"--{side}-zero-indexed", dest=f"{side}_one_indexed", action="store_const", const=False,
                       help=f"the {side} file counts words from 0 (default for both: detect)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", required=True, type=existing_file, help="gold Pharaoh file (i-j sure, ipj possible)")
    parser.add_argument("--pred", required=True, type=existing_file, help="predicted Pharaoh file, same sentence order")
    _indexing(parser, "gold")
    _indexing(parser, "pred")


def run(args: argparse.Namespace) -> int:
    from projner.processing.align.aer import alignment_error_rate, read_links
    from projner.processing.align.links import PharaohError

    try:
        gold, gold_one = read_links(args.gold, one_indexed=args.gold_one_indexed)
        pred, pred_one = read_links(args.pred, one_indexed=args.pred_one_indexed)
        if len(gold) != len(pred):
            raise ValueError(f"{args.gold} has {len(gold)} lines but {args.pred} has {len(pred)}")
        scores = alignment_error_rate(gold, [line.sure + line.possible for line in pred])
    except (PharaohError, ValueError, OSError) as err:
        raise UserError(str(err)) from None

    def how(one: bool, given: bool | None) -> str:
        return f"{'1' if one else '0'}-indexed ({'given' if given is not None else 'detected'})"

    print(f"gold {args.gold}: {how(gold_one, args.gold_one_indexed)}; "
          f"pred {args.pred}: {how(pred_one, args.pred_one_indexed)}")
    print(f"sentences {scores.sentences}  predicted {scores.predicted}  sure {scores.sure}  "
          f"possible {scores.possible}")
    print(f"precision {scores.precision:.4f}  recall {scores.recall:.4f}  AER {scores.aer:.4f}")
    return 0
