"""The ``projner`` command: parse, hand over to a command module, print. Nothing else lives here.

Each sub-command is a module in :mod:`projner.commands` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; modules import their heavy dependencies inside ``run`` so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from projner import __version__

COMMANDS: tuple[str, ...] = (
    "demo", "project-parallel", "align", "aer", "translate-test", "model-transfer", "translate-train",
    "export", "push", "view", "train", "report",
)
"""Sub-command names; ``project-parallel`` lives in ``projner.commands.project_parallel``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="projner",
        description="Annotation projection for cross-lingual NER: project gold entities across "
        "translations and word alignments, and publish the silver corpora as Hugging Face datasets.",
    )
    parser.add_argument("--version", action="version", version=f"projner {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"projner.commands.{name.replace('-', '_')}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
