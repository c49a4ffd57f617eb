"""The projection stage for ``Dataset.map``: a thin adapter around :func:`project_pair`.

``dataset.map(Project(config), batched=True)`` works on any dataset with source words, source IOB2
tags, target words and alignment columns (names configurable, defaults from the shared column
table). It adds ``projected_tags``, ``tgt_entities``, ``projection_issues`` (empty, or why some
entity could not be projected: ``unaligned``, ``filtered``, ``overlap``, ``no target words``, joined
by ``+``), ``unprojected_entities`` (each such entity with its reason) and, unless the dataset already has it, ``src_entities`` (each source entity with the score
of the span it got, 0 where none). Where an earlier stage wrote ``src_entities`` (the labelling
stage, with the NER model's score of each entity), projection reads the source entities from it,
after checking they are the entities of ``src_tags``, and leaves it as it is. Rows are never
removed and input columns never rewritten.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

from projner.labels import outside_label_ids
from projner.processing.fingerprint import stage_fingerprint
from projner.processing.project.link_index import LinkRangeError
from projner.processing.project.pair import (
    REASONS,
    PairProjection,
    ProjectionConfig,
    project_pair,
)
from projner.processing.project.scores import ExternalSpan
from projner.processing.project.spans import Span, spans_from_dicts, tags_to_spans
from projner.processing.stages.base import check_inputs, map_stage, row_at
from projner.processing.stages.columns import ProjectedLabels

if TYPE_CHECKING:
    import datasets

STAGE = "project"


@dataclass(frozen=True)
class ProjectColumns(ProjectedLabels):
    """Where the stage reads its inputs (and, with the target words, writes its outputs)."""

    source_tokens: str = "src_tokens"
    source_tags: str = "src_tags"
    alignments: str = "alignments"
    source_entities: str = "src_entities"
    """The labelled side's entities ``{start, end, label, score}``: read where the dataset has the
    column (it must agree with ``source_tags``), else added with each entity's projection score."""
    external_spans: str | None = None
    """Optional column of target spans proposed from outside: lists of ``{start, end, label, score}``."""
    issues: str = "projection_issues"
    """Output: why some (required) entity got no span, or empty (the sentence stays: what leaves a
    corpus out is ``dropped_reason``, decided by the selection stage)."""
    unprojected: str = "unprojected_entities"
    """Output: every source entity that got no span, ``{start, end, label, reason}``."""
    used_links: str | None = None
    """Optional output: the links projected through (``alignments`` plus the name links), ``[[src,
    tgt], ...]``, and per target span the index of the source entity it projects (column
    ``<used_links>_entities``): what a corpus-wide step after projection reads
    (:mod:`projner.processing.stages.corpus_names`)."""

    @property
    def span_sources(self) -> str | None:
        return f"{self.used_links}_entities" if self.used_links else None

    def outputs(self) -> tuple[str, ...]:
        """The columns the stage always adds (the source entities column too, where absent)."""
        return (self.projected_tags, self.target_entities, self.issues, self.unprojected,
                *((self.used_links, self.span_sources) if self.used_links else ()))


def required_unprojected(projection: PairProjection, entities: Sequence[Span] = (),
                         optional_types: Collection[str] = ()) -> list[tuple[int, str]]:
    """``(entity index, reason)`` of the unprojected entities whose type is not optional.

    An optional type is one the label map drops but that is projected anyway, to be retyped
    (:mod:`projner.processing.project.retype`): losing one of its spans loses no annotation.
    """
    if not optional_types:
        return list(projection.unprojected)
    return [(k, reason) for k, reason in projection.unprojected if entities[k].label not in optional_types]


def projection_issues(projection: PairProjection, entities: Sequence[Span] = (),
                   optional_types: Collection[str] = ()) -> str:
    """The sentence's reasons, in a fixed order, joined by ``+`` (empty when every entity of a
    required type was projected)."""
    found = {reason for _, reason in required_unprojected(projection, entities, optional_types)}
    return "+".join(reason for reason in REASONS if reason in found)


def unprojected_counts(unprojected: Iterable[Sequence[Mapping[str, Any]]]) -> dict[str, int]:
    """Unprojected source entities counted by reason, from the ``unprojected_entities`` column."""
    return dict(Counter(entity["reason"] for row in unprojected for entity in row))


