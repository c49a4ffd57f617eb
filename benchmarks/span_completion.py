"""What completing spans to the corpus's whole names does: strict F1 without and with it.

    python benchmarks/span_completion.py --links-cache /tmp/links          # about 2 minutes on 2 cores
    python benchmarks/span_completion.py --corpora europarl --links-cache /tmp/draws/draw0

Every ordered pair of the sentence-parallel gold corpora (Europarl-NER en/de/es/it, PER/ORG/LOC,
MISC mapped to O; pud-names en/ar/hi/ko/th, proper names) is projected with projner's default
candidate matching through projner's own eflomal links (the pipelines' default: three voted runs,
intersection; the links cache is the one ``benchmarks/source_sets.py`` writes), then completed by
:func:`~projner.processing.project.span_completion.complete_spans` with its default settings. For
Europarl-NER, also English onto de/es/it through the shipped reference links
(``alignments/eflomal.en-L.{intersection,gdfa}.txt``), which do not move between runs. Per pair:
F1 before and after, and the spans widened; then the mean change per corpus and the smallest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from source_sets import CORPORA, DATA, aligner_runs, f1, project_all, read_corpus

from projner.processing.align.links import read_pharaoh
from projner.processing.project.pair import ProjectionConfig, project_pair
from projner.processing.project.span_completion import complete_spans
from projner.processing.project.spans import ScoredSpan, tags_to_spans

Projection = list[list[ScoredSpan]]


def completed(words: list[list[str]], projection: Projection) -> tuple[Projection, int]:
    """The projection with its spans completed (scores kept), and how many were widened."""
    spans = complete_spans(words, [[s.span for s in sentence] for sentence in projection])
    out = [[ScoredSpan(new, old.score) for old, new in zip(before, after, strict=True)]
           for before, after in zip(projection, spans, strict=True)]
    widened = sum(old.span != new.span for before, after in zip(projection, out) for old, new in zip(before, after))
    return out, widened


def compare(label: str, words: list[list[str]], gold: list[list[str]], projection: Projection) -> float:
    started = time.perf_counter()
    after, widened = completed(words, projection)
    seconds = time.perf_counter() - started
    before_f1, after_f1 = f1(gold, projection), f1(gold, after)
    print(f"{label:<32}{before_f1:8.2f}{after_f1:8.2f}{after_f1 - before_f1:+8.2f}{widened:9d}{seconds:9.3f}")
    return after_f1 - before_f1


def reference_links(data: Path, words: dict, tags: dict) -> list[float]:
    """English onto de/es/it through the shipped eflomal link files."""
    changes = []
    for lang in ("de", "es", "it"):
        for symmetrization in ("intersection", "gdfa"):
            path = data / "europarl-ner" / "alignments" / f"eflomal.en-{lang}.{symmetrization}.txt"
            links = [line.sure for line in read_pharaoh(path)]
            projection = [list(project_pair(s, tags_to_spans(g), t, pair, ProjectionConfig()).spans)
                          for s, g, t, pair in zip(words["en"], tags["en"], words[lang], links, strict=True)]
            changes.append(compare(f"en->{lang} reference {symmetrization}", words[lang], tags[lang], projection))
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--links-cache", type=Path, help="keep (or reuse) eflomal's links here")
    args = parser.parse_args(argv)
    for key in args.corpora:
        corpus = CORPORA[key]
        words, tags = read_corpus(args.data, corpus)
        print(f"\n## {corpus.name}\n")
        print(f"{'pair':<32}{'before':>8}{'after':>8}{'change':>8}{'widened':>9}{'seconds':>9}")
        projections = project_all(words, tags, aligner_runs(words, key, args.links_cache), [])
        changes = [compare(f"{source}->{target} own eflomal", words[target], tags[target], projection)
                   for (source, target, view), projection in sorted(projections.items()) if view == "intersection"]
        if key == "europarl":
            changes += reference_links(args.data, words, tags)
        print(f"\nmean change {statistics.mean(changes):+.2f}, smallest {min(changes):+.2f}, "
              f"largest {max(changes):+.2f} over {len(changes)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
