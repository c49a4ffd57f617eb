"""The Hub repository layout projner writes, reads back and checks before a push.

::

    DIR/README.md                            card; YAML front matter with configs + dataset_info
    DIR/<config>/<split>-00000-of-00001.parquet
    DIR/<config>/provenance.json             how the config was made (dataset_cards.provenance)
    DIR/<config>/statistics.json             per split: sentences, dropped by reason, entities
    DIR/<config>/report.json                 the run's report (scores), where one was given

The ``configs`` block maps each config's splits to ``<config>/<split>-*.parquet``, so the data files
are found the same way locally (``load_dataset(DIR, config)``) and on the Hub.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from projner.dataset_cards.provenance import Provenance, ProvenanceError, as_provenance
from projner.errors import UserError
from projner.outputs import interrupted_leftovers, write_text

README = "README.md"
PROVENANCE_FILE = "provenance.json"
STATISTICS_FILE = "statistics.json"
REPORT_FILE = "report.json"

CONFIG_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SPLIT_NAME_RE = re.compile(r"^\w+(\.\w+)*$")
"""What ``datasets`` accepts as a split name in ``data_files`` (no dashes)."""


CARD_MARKER = "<!-- projner card: generated from each config's provenance.json; projner export and push rewrite it -->"
"""The first line of a card's body: how projner knows a README is its own to rewrite."""


class HubFolderError(UserError):
    """A folder that is not a valid Hub dataset repository; the message names the file and entry."""


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def split_pattern(config: str, split: str) -> str:
    """The ``data_files`` path of one split of one config (relative to the folder)."""
    return f"{config}/{split}-*.parquet"


def read_front_matter(readme: Path) -> tuple[dict[str, Any], str]:
    """(YAML metadata, Markdown body) of a card; ({}, text) where it has no front matter."""
    text = readme.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        raise HubFolderError(f"{readme}: the YAML front matter opened on line 1 is never closed by '---'")
    try:
        metadata = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as err:
        raise HubFolderError(f"{readme}: front matter is not valid YAML: {err}") from err
    if not isinstance(metadata, dict):
        raise HubFolderError(f"{readme}: front matter must be a YAML mapping")
    return metadata, text[end + 5:]


def is_projner_card(readme: Path) -> bool:
    """Whether ``readme`` is a card projner wrote (so projner may rewrite it)."""
    try:
        return CARD_MARKER in readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def is_projner_folder(folder: Path) -> bool:
    """Whether ``folder`` is a Hub folder projner wrote: its card is projner's, or (folders written
    before cards were marked) every config its card lists has projner's provenance beside it."""
    readme = Path(folder) / README
    if is_projner_card(readme):
        return True
    try:
        configs = read_front_matter(readme)[0].get("configs") if readme.is_file() else None
    except HubFolderError:
        return False
    return bool(configs) and all(isinstance(c, dict) and (Path(folder) / str(c.get("config_name")) /
                                                          PROVENANCE_FILE).is_file() for c in configs)


def write_readme(readme: Path, metadata: dict[str, Any], body: str) -> None:
    front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000)
    write_text(readme, f"---\n{front}---\n\n{body.lstrip()}")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise HubFolderError(f"{path}: not valid JSON: {err}") from err


def read_provenance(path: Path) -> Provenance:
    """A ``provenance.json``, checked; a missing or malformed field names the file, which the
    record itself cannot (the same message would otherwise fit any config of any folder)."""
    try:
        return as_provenance(read_json(path))
    except ProvenanceError as err:
        raise ProvenanceError(f"{path}: {err}") from err


def _paths(entry: dict[str, Any]) -> list[str]:
    path = entry.get("path")
    return [path] if isinstance(path, str) else list(path or [])


def validate_hub_folder(folder: Path) -> dict[str, Any]:
    """The folder's card metadata, after checking that a Hub upload of it would load.

    Checks: ``README.md`` exists with a ``configs`` list; every config has a valid name and
    ``data_files`` of ``{split, path}``; every path (or glob) matches at least one file inside the
    folder; at most one config is the default.
    """
    folder = Path(folder)
    readme = folder / README
    if not folder.is_dir():
        raise HubFolderError(f"{folder}: not a folder")
    if not readme.is_file():
        raise HubFolderError(f"{readme}: missing; the card carries the configs block the Hub needs")
    left = interrupted_leftovers(folder)
    if left:
        more = f" and {len(left) - 1} more" if len(left) > 1 else ""
        raise HubFolderError(f"{folder}: holds {left[0].relative_to(folder)}{more}, left by an interrupted run; "
                             f"`projner export {folder}` restores or removes them")
    metadata, _ = read_front_matter(readme)
    configs = metadata.get("configs")
    if not isinstance(configs, list) or not configs:
        raise HubFolderError(f"{readme}: front matter has no 'configs' list")
    defaults = []
    for position, config in enumerate(configs):
        name = config.get("config_name") if isinstance(config, dict) else None
        where = f"{readme}: configs[{position}]" + (f" ({name})" if name else "")
        if not name or not CONFIG_NAME_RE.match(str(name)):
            raise HubFolderError(f"{where}: missing or invalid config_name {name!r}")
        if config.get("default"):
            defaults.append(name)
        data_files = config.get("data_files")
        if not isinstance(data_files, list) or not data_files:
            raise HubFolderError(f"{where}: no data_files list")
        for entry in data_files:
            if not isinstance(entry, dict) or not SPLIT_NAME_RE.match(str(entry.get("split", ""))):
                raise HubFolderError(f"{where}: data_files entry {entry!r} is not {{split, path}}")
            for pattern in _paths(entry):
                if pattern.startswith("/") or ".." in Path(pattern).parts:
                    raise HubFolderError(f"{where}: data file {pattern!r} is outside the folder")
                if not any(p.is_file() for p in folder.glob(pattern)):
                    raise HubFolderError(
                        f"{where}: split {entry['split']!r}: no file matches {pattern!r} in {folder}"
                    )
    if len(defaults) > 1:
        raise HubFolderError(f"{readme}: several default configs: {', '.join(defaults)}")
    return metadata
