"""Target candidate spans for one source entity, as few as possible without losing the best one.

Scoring every n-gram of the sentence (what the reference implementation does) is exact but slow.
For the link scores it is also unnecessary: a span that starts or ends on a word with no link from
the entity scores strictly less than the same span without that word (same links, more words), and
a span with no such link scores 0. So the only spans that can win start and end on linked words,
inside the window from the entity's leftmost to its rightmost linked target word.

The case factor (see :mod:`.scores`) adds one exception: dropping an unlinked word at the start may
expose a lower-case first word and cost the factor. A span may therefore also start on an unlinked
word that begins like a name, if it lies inside the window or so little before it that the longer
span can still beat the factor: at most ``(|s| + window) · (1/factor - 1)`` words before it.

Spans supplied from outside (a target-side NER model's) are always candidates too; ``max_ngram``
caps length (useful for scripts without spaces, where one "word" may be a character). A span whose
only links from the entity go to punctuation is not admissible (see :class:`.scores.EntityLinks`),
so spans made only of punctuation never win. Nor does a span start or end on a punctuation-only
word unless the entity has punctuation linked there: links from words with letters or digits into
punctuation outside the entity's other links are ignored (``ScoreConfig.punctuation_links``), so
such a word is unlinked, and a span with an unlinked edge always loses to the span without it
(Igbo "London Newsroom" gave "London +" where the aligner had tied "Newsroom" to the ``+``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from projner.processing.project.scores import EntityLinks, case_agrees


@dataclass(frozen=True)
class CandidateConfig:
    """Which target spans are candidates."""

    max_ngram: int | None = None
    """Longest candidate in words (None: the sentence length)."""

    def __post_init__(self) -> None:
        if self.max_ngram is not None and self.max_ngram < 1:
            raise ValueError(f"max_ngram must be >= 1 or None, got {self.max_ngram}")


def link_candidates(
    links: EntityLinks,
    entity_case: int,
    target_cases: Sequence[int],
    alnum: Sequence[bool],
    case_factor: float,
    config: CandidateConfig,
) -> list[tuple[int, int]]:
    """``(start, end)`` spans that can carry the entity's best link-based score (see module doc)."""
    linked = links.linked_positions()
    if not linked:
        return []
    first, last = linked[0], linked[-1]
    starts = set(linked)
    if case_factor < 1.0:
        reach = int((links.size + last + 1 - first) * (1.0 / case_factor - 1.0))
        for j in range(max(0, first - reach), last):
            if j not in starts and case_agrees(entity_case, target_cases, j, alnum):
                starts.add(j)
    longest = config.max_ngram or len(target_cases)
    spans: list[tuple[int, int]] = []
    for start in sorted(starts):
        for j in linked:
            if j < start:
                continue
            if j + 1 - start > longest:
                break
            spans.append((start, j + 1))
    return spans
