"""Why a projection is wrong: every missed gold span and every spurious projected span in one class.

A strict F1 says how much is wrong, not where the fault lies. The links say more: a gold span that
no source entity word links into cannot be found by any projection of those links, whatever the
method; one linked from a source word that the source annotation leaves out (English ``American``,
an adjective, for Korean ``미국``, a name) is a difference between the two sides' annotation
conventions, not an alignment error. Classes, in the order they are tried:

- a missed gold span is ``type`` (a projected span has its words and another type), ``boundary``
  (a projected span overlaps it), ``dropped`` (a source entity word links into it, but nothing
  projected stays on it), ``unannotated source`` (only source words outside the entities link into
  it and one is capitalised and not the sentence's first word, which is capitalised whatever it is:
  a name the source side does not tag), ``common source`` (other source words outside the entities
  link into it) or ``unlinked``;
- a spurious projected span is ``type``, ``boundary`` (it overlaps a gold span) or ``spurious``.

Pure: words, spans and links in, one :class:`ProjectionError` per wrong span out. Spans are read as
given; a caller that scores adjacent names joined joins them first (``projner.labels.join_adjacent``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from projner.processing.align.links import Link
from projner.processing.project.casing import UPPER, first_case
from projner.processing.project.spans import Span

TYPE, BOUNDARY, DROPPED = "type", "boundary", "dropped"
UNANNOTATED_SOURCE, COMMON_SOURCE, UNLINKED = "unannotated source", "common source", "unlinked"
SPURIOUS = "spurious"
MISSED_CLASSES = (TYPE, BOUNDARY, DROPPED, UNANNOTATED_SOURCE, COMMON_SOURCE, UNLINKED)
SPURIOUS_CLASSES = (TYPE, BOUNDARY, SPURIOUS)


@dataclass(frozen=True, slots=True)
class ProjectionError:
    """One wrong span: a gold span missed (``missed``) or a projected span with no gold match."""

    missed: bool
    kind: str
    span: Span
    """The gold span (missed) or the projected one (spurious), over the target words."""
    source_words: tuple[str, ...] = ()
    """For a missed span: the source words linked into it, in source order."""


def projection_errors(
    source_words: Sequence[str],
    entities: Sequence[Span],
    gold: Sequence[Span],
    predicted: Sequence[Span],
    links: Iterable[Link],
) -> list[ProjectionError]:
    """Every gold span not predicted exactly and every predicted span not in the gold, classified
    (see the module doc); ``links``: ``(source index, target index)``, those the projection used."""
    inside = {i for entity in entities for i in range(entity.start, entity.end)}
    linked_from: dict[int, set[int]] = {}
    for i, j in links:
        linked_from.setdefault(j, set()).add(i)
    gold_set, predicted_set = set(gold), set(predicted)
    errors = []
    for span in sorted(gold_set - predicted_set):
        sources = sorted({i for j in range(span.start, span.end) for i in linked_from.get(j, ())})
        errors.append(ProjectionError(True, _missed_kind(span, predicted, sources, inside, source_words), span,
                                      tuple(source_words[i] for i in sources)))
    for span in sorted(predicted_set - gold_set):
        errors.append(ProjectionError(False, _overlap_kind(span, gold) or SPURIOUS, span))
    return errors


def _overlap_kind(span: Span, others: Sequence[Span]) -> str | None:
    if any(o.start == span.start and o.end == span.end for o in others):
        return TYPE
    if any(o.overlaps(span) for o in others):
        return BOUNDARY
    return None


def _missed_kind(span: Span, predicted: Sequence[Span], sources: Sequence[int], inside: set[int],
                 source_words: Sequence[str]) -> str:
    overlap = _overlap_kind(span, predicted)
    if overlap:
        return overlap
    if any(i in inside for i in sources):
        return DROPPED
    if any(i > 0 and first_case(source_words[i]) == UPPER for i in sources):
        return UNANNOTATED_SOURCE
    return COMMON_SOURCE if sources else UNLINKED
