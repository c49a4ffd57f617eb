"""Word-alignment links: Pharaoh ``i-j`` text, and symmetrisation of two directional alignments.

Links are ``(source_index, target_index)`` pairs, 0-indexed, source first, everywhere in projner;
1-indexed files and reversed directions are converted at the edge, here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from projner.errors import UserError
from projner.text_lines import numbered_lines

Link = tuple[int, int]


class Symmetrization(str, Enum):
    """How a forward (source→target) and a reverse alignment become one."""

    INTERSECTION = "intersection"
    UNION = "union"
    GROW = "grow"
    GDFA = "gdfa"
    FORWARD = "forward"
    REVERSE = "reverse"


@dataclass(frozen=True, slots=True)
class PharaohLine:
    """One line of a Pharaoh file: sure links and possible links (``i-j`` and ``ipj``)."""

    sure: list[Link]
    possible: list[Link]


class PharaohError(UserError):
    """A Pharaoh line that is not ``i-j``/``ipj`` tokens, with file and line."""


def parse_pharaoh(line: str, *, one_indexed: bool = False, where: str = "") -> PharaohLine:
    """Read ``0-0 1p2 …``; ``p`` marks a possible link. ``where`` names file and line in errors."""
    sure: list[Link] = []
    possible: list[Link] = []
    offset = 1 if one_indexed else 0
    for item in line.split():
        sep = "p" if "p" in item else "-"
        left, _, right = item.partition(sep)
        if not (_is_index(left) and _is_index(right)):
            raise PharaohError(f"{where}not a Pharaoh link: {item!r} (expected i-j or ipj)")
        i, j = int(left) - offset, int(right) - offset
        if i < 0 or j < 0:
            raise PharaohError(f"{where}link {item!r} has index 0 in a 1-indexed file")
        (possible if sep == "p" else sure).append((i, j))
    return PharaohLine(sorted(set(sure)), sorted(set(possible) - set(sure)))


def _is_index(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts '²', which ``int`` then refuses unnamed."""
    return text.isascii() and text.isdigit()


def format_pharaoh(links: Iterable[Sequence[int]], *, possible: Iterable[Sequence[int]] = ()) -> str:
    """Write links as a 0-indexed Pharaoh line, sorted, possible ones with ``p``."""
    items = [f"{i}-{j}" for i, j in sorted({(int(a), int(b)) for a, b in links})]
    items += [f"{i}p{j}" for i, j in sorted({(int(a), int(b)) for a, b in possible})]
    return " ".join(items)


def read_pharaoh(path: str | os.PathLike, *, one_indexed: bool = False) -> Iterator[PharaohLine]:
    """Every line of a Pharaoh file, in order (an empty line is a pair with no links)."""
    path = os.fspath(path)
    for number, line in numbered_lines(path):
        yield parse_pharaoh(line, one_indexed=one_indexed, where=f"{path}, line {number}: ")


def invert(links: Iterable[Link]) -> list[Link]:
    """Swap source and target."""
    return sorted((j, i) for i, j in links)


_SIDE_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1))
_NEIGHBOURS = _SIDE_NEIGHBOURS + ((-1, -1), (-1, 1), (1, -1), (1, 1))


def grow_diag_final_and(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """Koehn's grow-diag-final-and: start from the intersection, grow into the union's
    neighbours of aligned points, then add union points whose both words are still unaligned."""
    return _grow(forward, reverse, _NEIGHBOURS, final_and=True)


def grow(forward: Iterable[Link], reverse: Iterable[Link]) -> list[Link]:
    """Koehn's grow: the intersection, grown into the union's links beside an aligned point in
    the same row or column (one word of it shared), where the other word is still unaligned.

    It keeps what one-to-one links miss, one word translated by several side by side (German
    ``Mitgliedstaaten``, English ``Member States``), without grow-diag-final-and's diagonal and
    final steps, which attach articles and prepositions.
    """
    return _grow(forward, reverse, _SIDE_NEIGHBOURS, final_and=False)


def _grow(forward: Iterable[Link], reverse: Iterable[Link], neighbours: tuple[Link, ...],
          final_and: bool) -> list[Link]:
    fwd, rev = set(forward), set(reverse)
    union = fwd | rev
    chosen = fwd & rev
    src_aligned = {i for i, _ in chosen}
    tgt_aligned = {j for _, j in chosen}

    def add(link: Link) -> None:
        chosen.add(link)
        src_aligned.add(link[0])
        tgt_aligned.add(link[1])

    grown = True
    while grown:
        grown = False
        for i, j in sorted(chosen):
            for di, dj in neighbours:
                candidate = (i + di, j + dj)
                if candidate in union and candidate not in chosen and (
                    candidate[0] not in src_aligned or candidate[1] not in tgt_aligned
                ):
                    add(candidate)
                    grown = True
    if final_and:
        for directional in (fwd, rev):
            for link in sorted(directional):
                if link not in chosen and link[0] not in src_aligned and link[1] not in tgt_aligned:
                    add(link)
    return sorted(chosen)


def symmetrize(forward: Iterable[Link], reverse: Iterable[Link], method: Symmetrization | str) -> list[Link]:
    """Combine a forward and a reverse alignment (both given source-first)."""
    method = Symmetrization(method)
    if method is Symmetrization.FORWARD:
        return sorted(set(forward))
    if method is Symmetrization.REVERSE:
        return sorted(set(reverse))
    if method is Symmetrization.INTERSECTION:
        return sorted(set(forward) & set(reverse))
    if method is Symmetrization.UNION:
        return sorted(set(forward) | set(reverse))
    if method is Symmetrization.GROW:
        return grow(forward, reverse)
    return grow_diag_final_and(forward, reverse)
