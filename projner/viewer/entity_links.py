"""Which source entity each projected span came from, recovered from scores, types and links.

The output columns keep source and target entities as two lists; a reader wants to point at a
projected span and see its source. Each source entity carries the score of the span it got (0.0
where it got none) and each span its own score, so a span belongs to a source entity of its type
with the same score; among those, to the one with the most links into the span; where no link
reaches it (name matching, EasyProject markers), to the first one not yet joined. A source entity
of another type is taken only when links join them (a projection that retyped the entity). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from projner.processing.project.spans import Span

SCORE_TOLERANCE = 1e-3


def _link_count(source: Span, target: Span, links: Sequence[tuple[int, int]]) -> int:
    return sum(1 for i, j in links if source.start <= i < source.end and target.start <= j < target.end)


def join_entities(source: Sequence[Span], target: Sequence[Span], links: Sequence[tuple[int, int]],
                  source_scores: Sequence[float | None] | None = None,
                  target_scores: Sequence[float | None] | None = None) -> list[int | None]:
    """For each target span, the index of its source entity (None where none fits).

    Scores are optional (None where unknown); a source entity whose known score is 0 got no span
    and is joined to none. Several target spans may share one source entity (a split projection).
    """
    source_scores = list(source_scores or [None] * len(source))
    target_scores = list(target_scores or [None] * len(target))
    joined: list[int | None] = []
    used: set[int] = set()
    for span, score in zip(target, target_scores):
        best: tuple | None = None
        choice: int | None = None
        for k, entity in enumerate(source):
            known = source_scores[k]
            if known is not None and known == 0 and (score is None or score > 0):
                continue
            same_type = entity.label == span.label
            links_in = _link_count(entity, span, links)
            if not same_type and not links_in:
                continue
            same_score = known is not None and score is not None and abs(known - score) <= SCORE_TOLERANCE
            rank = (same_type, same_score, links_in, k not in used, -k)
            if best is None or rank > best:
                best, choice = rank, k
        if choice is not None:
            used.add(choice)
        joined.append(choice)
    return joined
