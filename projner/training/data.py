"""Tagged sentences for training and scoring, from every form a projner corpus takes.

A source is a CoNLL file, a ``save_to_disk`` folder, or a Hub-layout folder (parquet shards and a
``README.md`` with ``configs``, as ``projner export`` writes it); several sources (or several configs
of one folder) mix languages. Words and tags are read by name: ``tgt_tokens``/``projected_tags``
(a projection run) or ``tokens``/``ner_tags`` (any NER dataset, tags as ``ClassLabel`` names or
strings). Every row is either kept or counted with the reason it was dropped.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from projner.builders.conll import ReadReport, read_conll, repair_iob2
from projner.errors import UserError
from projner.labels import LabelMap, entity_types, labels_for_types, split_tag
from projner.processing.text import normalize_words

COLUMN_PAIRS: tuple[tuple[str, str], ...] = (("tgt_tokens", "projected_tags"), ("tokens", "ner_tags"))
"""Word and tag columns, in the order they are looked for: a projection run's output first."""


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    """NFC words, their IOB2 tags, and where the sentence came from (for error messages)."""

    words: list[str]
    tags: list[str]
    origin: str


@dataclass
class LoadReport:
    """What one source gave: rows read, sentences kept, rows dropped by reason, invalid IOB2."""

    source: str
    read: int = 0
    kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    invalid_iob2: int = 0
    """Kept sentences whose tags were not valid IOB2 (an ``I-X`` starting an entity)."""
    repaired: bool = True
    """Whether those were repaired (training data) or kept as they are (gold, scored as given)."""

    def as_dict(self) -> dict:
        return {"source": self.source, "read": self.read, "kept": self.kept,
                "dropped": dict(self.dropped), "invalid_iob2": self.invalid_iob2,
                "iob2_repaired": self.repaired}

    def summary(self) -> str:
        """One line: kept of read, dropped by reason, invalid IOB2."""
        line = f"{self.source}: {self.kept} of {self.read} sentences"
        if self.dropped:
            line += "; dropped " + ", ".join(f"{n} × {reason}" for reason, n in sorted(self.dropped.items()))
        if self.invalid_iob2:
            action = "repaired" if self.repaired else "kept as given"
            line += f"; {self.invalid_iob2} with invalid IOB2 ({action})"
        return line


class DataError(UserError):
    """A source or a row that cannot be read, with its name and what is wrong."""


def clean_sentence(
    words: Sequence[str], tags: Sequence[str], label_map: LabelMap | None, repair: bool = True
) -> tuple[list[str], list[str], bool]:
    """NFC words with stray combining marks rejoined, mapped tags, IOB2 repaired if ``repair``.

    A word that absorbed a combining mark keeps its own tag. Returns words, tags and whether the tags
    were invalid IOB2. Gold is not repaired: seqeval strict scores it as given.
    """
    normal, origin = normalize_words(words)
    merged: list[str | None] = [None] * len(normal)
    for index, target in enumerate(origin):
        if merged[target] is None:
            merged[target] = tags[index]
    mapped = label_map.map_tags(merged) if label_map else list(merged)  # type: ignore[arg-type]
    repaired = repair_iob2(mapped)
    return normal, repaired if repair else mapped, repaired != mapped


_DATASET_MARKERS = ("README.md", "dataset_dict.json", "state.json")
"""Files that make a folder a dataset of its own (a Hub card, a save_to_disk folder)."""


