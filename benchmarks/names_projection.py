"""Projection onto languages far from English: pud-names (en → ar, hi, ko, th), Europarl for no regression.

    python benchmarks/names_projection.py                          # eflomal configurations (about 3 min on 2 cores)
    python benchmarks/names_projection.py --model /work/wt/e5      # + the neural aligner on a real encoder
    python benchmarks/names_projection.py --languages ko --skip-europarl --report names.json
    python benchmarks/names_projection.py --model /work/wt/e5 --errors   # + every wrong span by class

Scores: seqeval strict IOB2 F1 (percent) of the projected English names against each target's own
names (``../shared/data/pud-names``: maximal PROPN runs of the UD PUD treebanks, a proxy for NER
gold, see its README). The gold defines a name as a maximal run of PROPN words, so it cannot hold
two adjacent names (Korean ``스탈린은 아바쿠모프를``, "Stalin ... Abakumov", is one run): the first
table reads both sides that way (``ner_scores(..., adjacent_joined=True)``), the second scores the
projected entities as they are. Every **configuration** is one column: an aligner (with its options) and a
:class:`ProjectionConfig`. Links are computed once per aligner setting and language and shared by
the configurations that use it. The list :data:`CONFIGURATIONS` is the one place to add one;
those whose aligner is ``neural`` run only with ``--model``.

Europarl-NER (en → de, es, it; MISC mapped to O) checks that nothing got worse where the scripts
agree: own eflomal links (one run of the default setting, which votes three eflomal runs) and the
reference link files ``alignments/eflomal.en-L.{intersection,gdfa}.txt``.

Speed: candidate projection alone (exact solver, name links with romanization on) on the Korean
and Thai pairs through the first configuration's links, one core, romanization cache warm (one
untimed pass first); median of ``--repeats`` passes, in sentences/s, with the CPU model.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from europarl_projection import load as load_europarl

from projner.builders.parallel import read_parallel
from projner.labels import join_adjacent
from projner.processing.align.backends import make_aligner, uses_encoder
from projner.processing.align.combined import combine_links, split_options
from projner.processing.align.links import read_pharaoh
from projner.processing.evaluate import ner_scores
from projner.processing.project.casing import UPPER, first_case
from projner.processing.project.errors import (
    MISSED_CLASSES,
    SPURIOUS_CLASSES,
    UNANNOTATED_SOURCE,
    projection_errors,
)
from projner.processing.project.name_evidence import (
    NameEvidenceConfig,
    named_spans,
)
from projner.processing.project.names import NameMatchConfig
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.spans import spans_to_tags, tags_to_spans

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
PUD_LANGUAGES = ("ar", "hi", "ko", "th")
EUROPARL_LANGUAGES = ("de", "es", "it")


@dataclass(frozen=True)
class Configuration:
    """One column: how pairs are aligned and how entities are projected through the links."""

    name: str
    aligner: str
    """``eflomal`` or ``neural`` (the latter needs ``--model``), or any backend of the registry."""
    projection: ProjectionConfig = field(default_factory=ProjectionConfig)
    aligner_options: tuple[tuple[str, Any], ...] = ()
    """Backend keywords; ``neural`` also gets ``model`` (and ``device``) from the command line."""
    name_evidence: NameEvidenceConfig | None = None
    """Drop projected spans the corpus uses as common words (:mod:`~projner.processing.project.name_evidence`)."""


WITHOUT_ROMANIZATION = ProjectionConfig(names=NameMatchConfig(romanized=False))
EVIDENCE = NameEvidenceConfig()

CONFIGURATIONS: list[Configuration] = [
    Configuration("eflomal-before", "eflomal", WITHOUT_ROMANIZATION, (("stem_letters", 0),)),
    Configuration("eflomal-spans", "eflomal"),
    Configuration("eflomal", "eflomal", name_evidence=EVIDENCE),
    Configuration("neural-same-script", "neural", WITHOUT_ROMANIZATION),
    Configuration("neural-spans", "neural"),
    Configuration("neural", "neural", name_evidence=EVIDENCE),
    Configuration("neural-words", "neural", aligner_options=(("token_type", "word"),), name_evidence=EVIDENCE),
    Configuration("neural+eflomal", "neural+eflomal", name_evidence=EVIDENCE),
]
"""The columns, in order. ``eflomal-before``: projner before romanized name links and stems
(eflomal on whole words, name links within one script); ``neural-same-script``: the neural
aligner with name links within one script; ``eflomal``/``neural``: the defaults (projection, then
spans on words the corpus uses as common words dropped); ``eflomal-spans``/``neural-spans``: the
same without that last step; ``neural-words``: ``neural`` with the similarity matrix over words
(each the mean of its subwords) instead of subwords; ``neural+eflomal``: both aligners' links combined
(``--aligner neural+eflomal``; docs/alignment.md)."""


def configuration_tags(rows: Sequence[dict], links: Sequence, configuration: Configuration) -> list[list[str]]:
    """The configuration's projection of ``rows`` through ``links``, as target tags."""
    return configuration_projection(rows, links, configuration)[0]


