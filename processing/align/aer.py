"""Alignment error rate (Och & Ney 2003) against gold links with sure and possible links.

Gold sure links S are a subset of the possible links P (a gold ``ipj`` adds to P only). For
predicted links A, summed over the corpus:
precision = |A∩P| / |A|, recall = |A∩S| / |S|, AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from projner.processing.align.links import Link, PharaohLine, parse_pharaoh
from projner.text_lines import numbered_lines


@dataclass(frozen=True, slots=True)
class AerScores:
    """Corpus-level scores and the link counts they come from (precision is NaN with no predictions)."""

    precision: float
    recall: float
    aer: float
    sentences: int
    predicted: int
    sure: int
    possible: int
    predicted_in_sure: int
    predicted_in_possible: int


def alignment_error_rate(gold: Sequence[PharaohLine], predicted: Sequence[Iterable[Link]]) -> AerScores:
    """Scores of ``predicted`` (one link collection per sentence) against ``gold`` (same order)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted ones")
    n_a = n_s = n_p = a_s = a_p = 0
    for line, links in zip(gold, predicted):
        sure = set(line.sure)
        possible = sure | set(line.possible)
        found = {(int(i), int(j)) for i, j in links}
        n_a += len(found)
        n_s += len(sure)
        n_p += len(possible)
        a_s += len(found & sure)
        a_p += len(found & possible)
    if n_s == 0:
        raise ValueError("the gold alignment has no sure links: recall and AER are undefined")
    precision = a_p / n_a if n_a else float("nan")
    return AerScores(
        precision=precision,
        recall=a_s / n_s,
        aer=1.0 - (a_s + a_p) / (n_a + n_s),
        sentences=len(gold),
        predicted=n_a,
        sure=n_s,
        possible=n_p,
        predicted_in_sure=a_s,
        predicted_in_possible=a_p,
    )


def looks_one_indexed(lines: Iterable[str]) -> bool:
    """Whether Pharaoh lines are 1-indexed: no index 0 anywhere (a 0-indexed file nearly always has one)."""
    for line in lines:
        for item in line.split():
            sep = "p" if "p" in item else "-"
            left, _, right = item.partition(sep)
            if left == "0" or right == "0":
                return False
    return True


def read_links(path: str | os.PathLike, *, one_indexed: bool | None = None) -> tuple[list[PharaohLine], bool]:
    """A Pharaoh file's lines, 0-indexed, and whether it was read as 1-indexed (None: detect)."""
    path = os.fspath(path)
    raw = [line.rstrip("\r\n") for _, line in numbered_lines(path)]
    if one_indexed is None:
        one_indexed = looks_one_indexed(raw)
    lines = [
        parse_pharaoh(line, one_indexed=one_indexed, where=f"{path}, line {number}: ")
        for number, line in enumerate(raw, start=1)
    ]
    return lines, one_indexed
