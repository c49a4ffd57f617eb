"""One sentence pair's links as lookup tables, built once and shared by every entity of the pair.

Every projection method asks the same question many times per sentence ("which target words does
source word i link to?"); answering it from lists built once keeps the per-entity work
proportional to the entity, not to the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from projner.errors import UserError


class LinkRangeError(UserError):
    """A link that points outside its sentence pair, or is no ``(source, target)`` pair at all."""


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """Links of one sentence pair as the sorted target words of each source word (never mutated)."""

    targets: Sequence[Sequence[int]]
    """For each source word, the sorted target words it links to."""
    n_target: int

    @property
    def n_source(self) -> int:
        return len(self.targets)

    def linked_targets(self) -> set[int]:
        """Target words with at least one link."""
        return {j for targets in self.targets for j in targets}


def index_links(links: Iterable[Sequence[int]], n_source: int, n_target: int) -> LinkIndex:
    """Index ``(source, target)`` links of a pair with ``n_source`` and ``n_target`` words.

    A link outside either sentence is an error naming the link and the lengths: it means the links
    belong to another pair (or were written 1-indexed), and projecting them would mislabel silently.
    """
    targets: list[list[int]] = [[] for _ in range(n_source)]
    link: object = None
    try:
        for link in links:
            i, j = link
            if i < 0 or i >= n_source or j < 0 or j >= n_target:
                raise LinkRangeError(
                    f"link {i}-{j} lies outside a pair of {n_source} source and {n_target} target words"
                )
            targets[i].append(j)
    except LinkRangeError:
        raise
    except (TypeError, ValueError):  # a triple, a "0-0" string, a None: said as the link it is
        raise LinkRangeError(f"link {link!r} is not a (source, target) pair of word indices") from None
    for i, found in enumerate(targets):
        if len(found) > 1 and any(a >= b for a, b in pairwise(found)):
            targets[i] = sorted(set(found))
    return LinkIndex(targets, n_target)
