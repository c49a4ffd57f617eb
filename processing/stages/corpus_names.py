"""The ``.map`` stage after projection that drops spans the corpus uses as common words, corpus-wide.

The core (:mod:`projner.processing.project.name_evidence`) counts every target word's name and
common uses over the whole corpus, through the links the projection used, so this stage reads the
whole corpus in one batch (:func:`keep_named_dataset` makes sure of that). Its input is what
``Project`` writes under other names (``ProjectColumns.used_links`` set); it writes the projection's
usual columns, so what follows (retyping, selection, export) reads them as from ``Project``.
A dropped span's source entity is unprojected with the reason ``common word``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from projner.processing.fingerprint import stage_fingerprint
from projner.processing.project.name_evidence import (
    COMMON_WORD,
    NameEvidenceConfig,
    named_spans,
)
from projner.processing.project.spans import spans_from_dicts, spans_to_tags
from projner.processing.stages.base import check_whole_corpus, map_whole_corpus
from projner.processing.stages.columns import ProjectedLabels
from projner.processing.stages.transfer import check_no_clash

if TYPE_CHECKING:
    import datasets

STAGE = "keep_named"


@dataclass(frozen=True)
class KeepNamedColumns(ProjectedLabels):
    """What the stage reads (the projection before it, under the ``unfiltered_`` names) and writes
    (the target entities, tags, issues and unprojected entities, as ``Project`` would)."""

    source_tokens: str = "src_tokens"
    source_entities: str = "src_entities"
    used_links: str = "used_links"
    """Input: the links projected through; ``<used_links>_entities``: each span's source entity."""
    unfiltered_entities: str = "unfiltered_entities"
    unfiltered_issues: str = "unfiltered_issues"
    unfiltered_unprojected: str = "unfiltered_unprojected"
    issues: str = "projection_issues"
    unprojected: str = "unprojected_entities"

    @property
    def span_sources(self) -> str:
        return f"{self.used_links}_entities"


@dataclass(frozen=True)
class KeepNamed:
    """``Dataset.map(..., batched=True)`` callable that keeps the projected spans one of whose words
    the corpus uses as a name (:func:`~projner.processing.project.name_evidence.named_spans`).

    ``optional_types``: types whose dropped spans give no ``projection_issues`` (as in ``Project``).
    ``rows``, where given, makes a batch other than the whole corpus an error.
    """

    config: NameEvidenceConfig = field(default_factory=NameEvidenceConfig)
    columns: KeepNamedColumns = field(default_factory=KeepNamedColumns)
    optional_types: tuple[str, ...] = ()
    rows: int | None = None
    stage: ClassVar[str] = STAGE

    @property
    def inputs(self) -> tuple[str, ...]:
        c = self.columns
        return (c.source_tokens, c.source_entities, c.target_tokens, c.used_links, c.span_sources,
                c.unfiltered_entities, c.unfiltered_issues, c.unfiltered_unprojected)

    @property
    def outputs(self) -> tuple[str, ...]:
        c = self.columns
        return (c.target_entities, c.projected_tags, c.issues, c.unprojected)

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, STAGE, {"config": self.config, "columns": self.columns,
                                                   "optional_types": self.optional_types, "rows": self.rows})

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's and the projection's columns, as ``Project`` types them."""
        from projner.processing.stages import features as schema

        c = self.columns
        return schema.added(given, {c.target_entities: schema.SCORED_SPANS, c.projected_tags: schema.STRINGS,
                                    c.issues: schema.STRING, c.unprojected: schema.UNPROJECTED})

    def __call__(self, batch: Mapping[str, list]) -> dict[str, list]:
        c = self.columns
        check_no_clash(batch, self.outputs)
        words = batch[c.target_tokens]
        check_whole_corpus("name evidence", self.rows, len(words))
        entities = [sorted(spans_from_dicts(row)) for row in batch[c.source_entities]]
        projected = batch[c.unfiltered_entities]
        keep = named_spans(batch[c.source_tokens], entities, words, [[tuple(link) for link in row]
                                                                     for row in batch[c.used_links]],
                           [spans_from_dicts(row) for row in projected], self.config)
        out: dict[str, list] = {name: [] for name in self.outputs}
        for row, sentence in enumerate(words):
            kept = [span for span, stays in zip(projected[row], keep[row]) if stays]
            sources = batch[c.span_sources][row]
            still = {k for k, stays in zip(sources, keep[row]) if stays}
            lost = sorted({k for k, stays in zip(sources, keep[row]) if not stays} - still)
            unprojected = list(batch[c.unfiltered_unprojected][row]) + [
                {"start": entities[row][k].start, "end": entities[row][k].end, "label": entities[row][k].label,
                 "reason": COMMON_WORD} for k in lost]
            issues = batch[c.unfiltered_issues][row]
            if any(entities[row][k].label not in self.optional_types for k in lost):
                issues = "+".join(filter(None, (issues, COMMON_WORD)))
            out[c.target_entities].append(kept)
            out[c.projected_tags].append(spans_to_tags(spans_from_dicts(kept), len(sentence)))
            out[c.issues].append(issues)
            out[c.unprojected].append(sorted(unprojected, key=lambda e: (e["start"], e["end"])))
        return out


def keep_named_dataset(dataset: Any, keep: KeepNamed = KeepNamed(), **map_kwargs: Any) -> Any:
    """``dataset.map(keep, batched=True)`` over the whole corpus in one batch, fingerprinted."""
    return map_whole_corpus(dataset, keep, **map_kwargs)