"""Sentence-aligned CoNLL pairs: the parallel gold sets that projection is measured on.

``read_parallel`` pairs two files; ``ParallelConll`` builds a dataset from any such pair and
``EuroparlNER`` from the Europarl-NER gold set (en, de, es, it; 799 sentences each).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import datasets

from projner.builders.base import ConllBuilder, NerConfig, Source
from projner.builders.conll import ReadReport, Skipped, read_conll
from projner.errors import UserError
from projner.labels import CONLL2003_LABELS, LabelMap
from projner.languages import get_language
from projner.text_lines import numbered_lines

VERSION = datasets.Version("1.0.0")
"""Bump when the examples a config yields change; it is part of every cache path."""

EUROPARL_LANGUAGES = ("en", "de", "es", "it")
EUROPARL_URL = "https://github.com/ixa-ehu/ner-evaluation-corpus-europarl/raw/HEAD/{lang}-europarl.test.conll02"


class ParallelMismatchError(UserError):
    """Two files that should be sentence-aligned hold different numbers of sentences."""


def read_parallel(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    target_labelled: bool = True,
    labels: Sequence[str] | None = None,
    label_map: LabelMap | None = None,
    lenient: bool = False,
    reports: tuple[ReadReport, ReadReport] | None = None,
    repair: bool = False,
) -> Iterator[dict]:
    """Examples ``{id, src_tokens, src_tags, tgt_tokens, tgt_tags}`` from two aligned CoNLL files.

    ``tgt_tags`` is None where the target file is unlabelled. Differing sentence counts are an error
    naming both files and both counts (checked before anything is yielded). ``id`` is the sentence's
    position in the files, so it stays the same when lenient reading drops a pair: a pair whose one
    side lost all its lines is dropped, and the other side's sentence is counted in its report.
    ``repair``: an ``I-X`` starting an entity becomes ``B-X``, its line listed in the report.
    """
    source, target = os.fspath(source), os.fspath(target)
    src_report, tgt_report = reports or (ReadReport(source), ReadReport(target))
    common = {"labels": labels, "label_map": label_map, "lenient": lenient, "keep_empty": True, "repair": repair}
    src = list(read_conll(source, report=src_report, **common))
    tgt = list(read_conll(target, labelled=target_labelled, report=tgt_report, **common))
    if len(src) != len(tgt):
        raise ParallelMismatchError(
            f"{source} has {len(src)} sentences but {target} has {len(tgt)}: "
            "the files are not sentence-aligned"
        )
    for index, (s, t) in enumerate(zip(src, tgt)):
        if not s.tokens or not t.tokens:
            for side, report in ((s, src_report), (t, tgt_report)):
                if side.tokens:
                    report.sentences -= 1
                    report.skipped.append(Skipped(
                        report.path, side.line, "aligned sentence in the other file is empty", " ".join(side.tokens)
                    ))
            continue
        yield {
            "id": str(index),
            "src_tokens": s.tokens,
            "src_tags": s.tags,
            "tgt_tokens": t.tokens,
            "tgt_tags": t.tags,
        }


class InputWarning(UserWarning):
    """Something in the input files worth a look (a rare or one-sided entity type): said, not fatal."""


RARE_TYPE_COUNT = 3
"""An entity type seen fewer times than this in a file is reported: a tag typo (``B-PRE``) looks so."""


def type_report(source: ReadReport, target: ReadReport | None = None, *,
                rare_below: int = RARE_TYPE_COUNT) -> dict[str, Any]:
    """Entities per type on each side, and the types a typo would create: rare ones, and (where
    both sides are labelled) those found on one side only. Reported, never silently published."""
    sides = {"source": source.types} | ({"target": target.types} if target is not None else {})
    report: dict[str, Any] = {
        "entity_types": {side: dict(sorted(counts.items())) for side, counts in sides.items()},
        "rare_types": {side: sorted(t for t, n in counts.items() if n < rare_below)
                       for side, counts in sides.items() if any(n < rare_below for n in counts.values())},
    }
    if target is not None:
        report["source_only_types"] = sorted(set(source.types) - set(target.types))
        report["target_only_types"] = sorted(set(target.types) - set(source.types))
    return report


def type_warnings(report: dict[str, Any], files: dict[str, str], dropped: Iterable[str] = ()) -> list[str]:
    """One line per suspicious type in a :func:`type_report`, naming the file it is in; ``dropped``:
    types the label map turns into ``O``, which are never published and so need no warning."""
    dropped = set(dropped)
    lines = []
    for side, types in report["rare_types"].items():
        counts = report["entity_types"][side]
        lines += [f"{files[side]}: entity type {t} occurs {counts[t]} time(s); a tag typo?"
                  for t in types if t not in dropped]
    for side, other in (("source", "target"), ("target", "source")):
        for etype in report.get(f"{side}_only_types", []):
            if etype not in dropped:
                lines.append(f"{files[side]}: entity type {etype} is not in {files[other]}")
    return lines


@dataclass
class ParallelConfig(NerConfig):
    """``source_language``/``target_language``: registry codes of the two sides.

    ``target_labelled``: False reads the target file as one token a line (``tgt_tags`` is None).
    """

    source_language: str | None = None
    target_language: str | None = None
    target_labelled: bool = True


@dataclass
class ParallelConllConfig(ParallelConfig):
    """Any two sentence-aligned CoNLL files, their label set (Hub order) and the split they form."""

    source_file: str | None = None
    target_file: str | None = None
    labels: Sequence[str] = CONLL2003_LABELS
    split: str = "test"


class _ParallelBuilder(ConllBuilder):
    """Examples ``id, src_tokens, src_tags, tgt_tokens, tgt_tags`` from one file pair per split."""

    def _features(self, labels: datasets.ClassLabel) -> datasets.Features:
        tokens = datasets.List(datasets.Value("string"))
        return datasets.Features({"id": datasets.Value("string"), "src_tokens": tokens,
                                  "src_tags": datasets.List(labels), "tgt_tokens": tokens,
                                  "tgt_tags": datasets.List(labels)})

    def _examples(self, files: tuple[str, ...], reports: list[ReadReport]) -> Iterator[dict]:
        return read_parallel(files[0], files[1], target_labelled=self.config.target_labelled,
                             labels=self.labels, label_map=self.label_map or None,
                             lenient=self.config.lenient, reports=(reports[0], reports[1]))


class ParallelConll(_ParallelBuilder):
    """A dataset from any two sentence-aligned CoNLL files (``source_file=``, ``target_file=``)."""

    BUILDER_CONFIG_CLASS = ParallelConllConfig
    VERSION = VERSION
    DATASET_NAME = "parallel_conll"
    DESCRIPTION = "Sentence-aligned CoNLL files paired into source/target examples."

    @property
    def declared_labels(self) -> tuple[str, ...]:
        return tuple(self.config.labels)

    def _source_files(self) -> dict[str, Source]:
        if not (self.config.source_file and self.config.target_file):
            raise ValueError("ParallelConll needs source_file= and target_file= (two sentence-aligned CoNLL files)")
        return {self.config.split: [self.config.source_file, self.config.target_file]}


def _europarl_config(source: str, target: str) -> ParallelConfig:
    src, tgt = get_language(source), get_language(target)
    return ParallelConfig(name=f"{source}-{target}", version=VERSION, source_language=source,
                          target_language=target, description=f"Europarl-NER, {src.name} → {tgt.name}.")


class EuroparlNER(_ParallelBuilder):
    """Europarl-NER (Agerri et al., 2018): one config per ordered language pair, split ``test``."""

    BUILDER_CONFIG_CLASS = ParallelConfig
    VERSION = VERSION
    BUILDER_CONFIGS = [_europarl_config(s, t) for s, t in itertools.permutations(EUROPARL_LANGUAGES, 2)]
    DEFAULT_CONFIG_NAME = "en-de"
    DATASET_NAME = "europarl_ner"
    LABELS = CONLL2003_LABELS
    DESCRIPTION = (
        "Europarl-NER: 799 sentences taken from the first 2,000 of Europarl, manually annotated in "
        "English, German, Spanish and Italian (PER, ORG, LOC, MISC; CoNLL 2002/2003 guidelines), "
        "sentence-aligned across the four languages."
    )
    SOURCE = "europarl-ner"

    def _source_files(self) -> dict[str, Source]:
        langs = (self.config.source_language, self.config.target_language)
        if self.config.data_dir:
            return {"test": [os.path.join(self.config.data_dir, f"{lang}-europarl.test.conll02") for lang in langs]}
        return {"test": [EUROPARL_URL.format(lang=lang) for lang in langs]}


def has_tags(path: str | os.PathLike) -> bool:
    """Whether a CoNLL file has a tag column (judged by its first token line)."""
    with open(path, encoding="utf-8-sig", errors="replace") as handle:  # a BOM is no part of a word
        for line in handle:
            fields = line.split()
            if fields and fields[0] != "-DOCSTART-":
                return len(fields) >= 2
    return False


def parallel_pairs(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    alignments: str | os.PathLike | None = None,
    label_map: LabelMap | None = None,
    types: Sequence[str] | None = None,
    strict: bool = False,
) -> tuple[datasets.Dataset, dict[str, Any]]:
    """Two sentence-aligned CoNLL files as the pairs ``project_parallel`` reads: ``id``,
    ``src_tokens``, ``src_tags``, ``tgt_tokens``, ``tgt_tags`` (where the target file has tags: it
    is detected) and, from a Pharaoh file (0-indexed, source first, a line per pair), ``alignments``;
    and what reading found (entities per type, suspicious types, ``I-X`` starts repaired to ``B-X``).

    Tags are read as written (the pipeline applies ``label_map``); ``label_map`` is checked against
    the types the files hold (an absent type warns, or with ``strict`` is an error), and ``types``,
    where given, are the entity types allowed after the map. Bad input is an error naming the file
    and line: sentence counts that differ, an empty pair of files, a link file with another number of
    lines, a link outside its pair. Suspicious types are warned about (:class:`InputWarning`).
    """
    import warnings

    from projner.labels import labels_for_types
    from projner.processing.align.links import read_pharaoh
    from projner.processing.project.link_index import LinkRangeError, index_links

    label_map = label_map or LabelMap({})
    allowed = None
    if types:  # the types read that the map turns into allowed ones (or drops)
        kept = {*types, "O"}
        allowed = labels_for_types(sorted(t for t in {*types, *label_map.mapping} if label_map.map_type(t) in kept))
    labelled = has_tags(target)
    reads = (ReadReport(os.fspath(source)), ReadReport(os.fspath(target)))
    rows = list(read_parallel(source, target, target_labelled=labelled, labels=allowed, reports=reads, repair=True))
    if not rows:
        raise ParallelMismatchError(f"no sentences in {os.fspath(source)} and {os.fspath(target)}")
    label_map.check_types([*reads[0].types, *reads[1].types], strict=strict,
                          where=f"each of {os.fspath(source)} and {os.fspath(target)}")
    found = type_report(reads[0], reads[1] if labelled else None)
    dropped = [t for t in {*reads[0].types, *reads[1].types} if label_map.map_type(t) == "O"]
    for line in type_warnings(found, {"source": os.fspath(source), "target": os.fspath(target)}, dropped):
        warnings.warn(line, InputWarning, stacklevel=2)
    found["iob2_repaired"] = {"source": len(reads[0].repaired), "target": len(reads[1].repaired)}
    columns: dict[str, list] = {key: [row[key] for row in rows] for key in ("id", "src_tokens", "src_tags", "tgt_tokens")}
    if labelled:
        columns["tgt_tags"] = [row["tgt_tags"] for row in rows]
    if alignments is not None:
        path = os.fspath(alignments)
        links = [line.sure for line in read_pharaoh(path)]
        if len(links) != len(rows):
            raise ParallelMismatchError(
                f"{path} has {len(links)} lines but the CoNLL files have {len(rows)} sentence pairs")
        for number, (row, pair) in enumerate(zip(rows, links), start=1):
            try:
                index_links(pair, len(row["src_tokens"]), len(row["tgt_tokens"]))
            except LinkRangeError as err:
                raise LinkRangeError(f"{path}, line {number}: {err}") from None
        columns["alignments"] = [[[i, j] for i, j in pair] for pair in links]
    words = datasets.Sequence(datasets.Value("string"))
    features = {"id": datasets.Value("string"), "src_tokens": words, "src_tags": words, "tgt_tokens": words}
    if labelled:
        features["tgt_tags"] = words
    if alignments is not None:
        features["alignments"] = datasets.Sequence(datasets.Sequence(datasets.Value("int32")))
    return datasets.Dataset.from_dict(columns, features=datasets.Features(features)), found


def parallel_text(source: str | os.PathLike, target: str | os.PathLike) -> tuple[list[list[str]], list[list[str]]]:
    """Unlabelled parallel text (one tokenised sentence a line in each file) as word lists, for an
    aligner to learn from; lines that differ in number are an error naming both files."""
    sides = []
    for path in (source, target):
        sides.append([line.split() for _, line in numbered_lines(path)])
    if len(sides[0]) != len(sides[1]):
        raise ParallelMismatchError(f"{os.fspath(source)} has {len(sides[0])} lines but {os.fspath(target)} has "
                                    f"{len(sides[1])}")
    return sides[0], sides[1]
