"""``projner demo``: the main job on bundled data, offline, in seconds.

Projects the gold English entities of the Europarl-NER English→German sample (bundled in the
package, see ``projner/data/europarl/README.md``) onto German through eflomal alignments trained on
the spot, and prints strict seqeval scores against the German gold (PER, ORG, LOC; MISC mapped to O
on both sides). No model weights, no network.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

HELP = "project Europarl-NER English entities onto German (bundled sample, offline) and print the scores"

DATA = "data/europarl"
SOURCE, TARGET = "en-europarl.test.conll02", "de-europarl.test.conll02"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from projner.commands.project_parallel import add_projection_arguments

    parser.add_argument("--output", type=Path, help="also write the projected dataset to this folder")
    add_projection_arguments(parser)


def _source_dataset() -> dict:
    """Europarl-NER's record, with the licence its repository states for the annotated corpus."""
    from dataclasses import replace

    from projner.dataset_cards.sources import known_source

    source = known_source("europarl-ner", config="en-de", split="test")
    return replace(source, license="cc-by-sa-4.0", license_name=None, license_details=None).to_dict()


def run(args: argparse.Namespace) -> int:
    from projner.commands.project_parallel import (
        CommandError,
        print_summary,
        project_parallel,
        write_output,
    )

    folder = resources.files("projner").joinpath(DATA)
    with resources.as_file(folder.joinpath(SOURCE)) as source, resources.as_file(folder.joinpath(TARGET)) as target:
        options = argparse.Namespace(**vars(args), source=source, target=target, label_map=["MISC=O"],
                                     source_lang="en", target_lang="de")
        print(f"Europarl-NER en→de ({SOURCE}, {TARGET}): aligning with {args.aligner} and projecting…")
        try:
            dataset, report, provenance = project_parallel(options)
        except CommandError as err:
            print(f"projner demo: error: {err}", file=sys.stderr)
            return 2
    provenance["source_dataset"] = _source_dataset()
    print_summary(report)
    if args.output is not None:
        write_output(dataset, args.output, provenance, report)
        print(f"dataset written to {args.output}")
    return 0
