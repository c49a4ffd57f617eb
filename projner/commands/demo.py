"""``projner demo``: the main job on bundled data, offline, in seconds.

Projects the gold English entities of the Europarl-NER English→German sample (bundled in the
package, see ``projner/data/europarl/README.md``) onto German through eflomal alignments trained on
the spot, and prints strict seqeval scores against the German gold (PER, ORG, LOC; MISC mapped to O
on both sides). No model weights, no network. With ``--output DIR`` it ends with a Hub dataset
folder (config ``de``, split ``test``, card included) that ``datasets.load_dataset(DIR, "de")`` loads.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from projner.errors import UserError

HELP = "project Europarl-NER English entities onto German (bundled sample, offline) and print the scores"

DATA = "data/europarl"
SOURCE, TARGET = "en-europarl.test.conll02", "de-europarl.test.conll02"
SPLIT = "test"
"""Europarl-NER's only split; the published folder keeps its name."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from projner.commands.pipeline_options import add_parallel_arguments

    parser.add_argument("--output", type=Path,
                        help="also write the projection as a Hub dataset folder (parquet + card) here")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")
    add_parallel_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.commands.pipeline_options import check_outputs, finish
    from projner.commands.project_parallel import print_summary, run_files
    from projner.dataset_cards.sources import known_source

    check_outputs(args, "de")
    folder = resources.files("projner").joinpath(DATA)
    print(f"Europarl-NER en→de ({SOURCE}, {TARGET}): aligning with {args.aligner} and projecting…")
    try:
        with resources.as_file(folder.joinpath(SOURCE)) as source, resources.as_file(folder.joinpath(TARGET)) as target:
            result = run_files(args, [source], target, label_map=["MISC=O"], source_langs=["en"], target_lang="de",
                               split=SPLIT, source_datasets=[known_source("europarl-ner", config="en-de", split=SPLIT)],
                               gold=f"the German gold tags of Europarl-NER ({TARGET}, MISC mapped to O)")
        return finish(result, args, print_summary)
    except UserError:
        raise
    except (OSError, ValueError) as err:
        raise UserError(str(err)) from err