def source_kind(path: Path) -> str:
    """``conll``, ``disk`` (``save_to_disk``) or ``hub`` (parquet + README layout)."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.is_file():
        return "conll"
    if (path / "dataset_dict.json").is_file() or (path / "state.json").is_file():
        return "disk"
    if (path / "README.md").is_file():
        return "hub"
    nested = sorted({found.parent.relative_to(path).as_posix() for marker in _DATASET_MARKERS
                     for found in path.rglob(marker)})
    if nested:  # datasets would glob their parquet files at any depth into one dataset
        shown = ", ".join(nested[:5]) + (f", … ({len(nested)} in all)" if len(nested) > 5 else "")
        raise DataError(f"{path}: not one dataset but a folder holding dataset folders ({shown}); "
                        "give each one as its own source")
    if any(path.rglob("*.parquet")):
        return "hub"
    raise DataError(
        f"{path}: not a CoNLL file, a save_to_disk folder (dataset_dict.json or state.json) "
        "or a Hub-layout folder (README.md and parquet shards)"
    )


def load_sentences(
    source: str | os.PathLike,
    *,
    split: str = "train",
    configs: Sequence[str] | None = None,
    label_map: LabelMap | None = None,
    lenient: bool = False,
    repair: bool = True,
) -> tuple[list[TaggedSentence], list[LoadReport]]:
    """Sentences of one source with one report per part read (a Hub folder: one per config).

    ``configs`` picks configs of a Hub-layout folder (default: all of them, a mix of languages);
    ``split`` picks the split of a folder; ``lenient`` skips bad CoNLL lines instead of raising;
    ``repair`` turns an ``I-X`` that starts an entity into ``B-X`` (pass False for gold).
    """
    path = Path(source)
    kind = source_kind(path)
    if kind == "conll":
        return _nonempty(*_conll_sentences(path, label_map, lenient, repair))
    import datasets

    if kind == "disk":
        loaded = datasets.load_from_disk(str(path))
        if isinstance(loaded, datasets.DatasetDict):
            if split not in loaded:
                raise DataError(f"{path}: no split {split!r} (it has {', '.join(loaded)})")
            loaded = loaded[split]
        sentences, report = dataset_sentences(loaded, f"{path}[{split}]", label_map, repair)
        return _nonempty(sentences, [report])
    available = datasets.get_dataset_config_names(str(path))
    chosen = list(configs) if configs else available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise DataError(f"{path}: no config {', '.join(unknown)} (it has {', '.join(available)})")
    sentences: list[TaggedSentence] = []
    reports: list[LoadReport] = []
    for name in chosen:
        # A private, throw-away cache: datasets keys local folders by folder and config name, so
        # the shared cache can hand back another folder's data under the same names.
        with tempfile.TemporaryDirectory(prefix="projner-load-") as cache:
            builder = datasets.load_dataset_builder(str(path), name, cache_dir=cache)
            builder.download_and_prepare()
            splits = builder.info.splits or {}
            if split not in splits:
                raise DataError(f"{path}, config {name}: no split {split!r} (it has {', '.join(splits)})")
            origin = f"{path}[{name}/{split}]"
            if not splits[split].num_examples:  # datasets cannot open an empty split; say so instead
                raise DataError(f"{origin}: no sentences")
            part, report = dataset_sentences(builder.as_dataset(split=split), origin, label_map, repair)
        sentences.extend(part)
        reports.append(report)
    return _nonempty(sentences, reports)


def _nonempty(sentences: list[TaggedSentence],
              reports: list[LoadReport]) -> tuple[list[TaggedSentence], list[LoadReport]]:
    """A part that gave no sentence is named now: an empty corpus would train nothing or score nothing."""
    for report in reports:
        if not report.kept:
            dropped = ", ".join(f"{n} × {reason}" for reason, n in sorted(report.dropped.items()))
            raise DataError(f"{report.source}: no sentences" + (f" (dropped {dropped})" if dropped else ""))
    return sentences, reports


def load_many(
    sources: Iterable[str | os.PathLike], **options
) -> tuple[list[TaggedSentence], list[LoadReport]]:
    """Several sources in order (a mix of languages), with every source's reports. Training data:
    sources without a single entity (after the label map) are an error, since a tagger trained on
    them tags every word O, and a transformer would take hours to learn that."""
    sentences: list[TaggedSentence] = []
    reports: list[LoadReport] = []
    for source in sources:
        part, part_reports = load_sentences(source, **options)
        sentences.extend(part)
        reports.extend(part_reports)
    require_entities(sentences, reports, label_map=options.get("label_map"),
                     why="a tagger trained on them would tag every word O")
    return sentences, reports


def require_entities(sentences: Sequence[TaggedSentence], reports: Sequence[LoadReport], *,
                     label_map: LabelMap | None, why: str) -> None:
    """Sentences without a single entity (after the label map) are refused naming their sources;
    ``why`` says what they cannot be used for."""
    if sentences and label_list(sentences) == ("O",):
        raise DataError(f"{', '.join(r.source for r in reports)}: no entities in {len(sentences)} sentences"
                        f"{' after the label map' if label_map else ''}: {why}")


def _conll_sentences(
    path: Path, label_map: LabelMap | None, lenient: bool, repair: bool
) -> tuple[list[TaggedSentence], list[LoadReport]]:
    read = ReadReport(str(path))
    report = LoadReport(str(path), repaired=repair)
    sentences: list[TaggedSentence] = []
    for sentence in read_conll(path, lenient=lenient, report=read):
        words, tags, invalid = clean_sentence(sentence.tokens, sentence.tags or [], label_map, repair)
        sentences.append(TaggedSentence(words, tags, f"{path}, line {sentence.line}"))
        report.invalid_iob2 += invalid
    report.read = report.kept = len(sentences)
    for reason, count in read.counts().items():
        report.dropped[f"CoNLL line skipped: {reason}"] += count
    return sentences, [report]


def dataset_sentences(
    dataset, name: str, label_map: LabelMap | None = None, repair: bool = True
) -> tuple[list[TaggedSentence], LoadReport]:
    """Sentences of a ``datasets.Dataset``; rows with a ``dropped_reason`` or no words are counted."""
    word_column, tag_column = _columns(dataset, name)
    tag_names = _tag_names(dataset.features[tag_column], name, tag_column)
    has_reason = "dropped_reason" in dataset.column_names
    report = LoadReport(name, repaired=repair)
    sentences: list[TaggedSentence] = []
    for index, row in enumerate(dataset):
        report.read += 1
        origin = f"{name}, row {index}"
        reason = row["dropped_reason"] if has_reason else ""
        if reason:
            report.dropped[reason] += 1
            continue
        words, tags = row[word_column], row[tag_column]
        if words is None or tags is None:
            raise DataError(f"{origin}: {word_column!r} or {tag_column!r} is empty (null) without a dropped_reason")
        if tag_names is not None:
            tags = [tag_names[tag] for tag in tags]
        if len(words) != len(tags):
            raise DataError(f"{origin}: {len(words)} words in {word_column!r} but {len(tags)} tags in {tag_column!r}")
        if not words:
            report.dropped["no words"] += 1
            continue
        for tag in tags:
            try:
                split_tag(tag)
            except ValueError:
                raise DataError(f"{origin}: tag {tag!r} in {tag_column!r} is not IOB2 (O, B-TYPE or I-TYPE)") from None
        words, tags, invalid = clean_sentence(words, tags, label_map, repair)
        sentences.append(TaggedSentence(words, tags, origin))
        report.invalid_iob2 += invalid
    report.kept = len(sentences)
    return sentences, report


def _columns(dataset, name: str) -> tuple[str, str]:
    for words, tags in COLUMN_PAIRS:
        if words in dataset.column_names and tags in dataset.column_names:
            return words, tags
    wanted = " or ".join(f"{w}/{t}" for w, t in COLUMN_PAIRS)
    raise DataError(f"{name}: needs columns {wanted}; it has {', '.join(dataset.column_names)}")


def _tag_names(feature, name: str, column: str) -> list[str] | None:
    """ClassLabel names for integer tags; None where tags are already strings."""
    import datasets

    inner = getattr(feature, "feature", None)
    if isinstance(inner, datasets.ClassLabel):
        return list(inner.names)
    if isinstance(inner, datasets.Value) and inner.dtype in ("string", "large_string"):
        return None
    raise DataError(
        f"{name}: column {column!r} is {feature}; projner reads tags by name, so it must be a "
        "sequence of ClassLabel or of strings"
    )


def label_list(sentences: Iterable[TaggedSentence]) -> tuple[str, ...]:
    """The IOB2 labels of the entity types the sentences use: ``O``, then ``B-``/``I-`` per type."""
    return labels_for_types(entity_types(tag for sentence in sentences for tag in sentence.tags))


def untrained_types(train: Iterable[TaggedSentence], gold: Iterable[TaggedSentence]) -> list[str]:
    """Gold entity types the training data lacks (``PERSON`` in gold, ``PER`` in training): a tagger
    never predicts them, so each costs its whole recall, and is named before training."""
    trained = set(entity_types(tag for sentence in train for tag in sentence.tags))
    return sorted(set(entity_types(tag for sentence in gold for tag in sentence.tags)) - trained)
