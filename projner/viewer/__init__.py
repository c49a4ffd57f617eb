"""``view``: one self-contained HTML page of a projner output, to see where projection went wrong.

Each sentence pair is drawn as two lines of words with the entities coloured by type, the links
between them under the pointer, the gold disagreements named, and filters with counts; see
:mod:`.pairs` for what is computed in Python and :mod:`.page` for how the page is made safe.
Names load on first use, so ``import projner`` stays quick.
"""

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.viewer.render": ("view", "Page"),
    "projner.viewer.columns": ("ViewError",),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
