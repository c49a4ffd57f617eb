"""Read one config and split of an exported output folder, with the records written beside it,
or of a pipeline's result before export.

The folder is the one :func:`projner.dataset_cards.export.export_hub_folder` writes (layout in
:mod:`projner.dataset_cards.folder`); a single config's folder (``DIR/<config>``) is read as well,
since that is where the provenance sits. The parquet shards are read straight into a ``Dataset``
(its features come from the files' metadata), so viewing writes nothing to the datasets cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets

from projner.dataset_cards.export import default_config_name
from projner.dataset_cards.folder import (
    PROVENANCE_FILE,
    README,
    REPORT_FILE,
    STATISTICS_FILE,
    read_json,
    validate_hub_folder,
)
from projner.viewer.columns import ViewError


@dataclass(frozen=True)
class RunOutput:
    """One split of a run's output and what the run recorded about itself."""

    dataset: datasets.Dataset
    provenance: Mapping[str, Any]
    report: Mapping[str, Any] | None
    statistics: Mapping[str, Any] | None
    """This split's entry of ``statistics.json`` (published, left out and incomplete counts)."""
    config: str | None
    split: str
    others: tuple[str, ...] = ()
    """The folder's other ``config/split`` pairs, which a page of this one does not show."""


def from_result(result: Any, split: str | None = None) -> RunOutput:
    """One split of a pipeline's result (``dataset``, ``reports``, ``provenance``, ``gold``,
    ``no_gold_reason``), before any export: every sentence, dropped ones too."""
    splits = result.dataset
    name = _choose("split", split, list(splits), None, "the result")
    provenance = result.provenance if isinstance(result.provenance, Mapping) else result.provenance.to_dict()
    report = dict(result.reports.get(name) or {})
    report |= {key: getattr(result, key) for key in ("gold", "no_gold_reason") if getattr(result, key, None)}
    return RunOutput(dataset=splits[name], provenance=provenance, report=report, statistics=None,
                     config=default_config_name(provenance), split=name,
                     others=tuple(other for other in splits if other != name))


def _choose(kind: str, name: str | None, available: list[str], default: str | None, where: str) -> str:
    if name is None:
        return default if default is not None else available[0]
    if name not in available:
        raise ViewError(f"{where}: no {kind} {name!r}; it has {', '.join(available)}")
    return name


def _split_files(config_dir: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for path in sorted(config_dir.glob("*.parquet")):
        files.setdefault(path.name.split("-", 1)[0], []).append(path)
    return files


def _read_parquet(paths: list[Path]) -> datasets.Dataset:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pa.concat_tables([pq.read_table(path) for path in paths])
    except (OSError, pa.ArrowInvalid) as err:
        raise ViewError(f"{paths[0].parent}: cannot read the parquet files {[p.name for p in paths]}: {err}") from None
    return datasets.Dataset(table)


def read_output(folder: str | Path, config: str | None = None, split: str | None = None) -> RunOutput:
    """``split`` of ``config`` in ``folder`` (defaults: the card's default config, its first split)."""
    folder = Path(folder)
    if (folder / PROVENANCE_FILE).is_file() and not (folder / README).is_file():
        config_dir, config_name = folder, folder.name
        if config is not None and config != folder.name:
            raise ViewError(f"{folder}: this is the folder of config {folder.name!r}, not {config!r}")
        split_files = _split_files(folder)
        if not split_files:
            raise ViewError(f"{folder}: no parquet files")
        others = [f"{config_name}/{name}" for name in split_files]
    else:
        metadata = validate_hub_folder(folder)
        entries = {str(c["config_name"]): c for c in metadata["configs"]}
        default = next((name for name, c in entries.items() if c.get("default")), None)
        config_name = _choose("config", config, list(entries), default, str(folder))
        config_dir = folder / config_name
        if not (config_dir / PROVENANCE_FILE).is_file():
            raise ViewError(f"{config_dir}: no {PROVENANCE_FILE}; was this config written by projner?")
        split_files = {}
        for entry in entries[config_name]["data_files"]:
            patterns = [entry["path"]] if isinstance(entry["path"], str) else entry["path"]
            split_files[entry["split"]] = sorted(p for pattern in patterns for p in folder.glob(pattern))
        others = [f"{name}/{s['split']}" for name, c in entries.items() for s in c["data_files"]]
    split_name = _choose("split", split, list(split_files), None, str(config_dir))
    statistics_path = config_dir / STATISTICS_FILE
    statistics = read_json(statistics_path).get("splits", {}).get(split_name) if statistics_path.is_file() else None
    report_path = config_dir / REPORT_FILE
    return RunOutput(
        dataset=_read_parquet(split_files[split_name]),
        provenance=read_json(config_dir / PROVENANCE_FILE),
        report=read_json(report_path) if report_path.is_file() else None,
        statistics=statistics,
        config=config_name,
        split=split_name,
        others=tuple(o for o in others if o != f"{config_name}/{split_name}"),
    )
