"""``projner align``: word-align ``src ||| tgt`` lines, write one Pharaoh line per input line.

Links are 0-indexed, source first, in input order; a pair with an empty side gets an empty line.
"""

from __future__ import annotations

import argparse
import sys

from projner.commands.aligner_options import add_neural_arguments, neural_options
from projner.commands.pipeline_options import add_symmetrization_argument
from projner.errors import UserError

HELP = "word-align 'source ||| target' lines (neural or eflomal) and write Pharaoh i-j links"



def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="pairs file: 'source words ||| target words' per line")
    parser.add_argument("--output", required=True, help="Pharaoh links file to write ('-': stdout)")
    parser.add_argument("--overwrite", action="store_true", help="replace --output if it exists")
    parser.add_argument("--aligner", choices=("neural", "eflomal"), default="neural",
                        help="backend (default: neural); eflomal learns from the input file itself")
    add_symmetrization_argument(parser)
    add_neural_arguments(parser, method_flag="--method")


def run(args: argparse.Namespace) -> int:
    from projner.outputs import check_file, check_not_input, write_text
    from projner.processing.align.backends import make_aligner
    from projner.processing.align.links import format_pharaoh
    from projner.processing.align.pairs import read_pairs

    if args.output != "-":
        check_file(args.output, "--output", overwrite=args.overwrite)
        check_not_input(args.output, "--output", [args.input])
    try:
        sources, targets = read_pairs(args.input)
    except OSError as err:
        raise UserError(f"--input: {err}") from None
    if not sources:
        raise UserError(f"no sentence pairs in {args.input}")
    try:
        options = neural_options(args) if args.aligner == "neural" else {"symmetrization": args.symmetrization}
        links = make_aligner(args.aligner, **options).align(sources, targets)
    except (ValueError, OSError) as err:  # bad option, model not found
        raise UserError(str(err)) from None
    lines = "".join(format_pharaoh(pair) + "\n" for pair in links)
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        write_text(args.output, lines)
    empty = sum(1 for s, t in zip(sources, targets) if not s or not t)
    print(f"aligned {len(links)} pairs ({empty} with an empty side, given no links) with {args.aligner}"
          f" -> {args.output}", file=sys.stderr)
    return 0
