"""``projner export DIR``: turn a saved run into a Hub dataset folder, or regenerate a folder's card.

DIR is either
- a folder ``projner export`` (or any pipeline's ``--output``) wrote before: its card is rewritten
  from the provenance, statistics and reports beside the data (after a projner upgrade, or after
  editing a ``provenance.json`` or ``report.json``); nothing else changes; or
- a ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk`` folder of a run of your own (columns as
  projner's: ``tgt_tokens``/``projected_tags``, optional ``dropped_reason``), with its
  ``provenance.json`` (and optionally ``report.json``) inside or given by ``--provenance`` /
  ``--report``: it is exported as config ``--config`` (default: the target language code, or
  ``default`` where none is recorded) of the Hub folder ``--output`` (merged with the configs
  already there). ``--keep-dropped`` publishes sentences with a ``dropped_reason`` too (an
  evaluation run); by default they are left out (a silver training corpus). Either way they are
  counted by reason.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from projner.errors import UserError

HELP = "export a saved run as a Hub dataset folder (parquet + card), or regenerate a folder's card"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="save_to_disk folder of a run, or an export folder")
    parser.add_argument("--output", type=Path,
                        help="Hub folder to write (required for a save_to_disk folder)")
    parser.add_argument("--config", help="config name (default: the target language code, or 'default' "
                        "where the provenance records none)")
    parser.add_argument("--split",
                        help="split name for a saved Dataset that is not a DatasetDict (default: train)")
    parser.add_argument("--provenance", type=Path,
                        help="provenance JSON (default: DIR/provenance.json)")
    parser.add_argument("--report", type=Path, help="run report JSON (default: DIR/report.json if present)")
    parser.add_argument("--overwrite", action="store_true",
                        help="write into an --output folder that is not projner's (its own files are kept)")
    parser.add_argument("--keep-dropped", action="store_true",
                        help="publish sentences with a dropped_reason too, keeping that column (an "
                        "evaluation run: every sentence was scored); default: leave them out, counted")


SAVED_DATASET_OPTIONS = ("config", "split", "provenance", "report", "keep_dropped")
"""Options that describe a save_to_disk folder's export; on an export folder they would go unused."""


def _is_export_folder(folder: Path) -> bool:
    return (folder / "README.md").is_file() and any(folder.glob("*/provenance.json"))


def _is_saved_dataset(folder: Path) -> bool:
    return (folder / "dataset_dict.json").is_file() or (folder / "state.json").is_file()


def run(args: argparse.Namespace) -> int:
    from projner.dataset_cards.card import write_card
    from projner.dataset_cards.export import default_config_name, export_hub_folder
    from projner.dataset_cards.folder import HubFolderError, read_json, read_provenance
    from projner.dataset_cards.provenance import ProvenanceError
    from projner.outputs import recover_interrupted

    folder: Path = args.dir
    if (folder / "README.md").is_file():  # an export folder: first undo what a killed run left in it
        for line in recover_interrupted(folder):
            print(line)
    try:
        if _is_saved_dataset(folder):
            if args.output is None:
                raise HubFolderError(f"{folder} is a saved dataset: give --output for the Hub folder")
            provenance_path = args.provenance or folder / "provenance.json"
            if not provenance_path.is_file():
                raise HubFolderError(
                    f"{provenance_path}: missing; a corpus is published with its provenance "
                    "(see docs/publishing.md for the fields), pass --provenance FILE"
                )
            provenance = read_provenance(provenance_path)
            report_path = args.report or folder / "report.json"
            if args.report is not None and not report_path.is_file():
                raise HubFolderError(f"{report_path}: no such report file")
            report = read_json(report_path) if report_path.is_file() else None
            splits = _load_splits(folder, args.split or "train")
            config = args.config or default_config_name(provenance)
            out = export_hub_folder(splits, args.output, config_name=config, provenance=provenance,
                                    report=report, keep_dropped=args.keep_dropped, overwrite=args.overwrite)
            print(f"exported {folder} as config {config!r} of {out}")
            _print_statistics(out / config)
        elif _is_export_folder(folder):
            if args.output is not None and args.output.resolve() != folder.resolve():
                raise HubFolderError(
                    f"{folder} is already an export folder; its card is rewritten in place "
                    "(drop --output)"
                )
            unused = [f"--{name.replace('_', '-')}" for name in SAVED_DATASET_OPTIONS if getattr(args, name)]
            if unused:
                raise HubFolderError(
                    f"{folder} is already an export folder, whose card is rewritten from the files inside it; "
                    f"{', '.join(unused)}: only for a save_to_disk folder (edit "
                    f"{folder}/<config>/provenance.json or report.json instead)"
                )
            readme = write_card(folder)
            print(f"rewrote {readme}")
        elif not folder.exists():
            raise HubFolderError(f"{folder}: no such folder")
        else:
            raise HubFolderError(
                f"{folder}: neither a save_to_disk folder (dataset_dict.json / state.json) nor an "
                "export folder (README.md and <config>/provenance.json)"
            )
    except (HubFolderError, ProvenanceError, ValueError, FileNotFoundError) as err:
        raise UserError(str(err)) from None
    return 0


def _load_splits(folder: Path, split: str) -> dict:
    import datasets

    loaded = datasets.load_from_disk(str(folder))
    if isinstance(loaded, datasets.DatasetDict):
        return dict(loaded)
    return {split: loaded}


def _print_statistics(config_dir: Path) -> None:
    from projner.dataset_cards.folder import STATISTICS_FILE, read_json

    for split, stats in read_json(config_dir / STATISTICS_FILE)["splits"].items():
        dropped = ", ".join(f"{r}: {n}" for r, n in stats["dropped"].items()) or "none"
        incomplete = ", ".join(f"{r}: {n}" for r, n in stats.get("incomplete", {}).items())
        print(f"  {split}: {stats['sentences']} of {stats['input_sentences']} sentences published "
              f"(dropped: {dropped}" + (f"; published incomplete: {incomplete}" if incomplete else "")
              + f"); entities {stats['entities']}")
