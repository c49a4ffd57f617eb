"""Write a run's output as a Hub dataset repository: parquet shards per config and split, the
provenance beside them, and a generated card whose YAML lets ``load_dataset`` find everything.

One config per target language (``default`` where the target language was not recorded);
exporting another config into the same folder merges (the card and its YAML then cover all
configs). Re-exporting a config replaces it. The layout is described in
:mod:`projner.dataset_cards.folder`, the column conversion in :mod:`.hub_columns`.
"""

from __future__ import annotations

import math
import os
import pathlib
import re
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from typing import Any

import datasets

from projner.dataset_cards.card import write_card
from projner.dataset_cards.folder import (
    CONFIG_NAME_RE,
    PROVENANCE_FILE,
    README,
    REPORT_FILE,
    SPLIT_NAME_RE,
    STATISTICS_FILE,
    is_projner_folder,
    read_front_matter,
    shard_name,
    split_pattern,
)
from projner.dataset_cards.hub_columns import ExportError, to_hub_columns
from projner.dataset_cards.provenance import Provenance, as_provenance, check_report
from projner.languages import get_language
from projner.outputs import (
    TEMPORARY_PREFIX,
    InterruptedRunWarning,
    check_folder,
    recover_interrupted,
    staged_folder,
    write_json,
)

MAX_SHARD_BYTES = 500 * 1024 * 1024
"""Arrow bytes per parquet shard, as ``push_to_hub`` does, so one file never grows unwieldy."""


