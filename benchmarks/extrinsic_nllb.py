"""Extrinsic benchmark on real NLLB output: projner's silver against T-Projection's, judged by a CRF.

For a language L with ``tprojection-silver/L.train.txt`` (CoNLL-2003 English train translated by
NLLB-200, labelled by T-Projection) and ``tprojection-silver/map/L.json`` (the English sentence each
of its sentences translates, or null):

1. pair each mapped translation with its English sentence and gold entities; target words cleaned
   as projner's pipeline would give them (NFC, apostrophe-split words glued), for both corpora;
2. align the pairs with eflomal through projner's aligner (all pairs at once, as a corpus);
3. project the English entities with :func:`projner.project_parallel`, the very stages ``projner
   translate-train`` runs after alignment (``project``, and the corpus-level ``retype`` stage for
   MISC, which the label map drops), with
   translate-train's default configuration (``--no-refinements`` and the ``--no-…`` flags switch
   refinements of the core off, for ablations);
4. keep the sentences a published projner corpus keeps (every PER/ORG/LOC entity projected), train
   the benchmark CRF (``projner train --backend crf``) on projner's silver and, on the very same
   sentences and words, on T-Projection's labels;
5. score both on the MasakhaNER 2.0 test split (PER/ORG/LOC; DATE → O), and score the agreement
   of the two silver corpora (T-Projection's as reference).

    python benchmarks/extrinsic_nllb.py --lang hau [--data-dir ../shared/data] [--report FILE.json]
    python benchmarks/extrinsic_nllb.py --lang all --subsamples 3 --gold-ceiling

eflomal samples at random (no seed): ``--runs N`` aligns N times and reports the mean and spread.
Alignments are cached by their inputs and run number (``--cache-dir``), so a rerun of the CRF part
is cheap and repeatable; ``--no-cache`` recomputes. See docs/extrinsic.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from projner.builders.conll import read_conll, repair_iob2
from projner.labels import LabelMap, split_tag
from projner.languages import get_language
from projner.processing.align.links import Link, format_pharaoh, parse_pharaoh
from projner.processing.evaluate import ner_scores
from projner.processing.pipelines import (
    MethodOptions,
)
from projner.processing.project.pair import ProjectionConfig
from projner.processing.project.spans import tags_to_spans
from projner.processing.text import APOSTROPHE_LETTERS
from projner.training.crf import CrfConfig, FeatureCache
from projner.training.data import TaggedSentence, clean_sentence, load_sentences
from projner.training.run import train_and_score

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "projner" / "extrinsic"
ENGLISH_TRAIN = "conll2003-en/en.conll.train.tsv"
SILVER_DIR = "tprojection-silver"
SILVER_MAP = LabelMap.parse(["MISC=O"])
"""Both silver corpora are scored on PER/ORG/LOC; CoNLL-2003's MISC has no MasakhaNER counterpart
(translate-train's default ``--source-label-map``)."""
GOLD_MAP = LabelMap.parse(["DATE=O", "MISC=O"])


@dataclass(frozen=True)
class Pair:
    """One translated sentence: its English original and both label sets on the same target words."""

    english_index: int
    src_words: list[str]
    src_tags: list[str]
    """English gold tags, MISC → O (what both silvers are scored on)."""
    src_unmapped_tags: list[str]
    """English gold tags with MISC (what translate-train projects and retypes)."""
    tgt_words: list[str]
    tprojection_tags: list[str]


def languages_in(data_dir: Path) -> list[str]:
    """Languages whose silver file and map are both in the data folder's layout."""
    maps = {path.stem for path in (data_dir / SILVER_DIR / "map").glob("*.json")}
    silver = {path.name.removesuffix(".train.txt") for path in (data_dir / SILVER_DIR).glob("*.train.txt")}
    return sorted(maps & silver)


APOSTROPHES = "'’"
QUOTE_AS_APOSTROPHE = '"'
"""Between a one-letter word and a word, a double quote stands for an elision apostrophe
(Igbo ``n " ụlọ`` for ``n'ụlọ``: the silver files' preprocessing turned some apostrophes into quotes)."""


def rejoin_apostrophe_splits(words: Sequence[str], tags: Sequence[str],
                             apostrophe_letters: str = "") -> tuple[list[str], list[str], int]:
    """Glue words the silver files' tokeniser cut at an apostrophe back together.

    Three forms: a piece that starts with an apostrophe and a letter joins the word before it when
    that ends with a letter (Hausa ``Jam 'iyyar``, Chichewa ``m 'dziko``); a lone apostrophe (or
    double quote) between a one-letter word and a word joins both (Igbo ``n ' ime``, ``n " ụlọ``,
    English ``O ' Neal``; an elision); a lone apostrophe before a word starting with one of
    ``apostrophe_letters`` (the language's letters written with an apostrophe,
    :data:`projner.processing.text.APOSTROPHE_LETTERS`: Hausa ``' yan`` for ``'yan``, ƴan) joins
    that word. projner's word splitter and the MasakhaNER gold keep such words whole. A glued word
    keeps the first piece's tag, or starts the entity a later piece began. Returns the words, the
    tags (valid IOB2) and how many pieces were glued.
    """
    out_words: list[str] = []
    out_tags: list[str] = []
    glued = 0
    position = 0
    while position < len(words):
        word, tag = words[position], tags[position]
        pieces = 1
        following = words[position + 1] if position + 1 < len(words) else ""
        if (out_words and len(word) > 1 and word[0] in APOSTROPHES and word[1].isalpha()
                and unicodedata.category(out_words[-1][-1])[0] in "LM"):
            out_words[-1] += word
        elif (out_words and word in APOSTROPHES + QUOTE_AS_APOSTROPHE and following
              and len(out_words[-1]) == 1 and out_words[-1].isalpha() and following[:1].isalpha()):
            out_words[-1] += ("'" if word == QUOTE_AS_APOSTROPHE else word) + following
            pieces = 2
            tag = tag if tag != "O" else tags[position + 1]
        elif word in APOSTROPHES and following[:1] and following[0] in apostrophe_letters:
            out_words.append(word + following)
            out_tags.append(tag if tag != "O" else tags[position + 1])
            glued += 1
            position += 2
            continue
        else:
            out_words.append(word)
            out_tags.append(tag)
            position += 1
            continue
        if out_tags[-1] == "O" and tag != "O":
            out_tags[-1] = f"B-{split_tag(tag)[1]}"
        glued += pieces
        position += pieces
    return out_words, repair_iob2(out_tags), glued


def load_pairs(data_dir: Path, lang: str, *, rejoin: bool = True) -> tuple[list[Pair], dict]:
    """The mapped translations with their English sentences; null map entries are counted, not lost.

    ``rejoin``: glue apostrophe-split words (see :func:`rejoin_apostrophe_splits`), so that both
    silver corpora have the words projner's own pipeline would give them.
    """
    silver_path = data_dir / SILVER_DIR / f"{lang}.train.txt"
    map_path = data_dir / SILVER_DIR / "map" / f"{lang}.json"
    for path in (silver_path, map_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing (needed for --lang {lang})")
    english = list(read_conll(data_dir / ENGLISH_TRAIN))
    silver = list(read_conll(silver_path, label_map=SILVER_MAP))
    mapping = json.loads(map_path.read_text(encoding="utf-8"))
    if len(mapping) != len(silver):
        raise ValueError(f"{map_path}: {len(mapping)} entries but {silver_path} has {len(silver)} sentences")
    pairs: list[Pair] = []
    skipped: Counter = Counter()
    invalid = glued = 0
    letters = APOSTROPHE_LETTERS.get(get_language(lang).iso639_3, "") if _known(lang) else ""
    for number, (index, sentence) in enumerate(zip(mapping, silver)):
        if index is None:
            skipped["null map entry"] += 1
            continue
        if not isinstance(index, int) or not 0 <= index < len(english):
            raise ValueError(f"{map_path}, entry {number}: {index!r} is not an English sentence index "
                             f"(0..{len(english) - 1})")
        words, tags, repaired = clean_sentence(sentence.tokens, sentence.tags or [], None)
        invalid += repaired
        if rejoin:
            words, tags, count = rejoin_apostrophe_splits(words, tags, letters)
            glued += count
        source = english[index]
        full = source.tags or []
        pairs.append(Pair(index, source.tokens, SILVER_MAP.map_tags(full), full, words, tags))
    same = sum(len(tags_to_spans(p.src_tags)) == len(tags_to_spans(p.tprojection_tags)) for p in pairs)
    return pairs, {"silver_sentences": len(silver), "pairs": len(pairs), "skipped": dict(skipped),
                   "tprojection_invalid_iob2_repaired": invalid, "apostrophe_pieces_glued": glued,
                   "same_entity_count": same / len(pairs) if pairs else 0.0}


def _cache_key(pairs: Sequence[Pair], aligner: str, run: int) -> str:
    digest = hashlib.sha256(f"{aligner}\x00{run}".encode())
    for pair in pairs:
        digest.update("\x01".join(pair.src_words).encode() + b"\x02" + "\x01".join(pair.tgt_words).encode() + b"\x03")
    return digest.hexdigest()[:20]


def align_pairs(
    pairs: Sequence[Pair], lang: str, run: int, cache_dir: Path | None, aligner_options: dict
) -> tuple[list[list[Link]], bool]:
    """eflomal links for every pair (one corpus), from the cache when this exact input ran before."""
    from projner.processing.align.backends import make_aligner

    aligner = make_aligner("eflomal", **aligner_options)
    key = _cache_key(pairs, repr(aligner.config), run)
    path = cache_dir / f"{lang}.run{run}.{key}.links" if cache_dir else None
    if path is not None and path.is_file():
        lines = path.read_text(encoding="utf-8").split("\n")[: len(pairs)]
        return [sorted(parse_pharaoh(line).sure) for line in lines], True
    links = aligner.align([p.src_words for p in pairs], [p.tgt_words for p in pairs])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(format_pharaoh(pair_links) for pair_links in links) + "\n", encoding="utf-8")
    return links, False


def _known(lang: str) -> bool:
    """Whether projner's language table knows the code (the benchmark runs on any folder name)."""
    try:
        get_language(lang)
    except ValueError:
        return False
    return True


def silver_dataset(
    pairs: Sequence[Pair], links: Sequence[Sequence[Link]], method: MethodOptions, projection: ProjectionConfig,
    workdir: Path,
) -> tuple[Any, dict]:
    """The aligned pairs through :func:`projner.project_parallel`: the very ``project`` (and, for
    MISC, corpus-level ``retype``) stages translate-train runs after alignment. Returns the output
    dataset and the run's report (``retyped``, ``retype_config`` where MISC is retyped)."""
    import datasets

    from projner.processing.options import RunOptions
    from projner.processing.pipelines import project_parallel

    dataset = datasets.Dataset.from_dict({
        "id": [str(p.english_index) for p in pairs],
        "src_tokens": [p.src_words for p in pairs],
        "src_tags": [p.src_unmapped_tags for p in pairs],
        "tgt_tokens": [p.tgt_words for p in pairs],
        "alignments": [[list(link) for link in pair_links] for pair_links in links],
    })
    result = project_parallel(dataset, projection=projection, label_map=SILVER_MAP.as_strings(),
                              retype_dropped=method.retype_dropped, run=RunOptions(cache_dir=str(workdir)),
                              split="train")
    return result.dataset["train"], result.report


def project_silver(
    pairs: Sequence[Pair], links: Sequence[Sequence[Link]], method: MethodOptions, projection: ProjectionConfig,
    workdir: Path,
) -> tuple[list[list[str]], list[str], dict]:
    """projner's silver labels for the pairs (:func:`silver_dataset`): the IOB2 tags per pair, each
    pair's ``projection_issues`` (empty where the sentence is kept) and what the report records:
    entities left unprojected (by type), MISC spans by what they became."""
    ds, report = silver_dataset(pairs, links, method, projection, workdir)
    unprojected = Counter(entity["label"] for row in ds["src_entities"] for entity in row if not entity["score"])
    stats = {"unprojected_entities_by_type": dict(sorted(unprojected.items())),
             "retyped": report.get("retyped"), "retype_config": report.get("retype_config")}
    return ds["projected_tags"], ds["projection_issues"], stats


def crf_test_scores(
    tags: Sequence[Sequence[str]], pairs: Sequence[Pair], test: Sequence[TaggedSentence],
    features: FeatureCache, workdir: Path, name: str,
) -> dict:
    """Train the benchmark CRF on the pairs' target words with ``tags`` and score it on ``test``."""
    train = [TaggedSentence(p.tgt_words, list(t), f"{name} {p.english_index}") for p, t in zip(pairs, tags)]
    result = train_and_score(train, test, workdir / name, CrfConfig(), features=features)
    return {"f1": result["scores"]["f1"], "precision": result["scores"]["precision"],
            "recall": result["scores"]["recall"], "per_type": result["scores"]["per_type"],
            "train_seconds": result["train_seconds"]}


SUBSAMPLE = 0.9
"""Share of the kept sentences in each ``--subsamples`` training set."""


def training_subsets(kept: Sequence[int], subsamples: int) -> list[tuple[int, ...]]:
    """The sentence sets both CRFs train on: all kept pairs, or ``subsamples`` seeded 90% subsets.

    A CRF's score moves by a point or two when a few hundred labels change, and MasakhaNER test
    sets repeat names, so one training can flatter either corpus; paired subsets (the same
    sentences for both corpora) average that out.
    """
    if subsamples == 0:
        return [tuple(kept)]
    size = int(SUBSAMPLE * len(kept))
    return [tuple(sorted(random.Random(seed).sample(list(kept), size))) for seed in range(subsamples)]


def run_language(
    lang: str, data_dir: Path, *, runs: int, cache_dir: Path | None, gold_ceiling: bool,
    aligner_options: dict, method: MethodOptions, projection: ProjectionConfig, keep_unprojected: bool = False,
    rejoin: bool = True, subsamples: int = 0,
) -> dict:
    """Everything the benchmark measures for one language.

    Like a published projner corpus, projner's silver leaves out the sentences in which some English
    entity could not be projected (``projection_issues``); T-Projection's silver is cut to the same
    sentences, so both CRFs see the very same words (``keep_unprojected`` keeps every pair).
    """
    started = time.perf_counter()
    pairs, pairing = load_pairs(data_dir, lang, rejoin=rejoin)
    test_path = data_dir / "masakhaner2" / lang / "test.txt"
    test, _ = load_sentences(test_path, label_map=GOLD_MAP, repair=False)
    features = FeatureCache()
    result: dict = {"lang": lang, "pairs": len(pairs), "pairing": pairing, "test": str(test_path),
                    "test_sentences": len(test), "method": projection.describe(),
                    "projection": asdict(projection), "retype_dropped": method.retype_dropped,
                    "aligner": {"name": "eflomal", **aligner_options},
                    "keep_unprojected": keep_unprojected, "rejoin_apostrophe_splits": rejoin,
                    "subsamples": subsamples}
    tprojection_by_subset: dict[tuple[int, ...], dict] = {}
    runs_out = []
    with tempfile.TemporaryDirectory(prefix=f"extrinsic-{lang}-") as tmp:
        workdir = Path(tmp)
        for run in range(runs):
            t0 = time.perf_counter()
            links, cached = align_pairs(pairs, lang, run, cache_dir, aligner_options)
            align_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            tags, dropped, projected = project_silver(pairs, links, method, projection, workdir / f"run{run}")
            project_seconds = time.perf_counter() - t0
            kept = [k for k, reason in enumerate(dropped) if keep_unprojected or not reason]
            trainings = []
            for number, subset in enumerate(training_subsets(kept, subsamples)):
                subset_pairs = [pairs[k] for k in subset]
                projner = crf_test_scores([tags[k] for k in subset], subset_pairs, test, features, workdir,
                                          f"projner-{run}-{number}")
                if subset not in tprojection_by_subset:
                    tprojection_by_subset[subset] = crf_test_scores(
                        [p.tprojection_tags for p in subset_pairs], subset_pairs, test, features, workdir,
                        f"tprojection-{run}-{number}")
                tprojection = tprojection_by_subset[subset]
                trainings.append({"sentences": len(subset), "projner": projner, "tprojection": tprojection,
                                  "difference": projner["f1"] - tprojection["f1"]})
                print(f"{lang}: run {run}, training set {number}: {len(subset)} sentences; CRF F1 on projner's "
                      f"silver {100 * projner['f1']:.1f}, on T-Projection's {100 * tprojection['f1']:.1f} "
                      f"(CRF {projner['train_seconds']:.0f} s)", flush=True)
            kept_pairs = [pairs[k] for k in kept]
            kept_tags = [tags[k] for k in kept]
            agreement = ner_scores([p.tprojection_tags for p in kept_pairs], kept_tags)
            runs_out.append({
                "run": run, "sentences": len(kept),
                "projner_f1": statistics.fmean(t["projner"]["f1"] for t in trainings),
                "tprojection_f1": statistics.fmean(t["tprojection"]["f1"] for t in trainings),
                "agreement_f1": agreement["f1"], "trainings": trainings, "agreement": agreement,
                "dropped": dict(Counter(reason for reason in dropped if reason)),
                **projected,
                "entities": {"english": sum(len(tags_to_spans(p.src_tags)) for p in kept_pairs),
                             "tprojection": sum(len(tags_to_spans(p.tprojection_tags)) for p in kept_pairs),
                             "projner": sum(len(tags_to_spans(t)) for t in kept_tags)},
                "align_seconds": align_seconds, "alignments_cached": cached, "project_seconds": project_seconds,
            })
            print(f"{lang}: run {run}: agreement F1 {100 * agreement['f1']:.1f} on {len(kept)} sentences "
                  f"(align {align_seconds:.0f} s{' cached' if cached else ''})", flush=True)
        if gold_ceiling:
            gold_train, _ = load_sentences(data_dir / "masakhaner2" / lang / "train.txt", label_map=GOLD_MAP,
                                           lenient=True)
            ceiling = train_and_score(gold_train, test, workdir / "gold", CrfConfig())
            result["gold_train_f1"] = ceiling["scores"]["f1"]
            print(f"{lang}: CRF on MasakhaNER 2.0 gold train: F1 {100 * result['gold_train_f1']:.1f}", flush=True)
    result["runs"] = runs_out
    for key in ("projner_f1", "tprojection_f1", "agreement_f1", "sentences"):
        result[key] = statistics.fmean(r[key] for r in runs_out)
    result["sentences"] = round(result["sentences"])
    differences = [t["difference"] for r in runs_out for t in r["trainings"]]
    result["difference"] = statistics.fmean(differences)
    if len(differences) > 1:
        result["difference_spread"] = _spread(differences)
        for key in ("projner", "tprojection"):
            result[f"{key}_f1_spread"] = _spread([t[key]["f1"] for r in runs_out for t in r["trainings"]])
    if runs > 1:
        result["agreement_f1_spread"] = _spread([r["agreement_f1"] for r in runs_out])
    result["seconds"] = time.perf_counter() - started
    return result


def _spread(values: Sequence[float]) -> dict:
    return {"min": min(values), "max": max(values), "stdev": statistics.stdev(values), "values": list(values)}


def summary(results: dict[str, dict]) -> dict:
    """The report: per-language details, and for several languages their means at the top level."""
    if len(results) == 1:
        return next(iter(results.values()))
    keys = ("projner_f1", "tprojection_f1", "agreement_f1", "difference")
    report: dict = {key: statistics.fmean(r[key] for r in results.values()) for key in keys}
    report["sentences"] = sum(r["sentences"] for r in results.values())
    report["languages"] = results
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", required=True, help="language code (e.g. hau), or 'all'")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help=f"default: {DEFAULT_DATA}")
    parser.add_argument("--report", type=Path, help="write the report JSON here")
    parser.add_argument("--runs", type=int, default=1, help="eflomal runs (random sampling) to average")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"alignment cache ({DEFAULT_CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="align afresh, keep nothing")
    parser.add_argument("--gold-ceiling", action="store_true",
                        help="also train on MasakhaNER 2.0 gold train (the in-language ceiling)")
    parser.add_argument("--method", choices=("candidates", "heuristic"), default=MethodOptions().method,
                        help="projection method (default: translate-train's)")
    parser.add_argument("--symmetrization", help="eflomal symmetrisation (default: the aligner's)")
    parser.add_argument("--eflomal-runs", type=int, help="eflomal runs voted per alignment (default: the aligner's)")
    parser.add_argument("--keep-unprojected", action="store_true",
                        help="also train on sentences where some entity could not be projected "
                        "(a published projner corpus leaves them out)")
    parser.add_argument("--subsamples", type=int, default=0,
                        help="train both CRFs on this many paired random 90%% subsets and average "
                        "(default 0: once, on every kept sentence)")
    parser.add_argument("--no-refinements", action="store_true",
                        help="switch off all three refinements below (projner's core before them)")
    parser.add_argument("--no-prefixed-names", action="store_true",
                        help="name links ignore name stems (NameMatchConfig.prefixed_names=False)")
    parser.add_argument("--punctuation-links", action="store_true",
                        help="count entity words' links into punctuation (ScoreConfig.punctuation_links=True)")
    parser.add_argument("--no-retype-dropped", action="store_true",
                        help="leave MISC out of the projection instead of retyping it (translate-train's "
                        "--no-retype-dropped)")
    parser.add_argument("--as-tokenized", action="store_true",
                        help="keep the silver file's tokens as they are (apostrophe-split words stay split)")
    args = parser.parse_args(argv)
    aligner_options = {key: value for key, value in (("symmetrization", args.symmetrization),
                                                     ("runs", args.eflomal_runs)) if value is not None}
    method = MethodOptions(method=args.method, aligner="eflomal",
                           retype_dropped=not (args.no_refinements or args.no_retype_dropped))
    projection = method.projection_config()
    if args.no_refinements or args.no_prefixed_names:
        projection = replace(projection, names=replace(projection.names, prefixed_names=False))
    if args.no_refinements or args.punctuation_links:
        projection = replace(projection, scores=replace(projection.scores, punctuation_links=True))
    langs = languages_in(args.data_dir) if args.lang == "all" else [args.lang]
    if not langs:
        print(f"no language has both {SILVER_DIR}/L.train.txt and {SILVER_DIR}/map/L.json in {args.data_dir}",
              file=sys.stderr)
        return 2
    results = {}
    for lang in langs:
        results[lang] = run_language(lang, args.data_dir, runs=args.runs, gold_ceiling=args.gold_ceiling,
                                     cache_dir=None if args.no_cache else args.cache_dir,
                                     aligner_options=aligner_options, method=method, projection=projection,
                                     keep_unprojected=args.keep_unprojected, rejoin=not args.as_tokenized,
                                     subsamples=args.subsamples)
        if args.report:  # after every language, so a long run's finished languages are never lost
            args.report.write_text(json.dumps(summary(results), ensure_ascii=False, indent=1) + "\n",
                                   encoding="utf-8")
    print("\nlang  sentences  projner F1  T-Projection F1  difference (stdev)  agreement F1  gold-train F1")
    for lang, r in results.items():
        spread = f"({100 * r['difference_spread']['stdev']:.1f})" if "difference_spread" in r else ""
        gold = f"{100 * r['gold_train_f1']:.1f}" if "gold_train_f1" in r else "-"
        print(f"{lang:5} {r['sentences']:9d}  {100 * r['projner_f1']:10.1f}  {100 * r['tprojection_f1']:15.1f}  "
              f"{100 * r['difference']:+10.1f} {spread:>7}  {100 * r['agreement_f1']:12.1f}  {gold:>13}")
    if args.report:
        print(f"report: {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
