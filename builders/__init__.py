"""``datasets`` builders for the gold corpora projner reads (PAN-X, MasakhaNER 2.0, parallel sets).

``from projner.builders import MasakhaNER2`` works; the builder modules (and ``datasets``) are
imported on first use, so code that only needs the CoNLL reader stays light.
"""

from __future__ import annotations

from projner.lazy import by_module, lazy_exports

EXPORTS = by_module({
    "projner.builders.panx": ("PanX",),
    "projner.builders.masakhaner2": ("MasakhaNER2",),
    "projner.builders.parallel": ("EuroparlNER", "ParallelConll", "parallel_pairs"),
    "projner.builders.conll2003": ("Conll2003",),
})
__all__, __getattr__ = lazy_exports(__name__, EXPORTS)
