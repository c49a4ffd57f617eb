"""``datasets`` builders for the gold corpora projner reads (PAN-X, MasakhaNER 2.0, parallel sets).

``from projner.builders import MasakhaNER2`` works; the builder modules (and ``datasets``) are
imported on first use, so code that only needs the CoNLL reader stays light.
"""

from __future__ import annotations

import importlib

_BUILDER_MODULES = {
    "PanX": "panx",
    "MasakhaNER2": "masakhaner2",
    "EuroparlNER": "parallel",
    "ParallelConll": "parallel",
    "Conll2003": "conll2003",
}

__all__ = sorted(_BUILDER_MODULES)


def __getattr__(name: str):
    if name in _BUILDER_MODULES:
        return getattr(importlib.import_module(f"{__name__}.{_BUILDER_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
