"""Which source entity each projected span came from, recovered from the word links.

The output columns keep source and target entities as two lists; a reader wants to point at a
projected span and see its source. A target span belongs to the source entity of its type with
the most links into it; where no link reaches it (name matching, EasyProject markers) the type
alone decides, taking source entities in order so that the n-th PER maps to the n-th PER. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from projner.processing.project.spans import Span


def _link_counts(source: Span, target: Span, links: Iterable[tuple[int, int]]) -> int:
    return sum(1 for i, j in links if source.start <= i < source.end and target.start <= j < target.end)


def join_entities(source: Sequence[Span], target: Sequence[Span],
                  links: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each target span, the index of its source entity (None where none fits).

    Preference: linked source entities of the same type, then (no link reaches the span) the first
    not-yet-joined source entity of the same type, then linked source entities of another type
    (a projection that retyped the entity). Several target spans may share one source entity.
    """
    joined: list[int | None] = []
    used: set[int] = set()
    for span in target:
        counts = [_link_counts(entity, span, links) for entity in source]
        same_type = [k for k, entity in enumerate(source) if entity.label == span.label]
        linked_same = [k for k in same_type if counts[k]]
        linked_other = [k for k, count in enumerate(counts) if count and k not in same_type]
        if linked_same:
            choice: int | None = max(linked_same, key=lambda k: (counts[k], -k))
        elif same_type:
            choice = next((k for k in same_type if k not in used), same_type[0])
        elif linked_other:
            choice = max(linked_other, key=lambda k: (counts[k], -k))
        else:
            choice = None
        if choice is not None:
            used.add(choice)
        joined.append(choice)
    return joined
