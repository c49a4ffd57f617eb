"""``projner view``: one self-contained HTML page of an output folder, to see where projection went
wrong (see :mod:`projner.viewer`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from projner.errors import UserError

HELP = ("write one HTML page (no server, no network) showing an output folder's sentence pairs, "
        "entities, word links and gold disagreements, with filters")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from projner.viewer.page import DEFAULT_PAGE_SIZE

    parser.add_argument("folder", type=Path, help="an output folder (--output of a pipeline, projner export)")
    parser.add_argument("--config", help="which config (target language) to show; default: the card's default")
    parser.add_argument("--split", help="which split to show; default: the config's first")
    parser.add_argument("--output", type=Path, required=True, help="the HTML file to write")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE,
                        help=f"pairs per page when the page opens (default {DEFAULT_PAGE_SIZE})")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace --output even if it is not a page projner view wrote")


def run(args: argparse.Namespace) -> int:
    from projner.outputs import check_file
    from projner.viewer import view
    from projner.viewer.page import is_page

    check_file(args.output, "--output", overwrite=args.overwrite, ours=is_page)
    shown = args.folder.resolve()
    if args.output.is_file() and not is_page(args.output) and (
            args.output.resolve() == shown or args.output.resolve().is_relative_to(shown)):
        raise UserError(f"--output {args.output}: is a file of {args.folder}, which the page shows; "
                        "write the page elsewhere")
    page = view(args.folder, args.output, config=args.config, split=args.split, page_size=args.page_size)
    size = page.path.stat().st_size / 1e6
    print(f"{page.path}: {page.pairs} sentence pairs of config {page.config!r}, split {page.split!r} "
          f"({size:.1f} MB); open it in a browser")
    if page.others:
        print(f"other splits in {args.folder}: {', '.join(page.others)} (choose with --config/--split)")
    return 0
