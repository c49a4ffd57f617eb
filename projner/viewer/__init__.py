"""``view``: one self-contained HTML page of a projner output, to see where projection went wrong.

Each sentence pair is drawn as two lines of words with the entities coloured by type, the links
between them under the pointer, the gold disagreements named, and filters with counts; see
:mod:`.pairs` for what is computed here and :mod:`.page` for how the page is made safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from projner.viewer.columns import ViewError
from projner.viewer.output_folder import RunOutput, read_output
from projner.viewer.page import write_page
from projner.viewer.payload import build_payload

DEFAULT_PAGE_SIZE = 50

__all__ = ["DEFAULT_PAGE_SIZE", "RunOutput", "ViewError", "read_output", "view"]


def view(source: str | Path | RunOutput, path: str | Path, *, config: str | None = None,
         split: str | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> Path:
    """Write the page of ``source`` to ``path`` and return ``path``.

    ``source``: an output folder (``export``/``--output``; ``config`` and ``split`` choose within
    it, defaulting to the card's default config and its first split) or a :class:`RunOutput`.
    """
    if page_size < 1:
        raise ViewError(f"page_size must be at least 1, got {page_size}")
    if isinstance(source, RunOutput):
        output, where = source, f"split {source.split!r}"
    else:
        output = read_output(source, config, split)
        where = f"{source}, config {output.config!r}, split {output.split!r}"
    return write_page(build_payload(output, page_size=page_size, where=where), path)
