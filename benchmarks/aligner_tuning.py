"""Tuning the neural aligner on a real encoder: projection F1 per layer, extraction, unit, combination.

    python benchmarks/aligner_tuning.py --model ../e5 --cache /tmp/tuning          # everything
    python benchmarks/aligner_tuning.py --model ../e5 --study layers --report layers.json

The score is what the aligner is for here: strict F1 (seqeval, IOB2) of projner's default projection
(candidate matching, exact solver, name links) of gold source names onto the target, against the
target's gold, on

- ``pud-names`` en → ar, hi, ko, th (four scripts, the 1,000 PUD sentences; ``--sentences``), and
- Europarl-NER en → de, es, it (799 pairs, PER/ORG/LOC; MISC mapped to O), to check that a choice
  made on far languages does not cost the near ones.

Each sentence is encoded once with every layer of ``--layers`` (one forward pass per batch), and
every extraction method and unit reads those vectors (``NeuralAligner.align_encoded``), so the
sweep costs one encoding per language, not one per configuration. eflomal (the default settings:
three voted runs) is run once per language; its intersection, gdfa and union come from the same
voted directional links. ``--cache DIR`` keeps both between runs.

Studies (``--study``, default all):

- ``layers``: argmax over subwords at each layer;
- ``methods``: argmax / itermax / match / softmax × subword / word units at each of ``--method-layers``;
- ``combine``: the neural aligner (``--neural`` configurations) with eflomal: links of either alone,
  their intersection (``&``), their union (``|``), and ``+`` (fill: eflomal's links between two
  words the neural aligner left unaligned), eflomal intersection- or gdfa-symmetrised;
- ``ties``: the projection's linked-word tie-break (``ScoreConfig.linked_tie_break``) on and off,
  on eflomal's and the first ``--neural`` configuration's links.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from projner.builders.parallel import read_parallel
from projner.labels import LabelMap
from projner.processing.align.combined import combine_links
from projner.processing.align.encoder import EncodedSentence, SubwordEncoder
from projner.processing.align.links import Link, symmetrize
from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig
from projner.processing.align.statistical import EflomalAligner, EflomalConfig
from projner.processing.evaluate import ner_scores
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.scores import ScoreConfig
from projner.processing.project.spans import tags_to_spans
from projner.processing.runtime import model_revision

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PUD_LANGUAGES = ("ar", "hi", "ko", "th")
EUROPARL_LANGUAGES = ("de", "es", "it")
METHODS = ("argmax", "itermax", "match", "softmax")
TOKEN_TYPES = ("bpe", "word")
STUDIES = ("layers", "methods", "combine", "ties")
COMBINATIONS = ("neural", "eflomal", "neural&eflomal", "neural|eflomal", "neural|eflomal-gdfa", "neural+eflomal",
                "neural+eflomal-gdfa")


@dataclass
class Corpus:
    """One evaluation pair: rows with gold spans, and (filled lazily) encodings and eflomal links."""

    name: str
    rows: list[dict]
    encoded: dict[int, tuple[list[EncodedSentence | None], list[EncodedSentence | None]]] | None = None
    eflomal: dict[str, list[list[Link]]] | None = None


def load_corpora(data: Path, pud: Sequence[str], europarl: Sequence[str], sentences: int | None) -> list[Corpus]:
    corpora = []
    for language in pud:
        folder = data / "pud-names"
        rows = list(read_parallel(folder / "en.conll", folder / f"{language}.conll"))[:sentences]
        corpora.append(Corpus(f"pud-{language}", rows))
    for language in europarl:
        folder = data / "europarl-ner"
        rows = list(read_parallel(folder / "en-europarl.test.conll02", folder / f"{language}-europarl.test.conll02",
                                  label_map=LabelMap.parse(["MISC=O"])))[:sentences]
        corpora.append(Corpus(f"europarl-{language}", rows))
    for corpus in corpora:
        for row in corpus.rows:
            row["entities"] = tags_to_spans(row["src_tags"])
    return corpora


def _cache_path(cache: Path | None, kind: str, *parts: object) -> Path | None:
    if cache is None:
        return None
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]
    return cache / f"{kind}-{digest}.pt"


def encode_side(sentences: list[list[str]], model: str, layers: Sequence[int], cache: Path | None,
                batch_size: int) -> tuple[dict, float]:
    """Every layer's subword vectors of one side (kept in float16) and the seconds they took; a side
    shared by several corpora (the English of pud-names) is encoded once when cached."""
    path = _cache_path(cache, "encoded", model, model_revision(model, None), sorted(layers), sentences)
    if path is not None and path.exists():
        return torch.load(path), 0.0
    started = time.perf_counter()
    encoder = SubwordEncoder(model, layer=max(layers), batch_size=batch_size)
    per_layer = encoder.encode_layers(sentences, layers)
    stored = {"words": [None if e is None else e.words for e in per_layer[0]],
              "vectors": {layer: [None if e is None else e.vectors.half() for e in encoded]
                          for layer, encoded in zip(layers, per_layer)}}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(stored, path)
    return stored, time.perf_counter() - started


def encode(corpus: Corpus, model: str, layers: Sequence[int], cache: Path | None, batch_size: int) -> float:
    """Both sides' vectors at every layer into ``corpus.encoded``; returns the seconds spent."""
    seconds = 0.0
    sides = []
    for column in ("src_tokens", "tgt_tokens"):
        stored, spent = encode_side([r[column] for r in corpus.rows], model, layers, cache, batch_size)
        seconds += spent
        sides.append({layer: [None if v is None else EncodedSentence(v, w)
                              for v, w in zip(vectors, stored["words"])]
                      for layer, vectors in stored["vectors"].items()})
    corpus.encoded = {layer: (sides[0][layer], sides[1][layer]) for layer in layers}
    return seconds