def configuration_projection(rows: Sequence[dict], links: Sequence,
                             configuration: Configuration) -> tuple[list[list[str]], list[list]]:
    """The configuration's projection of ``rows`` through ``links``: target tags, and the links the
    projection used (after name links)."""
    projections = [project_pair(r["src_tokens"], r["entities"], r["tgt_tokens"], pair, configuration.projection)
                   for r, pair in zip(rows, links)]
    targets = [r["tgt_tokens"] for r in rows]
    used = [p.links for p in projections]
    if configuration.name_evidence is None:
        return [p.tags for p in projections], used
    spans = [[s.span for s in p.spans] for p in projections]
    keep = named_spans([r["src_tokens"] for r in rows], [r["entities"] for r in rows], targets,
                       used, spans, configuration.name_evidence)
    return [spans_to_tags([s for s, k in zip(row, kept) if k], len(words))
            for row, kept, words in zip(spans, keep, targets)], used


def error_counts(rows: Sequence[dict], predicted: Sequence[Sequence[str]], used: Sequence,
                 adjacent_joined: bool) -> tuple[int, Counter, Counter]:
    """The gold span count, the wrong spans of a projection (``predicted`` tags through the ``used``
    links) by class (:mod:`projner.processing.project.errors`; missed ones keyed ``("missed",
    class)``, spurious ones ``("spurious", class)``), and the capitalised source words behind the
    ``unannotated source`` misses."""
    read = join_adjacent if adjacent_joined else list
    gold = 0
    counts: Counter = Counter()
    unannotated: Counter = Counter()
    for row, tags, pair in zip(rows, predicted, used):
        gold_spans = tags_to_spans(read(row["tgt_tags"]))
        gold += len(gold_spans)
        for error in projection_errors(row["src_tokens"], tags_to_spans(read(row["src_tags"])), gold_spans,
                                       tags_to_spans(read(tags)), pair):
            counts["missed" if error.missed else "spurious", error.kind] += 1
            if error.kind == UNANNOTATED_SOURCE:
                unannotated.update(w for w in error.source_words if first_case(w) == UPPER)
    return gold, counts, unannotated


def configuration_f1(rows: Sequence[dict], links: Sequence, configuration: Configuration,
                     adjacent_joined: bool = False) -> float:
    """Strict F1 (percent) of the configuration's projection of ``rows`` through ``links``;
    ``adjacent_joined``: both sides read as maximal runs of names, as pud-names defines them."""
    predicted = configuration_tags(rows, links, configuration)
    return 100 * ner_scores([r["tgt_tags"] for r in rows], predicted, adjacent_joined=adjacent_joined)["f1"]


def print_errors(errors: dict[str, dict[str, tuple[int, Counter, Counter]]], adjacent_joined: bool) -> dict:
    """Print, per configuration and language, the gold span count and the wrong spans by class, from
    ``errors[configuration][language] = error_counts(...)``; the same as a dict."""
    columns = [("missed", kind) for kind in MISSED_CLASSES] + [("spurious", kind) for kind in SPURIOUS_CLASSES]
    print("\n## Where the errors are: wrong spans by class (processing/project/errors.py)"
          + (", adjacent names joined" if adjacent_joined else "") + "\n")
    print(f"{'configuration':<16}{'lang':<5}{'gold':>6}" + "".join(f"{m[:4] + ' ' + k:>24}" for m, k in columns))
    results: dict[str, dict[str, dict[str, int]]] = {}
    for name, by_language in errors.items():
        for language, (gold, counts, unannotated) in by_language.items():
            print(f"{name:<16}{language:<5}{gold:>6}" + "".join(f"{counts[c]:>24}" for c in columns)
                  + "   unannotated source words: " + ", ".join(f"{w} {n}" for w, n in unannotated.most_common(6)))
            results.setdefault(name, {})[language] = {"gold": gold} | {f"{m} {k}": counts[m, k] for m, k in columns}
    return results


