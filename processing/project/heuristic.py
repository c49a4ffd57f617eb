"""The alignment heuristic: an entity goes to the runs of target words its words are linked to.

García-Ferrero et al. (2022), as reimplemented by Politov et al. (2025): collect the target words
linked to the entity, cut them into contiguous ranges, close gaps of at most ``merge_distance``
words (alignments miss function words inside names), and keep a range only if it is long enough
relative to the entity (a one-word range for a four-word entity is usually a stray link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from projner.processing.project.link_index import LinkIndex
from projner.processing.project.spans import ScoredSpan, Span


@dataclass(frozen=True)
class HeuristicConfig:
    """Parameters of the heuristic (defaults are the reference implementation's)."""

    merge_distance: int = 1
    """Ranges separated by at most this many words not linked to the entity become one."""
    length_ratio_threshold: float = 0.8
    """A range is kept only if ``len(range) / len(entity)`` exceeds this (strictly, as the reference)."""
    top_k: int | None = None
    """Keep at most this many ranges per entity, best alignment score first (None: all that pass)."""

    def __post_init__(self) -> None:
        if self.merge_distance < 0:
            raise ValueError(f"merge_distance must be >= 0, got {self.merge_distance}")
        if self.top_k is not None and self.top_k < 1:
            raise ValueError(f"top_k must be >= 1 or None, got {self.top_k}")


def heuristic_ranges(
    index: LinkIndex, entity: Span, config: HeuristicConfig
) -> list[ScoredSpan]:
    """The target ranges the heuristic keeps for one source entity, scored by 2·A/(|s|+|t|)."""
    counts: dict[int, int] = {}
    targets = index.targets
    for i in range(entity.start, entity.end):
        for j in targets[i]:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return []
    linked = sorted(counts)
    size = entity.end - entity.start
    gap = config.merge_distance + 1
    threshold = config.length_ratio_threshold * size
    kept: list[ScoredSpan] = []
    start = previous = linked[0]
    links = counts[start]
    for j in linked[1:]:
        if j - previous > gap:
            if previous + 1 - start > threshold:
                kept.append(ScoredSpan(Span(start, previous + 1, entity.label),
                                       2.0 * links / (size + previous + 1 - start)))
            start, links = j, 0
        links += counts[j]
        previous = j
    if previous + 1 - start > threshold:
        kept.append(ScoredSpan(Span(start, previous + 1, entity.label),
                               2.0 * links / (size + previous + 1 - start)))
    if config.top_k is not None and len(kept) > config.top_k:
        kept = sorted(kept, key=lambda r: (-r.score, r.span.start))[: config.top_k]
    return kept


def project_heuristic(
    index: LinkIndex, entities: Sequence[Span], config: HeuristicConfig = HeuristicConfig()
) -> list[tuple[int, ScoredSpan]]:
    """Projected spans as ``(entity index, span)``, non-overlapping, in target order.

    Where ranges of different entities overlap, the better-scored range wins (earlier entity on a
    tie): a word carries one tag, and the reference's "last writer wins" breaks IOB2.
    """
    ranges = [
        (number, scored)
        for number, entity in enumerate(entities)
        for scored in heuristic_ranges(index, entity, config)
    ]
    if len(ranges) > 1:
        ranges.sort(key=lambda item: (-item[1].score, item[0], item[1].span.start))
        chosen: list[tuple[int, ScoredSpan]] = []
        for item in ranges:
            span = item[1].span
            if all(not span.overlaps(other.span) for _, other in chosen):
                chosen.append(item)
        ranges = chosen
    ranges.sort(key=lambda item: item[1].span.start)
    return ranges
