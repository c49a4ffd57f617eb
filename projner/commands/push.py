"""``projner push DIR --repo-id ORG/NAME``: upload an export folder to the Hub as a dataset repo.

The folder is checked first (README with a ``configs`` block, every data file present), and the card
travels in the same commit as the data, so the Hub never holds parquet files without the YAML that
maps them to configs and splits. For a projner export the card is rewritten first so that its
loading example names the repository. The token comes from ``--token``, else ``HF_TOKEN`` or
``huggingface-cli login``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "upload an export folder (data + card, one commit) to a Hugging Face dataset repository"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="folder written by projner export / --output")
    parser.add_argument("--repo-id", required=True, help="dataset repository, ORG/NAME")
    parser.add_argument("--private", action="store_true", help="create the repository private")
    parser.add_argument("--token", help="Hub token (default: HF_TOKEN or the cached login)")
    parser.add_argument("--revision", help="branch to commit to (created if missing; default: main)")
    parser.add_argument("--commit-message", help="commit message (default: names the configs)")


def push_folder(folder: Path, repo_id: str, *, private: bool = False, token: str | None = None,
                revision: str | None = None, commit_message: str | None = None) -> str:
    """Validate, refresh the card, create the repo and upload; returns the commit URL."""
    from huggingface_hub import HfApi

    from projner.dataset_cards.card import write_card
    from projner.dataset_cards.folder import HubFolderError, validate_hub_folder

    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise HubFolderError(f"--repo-id {repo_id!r}: expected ORG/NAME")
    metadata = validate_hub_folder(folder)
    if any(folder.glob("*/provenance.json")):
        write_card(folder, location=repo_id)
        metadata = validate_hub_folder(folder)
    license_id = metadata.get("license")
    if license_id in ("other", "unknown") or isinstance(license_id, list):
        print(f"note: licence {license_id}: {metadata.get('license_details', 'see the card')}",
              file=sys.stderr)
    configs = [c["config_name"] for c in metadata["configs"]]
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    if revision and revision != "main":
        api.create_branch(repo_id, branch=revision, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(
        repo_id=repo_id,
        folder_path=folder,
        repo_type="dataset",
        revision=revision,
        commit_message=commit_message or f"projner: configs {', '.join(configs)}",
        delete_patterns=["*.parquet"],
    )
    return str(getattr(commit, "commit_url", commit))


def run(args: argparse.Namespace) -> int:
    from huggingface_hub.errors import HfHubHTTPError, LocalTokenNotFoundError

    from projner.dataset_cards.folder import HubFolderError

    try:
        url = push_folder(args.dir, args.repo_id, private=args.private, token=args.token,
                          revision=args.revision, commit_message=args.commit_message)
    except (HubFolderError, ValueError) as err:
        print(f"projner push: {err}", file=sys.stderr)
        return 1
    except LocalTokenNotFoundError:
        print("projner push: no Hub token: pass --token, set HF_TOKEN or run `hf auth login`",
              file=sys.stderr)
        return 1
    except HfHubHTTPError as err:
        print(f"projner push: the Hub refused the upload: {err}", file=sys.stderr)
        return 1
    print(f"pushed {args.dir} to https://huggingface.co/datasets/{args.repo_id}: {url}")
    return 0