def load_pud(data: Path, language: str) -> list[dict]:
    folder = data / "pud-names"
    rows = list(read_parallel(folder / "en.conll", folder / f"{language}.conll"))
    for row in rows:
        row["entities"] = tags_to_spans(row["src_tags"])
    return rows


def aligner_key(configuration: Configuration, args: argparse.Namespace) -> tuple[str, tuple]:
    options = dict(configuration.aligner_options)
    if uses_encoder(configuration.aligner):
        options.setdefault("model", args.model)
        options.setdefault("device", args.device)
    return configuration.aligner, tuple(sorted(options.items()))


def align(key: tuple[str, tuple], rows: Sequence[dict], done: dict[tuple, list]) -> tuple[list, float]:
    """Links of the aligner ``key`` names. ``neural+eflomal`` combines the links of its two parts
    where ``done`` already has both (what its backend computes, without aligning twice)."""
    name, options = key
    if name == "neural+eflomal":
        neural, eflomal, combination = split_options(dict(options))
        parts = [("neural", tuple(sorted(neural.items()))), ("eflomal", tuple(sorted(eflomal.items())))]
        if all(part in done for part in parts):
            return combine_links(done[parts[0]], done[parts[1]], combination), 0.0
    started = time.perf_counter()
    links = make_aligner(name, **dict(options)).align([r["src_tokens"] for r in rows],
                                                      [r["tgt_tokens"] for r in rows])
    return links, time.perf_counter() - started


def score_table(title: str, rows_by_language: dict[str, list[dict]], configurations: Sequence[Configuration],
                args: argparse.Namespace, keep_links: dict[str, list] | None = None,
                adjacent_joined: bool = False, errors: dict | None = None) -> dict[str, dict[str, float]]:
    """F1 per language and configuration, printed as a table (languages as rows); the first
    configuration's links per language go into ``keep_links``. With ``adjacent_joined`` the table
    scores both sides as maximal runs of names (what pud-names' gold is) and a second table
    scores the projected entities as they are; the second's figures come back under
    ``"<configuration> (adjacent separate)"``. ``errors``, where given, gets each configuration's
    wrong spans per language (for :func:`print_errors`), read as the first table reads them."""
    readings = [("adjacent names joined, as the gold defines names", True),
                ("adjacent names kept apart", False)] if adjacent_joined else [("", False)]
    tables: list[dict[str, dict[str, float]]] = [{} for _ in readings]
    seconds_by_language: dict[str, dict[str, float]] = {}
    for language, rows in rows_by_language.items():
        links_by_key: dict[tuple, list] = {}
        seconds: dict[str, float] = {}
        for configuration in configurations:
            key = aligner_key(configuration, args)
            if key not in links_by_key:
                links_by_key[key], seconds[configuration.name] = align(key, rows, links_by_key)
            gold = [r["tgt_tags"] for r in rows]
            predicted, used = configuration_projection(rows, links_by_key[key], configuration)
            for table, (_, joined) in zip(tables, readings):
                f1 = 100 * ner_scores(gold, predicted, adjacent_joined=joined)["f1"]
                table.setdefault(language, {})[configuration.name] = f1
            if errors is not None:
                errors.setdefault(configuration.name, {})[language] = error_counts(
                    rows, predicted, used, adjacent_joined)
        seconds_by_language[language] = seconds
        if keep_links is not None:
            keep_links[language] = links_by_key[aligner_key(configurations[0], args)]
    for table, (reading, _) in zip(tables, readings):
        print(f"\n## {title}" + (f" ({reading})" if reading else "") + "\n")
        print(f"{'lang':<6}" + "".join(f"{c.name:>22}" for c in configurations)
              + ("   aligner seconds (by the first configuration using the links)" if table is tables[0] else ""))
        for language, scores in table.items():
            seconds = seconds_by_language[language] if table is tables[0] else {}
            print(f"{language:<6}" + "".join(f"{scores[c.name]:22.1f}" for c in configurations)
                  + "".join(f"   {name} {value:.0f}" for name, value in seconds.items()))
        means = {c.name: statistics.mean(r[c.name] for r in table.values()) for c in configurations}
        print(f"{'mean':<6}" + "".join(f"{means[c.name]:22.1f}" for c in configurations))
    results = tables[0]
    if adjacent_joined:
        for language, scores in tables[1].items():
            results[language] |= {f"{name} (adjacent separate)": f1 for name, f1 in scores.items()}
    return results


