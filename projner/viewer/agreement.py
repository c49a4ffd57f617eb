"""Where projected entities disagree with gold ones, in the four kinds a reader fixes differently.

Strict seqeval counts an entity right only when its words and type both match; a page that just
says "wrong" hides whether the projection lost the entity, invented one, grew or shrank it, or
kept the span but not the type. Pure: spans in, labelled disagreements out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from projner.processing.project.spans import Span

MISSED, SPURIOUS, WRONG_BOUNDARY, WRONG_TYPE = "missed", "spurious", "wrong boundary", "wrong type"
KINDS: tuple[str, ...] = (MISSED, SPURIOUS, WRONG_BOUNDARY, WRONG_TYPE)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One kind of error; ``predicted``/``gold`` index the span lists compared (None: no such span)."""

    kind: str
    predicted: int | None
    gold: int | None


def disagreements(gold: Sequence[Span], predicted: Sequence[Span]) -> list[Disagreement]:
    """Every way ``predicted`` differs from ``gold`` (empty: they agree exactly, as seqeval strict).

    A predicted span that overlaps a gold span with other words is a wrong boundary, with another
    type a wrong type (both, where both differ); a gold span nothing overlaps is missed; a
    predicted span that overlaps no gold span is spurious. Spans on one side never overlap each
    other, so an exact match involves no other span.
    """
    found: list[Disagreement] = []
    overlapped_gold: set[int] = set()
    for p, guess in enumerate(predicted):
        overlapping = [g for g, truth in enumerate(gold) if guess.overlaps(truth)]
        if not overlapping:
            found.append(Disagreement(SPURIOUS, p, None))
        for g in overlapping:
            overlapped_gold.add(g)
            truth = gold[g]
            if (guess.start, guess.end) != (truth.start, truth.end):
                found.append(Disagreement(WRONG_BOUNDARY, p, g))
            if guess.label != truth.label:
                found.append(Disagreement(WRONG_TYPE, p, g))
    found.extend(Disagreement(MISSED, None, g) for g in range(len(gold)) if g not in overlapped_gold)
    return found