def source_entity_dicts(entities: Sequence[Span], projection: PairProjection) -> list[dict]:
    """Source entities with the score of the target span each got (0.0 where none)."""
    score: dict[int, float] = {}
    for k, span in projection.matches:
        score[k] = max(score.get(k, 0.0), span.score)
    return [{"start": e.start, "end": e.end, "label": e.label, "score": float(score.get(k, 0.0))}
            for k, e in enumerate(entities)]


def unprojected_entity_dicts(entities: Sequence[Span], projection: PairProjection) -> list[dict]:
    """The source entities left without a span, each with the reason (for counts by reason)."""
    return [{"start": entities[k].start, "end": entities[k].end, "label": entities[k].label, "reason": reason}
            for k, reason in projection.unprojected]


def target_entity_dicts(projection: PairProjection) -> list[dict]:
    return [span.as_dict() for span in projection.spans]


def entities_from_column(entities: Sequence[Mapping[str, Any]], from_tags: list[Span], where: str,
                         columns: ProjectColumns) -> list[Span]:
    """The source entities a ``src_entities`` row holds, checked against those of the row's tags (the two
    columns describe one labelling; if they disagree, projecting either would be a guess)."""
    try:
        given = sorted(spans_from_dicts(entities))
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"{where}: {columns.source_entities!r} holds {list(entities)!r}, not entities "
            f"{{start, end, label, score}}: {err}"
        ) from None
    if given != sorted(from_tags):
        show = ", ".join(f"{s.start}-{s.end} {s.label}" for s in given) or "none"
        expected = ", ".join(f"{s.start}-{s.end} {s.label}" for s in from_tags) or "none"
        raise ValueError(
            f"{where}: {columns.source_entities!r} ({show}) disagrees with the entities of "
            f"{columns.source_tags!r} ({expected}); they must describe the same labelling"
        )
    return from_tags


