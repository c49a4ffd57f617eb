"""``projner train``: train an NER tagger on a silver (or gold) corpus and score it on a gold split.

Two backends share the data loading and the scoring: ``crf`` (python-crfsuite, surface features; a
CPU comparison of silver corpora in minutes) and ``transformers`` (fine-tune a token-classification
model with the Trainer; first-subword labels). Writes the model, ``predictions.txt`` and
``scores.json`` (with what was read and dropped; written last) to ``--output``, a new folder or an
earlier run's (another folder needs ``--overwrite``, and a user's file is never replaced).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "train an NER tagger (CRF or transformers) on silver or gold data and score it on a gold split"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("training data")
    data.add_argument("--train", action="append", required=True, metavar="SOURCE",
                      help="CoNLL file, save_to_disk folder or Hub-layout folder (parquet + README); "
                      "repeat to mix corpora (e.g. languages)")
    data.add_argument("--config", action="append", metavar="NAME",
                      help="config of a Hub-layout folder to train on; repeatable (default: all configs)")
    data.add_argument("--split", default="train", help="split of a folder to train on (default: train)")
    data.add_argument("--label-map", action="append", default=[], metavar="TYPE=NEW",
                      help="entity-type rewrite applied to training and gold tags, e.g. MISC=O DATE=O")
    data.add_argument("--lenient", action="store_true",
                      help="skip (and count) bad CoNLL lines instead of stopping")

    gold = parser.add_argument_group("gold split to score on")
    source = gold.add_mutually_exclusive_group()
    source.add_argument("--eval-conll", type=Path, metavar="FILE", help="a gold CoNLL file")
    source.add_argument("--eval", type=Path, metavar="SOURCE",
                        help="a gold save_to_disk or Hub-layout folder (see --eval-split, --eval-config)")
    source.add_argument("--eval-dataset", choices=("masakhaner2", "panx"),
                        help="a gold split built by projner's builders (with --eval-lang)")
    gold.add_argument("--eval-lang", help="language of --eval-dataset (e.g. hau)")
    gold.add_argument("--eval-split", default="test", help="gold split (default: test)")
    gold.add_argument("--eval-config", action="append", metavar="NAME",
                      help="config of a Hub-layout --eval folder")
    gold.add_argument("--data-dir", type=Path,
                      help="local copy of --eval-dataset (its folder, or one holding it by name); "
                      "without it the builder downloads")

    parser.add_argument("--backend", choices=("crf", "transformers"), default="crf")
    parser.add_argument("--output", type=Path, required=True, help="folder for model, predictions, scores")
    parser.add_argument("--overwrite", action="store_true",
                        help="write into an --output folder that is not an earlier run's (a file there with "
                        "the name of one the run writes still stops it: it is never replaced)")

    crf = parser.add_argument_group("crf backend")
    crf.add_argument("--c1", type=float, default=0.1, help="L1 weight (default: 0.1)")
    crf.add_argument("--c2", type=float, default=0.1, help="L2 weight (default: 0.1)")
    crf.add_argument("--iterations", type=int, default=100, help="L-BFGS iterations (default: 100)")

    tf = parser.add_argument_group("transformers backend")
    tf.add_argument("--model", default="FacebookAI/xlm-roberta-base",
                    help="model id or path (default: FacebookAI/xlm-roberta-base)")
    tf.add_argument("--revision", help="model revision (commit, tag or branch)")
    tf.add_argument("--epochs", type=float, default=3.0)
    tf.add_argument("--max-steps", type=int, default=-1, help="stop after this many steps (overrides --epochs)")
    tf.add_argument("--learning-rate", type=float, default=5e-5)
    tf.add_argument("--batch-size", type=int, default=16)
    tf.add_argument("--max-length", type=int, default=256, help="subword tokens per sentence")
    tf.add_argument("--seed", type=int, default=42)
    tf.add_argument("--logging-steps", type=int, default=50, help="steps between recorded training losses")


def _backend(args: argparse.Namespace):
    from projner.training.crf import CrfConfig
    from projner.training.transformer import TransformerConfig

    if args.backend == "crf":
        return CrfConfig(c1=args.c1, c2=args.c2, max_iterations=args.iterations)
    return TransformerConfig(model=args.model, revision=args.revision, epochs=args.epochs,
                             max_steps=args.max_steps, learning_rate=args.learning_rate,
                             batch_size=args.batch_size, max_length=args.max_length, seed=args.seed,
                             logging_steps=args.logging_steps)


def _gold(args: argparse.Namespace, label_map):
    """The gold split, refused before training where it has no entity: F1 is undefined on it."""
    from projner.training.data import load_sentences, require_entities
    from projner.training.gold import builder_split

    if args.eval_dataset:
        if not args.eval_lang:
            raise ValueError("--eval-dataset needs --eval-lang")
        sentences, report = builder_split(args.eval_dataset, args.eval_lang, args.eval_split,
                                          data_dir=args.data_dir, label_map=label_map, lenient=args.lenient)
        reports = [report]
    elif source := args.eval_conll or args.eval:
        sentences, reports = load_sentences(source, split=args.eval_split, configs=args.eval_config,
                                            label_map=label_map, lenient=args.lenient, repair=False)
    else:
        return None, []
    require_entities(sentences, reports, label_map=label_map,
                     why="F1 is undefined on a gold split without entities, so there is nothing to score")
    return sentences, reports


def run(args: argparse.Namespace) -> int:
    from projner.builders.conll import ConllError
    from projner.labels import LabelMap
    from projner.training.data import DataError, load_many, untrained_types
    from projner.training.run import check_output, train_and_score, write_scores

    try:
        check_output(args.output, overwrite=args.overwrite)
        label_map = LabelMap.parse(args.label_map)
        backend = _backend(args)
        train, train_reports = load_many(args.train, split=args.split, configs=args.config,
                                         label_map=label_map, lenient=args.lenient)
        gold, gold_reports = _gold(args, label_map)
    except (DataError, ConllError, FileNotFoundError, ValueError) as err:
        print(f"projner train: error: {err}", file=sys.stderr)
        return 2
    for report in train_reports + gold_reports:
        print(report.summary())
    if untrained := untrained_types(train, gold or []):
        print(f"projner train: warning: gold entity types the training data lacks: {', '.join(untrained)} "
              "(the tagger never predicts them; rename or drop them with --label-map TYPE=NEW)", file=sys.stderr)
    result = train_and_score(train, gold, args.output, backend)
    result.update(label_map=label_map.as_strings(), train_sources=[r.as_dict() for r in train_reports],
                  eval_sources=[r.as_dict() for r in gold_reports])
    path = write_scores(args.output, result)
    print(f"{result['backend']}: trained on {len(train)} sentences in {result['train_seconds']:.0f} s; "
          f"model {result['model']}")
    scores = result.get("scores")
    if scores:
        print(f"gold ({scores['sentences']} sentences): precision {scores['precision']:.4f} "
              f"recall {scores['recall']:.4f} F1 {scores['f1']:.4f} (seqeval strict IOB2)")
        for etype, row in scores["per_type"].items():
            print(f"  {etype}: F1 {row['f1']:.4f} (support {row['support']})")
        if scores["predicted_only_types"]:
            print(f"  types predicted but absent from gold: {', '.join(scores['predicted_only_types'])} "
                  "(map them with --label-map TYPE=O)")
    print(f"scores: {path}")
    return 0