def europarl_reference(data: Path, rows_by_language: dict[str, list[dict]],
                       configurations: Sequence[Configuration]) -> dict[str, dict[str, float]]:
    """F1 of each configuration's projection on the shipped reference eflomal links."""
    projections = {c.name: c for c in configurations if c.aligner == "eflomal"}
    print("\n## Europarl-NER, reference links (alignments/eflomal.en-L.*.txt)\n")
    print(f"{'links':<20}" + "".join(f"{name:>22}" for name in projections))
    results = {}
    for language, rows in rows_by_language.items():
        for symmetrization in ("intersection", "gdfa"):
            path = data / "europarl-ner" / "alignments" / f"eflomal.en-{language}.{symmetrization}.txt"
            links = [line.sure for line in read_pharaoh(path)]
            scores = {name: configuration_f1(rows, links, c) for name, c in projections.items()}
            results[f"{language} {symmetrization}"] = scores
            print(f"{language + ' ' + symmetrization:<20}" + "".join(f"{scores[n]:22.1f}" for n in projections))
    return results


def speed(rows_by_language: dict[str, list[dict]], links_by_language: dict[str, list],
          repeats: int) -> dict[str, float]:
    """Sentences/s of candidate projection (romanized name links on), cache warm, one core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    config = ProjectionConfig()
    rates = {}
    print(f"\n## Speed: candidates + exact, romanized name links, one core, cache warm, "
          f"median of {repeats} passes ({cpu_model()})\n")
    for language, rows in rows_by_language.items():
        links = links_by_language[language]
        inputs = [(r["src_tokens"], r["entities"], r["tgt_tokens"], pair) for r, pair in zip(rows, links)]
        for s, e, t, pair in inputs:  # warms the romanization cache
            project_pair(s, e, t, pair, config)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            for s, e, t, pair in inputs:
                project_pair(s, e, t, pair, config)
            times.append(time.perf_counter() - started)
        rates[language] = len(inputs) / statistics.median(times)
        print(f"{language:<6}{rates[language]:>10,.0f} sentences/s")
    return rates


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--languages", nargs="+", default=list(PUD_LANGUAGES), help="pud-names targets")
    parser.add_argument("--configurations", nargs="+", metavar="NAME",
                        help=f"columns to run (default: all that apply; known: "
                             f"{', '.join(c.name for c in CONFIGURATIONS)})")
    parser.add_argument("--model", help="encoder for the neural configurations (Hub id or folder); "
                                        "without it they are skipped")
    parser.add_argument("--device", default="auto", help="device of the neural aligner (default: auto)")
    parser.add_argument("--skip-europarl", action="store_true", help="pud-names only")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes for the speed figure (0: none)")
    parser.add_argument("--report", type=Path, help="also write every figure here (JSON)")
    parser.add_argument("--errors", action="store_true",
                        help="also classify every wrong span on pud-names (missed: boundary, dropped, "
                             "unannotated source…; spurious) per configuration and language")
    args = parser.parse_args(argv)
    if not (args.data / "pud-names").is_dir():
        print(f"pud-names not found under {args.data}", file=sys.stderr)
        return 2
    known = {c.name: c for c in CONFIGURATIONS}
    unknown = sorted(set(args.configurations or ()) - set(known))
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = [known[name] for name in args.configurations] if args.configurations else list(CONFIGURATIONS)
    skipped = [c.name for c in chosen if uses_encoder(c.aligner) and not args.model]
    configurations = [c for c in chosen if c.name not in skipped]
    if skipped:
        print(f"without --model: skipping {', '.join(skipped)}")
    report: dict[str, Any] = {"configurations": [c.name for c in configurations], "cpu": cpu_model()}

    pud = {language: load_pud(args.data, language) for language in args.languages}
    pud_links: dict[str, list] = {}
    errors: dict | None = {} if args.errors else None
    report["pud_names"] = score_table("pud-names: strict F1, English names projected", pud, configurations, args,
                                      pud_links, adjacent_joined=True, errors=errors)
    if errors is not None:
        report["pud_names_errors"] = print_errors(errors, adjacent_joined=True)
    if not args.skip_europarl and (args.data / "europarl-ner").is_dir():
        europarl = {language: load_europarl(args.data, language) for language in EUROPARL_LANGUAGES}
        report["europarl_own"] = score_table("Europarl-NER, own alignments: strict F1", europarl,
                                             configurations, args)
        report["europarl_reference"] = europarl_reference(args.data, europarl, configurations)
    if args.repeats > 0:
        timed = {k: pud[k] for k in ("ko", "th") if k in pud} or pud
        report["sentences_per_second"] = speed(timed, pud_links, args.repeats)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