def run_eflomal(corpus: Corpus, cache: Path | None) -> float:
    """eflomal's default links (voted runs), every symmetrisation; returns the seconds spent."""
    source = [r["src_tokens"] for r in corpus.rows]
    target = [r["tgt_tokens"] for r in corpus.rows]
    config = EflomalConfig()
    path = _cache_path(cache, "eflomal", config, source, target)
    if path is not None and path.exists():
        stored = torch.load(path)
    else:
        started = time.perf_counter()
        forward, reverse = EflomalAligner(config).align_directions(source, target)
        stored = {"seconds": time.perf_counter() - started, "forward": forward, "reverse": reverse}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(stored, path)
    corpus.eflomal = {method: [symmetrize(f, r, method) for f, r in zip(stored["forward"], stored["reverse"])]
                      for method in ("intersection", "gdfa", "union")}
    return stored["seconds"]


def neural_links(corpus: Corpus, model: str, layer: int, method: str, token_type: str) -> list[list[Link]]:
    aligner = NeuralAligner(NeuralAlignerConfig(model=model, layer=layer, method=method, token_type=token_type))
    source, target = corpus.encoded[layer]
    return aligner.align_encoded(source, target)


def projection_f1(corpus: Corpus, links: Sequence[Sequence[Link]], config: ProjectionConfig) -> float:
    predicted = [project_pair(r["src_tokens"], r["entities"], r["tgt_tokens"], pair, config).tags
                 for r, pair in zip(corpus.rows, links)]
    return 100 * ner_scores([r["tgt_tags"] for r in corpus.rows], predicted)["f1"]


def combine(neural: Sequence[Sequence[Link]], eflomal: dict[str, list[list[Link]]], how: str) -> list[list[Link]]:
    """``neural``, ``eflomal`` (intersection), or ``neural<op>eflomal[-gdfa]`` with ``&`` (intersection),
    ``|`` (union) or ``+`` (fill: eflomal's links between words neural leaves unaligned)."""
    if how == "neural":
        return [list(x) for x in neural]
    if how == "eflomal":
        return eflomal["intersection"]
    other = eflomal["gdfa" if how.endswith("-gdfa") else "intersection"]
    operator = how[len("neural")]
    return combine_links(neural, other, {"&": "intersection", "|": "union", "+": "fill"}[operator])


def table(title: str, corpora: list[Corpus], rows: list[tuple[str, Callable[[Corpus], float]]]) -> list[dict]:
    """Print one F1 per configuration and corpus, with the mean over pud and over Europarl."""
    names = [c.name.replace("europarl-", "ep-").replace("pud-", "") for c in corpora]
    print(f"\n## {title}\n")
    print(f"{'configuration':<34}" + "".join(f"{n:>7}" for n in names) + f"{'pud':>7}{'ep':>7}", flush=True)
    out = []
    for label, score in rows:
        figures = {c.name: round(score(c), 2) for c in corpora}
        pud = [v for k, v in figures.items() if k.startswith("pud-")]
        europarl = [v for k, v in figures.items() if k.startswith("europarl-")]
        means = [statistics.fmean(x) if x else float("nan") for x in (pud, europarl)]
        print(f"{label:<34}" + "".join(f"{v:>7.1f}" for v in figures.values())
              + "".join(f"{m:>7.1f}" for m in means), flush=True)
        out.append({"study": title, "configuration": label, "f1": figures,
                    "mean_pud": means[0], "mean_europarl": means[1]})
    return out


