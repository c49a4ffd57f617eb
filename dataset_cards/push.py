"""Upload an export folder to the Hub as a dataset repository.

The folder is checked first (README with a ``configs`` block, every data file present), and the card
travels in the same commit as the data, so the Hub never holds parquet files without the YAML that
maps them to configs and splits. For a projner export the card is rewritten first so that its
loading example names the repository. The token comes from ``token``, else ``HF_TOKEN`` or
``hf auth login``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from projner.errors import UserError


def push(folder: str | os.PathLike, repo_id: str, *, private: bool = False, token: str | None = None,
                revision: str | None = None, commit_message: str | None = None) -> str:
    """Upload an export folder to the Hub dataset repository ``repo_id`` in one commit (data and
    card together); returns the commit URL. The folder is validated first and a projner card is
    rewritten so that its loading example names the repository."""
    folder = Path(folder)
    from huggingface_hub import HfApi, get_token

    from projner.dataset_cards.card import write_card
    from projner.dataset_cards.folder import (
        HubFolderError,
        is_projner_card,
        validate_hub_folder,
    )

    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise HubFolderError(f"--repo-id {repo_id!r}: expected ORG/NAME")
    metadata = validate_hub_folder(folder)
    token = token or get_token()
    if not token:
        raise UserError("no Hub token: pass --token, set HF_TOKEN or run `hf auth login`")
    api = HfApi(token=token)
    with _hub_errors(repo_id):
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    if is_projner_card(folder / "README.md"):
        write_card(folder, location=repo_id)
        metadata = validate_hub_folder(folder)
    else:
        print(f"note: {folder / 'README.md'} was not written by projner: uploaded as it is, not regenerated",
              file=sys.stderr)
    license_id = metadata.get("license")
    if license_id in ("other", "unknown") or isinstance(license_id, list):
        print(f"note: licence {license_id}: {metadata.get('license_details', 'see the card')}",
              file=sys.stderr)
    configs = [c["config_name"] for c in metadata["configs"]]
    with _hub_errors(repo_id):
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


def _offline_settings() -> str:
    """The environment variables that put huggingface_hub offline, as set here."""
    names = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    return " and ".join(f"{n}={os.environ[n]}" for n in names if os.environ.get(n)) or "HF_HUB_OFFLINE"


@contextlib.contextmanager
def _hub_errors(repo_id: str) -> Iterator[None]:
    """No network, an offline setting or a refusal by the Hub: one line saying which, at once."""
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalTokenNotFoundError,
        OfflineModeIsEnabled,
    )

    try:
        yield
    except LocalTokenNotFoundError:
        raise UserError("no Hub token: pass --token, set HF_TOKEN or run `hf auth login`") from None
    except OfflineModeIsEnabled:
        raise UserError(f"offline mode is on ({_offline_settings()}): unset it to push") from None
    except HfHubHTTPError as err:
        raise UserError(f"the Hub refused {repo_id}: {str(err).splitlines()[0]}") from None
    except _network_errors() as err:
        raise UserError(f"cannot reach the Hub ({type(err).__name__}: {err}); check the network") from None


def _network_errors() -> tuple[type[BaseException], ...]:
    """Connection failures of whichever HTTP client this huggingface_hub uses, and the OS's own."""
    errors: list[type[BaseException]] = [OSError]
    for module, name in (("httpx", "TransportError"), ("httpx2", "TransportError"),
                         ("requests", "ConnectionError"), ("requests", "Timeout")):
        try:
            errors.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)
