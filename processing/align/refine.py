"""Back-translation refinement of word links (the paper's first enhancement), as pure functions.

In translate-test the target sentence T is machine-translated into English E, E is labelled, and E
is translated back into the target language as T'. Aligning T with T' is a monolingual task (same
language, often the same words), which aligners do far better than cross-lingual alignment. Links
E→T' (from any aligner, or known from the translation itself) composed with the monolingual links
T'→T give E→T links that avoid the hard direct E↔T alignment; they can be used alone, or combined
with the direct E→T links by intersection (precision) or union (recall).

Every link here is ``(from, to)`` in the direction its name says, 0-indexed; use
:func:`~projner.processing.align.links.invert` for links computed the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from projner.processing.align.links import Link


class Refinement(str, Enum):
    """How the links through the back-translation are used."""

    BACK_TRANSLATION = "back-translation"
    """Only the composed links E→T'→T."""
    INTERSECTION = "intersection"
    """Composed links that the direct E→T alignment also has."""
    UNION = "union"
    """Composed links and direct links together."""


@dataclass(frozen=True)
class RefinementConfig:
    """Which refinement a pipeline applies (recorded in its fingerprint)."""

    mode: Refinement = Refinement.BACK_TRANSLATION

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", Refinement(self.mode))


def compose(first: Iterable[Link], second: Iterable[Link]) -> list[Link]:
    """Links ``(a, c)`` for every ``(a, b)`` in ``first`` and ``(b, c)`` in ``second``, sorted."""
    onward: dict[int, set[int]] = defaultdict(set)
    for b, c in second:
        onward[b].add(c)
    return sorted({(a, c) for a, b in first for c in onward.get(b, ())})


def refine(
    direct: Iterable[Link],
    english_to_back: Iterable[Link],
    back_to_target: Iterable[Link],
    mode: Refinement | str = Refinement.BACK_TRANSLATION,
) -> list[Link]:
    """English→target links of one sentence, refined through the back-translation T'.

    ``direct``: E→T links from the cross-lingual aligner; ``english_to_back``: E→T' links;
    ``back_to_target``: the monolingual T'→T links.
    """
    mode = Refinement(mode)
    composed = set(compose(english_to_back, back_to_target))
    if mode is Refinement.BACK_TRANSLATION:
        return sorted(composed)
    if mode is Refinement.INTERSECTION:
        return sorted(composed & set(direct))
    return sorted(composed | set(direct))
