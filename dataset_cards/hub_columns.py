"""A pipeline's columns → the columns every NER dataset on the Hub has.

Inside projner the side that receives labels is ``tgt_tokens`` and its labels ``projected_tags``
(strings); a published corpus should load like any NER dataset, so at export they become
``tokens`` / ``ner_tags`` (``ClassLabel`` with the run's label names). Columns the rename would
overwrite (the input dataset's own ``tokens``/``ner_tags``) are kept as ``original_tokens`` /
``original_ner_tags``; every other column (alignments, entity scores, ...) stays as it is.

Sentences with a ``dropped_reason`` are left out of the published split and counted by reason
(silver training corpora), or, with ``keep_dropped`` (evaluation runs, where every sentence is a
scored prediction), published with what was projected and the ``dropped_reason`` column kept so
users can filter; they are then counted by reason as ``incomplete``. Published sentences with
``projection_issues`` (some entity got no span; every sentence of an evaluation run is published)
are counted as ``incomplete`` by those issues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import datasets

from projner.dataset_cards.statistics import SplitStatistics, count_entities
from projner.errors import UserError
from projner.labels import OUTSIDE, split_tag

LABEL_COLUMN = "projected_tags"
"""The labels a run produced (IOB2 strings); published as ``ner_tags``."""
TARGET_WORDS_COLUMN = "tgt_tokens"
"""The words the labels belong to; where absent (translate-test), the dataset's own ``tokens``."""
DROPPED_COLUMN = "dropped_reason"
"""Why a sentence is left out of a silver corpus (the selection stage's column)."""
ISSUES_COLUMN = "projection_issues"
"""Why some entity of a sentence got no span: the sentence stays, counted as incomplete."""
ORIGINAL_PREFIX = "original_"


class ExportError(UserError):
    """Data that cannot be published as it is; the message names the split and example."""


def tag_strings(ds: datasets.Dataset, column: str) -> list[list[str] | None]:
    """A tag column as strings, whether it holds strings or ClassLabel ids."""
    values = ds[column]
    feature = ds.features[column]
    inner = getattr(feature, "feature", None)
    if isinstance(inner, datasets.ClassLabel):
        return [None if row is None else [inner.int2str(int(v)) for v in row] for row in values]
    return values


def check_iob2(tags: Sequence[str], label_index: dict[str, int], where: str) -> None:
    """Every tag a known label and every ``I-X`` continuing an ``X`` entity, or an error."""
    previous = OUTSIDE
    for position, tag in enumerate(tags):
        if tag not in label_index:
            raise ExportError(
                f"{where}, word {position}: tag {tag!r} is not one of the labels "
                f"{list(label_index)} (provenance.labels)"
            )
        prefix, etype = split_tag(tag)
        if prefix == "I" and (previous == OUTSIDE or split_tag(previous)[1] != etype):
            raise ExportError(
                f"{where}, word {position}: {tag!r} follows {previous!r}; projected tags must be "
                "well-formed IOB2 (an entity starts with B-)"
            )
        previous = tag


def to_hub_columns(
    ds: datasets.Dataset, labels: Sequence[str], *, where: str, keep_dropped: bool = False
) -> tuple[datasets.Dataset, SplitStatistics]:
    """The split as published (see the module docstring) and what happened to its sentences.

    ``keep_dropped``: publish sentences with a ``dropped_reason`` too (counted as ``incomplete``);
    one without any labels (``projected_tags`` null) is still left out and counted as dropped. A
    published sentence with ``projection_issues`` is counted as ``incomplete`` by its issues.
    """
    columns = ds.column_names
    if LABEL_COLUMN not in columns:
        raise ExportError(
            f"{where}: no {LABEL_COLUMN!r} column to publish as ner_tags (columns: {', '.join(columns)})"
        )
    words_column = TARGET_WORDS_COLUMN if TARGET_WORDS_COLUMN in columns else "tokens"
    if words_column not in columns:
        raise ExportError(
            f"{where}: neither {TARGET_WORDS_COLUMN!r} nor 'tokens' holds the labelled words "
            f"(columns: {', '.join(columns)})"
        )
    label_index = {name: index for index, name in enumerate(labels)}
    words = ds[words_column]
    tags = ds[LABEL_COLUMN]
    reasons = ds[DROPPED_COLUMN] if DROPPED_COLUMN in columns else [""] * len(ds)
    issues = ds[ISSUES_COLUMN] if ISSUES_COLUMN in columns else [""] * len(ds)
    ids = ds["id"] if "id" in columns else None

    keep: list[int] = []
    tag_ids: list[list[int]] = []
    dropped: Counter[str] = Counter()
    incomplete: Counter[str] = Counter()
    for index, (sentence, sentence_tags, reason) in enumerate(zip(words, tags, reasons, strict=True)):
        name = f"{where}, example {index}" + (f" (id {ids[index]!r})" if ids is not None else "")
        if reason and (not keep_dropped or sentence_tags is None):
            dropped[reason] += 1
            continue
        if reason or issues[index]:
            incomplete[reason or issues[index]] += 1
        if sentence_tags is None:
            raise ExportError(
                f"{name}: {LABEL_COLUMN} is missing but {DROPPED_COLUMN} is empty; a sentence is "
                "either labelled or dropped with a reason"
            )
        if len(sentence_tags) != len(sentence):
            raise ExportError(
                f"{name}: {len(sentence)} words in {words_column} but {len(sentence_tags)} tags in "
                f"{LABEL_COLUMN}"
            )
        check_iob2(sentence_tags, label_index, name)
        keep.append(index)
        tag_ids.append([label_index[tag] for tag in sentence_tags])

    statistics = SplitStatistics(
        sentences=len(keep),
        tokens=sum(len(words[i]) for i in keep),
        entities=dict(count_entities(tags[i] for i in keep)),
        dropped=dict(dropped),
        incomplete=dict(incomplete),
        keep_dropped=keep_dropped,
        source_entities=dict(count_entities(s for s in tag_strings(ds, "src_tags") if s is not None))
        if "src_tags" in columns else None,
    )

    published = ds.select(keep) if len(keep) < len(ds) else ds
    removed = (LABEL_COLUMN,) if keep_dropped else (LABEL_COLUMN, DROPPED_COLUMN)
    published = published.remove_columns([c for c in removed if c in columns])
    renames = {"ner_tags": ORIGINAL_PREFIX + "ner_tags"} if "ner_tags" in columns else {}
    if words_column == TARGET_WORDS_COLUMN:
        if "tokens" in columns:
            renames["tokens"] = ORIGINAL_PREFIX + "tokens"
        renames[TARGET_WORDS_COLUMN] = "tokens"
    published = published.rename_columns(renames)
    published = published.add_column(
        "ner_tags", tag_ids, feature=datasets.List(datasets.ClassLabel(names=list(labels)))
    )
    leading = [c for c in ("id", "tokens", "ner_tags", DROPPED_COLUMN) if c in published.column_names]
    order = leading + [c for c in published.column_names if c not in leading]
    return published.select_columns(order), statistics
