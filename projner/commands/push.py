"""``projner push DIR --repo-id ORG/NAME``: upload an export folder to the Hub as a dataset repo
(:func:`projner.dataset_cards.push.push`: data and card in one commit). The token comes from
``--token``, else ``HF_TOKEN`` or ``hf auth login``."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "upload an export folder (data + card, one commit) to a Hugging Face dataset repository"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="folder written by projner export / --output")
    parser.add_argument("--repo-id", required=True, help="dataset repository, ORG/NAME")
    parser.add_argument("--private", action="store_true", help="create the repository private")
    parser.add_argument("--token", help="Hub token (default: HF_TOKEN or the cached login)")
    parser.add_argument("--revision", help="branch to commit to (created if missing; default: main)")
    parser.add_argument("--commit-message", help="commit message (default: names the configs)")


def run(args: argparse.Namespace) -> int:
    from projner.dataset_cards.push import push

    url = push(args.dir, args.repo_id, private=args.private, token=args.token,
               revision=args.revision, commit_message=args.commit_message)
    print(f"pushed {args.dir} to https://huggingface.co/datasets/{args.repo_id}: {url}")
    return 0
