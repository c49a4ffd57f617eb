"""The ``.map`` stage after projection that widens spans to the whole names the corpus projects.

The core (:mod:`projner.processing.project.span_completion`) counts word sequences over every
sentence's projected spans, so this stage reads the whole corpus in one batch
(:func:`complete_spans_dataset` makes sure of that). It reads the spans the step before it wrote
under another name (``uncompleted_entities``) and writes the usual ``tgt_entities``/``projected_tags``
(or the typed columns before retyping), so that each column keeps one producer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from projner.processing.fingerprint import stage_fingerprint
from projner.processing.project.span_completion import (
    SpanCompletionConfig,
    complete_spans,
)
from projner.processing.project.spans import spans_from_dicts, spans_to_tags
from projner.processing.stages.base import check_whole_corpus, map_whole_corpus
from projner.processing.stages.columns import ProjectedLabels
from projner.processing.stages.transfer import check_no_clash

if TYPE_CHECKING:
    import datasets

STAGE = "complete_spans"


@dataclass(frozen=True)
class CompleteSpansColumns(ProjectedLabels):
    """Where the stage reads the spans before completion; it writes the completed ones and their tags."""

    uncompleted_entities: str = "uncompleted_entities"
    """Input: projected spans ``{start, end, label, score}``."""


@dataclass(frozen=True)
class CompleteSpans:
    """``Dataset.map(..., batched=True)`` callable that widens each projected span to the longest
    whole name of its type around it (:func:`~projner.processing.project.span_completion.complete_spans`);
    a widened span keeps its score. ``rows``, where given, makes a batch other than the whole corpus an error.
    """

    config: SpanCompletionConfig = field(default_factory=SpanCompletionConfig)
    columns: CompleteSpansColumns = field(default_factory=CompleteSpansColumns)
    rows: int | None = None
    stage: ClassVar[str] = STAGE

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.columns.target_tokens, self.columns.uncompleted_entities)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.columns.target_entities, self.columns.projected_tags)

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, STAGE, {"config": self.config, "columns": self.columns, "rows": self.rows})

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the spans and their tags."""
        from projner.processing.stages.features import SCORED_SPANS, STRINGS, added

        return added(given, {self.columns.target_entities: SCORED_SPANS, self.columns.projected_tags: STRINGS})

    def __call__(self, batch: Mapping[str, list]) -> dict[str, list]:
        c = self.columns
        check_no_clash(batch, self.outputs)
        words, before = batch[c.target_tokens], batch[c.uncompleted_entities]
        check_whole_corpus("span completion", self.rows, len(words))
        completed = complete_spans(words, [spans_from_dicts(row) for row in before], self.config)
        entities = [[{**entity, "start": span.start, "end": span.end} for entity, span in zip(row, spans, strict=True)]
                    for row, spans in zip(before, completed)]
        tags = [spans_to_tags(spans, len(sentence)) for spans, sentence in zip(completed, words)]
        return {c.target_entities: entities, c.projected_tags: tags}


def complete_spans_dataset(dataset: Any, stage: CompleteSpans = CompleteSpans(), **map_kwargs: Any) -> Any:
    """``dataset.map(stage, batched=True)`` over the whole corpus in one batch, fingerprinted."""
    return map_whole_corpus(dataset, stage, **map_kwargs)


def widened_spans(before: list[list[Mapping[str, Any]]], after: list[list[Mapping[str, Any]]]) -> int:
    """How many spans completion widened, for reports."""
    return sum((b["start"], b["end"]) != (a["start"], a["end"])
               for row_before, row_after in zip(before, after, strict=True)
               for b, a in zip(row_before, row_after, strict=True))
