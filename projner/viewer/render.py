"""``view``: an output folder or a pipeline's result → its page (see :mod:`projner.viewer`)."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from projner.viewer.columns import ViewError
from projner.viewer.output_folder import RunOutput, from_result, read_output
from projner.viewer.page import DEFAULT_PAGE_SIZE, write_page
from projner.viewer.payload import build_payload


@dataclass(frozen=True)
class Page:
    """A written page and what it shows."""

    path: Path
    config: str | None
    split: str
    pairs: int
    others: tuple[str, ...]
    """The folder's ``config/split`` pairs this page does not show."""


def view(source: Any, path: str | Path, *, config: str | None = None, split: str | None = None,
         page_size: int = DEFAULT_PAGE_SIZE) -> Page:
    """Write the page of ``source`` to ``path``.

    ``source``: an output folder (``--output`` of a pipeline, ``projner export``; ``config`` and
    ``split`` choose within it, by default the card's default config and its first split), a
    pipeline's result (``split`` chooses; every sentence, dropped ones too) or a
    :class:`RunOutput`.
    """
    if page_size < 1:
        raise ViewError(f"page_size must be at least 1, got {page_size}")
    if isinstance(source, RunOutput):
        output = source
    elif isinstance(source, (str, PathLike)):
        output = read_output(source, config, split)
    elif hasattr(source, "dataset") and hasattr(source, "provenance"):
        output = from_result(source, split)
    else:
        raise ViewError(f"cannot view a {type(source).__name__}: give an output folder or a pipeline's result")
    origin = str(source) if isinstance(source, (str, PathLike)) else "the result"
    where = f"{origin}, config {output.config!r}, split {output.split!r}"
    payload = build_payload(output, page_size=page_size, where=where)
    return Page(path=write_page(payload, path), config=output.config, split=output.split,
                pairs=len(payload["pairs"]), others=output.others)
