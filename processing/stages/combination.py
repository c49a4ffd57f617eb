"""The Combine stage for ``Dataset.map``: several sources' projections on the same target words
become one (a thin adapter around :func:`~projner.processing.project.combine.combine_spans`).

Each voter is one column of projected spans ``{start, end, label, score}`` over the target words
(one source's ``tgt_entities``, or one view of it: its projection through one symmetrisation). The
stage adds ``projected_tags`` and ``tgt_entities`` (the combined spans, scored by the share of the
voters' weight behind them), ``combine_voters`` (for each combined span, the voters that projected
exactly that span with that type: who voted for what) and ``combine_counts`` (the sentence's decisions, summed by
the pipelines into their report). The voters' columns stay in the output. Voter weights are fixed
before the map (:func:`voter_weights`, a pass over the whole dataset), so the stage is a pure
function of each row and its fingerprint names them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from projner.processing.fingerprint import stage_fingerprint
from projner.processing.project.combine import (
    CombineConfig,
    CombineCounts,
    combine_spans,
    reliability_weights,
)
from projner.processing.project.spans import ScoredSpan, Span, spans_to_tags
from projner.processing.stages.base import map_stage, row_at
from projner.processing.stages.columns import ProjectedLabels
from projner.processing.stages.transfer import check_no_clash

if TYPE_CHECKING:
    import datasets

STAGE = "combine"


@dataclass(frozen=True)
class CombineColumns(ProjectedLabels):
    """Where the stage reads the voters and writes its results."""

    voters: tuple[str, ...]
    """One column of projected spans per voter."""
    voted_by: str = "combine_voters"
    """Output: per combined span, the names of the voters that projected exactly it (words and type)."""
    counts: str = "combine_counts"
    """Output: the sentence's :class:`CombineCounts` as a dict."""

    def outputs(self) -> tuple[str, ...]:
        return (self.projected_tags, self.target_entities, self.voted_by, self.counts)


@dataclass(frozen=True)
class Combine:
    """``Dataset.map(..., batched=True)`` callable that combines every row's voters (module doc).

    ``names``: how the voters are called in ``combine_voters`` (default: their column names).
    ``weights``: one per voter; None weighs them equally.
    """

    columns: CombineColumns
    config: CombineConfig = field(default_factory=CombineConfig)
    names: tuple[str, ...] | None = None
    weights: tuple[float, ...] | None = None
    with_indices: ClassVar[bool] = True

    def __post_init__(self) -> None:
        voters = len(self.columns.voters)
        if voters < 1:
            raise ValueError("combining needs at least one voter column")
        for what, value in (("names", self.names), ("weights", self.weights)):
            if value is not None and len(value) != voters:
                raise ValueError(f"{len(value)} {what} for {voters} voter columns")

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, STAGE, {"config": self.config, "columns": self.columns,
                                                   "names": self.names, "weights": self.weights})

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's, the combined tags and spans, who voted for each span
        and the sentence's counts."""
        from datasets import List

        from projner.processing.stages.features import INT, SCORED_SPANS, STRINGS, added

        c = self.columns
        counts = dict.fromkeys(CombineCounts().as_dict(), INT)
        return added(given, {c.projected_tags: STRINGS, c.target_entities: SCORED_SPANS,
                             c.voted_by: List(STRINGS), c.counts: counts})

    def __call__(self, batch: Mapping[str, list], indices: Sequence[int] | None = None) -> dict[str, list]:
        """Combine every row's voters; with ``indices`` errors name the dataset's row, else the batch's."""
        c = self.columns
        check_no_clash(batch, c.outputs())
        names = self.names or c.voters
        out: dict[str, list] = {name: [] for name in c.outputs()}
        for row, words in enumerate(batch[c.target_tokens]):
            where = row_at(STAGE, row, indices, batch)
            projections = [scored_spans(batch[column][row], len(words), f"{where}, column {column!r}")
                           for column in c.voters]
            combined = combine_spans(projections, self.config, self.weights)
            out[c.projected_tags].append(spans_to_tags([s.span for s in combined.spans], len(words)))
            out[c.target_entities].append([s.as_dict() for s in combined.spans])
            out[c.voted_by].append([[names[v] for v in voters] for voters in combined.voters])
            out[c.counts].append(combined.counts.as_dict())
        return out


def scored_spans(entities: Sequence[Mapping[str, Any]] | None, length: int, where: str) -> list[ScoredSpan]:
    """A voter's column value as scored spans, checked to lie inside the sentence."""
    spans = []
    for entity in entities or ():
        try:
            span = ScoredSpan(Span(int(entity["start"]), int(entity["end"]), str(entity["label"])),
                              float(entity.get("score", 1.0)))
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{where}: {entity!r} is not an entity {{start, end, label, score}}: {err}") from None
        if span.span.end > length:
            raise ValueError(f"{where}: entity {entity!r} runs past the sentence's {length} words")
        spans.append(span)
    return spans


def voter_weights(dataset: Any, columns: CombineColumns,
                  groups: Sequence[str] | None = None) -> tuple[float, ...]:
    """Each voter's reliability over the whole dataset; ``groups[v]``: the source voter ``v`` is a
    view of (default: every column its own source; see
    :func:`~projner.processing.project.combine.reliability_weights`)."""
    lengths = [len(words) for words in dataset[columns.target_tokens]]
    voters = [[[s.span for s in scored_spans(entities, length, f"row {row}, column {column!r}")]
               for row, (entities, length) in enumerate(zip(dataset[column], lengths))]
              for column in columns.voters]
    return tuple(reliability_weights(voters, groups))


def combine_dataset(dataset: Any, combine: Combine, **map_kwargs: Any) -> Any:
    """``dataset.map(combine, batched=True)`` with weights from the data where none are given
    (``config.method == "ilp"``; a vote counts voters), the stage's explicit fingerprint and features."""
    check_no_clash(dataset.column_names, combine.columns.outputs())
    if combine.weights is None and combine.config.method == "ilp":
        combine = replace(combine, weights=voter_weights(dataset, combine.columns))
    return map_stage(dataset, combine, **map_kwargs)


def summed_counts(dataset: Any, columns: CombineColumns) -> dict[str, int]:
    """The decisions of every sentence, summed (the report's ``combine`` figures)."""
    total = CombineCounts()
    for counts in dataset[columns.counts]:
        total.add(CombineCounts(**counts))
    return total.as_dict()
