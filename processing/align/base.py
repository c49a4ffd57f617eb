"""What every aligner backend offers, so pipelines and commands can take any of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from projner.processing.align.links import Link


@runtime_checkable
class WordAligner(Protocol):
    """Aligns sentence pairs given as word lists; returns source-first, 0-indexed links per pair.

    Statistical backends learn from the whole batch at once (pass the corpus in one call);
    neural ones align pair by pair and batch internally. An empty side gives no links.
    """

    def align(
        self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]
    ) -> list[list[Link]]: ...