def _dataset_info_entry(config_name: str, features: datasets.Features,
                        sizes: Mapping[str, tuple[int, int]], download_size: int) -> dict[str, Any]:
    """The ``dataset_info`` YAML of one config, in the form ``datasets`` writes and reads."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from huggingface_hub import DatasetCardData

    splits = SplitDict()
    for split, (examples, num_bytes) in sizes.items():
        splits.add(SplitInfo(name=split, num_bytes=num_bytes, num_examples=examples))
    info = DatasetInfo(features=features, splits=splits, download_size=download_size,
                       dataset_size=sum(b for _, b in sizes.values()))
    card_data = DatasetCardData()
    DatasetInfosDict({config_name: info}).to_dataset_card_data(card_data)
    return {"config_name": config_name, **card_data["dataset_info"]}


def _write_shards(ds: datasets.Dataset, config_dir: pathlib.Path, split: str) -> int:
    """Parquet shards of one split; returns the bytes written."""
    count = max(1, math.ceil(ds.data.nbytes / MAX_SHARD_BYTES))
    written = 0
    for index in range(count):
        path = config_dir / shard_name(split, index, count)
        shard = ds.shard(num_shards=count, index=index, contiguous=True) if count > 1 else ds
        shard.to_parquet(str(path))
        written += path.stat().st_size
    return written


UNKNOWN_LANGUAGE_CONFIG = "default"
"""Config name of a run whose target language was not recorded (``project-parallel`` on files)."""


def default_config_name(provenance: Provenance | dict) -> str:
    """The config a run is exported as: its target language code, or ``default`` where unknown."""
    target = as_provenance(provenance).target_language
    return get_language(target).code if target else UNKNOWN_LANGUAGE_CONFIG


def _check_languages(provenance: Provenance) -> None:
    codes = [provenance.target_language] if provenance.target_language else []
    for code in (*codes, *provenance.source_languages):
        get_language(code)  # raises LanguageError with close matches


def export_hub_folder(
    splits: datasets.DatasetDict | dict[str, datasets.Dataset],
    output_dir: str | pathlib.Path,
    *,
    config_name: str,
    provenance: Provenance | dict,
    report: dict | None = None,
    keep_dropped: bool = False,
    overwrite: bool = False,
) -> pathlib.Path:
    """Export ``splits`` as config ``config_name`` of the Hub folder ``output_dir``; returns it.

    ``provenance`` is a :class:`~projner.dataset_cards.provenance.Provenance` or its ``to_dict``
    form; ``report`` the run's report (scores, baseline, ``no_gold_reason``; see that module).
    ``keep_dropped``: publish sentences with a ``dropped_reason`` too, keeping that column (for
    evaluation runs, where every sentence is a scored prediction); by default they are left out
    (silver training corpora). Either way they are counted by reason in the statistics and card.
    Every split is checked and converted before anything is written, so a bad example leaves the
    folder as it was; the config is written to a temporary folder and renamed into place, and the
    card is written last. A folder projner did not write is refused (``overwrite``: written into,
    its own files left as they are); a README projner did not write is never replaced.
    """
    prov = as_provenance(provenance)
    report = check_report(report)
    _check_languages(prov)
    if not CONFIG_NAME_RE.match(config_name):
        raise ExportError(f"config name {config_name!r}: use letters, digits, '_', '.', '-' only")
    if not splits:
        raise ExportError(f"config {config_name!r}: no splits to export")

    published: dict[str, datasets.Dataset] = {}
    statistics = {}
    for split, ds in splits.items():
        if not SPLIT_NAME_RE.match(split):
            raise ExportError(f"split name {split!r}: use letters, digits and '_' (no '-')")
        where = f"config {config_name!r}, split {split!r}"
        published[split], statistics[split] = to_hub_columns(ds, prov.labels, where=where,
                                                             keep_dropped=keep_dropped)
    first_split, first = next(iter(published.items()))
    for split, ds in published.items():
        if ds.features != first.features:
            raise ExportError(
                f"config {config_name!r}: split {split!r} has features {ds.features} but split "
                f"{first_split!r} has {first.features}; all splits of a config need the same columns"
            )

    folder = pathlib.Path(output_dir)
    check_export_target(folder, config_name, overwrite=overwrite)
    readme = folder / README
    metadata = read_front_matter(readme)[0] if readme.is_file() else {}
    configs = [dict(c) for c in metadata.get("configs") or []]
    info = metadata.get("dataset_info") or []
    infos = [info] if isinstance(info, dict) else [dict(i) for i in info]
    foreign = [c.get("config_name") for c in configs if c.get("config_name") != config_name
               and not (folder / str(c.get("config_name")) / PROVENANCE_FILE).is_file()]
    if foreign:
        raise ExportError(
            f"{readme} lists configs {foreign} that projner did not export (no provenance.json); "
            "export into a new folder"
        )

    def write_config(config_dir: pathlib.Path) -> tuple[dict[str, tuple[int, int]], int]:
        config_dir.mkdir()
        sizes, download_size = {}, 0
        for split, ds in published.items():
            download_size += _write_shards(ds, config_dir, split)
            sizes[split] = (len(ds), ds.data.nbytes)
        write_json(config_dir / PROVENANCE_FILE, prov.to_dict())
        write_json(config_dir / STATISTICS_FILE,
                   {"splits": {split: s.to_dict() for split, s in statistics.items()}})
        if report is not None:
            write_json(config_dir / REPORT_FILE, report)
        return sizes, download_size

    entry: dict[str, Any] = {
        "config_name": config_name,
        "data_files": [{"split": split, "path": split_pattern(config_name, split)}
                       for split in published],
    }
    previous = next((c for c in configs if c.get("config_name") == config_name), None)
    if (previous or {}).get("default") or not any(c.get("default") for c in configs):
        entry["default"] = True
    if previous is not None:
        configs[configs.index(previous)] = entry
    else:
        configs.append(entry)

    def card_infos(sizes: dict[str, tuple[int, int]], download_size: int) -> list[dict[str, Any]]:
        info_entry = _dataset_info_entry(config_name, first.features, sizes, download_size)
        merged = [i for i in infos if i.get("config_name", "default") != config_name] + [info_entry]
        order = {c["config_name"]: position for position, c in enumerate(configs)}
        return sorted(merged, key=lambda i: order.get(i.get("config_name"), len(order)))

    if not folder.exists():  # a new folder appears whole, or not at all
        with staged_folder(folder) as staging:
            sizes, download_size = write_config(staging / config_name)
            write_card(staging, location=str(folder), configs=configs, dataset_info=card_infos(sizes, download_size))
        return folder
    for line in recover_interrupted(folder):
        warnings.warn(line, InterruptedRunWarning, stacklevel=2)
    staging = pathlib.Path(tempfile.mkdtemp(dir=folder, prefix=TEMPORARY_PREFIX))
    try:
        sizes, download_size = write_config(staging / config_name)
        _replace_config(staging / config_name, folder / config_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_card(folder, configs=configs, dataset_info=card_infos(sizes, download_size))
    return folder


PROJNER_CONFIG_FILES = re.compile(r"^([\w.]+-\d{5}-of-\d{5}\.parquet|provenance\.json|statistics\.json|report\.json)$")
"""The files projner writes in a config folder (a re-export replaces them, and only them)."""


def check_export_target(folder: pathlib.Path, config_name: str, *, overwrite: bool = False) -> None:
    """Refuse, before anything is written, a folder whose files projner would replace without
    having written them: a README that is not projner's card, a config folder holding other files,
    or (without ``overwrite``) any non-empty folder that is not a projner export."""
    readme = folder / README
    if readme.exists() and not is_projner_folder(folder):
        raise ExportError(f"{readme} was not written by projner and is never replaced; move it or "
                          "export into another folder")
    check_folder(folder, "--output", overwrite=overwrite, ours=is_projner_folder)
    config_dir = folder / config_name
    if config_dir.exists():
        others = sorted(p.name for p in config_dir.iterdir() if not PROJNER_CONFIG_FILES.match(p.name)) \
            if config_dir.is_dir() else [config_dir.name]
        if others:
            raise ExportError(f"{config_dir} holds files projner did not write ({', '.join(others[:3])}); "
                              "they are never replaced: move them or choose another config name")


def _replace_config(new: pathlib.Path, old: pathlib.Path) -> None:
    """Swap a finished config folder into place; the old one (projner's files only) goes."""
    if not old.exists():
        os.replace(new, old)
        return
    retired = old.with_name(f"{TEMPORARY_PREFIX}old-{old.name}")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(old, retired)
    os.replace(new, old)
    shutil.rmtree(retired, ignore_errors=True)
