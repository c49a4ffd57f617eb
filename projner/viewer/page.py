"""The page as one self-contained HTML file: the template with its style, script and data inlined.

Nothing is fetched when the page opens (its Content-Security-Policy forbids it), so it works from
disk, by e-mail, offline. The data travels as JSON inside a ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, so no text in the corpus can close that element or be read
as markup; the page's script draws it with ``textContent`` only.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from projner.outputs import write_text

DEFAULT_PAGE_SIZE = 50
"""Pairs per page when a page opens (the reader changes it on the page)."""
MARKERS = {"css": "/*PROJNER-CSS*/", "js": "/*PROJNER-JS*/", "data": "/*PROJNER-DATA*/"}
GENERATOR = '<meta name="generator" content="projner view">'
"""In every page's head: how a page projner wrote is told from a user's file of the same name."""


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script>`` element (no ``</script>``, ``<!--``, entities)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return resources.files("projner.viewer").joinpath("assets", name).read_text(encoding="utf-8")


def render_page(payload: dict[str, Any]) -> str:
    """The HTML text of a page showing ``payload`` (see :mod:`projner.viewer.payload`)."""
    page = _asset("page.html")
    for marker in (*MARKERS.values(), GENERATOR):
        if page.count(marker) != 1:
            raise RuntimeError(f"the viewer template must hold {marker} exactly once")
    # the data goes in last, so no marker text inside the corpus can be replaced
    page = page.replace(MARKERS["css"], _asset("page.css")).replace(MARKERS["js"], _asset("page.js"))
    return page.replace(MARKERS["data"], script_json(payload))


def write_page(payload: dict[str, Any], path: str | Path) -> Path:
    """The page, written whole or not at all."""
    return write_text(path, render_page(payload))


def is_page(path: Path) -> bool:
    """Whether ``path`` is a page ``projner view`` wrote (so writing it again loses nothing)."""
    try:
        with path.open(encoding="utf-8") as stream:
            return GENERATOR in stream.read(2048)
    except (OSError, UnicodeDecodeError):
        return False