@dataclass(frozen=True)
class Project:
    """``Dataset.map(..., batched=True)`` callable that projects every row (see the module doc).

    ``label_names``: the tag names, for a ``src_tags`` column stored as ClassLabel ids (tags are
    always converted by name).
    """

    config: ProjectionConfig = field(default_factory=ProjectionConfig)
    columns: ProjectColumns = field(default_factory=ProjectColumns)
    label_names: tuple[str, ...] | None = None
    optional_types: tuple[str, ...] = ()
    """Types projected like the others, whose unprojected entities give no ``projection_issues``
    (types the label map drops, projected to be retyped)."""
    stage: ClassVar[str] = STAGE
    with_indices: ClassVar[bool] = True

    @property
    def inputs(self) -> tuple[str, ...]:
        c = self.columns
        return (c.source_tokens, c.source_tags, c.target_tokens, c.alignments,
                *((c.external_spans,) if c.external_spans else ()))

    @property
    def outputs(self) -> tuple[str, ...]:
        """The columns always added; ``src_entities`` too where the dataset lacks it."""
        return self.columns.outputs()

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features over a dataset of features ``given``: ``dataset.map(project,
        batched=True, features=project.features(dataset.features))`` whatever the batch size."""
        from projner.processing.stages import features as schema

        c = self.columns
        columns = {c.projected_tags: schema.STRINGS, c.target_entities: schema.SCORED_SPANS,
                   c.issues: schema.STRING, c.unprojected: schema.UNPROJECTED}
        if c.used_links:
            columns |= {c.used_links: schema.PAIRS, c.span_sources: schema.INTS}
        if c.source_entities not in given:
            columns[c.source_entities] = schema.SCORED_SPANS
        return schema.added(given, columns)

    def fingerprint(self, previous: str) -> str:
        """The ``new_fingerprint`` of this stage applied to a dataset fingerprinted ``previous``."""
        return stage_fingerprint(previous, STAGE, {"config": self.config, "columns": self.columns,
                                                   "label_names": self.label_names,
                                                   "optional_types": self.optional_types})

    def _tags(self, tags: Sequence[Any], where: str) -> list[str]:
        if all(isinstance(t, str) for t in tags):
            return list(tags)
        names = self.label_names
        if names is None:
            raise ValueError(f"{where}: {self.columns.source_tags!r} holds ids; pass label_names to map them")
        for word, tag in enumerate(tags):
            if not isinstance(tag, str) and not 0 <= tag < len(names):
                raise ValueError(f"{where}, word {word}: {self.columns.source_tags!r} holds "
                                 f"{outside_label_ids(tag, len(names))}")
        return [t if isinstance(t, str) else names[t] for t in tags]

    def _check_row(self, words: Any, tags: Any, target: Any, links: Any, where: str) -> None:
        """A list per column and a tag per source word: else an entity is lost silently (tags cut
        short) or read letter by letter (a string). Constant time; the elements are the pipelines'
        check (:func:`~projner.processing.inputs.check_pair_rows`)."""
        c = self.columns
        for name, value in ((c.source_tokens, words), (c.source_tags, tags), (c.target_tokens, target),
                            (c.alignments, links)):
            if not isinstance(value, list | tuple):
                raise TypeError(f"{where}: {name!r} must be a list, got {type(value).__name__} {value!r:.60}")
        if len(words) != len(tags):
            raise ValueError(f"{where}: {len(words)} {c.source_tokens} but {len(tags)} {c.source_tags} "
                             "(one tag per word)")

    def __call__(self, batch: Mapping[str, list], indices: Sequence[int] | None = None) -> dict[str, list]:
        """Project every row of ``batch``; with ``indices`` (``map(..., with_indices=True)``, as
        :func:`project_dataset` and the engines call it) errors name the dataset's row, else the batch's."""
        c = self.columns
        check_inputs(self, batch)
        check_no_clash(batch, c.outputs())
        given = batch.get(c.source_entities)
        out: dict[str, list] = {name: [] for name in c.outputs()}
        if given is None:
            out[c.source_entities] = []
        externals = batch[c.external_spans] if c.external_spans else None
        for row, (words, tags, target, links) in enumerate(
            zip(batch[c.source_tokens], batch[c.source_tags], batch[c.target_tokens], batch[c.alignments])
        ):
            where = row_at(STAGE, row, indices, batch)
            self._check_row(words, tags, target, links, where)
            tags = self._tags(tags, where)
            try:
                entities = tags_to_spans(tags)
            except ValueError as err:  # a tag outside IOB2
                raise ValueError(f"{where}: {c.source_tags!r}: {err}") from None
            if given is not None:
                entities = entities_from_column(given[row], entities, where, c)
            external = (
                [ExternalSpan(int(x["start"]), int(x["end"]), x.get("label"), float(x["score"]))
                 for x in externals[row]]
                if externals is not None else ()
            )
            try:
                projection = project_pair(words, entities, target, links, self.config, external=external)
            except LinkRangeError as err:
                raise ValueError(f"{where}: {c.alignments!r}: {err}") from None
            except ValueError as err:  # e.g. an entity type that is a tag (read from B-B-PER)
                raise ValueError(f"{where}: {err}") from None
            out[c.projected_tags].append(projection.tags)
            out[c.target_entities].append(target_entity_dicts(projection))
            if given is None:
                out[c.source_entities].append(source_entity_dicts(entities, projection))
            out[c.issues].append(projection_issues(projection, entities, self.optional_types))
            out[c.unprojected].append(unprojected_entity_dicts(entities, projection))
            if c.used_links:
                out[c.used_links].append([list(link) for link in projection.links])
                out[c.span_sources].append([k for k, _ in projection.matches])
        return out


def check_no_clash(columns: Iterable[str], outputs: Sequence[str]) -> None:
    """An error where the columns already hold one of the outputs: stages never overwrite."""
    clash = [name for name in outputs if name in columns]
    if clash:
        raise ValueError(f"the dataset already has {', '.join(clash)}; projection never overwrites a column")


def project_dataset(dataset: Any, project: Project = Project(), **map_kwargs: Any) -> Any:
    """``dataset.map(project, batched=True)`` with the stage's explicit fingerprint and features.

    A ``src_tags`` column of ClassLabel ids is read through its feature's names.
    """
    check_no_clash(dataset.column_names, project.columns.outputs())
    if project.label_names is None:
        feature = getattr(dataset.features[project.columns.source_tags], "feature", None)
        names = getattr(feature, "names", None)
        if names:
            project = replace(project, label_names=tuple(names))
    return map_stage(dataset, project, **map_kwargs)
