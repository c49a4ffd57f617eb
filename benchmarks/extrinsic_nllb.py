"""Extrinsic benchmark on real NLLB output: projner's silver against T-Projection's, judged by a CRF.

For a language L with ``tprojection-silver/L.train.txt`` (CoNLL-2003 English train translated by
NLLB-200, labelled by T-Projection) and ``tprojection-silver/map/L.json`` (the English sentence each
of its sentences translates, or null):

1. pair each mapped translation with its English sentence and gold entities; target words cleaned
   as projner's pipeline would give them (NFC, apostrophe-split words glued), for both corpora;
2. align the pairs with eflomal through projner's aligner (all pairs at once, as a corpus);
3. project the English entities with projner's core (``project_pair``) plus two refinements that
   live here until the core has them: :func:`prefixed_name_links` and :func:`retype_misc`
   (``--core-only`` turns both off);
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
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Indel

from projner.builders.conll import read_conll, repair_iob2
from projner.labels import LabelMap, split_tag
from projner.processing.align.links import Link, format_pharaoh, parse_pharaoh
from projner.processing.evaluate import ner_scores
from projner.processing.project.pair import REASONS, ProjectionConfig, project_pair
from projner.processing.project.spans import Span, spans_to_tags, tags_to_spans
from projner.training.crf import CrfConfig, FeatureCache
from projner.training.data import TaggedSentence, clean_sentence, load_sentences
from projner.training.run import train_and_score

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "projner" / "extrinsic"
ENGLISH_TRAIN = "conll2003-en/en.conll.train.tsv"
SILVER_DIR = "tprojection-silver"
SILVER_MAP = LabelMap.parse(["MISC=O"])
"""Both silver corpora are scored on PER/ORG/LOC; CoNLL-2003's MISC has no MasakhaNER counterpart."""
GOLD_MAP = LabelMap.parse(["DATE=O", "MISC=O"])


@dataclass(frozen=True)
class Pair:
    """One translated sentence: its English original and both label sets on the same target words."""

    english_index: int
    src_words: list[str]
    src_tags: list[str]
    """English gold tags, MISC → O (what both silvers are scored on)."""
    src_misc_tags: list[str]
    """English gold tags with MISC, for :func:`retype_misc`."""
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


def rejoin_apostrophe_splits(words: Sequence[str], tags: Sequence[str]) -> tuple[list[str], list[str], int]:
    """Glue words the silver files' tokeniser cut at an inner apostrophe back together.

    Two forms: a piece that starts with an apostrophe and a letter joins the word before it when that
    ends with a letter (Hausa ``Jam 'iyyar``, Chichewa ``m 'dziko``); a lone apostrophe (or double
    quote) between a one-letter word and a word joins both (Igbo ``n ' ime``, ``n " ụlọ``, English
    ``O ' Neal``; an elision). projner's word splitter and the MasakhaNER gold keep such words whole.
    A glued word keeps the first piece's tag, or starts the entity a later piece began. Returns the
    words, the tags (valid IOB2) and how many pieces were glued.
    """
    out_words: list[str] = []
    out_tags: list[str] = []
    glued = 0
    position = 0
    while position < len(words):
        word, tag = words[position], tags[position]
        pieces = 1
        if (out_words and len(word) > 1 and word[0] in APOSTROPHES and word[1].isalpha()
                and unicodedata.category(out_words[-1][-1])[0] in "LM"):
            out_words[-1] += word
        elif (out_words and word in APOSTROPHES + QUOTE_AS_APOSTROPHE and position + 1 < len(words)
              and len(out_words[-1]) == 1 and out_words[-1].isalpha() and words[position + 1][:1].isalpha()):
            out_words[-1] += ("'" if word == QUOTE_AS_APOSTROPHE else word) + words[position + 1]
            pieces = 2
            tag = tag if tag != "O" else tags[position + 1]
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
            words, tags, count = rejoin_apostrophe_splits(words, tags)
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


