"""The ``.map`` stage after projection that retypes the types a label map drops, corpus-wide.

The core (:mod:`projner.processing.project.retype`) needs every sentence's spans at once, so this
stage reads the whole corpus in one batch; :func:`retype_dataset` makes sure of that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from projner.labels import OUTSIDE, LabelMap
from projner.processing.fingerprint import stage_fingerprint
from projner.processing.project.retype import RetypeConfig, retype_spans
from projner.processing.project.spans import (
    ScoredSpan,
    Span,
    spans_from_dicts,
    spans_to_tags,
)
from projner.processing.stages.base import check_whole_corpus, map_whole_corpus
from projner.processing.stages.columns import ProjectedLabels
from projner.processing.stages.transfer import check_no_clash

if TYPE_CHECKING:
    import datasets

STAGE = "retype"


@dataclass(frozen=True)
class RetypeColumns(ProjectedLabels):
    """Where the retyping stage reads the projection under the source's own types; it writes the
    spans after retyping and the label map, and their tags."""

    typed_entities: str = "typed_entities"
    """Input: projected spans ``{start, end, label, score}``, labels as in the source (MISC kept)."""


@dataclass(frozen=True)
class Retype:
    """``Dataset.map(..., batched=True)`` callable that retypes the spans of the types the label map
    drops (:func:`projner.processing.project.retype.retype_spans`), then applies the label map.

    The evidence is the whole corpus, so the stage must see it in one batch: :func:`retype_dataset`
    (or a ``Chain`` step with ``batch_size=len(dataset)``); ``rows``, where given, makes any other
    batch size an error.
    """

    config: RetypeConfig = field(default_factory=RetypeConfig)
    label_map: tuple[str, ...] = ()
    """``TYPE=NEW`` rewrites applied after retyping (``MISC=O``: what was not retyped goes)."""
    columns: RetypeColumns = field(default_factory=RetypeColumns)
    rows: int | None = None
    stage: ClassVar[str] = STAGE

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.columns.target_tokens, self.columns.typed_entities)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.columns.target_entities, self.columns.projected_tags)

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, STAGE, {"config": self.config, "label_map": self.label_map,
                                                   "columns": self.columns, "rows": self.rows})

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the spans and their tags."""
        from projner.processing.stages.features import SCORED_SPANS, STRINGS, added

        return added(given, {self.columns.target_entities: SCORED_SPANS, self.columns.projected_tags: STRINGS})

    def __call__(self, batch: Mapping[str, list]) -> dict[str, list]:
        c = self.columns
        check_no_clash(batch, (c.target_entities, c.projected_tags))
        words, typed = batch[c.target_tokens], batch[c.typed_entities]
        check_whole_corpus("retyping", self.rows, len(words))
        scores = [{(e["start"], e["end"]): float(e["score"]) for e in row} for row in typed]
        result = retype_spans(words, [sorted(spans_from_dicts(row)) for row in typed], self.config)
        label_map = LabelMap.parse(self.label_map)
        entities_out: list[list[dict]] = []
        tags_out: list[list[str]] = []
        for sentence, retyped, sentence_scores in zip(words, result.spans, scores):
            kept = [Span(s.start, s.end, label_map.map_type(s.label)) for s in retyped]
            kept = [s for s in kept if s.label != OUTSIDE]
            entities_out.append([ScoredSpan(s, sentence_scores[(s.start, s.end)]).as_dict() for s in kept])
            tags_out.append(spans_to_tags(kept, len(sentence)))
        return {c.target_entities: entities_out, c.projected_tags: tags_out}


def retype_dataset(dataset: Any, retype: Retype = Retype(), **map_kwargs: Any) -> Any:
    """``dataset.map(retype, batched=True)`` over the whole corpus in one batch, fingerprinted."""
    return map_whole_corpus(dataset, retype, **map_kwargs)


def retype_counts(typed_entities: Iterable[Sequence[Mapping[str, Any]]],
                  entities: Iterable[Sequence[Mapping[str, Any]]], types: Collection[str]) -> dict[str, dict[str, int]]:
    """Source type → what its projected spans became (a type, or ``O``), counted, for reports."""
    counts: dict[str, Counter] = {}
    for typed_row, row in zip(typed_entities, entities, strict=True):
        final = {(e["start"], e["end"]): e["label"] for e in row}
        for e in typed_row:
            if e["label"] in types:
                counts.setdefault(e["label"], Counter())[final.get((e["start"], e["end"]), OUTSIDE)] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(counts.items())}
