"""The neural aligner's command-line options, shared by ``projner align`` and ``project-parallel``.

Literals, not the aligner's enums, so that ``projner --help`` does not import torch (a test keeps
them equal to the enums).
"""

from __future__ import annotations

import argparse
from typing import Any

from projner.commands.checks import device_name, positive_int
from projner.processing.defaults import (
    DEFAULT_ALIGN_LAYER,
    DEFAULT_ALIGN_METHOD,
    DEFAULT_ALIGNER_MODEL,
)

METHODS = ("argmax", "itermax", "match", "softmax")
TOKEN_TYPES = ("word", "bpe")


def add_neural_arguments(parser: argparse.ArgumentParser, *, method_flag: str) -> None:
    """The neural aligner's group; ``method_flag`` names its extraction option (``--method`` in
    ``projner align``, ``--align-method`` where ``--method`` is the projection method)."""
    neural = parser.add_argument_group("neural aligner (--aligner neural)")
    neural.add_argument("--model", "--aligner-model", dest="model", default=DEFAULT_ALIGNER_MODEL,
                        help=f"encoder Hub id or local folder (default: {DEFAULT_ALIGNER_MODEL})")
    neural.add_argument("--revision", help="model revision (branch, tag or commit)")
    neural.add_argument("--layer", "--align-layer", dest="layer", type=int, default=DEFAULT_ALIGN_LAYER,
                        help=f"hidden layer to align with (default: {DEFAULT_ALIGN_LAYER})")
    neural.add_argument(method_flag, dest="align_method", choices=METHODS, default=DEFAULT_ALIGN_METHOD,
                        help=f"link extraction (default: {DEFAULT_ALIGN_METHOD})")
    neural.add_argument("--token-type", choices=TOKEN_TYPES, default="bpe",
                        help="align subwords (bpe, default) or words (mean of their subwords)")
    neural.add_argument("--distortion", type=float, default=0.0,
                        help="SimAlign's position prior, 0 = off (argmax/itermax/match)")
    neural.add_argument("--softmax-threshold", type=float, default=0.001,
                        help="AWESoME's probability threshold (softmax method; default 0.001)")
    neural.add_argument("--max-length", type=positive_int,
                        help="encoder window in subwords (default: the model's); longer sentences use windows")
    neural.add_argument("--batch-size", type=positive_int, default=32, help="sentence pairs per forward pass (default 32)")
    neural.add_argument("--device", default="auto", type=device_name, help="cpu, cuda, cuda:1, or auto (default)")
    neural.add_argument("--dtype", default="float32",
                        choices=("float32", "float64", "bfloat16", "float16", "auto"),
                        help="model precision (default float32; auto: bf16/fp16 on GPU)")


def neural_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`NeuralAlignerConfig` keywords the parsed options give."""
    return {
        "model": args.model, "revision": args.revision, "layer": args.layer, "method": args.align_method,
        "token_type": args.token_type, "distortion": args.distortion,
        "softmax_threshold": args.softmax_threshold, "max_length": args.max_length,
        "batch_size": args.batch_size, "device": args.device, "dtype": args.dtype,
    }
