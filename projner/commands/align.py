"""``projner align``: word-align ``src ||| tgt`` lines, write one Pharaoh line per input line.

Links are 0-indexed, source first, in input order; a pair with an empty side gets an empty line.
"""

from __future__ import annotations

import argparse
import sys

HELP = "word-align 'source ||| target' lines (neural or eflomal) and write Pharaoh i-j links"

# Literals, not the enums, so that ``projner --help`` does not import torch (a test keeps them equal).
METHODS = ("argmax", "itermax", "match", "softmax")
TOKEN_TYPES = ("word", "bpe")
DEFAULT_ALIGNER_MODEL = "bert-base-multilingual-cased"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="pairs file: 'source words ||| target words' per line")
    parser.add_argument("--output", required=True, help="Pharaoh links file to write ('-': stdout)")
    parser.add_argument("--aligner", choices=("neural", "eflomal"), default="neural",
                        help="backend (default: neural); eflomal learns from the input file itself")
    neural = parser.add_argument_group("neural aligner")
    neural.add_argument("--model", default=DEFAULT_ALIGNER_MODEL,
                        help=f"encoder Hub id or local folder (default: {DEFAULT_ALIGNER_MODEL})")
    neural.add_argument("--revision", help="model revision (branch, tag or commit)")
    neural.add_argument("--layer", type=int, default=8, help="hidden layer to align with (default: 8)")
    neural.add_argument("--method", choices=METHODS, default="argmax",
                        help="link extraction (default: argmax)")
    neural.add_argument("--token-type", choices=TOKEN_TYPES, default="bpe",
                        help="align subwords (bpe, default) or words (mean of their subwords)")
    neural.add_argument("--distortion", type=float, default=0.0,
                        help="SimAlign's position prior, 0 = off (argmax/itermax/match)")
    neural.add_argument("--softmax-threshold", type=float, default=0.001,
                        help="AWESoME's probability threshold (softmax method; default 0.001)")
    neural.add_argument("--max-length", type=int,
                        help="encoder window in subwords (default: the model's); longer sentences use windows")
    neural.add_argument("--batch-size", type=int, default=32, help="sentence pairs per forward pass (default 32)")
    neural.add_argument("--device", default="auto", help="cpu, cuda, cuda:1, or auto (default)")
    neural.add_argument("--dtype", default="float32",
                        choices=("float32", "float64", "bfloat16", "float16", "auto"),
                        help="model precision (default float32; auto: bf16/fp16 on GPU)")


def _options(args: argparse.Namespace) -> dict[str, object]:
    if args.aligner == "eflomal":
        return {}
    return {
        "model": args.model, "revision": args.revision, "layer": args.layer, "method": args.method,
        "token_type": args.token_type, "distortion": args.distortion,
        "softmax_threshold": args.softmax_threshold, "max_length": args.max_length,
        "batch_size": args.batch_size, "device": args.device, "dtype": args.dtype,
    }


def run(args: argparse.Namespace) -> int:
    from projner.processing.align.backends import make_aligner
    from projner.processing.align.links import format_pharaoh
    from projner.processing.align.pairs import PairsError, read_pairs

    try:
        sources, targets = read_pairs(args.input)
        links = make_aligner(args.aligner, **_options(args)).align(sources, targets)
    except (PairsError, ValueError, OSError) as err:  # bad input, bad option, model not found
        print(f"projner align: {err}", file=sys.stderr)
        return 1
    lines = "".join(format_pharaoh(pair) + "\n" for pair in links)
    if args.output == "-":
        sys.stdout.write(lines)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(lines)
    empty = sum(1 for s, t in zip(sources, targets) if not s or not t)
    print(f"aligned {len(links)} pairs ({empty} with an empty side, given no links) with {args.aligner}"
          f" -> {args.output}", file=sys.stderr)
    return 0
