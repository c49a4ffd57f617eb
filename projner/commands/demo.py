"""``projner demo``: the main job on bundled data, offline, in seconds.

Projects the gold English entities of the Europarl-NER English→German sample (bundled in the
package, see ``projner/data/europarl/README.md``) onto German through eflomal alignments trained on
the spot, and prints strict seqeval scores against the German gold (PER, ORG, LOC; MISC mapped to O
on both sides). No model weights, no network. With ``--output DIR`` it ends with a Hub dataset
folder (config ``de``, split ``test``, card included) that ``datasets.load_dataset(DIR, "de")`` loads.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

HELP = "project Europarl-NER English entities onto German (bundled sample, offline) and print the scores"

DATA = "data/europarl"
SOURCE, TARGET = "en-europarl.test.conll02", "de-europarl.test.conll02"
SPLIT = "test"
"""Europarl-NER's only split; the published folder keeps its name."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from projner.commands.project_parallel import add_projection_arguments

    parser.add_argument("--output", type=Path,
                        help="also write the projection as a Hub dataset folder (parquet + card) here")
    add_projection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.commands.project_parallel import (
        CommandError,
        print_summary,
        print_written,
        project_parallel,
        write_output,
    )
    from projner.dataset_cards.sources import known_source

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
    provenance["source_dataset"] = known_source("europarl-ner", config="en-de", split=SPLIT).to_dict()
    print_summary(report)
    if args.output is not None:
        gold = f"the German gold tags of Europarl-NER ({TARGET}, MISC mapped to O)"
        print_written(args.output, write_output(dataset, args.output, provenance, report, SPLIT, gold))
    return 0