def parse_neural(spec: str) -> tuple[int, str, str]:
    """``LAYER:METHOD:UNIT`` (e.g. ``8:itermax:bpe``)."""
    layer, method, unit = spec.split(":")
    if method not in METHODS or unit not in TOKEN_TYPES:
        raise argparse.ArgumentTypeError(f"{spec!r}: expected LAYER:{'|'.join(METHODS)}:{'|'.join(TOKEN_TYPES)}")
    return int(layer), method, unit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="encoder folder or Hub id (e.g. the real e5-small)")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--pud", default=",".join(PUD_LANGUAGES), help="pud-names targets (comma-separated)")
    parser.add_argument("--europarl", default=",".join(EUROPARL_LANGUAGES),
                        help="Europarl-NER targets (comma-separated; empty: none)")
    parser.add_argument("--sentences", type=int, default=1000, help="first N pairs of each corpus")
    parser.add_argument("--layers", default="4,5,6,7,8,9,10,11,12", help="layers of the layer study")
    parser.add_argument("--method-layers", default="6,8", help="layers of the method study")
    parser.add_argument("--encode-layers", default="",
                        help="further layers to encode (the cache is keyed by the whole set: pass an earlier "
                             "run's set to reuse its vectors)")
    parser.add_argument("--methods", default=",".join(METHODS), help="extractions of the method study")
    parser.add_argument("--units", default=",".join(TOKEN_TYPES), help="units of the method study (bpe, word)")
    parser.add_argument("--neural", nargs="+", type=parse_neural, default=[(8, "argmax", "bpe")],
                        metavar="LAYER:METHOD:UNIT", help="neural configurations of the combination study")
    parser.add_argument("--study", nargs="+", choices=STUDIES, default=list(STUDIES))
    parser.add_argument("--batch-size", type=int, default=64, help="sentences per forward pass")
    parser.add_argument("--cache", type=Path, help="keep encodings and eflomal links here between runs")
    parser.add_argument("--report", type=Path, help="also write every figure here (JSON)")
    args = parser.parse_args(argv)

    torch.set_num_threads(max(1, torch.get_num_threads()))
    corpora = load_corpora(args.data, [x for x in args.pud.split(",") if x],
                           [x for x in args.europarl.split(",") if x], args.sentences)
    layers = sorted({int(x) for x in args.layers.split(",")} | {int(x) for x in args.method_layers.split(",")}
                    | {layer for layer, _, _ in args.neural} | {int(x) for x in args.encode_layers.split(",") if x})
    config = ProjectionConfig()
    timings = {}
    for corpus in corpora:
        timings[corpus.name] = {"encode_s": round(encode(corpus, args.model, layers, args.cache, args.batch_size), 1)}
        if "combine" in args.study or "ties" in args.study:
            timings[corpus.name]["eflomal_s"] = round(run_eflomal(corpus, args.cache), 1)
        print(f"{corpus.name}: {len(corpus.rows)} pairs, {timings[corpus.name]}", file=sys.stderr, flush=True)

    results: list[dict] = []
    if "layers" in args.study:
        rows = [(f"layer {layer} argmax bpe",
                 lambda c, layer=layer: projection_f1(c, neural_links(c, args.model, layer, "argmax", "bpe"), config))
                for layer in sorted(int(x) for x in args.layers.split(","))]
        results += table("layers (argmax, subwords)", corpora, rows)
    if "methods" in args.study:
        rows = [(f"layer {layer} {method} {unit}",
                 lambda c, layer=layer, method=method, unit=unit:
                 projection_f1(c, neural_links(c, args.model, layer, method, unit), config))
                for layer in sorted(int(x) for x in args.method_layers.split(","))
                for method in args.methods.split(",") for unit in args.units.split(",")]
        results += table("methods and units", corpora, rows)
    if "combine" in args.study:
        rows = [(f"{layer}:{method}:{unit} {how}",
                 lambda c, layer=layer, method=method, unit=unit, how=how:
                 projection_f1(c, combine(neural_links(c, args.model, layer, method, unit), c.eflomal, how), config))
                for layer, method, unit in args.neural for how in COMBINATIONS]
        results += table("combined with eflomal", corpora, rows)
    if "ties" in args.study:
        layer, method, unit = args.neural[0]
        variants = {"tie-break on": config, "tie-break off": ProjectionConfig(scores=ScoreConfig(linked_tie_break=False))}
        rows = [(f"{aligner} {name}",
                 lambda c, aligner=aligner, variant=variant: projection_f1(
                     c, c.eflomal["intersection"] if aligner == "eflomal"
                     else neural_links(c, args.model, layer, method, unit), variant))
                for aligner in ("eflomal", f"{layer}:{method}:{unit}") for name, variant in variants.items()]
        results += table("linked-word tie-break", corpora, rows)
    if args.report is not None:
        args.report.write_text(json.dumps({"model": args.model, "sentences": args.sentences, "timings": timings,
                                           "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