def project_pairs(
    pairs: Sequence[Pair], links: Sequence[Sequence[Link]], config: ProjectionConfig, *,
    name_prefixes: bool = True, misc: bool = True,
) -> tuple[list[list[str]], list[str], dict[str, int]]:
    """projner's projection of the English entities onto the translations: IOB2 tags per pair, each
    pair's ``dropped_reason`` (empty where every PER/ORG/LOC entity was projected), and the English
    entities left unprojected, by reason.

    ``name_prefixes``: repair links with :func:`prefixed_name_links` first. ``misc``: project MISC too
    and give its spans a type with :func:`retype_misc` (an unprojected MISC never drops a sentence).
    """
    spans: list[list[Span]] = []
    dropped: list[str] = []
    reasons: Counter = Counter()
    for pair, pair_links in zip(pairs, links):
        entities = tags_to_spans(pair.src_misc_tags if misc else pair.src_tags)
        if name_prefixes:
            pair_links = prefixed_name_links(pair.src_words, entities, pair.tgt_words, pair_links)
        projection = project_pair(pair.src_words, entities, pair.tgt_words, pair_links, config)
        spans.append([span.span for span in projection.spans])
        counted = [reason for k, reason in projection.unprojected if entities[k].label != MISC]
        dropped.append("+".join(reason for reason in REASONS if reason in counted))
        reasons.update(counted)
    if misc:
        spans = retype_misc([p.tgt_words for p in pairs], spans)
    tags = [spans_to_tags(pair_spans, len(pair.tgt_words)) for pair, pair_spans in zip(pairs, spans)]
    return tags, dropped, dict(reasons)


MISC = "MISC"
RETYPE_MIN_COUNT = 3
RETYPE_MIN_SHARE = 2 / 3


def retype_misc(words: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]]) -> list[list[Span]]:
    """Projected MISC spans take the type the corpus gives their words elsewhere, or go.

    CoNLL-2003's MISC is mostly nationalities, and translation often turns them into names: "German
    call" becomes Hausa "kiran Jamus" (Germany's call), "Russian troops" Shona "mauto eRussia". The
    target sentence then names a place, which is what a target-side annotator (and MasakhaNER) would
    tag. A MISC span whose text (case-folded; for one prefixed word also its :func:`name_stem`) is
    projected as one PER/ORG/LOC type at least ``RETYPE_MIN_COUNT`` times, and as that type in at
    least ``RETYPE_MIN_SHARE`` of its projections, takes that type; any other MISC span is dropped
    (O), as MISC is outside the label set.
    """
    lexicon: dict[str, Counter] = {}
    for sentence, sentence_spans in zip(words, spans):
        for span in sentence_spans:
            if span.label != MISC:
                for key in _lexicon_keys(sentence[span.start:span.end]):
                    lexicon.setdefault(key, Counter())[span.label] += 1
    out: list[list[Span]] = []
    for sentence, sentence_spans in zip(words, spans):
        kept = []
        for span in sentence_spans:
            if span.label == MISC:
                label = _lexicon_type(lexicon, sentence[span.start:span.end])
                if label is None:
                    continue
                span = Span(span.start, span.end, label)
            kept.append(span)
        out.append(kept)
    return out


def _lexicon_keys(words: Sequence[str]) -> list[str]:
    """The span's text, case-folded, then (for one prefixed word) its name stem."""
    keys = [" ".join(words).casefold()]
    stem = name_stem(words[0]) if len(words) == 1 else None
    if stem:
        keys.append(stem.casefold())
    return keys


def _lexicon_type(lexicon: dict[str, Counter], words: Sequence[str]) -> str | None:
    """The first key's type that has enough evidence (see :func:`retype_misc`), or None."""
    for key in _lexicon_keys(words):
        counts = lexicon.get(key)
        if counts:
            label, count = counts.most_common(1)[0]
            if count >= RETYPE_MIN_COUNT and count >= RETYPE_MIN_SHARE * sum(counts.values()):
                return label
    return None


def name_stem(word: str) -> str | None:
    """The name inside a word that carries a short lower-case prefix: ``weGermany`` → ``Germany``,
    ``n'Awka`` → ``Awka``, ``muHarare`` → ``Harare``; None for any other word.

    Bantu languages write noun-class and locative prefixes onto names (Shona ``kuHarare``, Chichewa
    ``mMalawi``) and Igbo elides ``na`` onto them (``n'Awka``); the prefix is at most four letters
    and an apostrophe, the name starts with a capital.
    """
    for cut in range(1, min(len(word) - 1, MAX_PREFIX + 1) + 1):
        head, char = word[:cut], word[cut]
        if not (head[-1].islower() or (head[-1] in APOSTROPHES and cut > 1)):
            return None
        if char.isupper():
            return word[cut:] if head[0].islower() else None
    return None


MAX_PREFIX = 5
"""Longest prefix :func:`name_stem` strips (four letters and an apostrophe)."""


