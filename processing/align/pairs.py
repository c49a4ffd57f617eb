"""Sentence-pair files: ``source words ||| target words`` per line, the input of aligners and AER."""

from __future__ import annotations

import os

from projner.errors import UserError
from projner.text_lines import numbered_lines

SEPARATOR = "|||"


class PairsError(UserError):
    """A line of a pairs file that is not ``source ||| target``, with file and line."""


def parse_pair(line: str, *, where: str = "") -> tuple[list[str], list[str]]:
    """Split one line into whitespace-tokenised source and target words (either side may be empty)."""
    if line.count(SEPARATOR) != 1:
        found = "no" if SEPARATOR not in line else "more than one"
        raise PairsError(f"{where}expected 'source ||| target', found {found} '|||': {line.strip()[:80]!r}")
    source, _, target = line.partition(SEPARATOR)
    return source.split(), target.split()


def read_pairs(path: str | os.PathLike) -> tuple[list[list[str]], list[list[str]]]:
    """Every line of a pairs file in order, as parallel lists of source and target word lists."""
    path = os.fspath(path)
    sources: list[list[str]] = []
    targets: list[list[str]] = []
    for number, line in numbered_lines(path):
        source, target = parse_pair(line, where=f"{path}, line {number}: ")
        sources.append(source)
        targets.append(target)
    return sources, targets
