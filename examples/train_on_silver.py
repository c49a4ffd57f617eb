"""Fine-tune a multilingual encoder on projner silver corpora and score it on a gold test split.

The library form of ``projner train --backend transformers``: load one or several silver corpora
(an export folder, a saved run or a CoNLL file; several make a multilingual mix), load the gold
split through projner's builders, fine-tune, and print seqeval strict IOB2 scores.

    python examples/train_on_silver.py silver/ --config hau --lang hau \\
        --model FacebookAI/xlm-roberta-base --output runs/hau-xlmr
    # offline check with any local token-classification checkpoint:
    python examples/train_on_silver.py silver.conll --eval-conll test.conll --model ./tiny --max-steps 20
"""

from __future__ import annotations

import argparse
from pathlib import Path

from projner.labels import LabelMap
from projner.training.data import load_many, load_sentences
from projner.training.gold import builder_split
from projner.training.run import train_and_score, write_scores
from projner.training.transformer import TransformerConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("silver", nargs="+", type=Path, help="silver corpora (export folder, saved run, CoNLL)")
    parser.add_argument("--config", action="append", help="configs of an export folder (default: all)")
    parser.add_argument("--lang", help="MasakhaNER 2.0 language to score on (e.g. hau)")
    parser.add_argument("--data-dir", type=Path, help="local MasakhaNER 2.0 data (default: download)")
    parser.add_argument("--eval-conll", type=Path, help="score on this gold CoNLL file instead")
    parser.add_argument("--model", default="FacebookAI/xlm-roberta-base")
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--output", type=Path, default=Path("runs/silver-tagger"))
    args = parser.parse_args()

    # MasakhaNER has DATE, CoNLL-2003-derived silver has MISC: score the types both share.
    label_map = LabelMap.parse(["DATE=O", "MISC=O"])
    train, reports = load_many(args.silver, configs=args.config, label_map=label_map)
    for report in reports:
        print(report.summary())
    if args.eval_conll:
        gold, _ = load_sentences(args.eval_conll, label_map=label_map, repair=False)
    elif args.lang:
        gold, _ = builder_split("masakhaner2", args.lang, "test", data_dir=args.data_dir, label_map=label_map)
    else:
        parser.error("give --lang or --eval-conll")
    config = TransformerConfig(model=args.model, epochs=args.epochs, max_steps=args.max_steps)
    result = train_and_score(train, gold, args.output, config)
    result["label_map"] = label_map.as_strings()
    write_scores(args.output, result)
    scores = result["scores"]
    print(f"F1 {scores['f1']:.4f} (precision {scores['precision']:.4f}, recall {scores['recall']:.4f}) "
          f"on {scores['sentences']} gold sentences; model in {result['model']}")


if __name__ == "__main__":
    main()
