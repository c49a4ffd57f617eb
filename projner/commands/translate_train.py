"""``projner translate-train``: a silver corpus from labelled sentences (CoNLL-2003 English, or
CoNLL files in any language with ``--source-lang``) by translation and projection, written as a Hub
dataset folder with its provenance and card. Several sources are each translated and projected,
then pooled (:func:`projner.processing.multisource.translate_train_sources`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from projner.commands import pipeline_options as cli
from projner.commands.checks import Accumulate

HELP = "translate labelled sentences into a language and project their entities: a silver NER corpus"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", nargs="+", action=Accumulate, default=["conll2003"],
                        help="labelled source corpus: conll2003 (a local copy through --data-dir) or CoNLL "
                             "files (token TAG) in any language (--source-lang); several are each translated "
                             "and projected, then pooled")
    parser.add_argument("--source-lang", nargs="+", action=Accumulate,
                        help="language code of each --source, in order (default: en for conll2003; "
                             "required for a file)")
    parser.add_argument("--lang", required=True, help="target language code")
    parser.add_argument("--split", default="train", help="source split to translate (default train)")
    parser.add_argument("--source-label-map", nargs="*", action=Accumulate, default=["MISC=O"], metavar="TYPE=NEW",
                        help="rewrites of the source's types (default MISC=O); renames apply before "
                        "projection, dropped types (TYPE=O) after retyping (see --retype-dropped)")
    cli.add_method_arguments(parser, methods=("heuristic", "candidates", "easyproject"))
    parser.add_argument("--retype-dropped", action=argparse.BooleanOptionalAction, default=True,
                        help="project the types the label map drops (MISC) too, give each projected span the "
                        "type the corpus's other projections give its text (a translated nationality that "
                        "became a country name becomes LOC) or O, then apply the map; heuristic and "
                        "candidates only (default: on)")
    cli.add_corpus_step_arguments(parser, scope="; heuristic and candidates only")
    selection = parser.add_argument_group("which sentences the silver corpus keeps")
    selection.add_argument("--keep-partial", action="store_true",
                           help="keep sentences where some entity was not projected (default: drop, counted)")
    selection.add_argument("--min-score", type=float,
                           help="drop (and count) sentences with a projected entity scored below this")
    cli.add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from projner.processing.multisource import translate_train_sources

    cli.prepare(args, translating=True)
    langs = args.source_lang or [None] * len(args.source)
    with cli.user_errors():
        if len(langs) != len(args.source):
            raise ValueError(f"{len(args.source)} --source but {len(langs)} --source-lang: give one language "
                             "per source, in order")
        read = [source_corpus(args, name, lang) for name, lang in zip(args.source, langs)]
        result = translate_train_sources(
            [corpus for corpus, _ in read], args.lang, run=cli.run_options(args), split=read[0][1],
            method=cli.method_options(args, keep_partial=args.keep_partial, min_score=args.min_score,
                                  retype_dropped=args.retype_dropped, name_evidence=args.name_evidence,
                                      span_completion=args.complete_spans),
            source_label_map=tuple(args.source_label_map),
        )
    return cli.finish(result, args, cli.print_summary)


def source_corpus(args: argparse.Namespace, name: str, lang: str | None) -> tuple[Any, str]:
    """A ``--source`` and its split name: the CoNLL-2003 builder's split, or a CoNLL file read as a
    dataset of IOB2 strings."""
    from projner.dataset_cards.sources import local_files
    from projner.processing.multisource import SourceCorpus
    from projner.processing.options import Origin

    if name == "conll2003":
        if lang not in (None, "en"):
            raise ValueError(f"--source conll2003 is English, not {lang!r}")
        if not args.data_dir:
            raise ValueError("--source conll2003 reads a local copy (never downloaded: Reuters terms): pass its folder "
                             "as --data-dir, or give a CoNLL file as --source with --source-lang")
        gold = cli.load_gold_split(args, name, "en")
        return SourceCorpus(name, gold.dataset, "en", gold.origin("source")), gold.split
    path = Path(name)
    if not path.is_file():
        raise ValueError(f"--source {name!r} is neither conll2003 nor a CoNLL file")
    if not lang:
        raise ValueError(f"--source {name}: give its language with --source-lang")
    import datasets

    from projner.builders.conll import read_conll

    sentences = [s for s in read_conll(path, lenient=args.lenient) if s.tokens]
    if not sentences:
        raise ValueError(f"no sentences in {path}")
    dataset = datasets.Dataset.from_dict({"id": [str(k) for k in range(len(sentences))],
                                          "tokens": [s.tokens for s in sentences],
                                          "ner_tags": [s.tags for s in sentences]})
    if args.limit:
        dataset = dataset.select(range(min(args.limit, len(dataset))))
    return SourceCorpus(f"{lang}:{path.stem}", dataset, lang, Origin(local_files(path), {"source": str(path)})), \
        args.split
