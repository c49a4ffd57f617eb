"""``datasets`` builders for the gold corpora projner reads (PAN-X, MasakhaNER 2.0, parallel sets).

``from projner.builders import MasakhaNER2`` works; the builder modules (and ``datasets``) are
imported on first use, so code that only needs the CoNLL reader stays light.
"""

from __future__ import annotations

from projner.lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "PanX": "projner.builders.panx",
    "MasakhaNER2": "projner.builders.masakhaner2",
    "EuroparlNER": "projner.builders.parallel",
    "ParallelConll": "projner.builders.parallel",
    "Conll2003": "projner.builders.conll2003",
    "parallel_pairs": "projner.builders.parallel",
})