def prefixed_name_links(
    source_words: Sequence[str], entities: Sequence[Span], target_words: Sequence[str], links: Sequence[Link],
    *, threshold: float = 0.7, min_length: int = 4,
) -> list[Link]:
    """Links from name-like entity words to target words that spell the name behind a prefix.

    A statistical aligner sees ``weGermany``, ``muGermany`` and ``Germany`` as three rare words and
    leaves them unlinked; spelling says otherwise. A capitalised (or digit-bearing) entity word
    with no link to such a word is re-linked to the target words whose :func:`name_stem` looks like
    it (equal after case folding, or both at least ``min_length`` long, same first letter, Indel
    similarity at least ``threshold``), replacing its other links. Links of other words are kept.
    """
    stems = {j: stem.casefold() for j, word in enumerate(target_words) if (stem := name_stem(word))}
    if not stems:
        return list(links)
    targets: dict[int, set[int]] = {}
    for i, j in links:
        targets.setdefault(i, set()).add(j)
    for entity in entities:
        for i in range(entity.start, entity.end):
            word = source_words[i]
            if not (word[:1].isupper() or any(char.isdigit() for char in word)):
                continue
            folded = word.casefold()
            found: dict[int, float] = {}
            for j, stem in stems.items():
                if stem == folded:
                    found[j] = 1.0
                elif len(stem) >= min_length and len(folded) >= min_length and stem[0] == folded[0]:
                    similarity = Indel.normalized_similarity(folded, stem, score_cutoff=threshold)
                    if similarity:
                        found[j] = similarity
            if found and not targets.get(i, set()) & found.keys():
                best = max(found.values())
                targets[i] = {j for j, similarity in found.items() if similarity == best}
    return sorted((i, j) for i, js in targets.items() for j in js)


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
    aligner_options: dict, projection: ProjectionConfig, keep_unprojected: bool = False, rejoin: bool = True,
    name_prefixes: bool = True, misc: bool = True, subsamples: int = 0,
) -> dict:
    """Everything the benchmark measures for one language.

    Like a published projner corpus, projner's silver leaves out the sentences in which some English
    entity could not be projected (``dropped_reason``); T-Projection's silver is cut to the same
    sentences, so both CRFs see the very same words (``keep_unprojected`` keeps every pair).
    """
    started = time.perf_counter()
    pairs, pairing = load_pairs(data_dir, lang, rejoin=rejoin)
    test_path = data_dir / "masakhaner2" / lang / "test.txt"
    test, _ = load_sentences(test_path, label_map=GOLD_MAP, repair=False)
    features = FeatureCache()
    result: dict = {"lang": lang, "pairs": len(pairs), "pairing": pairing, "test": str(test_path),
                    "test_sentences": len(test), "method": projection.describe(),
                    "prefixed_name_links": name_prefixes, "retype_misc": misc,
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
            tags, dropped, unprojected = project_pairs(pairs, links, projection, name_prefixes=name_prefixes,
                                                       misc=misc)
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
                "unprojected_entities": unprojected,
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
    parser.add_argument("--method", choices=("candidates", "heuristic"), default=ProjectionConfig().method,
                        help="projection method (default: projner's default)")
    parser.add_argument("--symmetrization", help="eflomal symmetrisation (default: the aligner's)")
    parser.add_argument("--eflomal-runs", type=int, help="eflomal runs voted per alignment (default: the aligner's)")
    parser.add_argument("--keep-unprojected", action="store_true",
                        help="also train on sentences where some entity could not be projected "
                        "(a published projner corpus leaves them out)")
    parser.add_argument("--subsamples", type=int, default=0,
                        help="train both CRFs on this many paired random 90%% subsets and average "
                        "(default 0: once, on every kept sentence)")
    parser.add_argument("--core-only", action="store_true",
                        help="project with the core alone (neither of the two refinements below)")
    parser.add_argument("--no-prefixed-names", action="store_true",
                        help="leave out the prefixed-name link repair (prefixed_name_links)")
    parser.add_argument("--no-retype-misc", action="store_true",
                        help="leave MISC out of the projection instead of typing its spans (retype_misc)")
    parser.add_argument("--as-tokenized", action="store_true",
                        help="keep the silver file's tokens as they are (apostrophe-split words stay split)")
    args = parser.parse_args(argv)
    aligner_options = {key: value for key, value in (("symmetrization", args.symmetrization),
                                                     ("runs", args.eflomal_runs)) if value is not None}
    projection = ProjectionConfig(method=args.method)
    langs = languages_in(args.data_dir) if args.lang == "all" else [args.lang]
    if not langs:
        print(f"no language has both {SILVER_DIR}/L.train.txt and {SILVER_DIR}/map/L.json in {args.data_dir}",
              file=sys.stderr)
        return 2
    results = {}
    for lang in langs:
        results[lang] = run_language(lang, args.data_dir, runs=args.runs, gold_ceiling=args.gold_ceiling,
                                     cache_dir=None if args.no_cache else args.cache_dir,
                                     aligner_options=aligner_options, projection=projection,
                                     keep_unprojected=args.keep_unprojected, rejoin=not args.as_tokenized,
                                     name_prefixes=not (args.core_only or args.no_prefixed_names),
                                     misc=not (args.core_only or args.no_retype_misc), subsamples=args.subsamples)
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
