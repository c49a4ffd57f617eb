"""Aligner backends by name, so commands and pipelines can take ``--aligner NAME``.

A small registry: each entry builds a :class:`~projner.processing.align.base.WordAligner` from
keyword options and imports its (possibly heavy) module only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projner.processing.align.base import WordAligner


def _extra_text(options: dict[str, Any]) -> dict[str, Any]:
    """The extra parallel text eflomal trains on (``extra_source``/``extra_target``), out of ``options``."""
    return {name: options.pop(name, ()) for name in ("extra_source", "extra_target")}


def _eflomal(**options: Any) -> WordAligner:
    from projner.processing.align.statistical import EflomalAligner, EflomalConfig

    extra = _extra_text(options)
    return EflomalAligner(EflomalConfig(**options), **extra)


def _neural(**options: Any) -> WordAligner:
    from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig

    return NeuralAligner(NeuralAlignerConfig(**options))


def _combined(**options: Any) -> WordAligner:
    from projner.processing.align.combined import CombinedAligner, CombinedConfig
    from projner.processing.align.statistical import EflomalAligner

    extra = _extra_text(options)
    config = CombinedConfig.from_options(**options)
    return CombinedAligner(config, EflomalAligner(config.eflomal, **extra))


BACKENDS: dict[str, Callable[..., WordAligner]] = {"eflomal": _eflomal, "neural": _neural,
                                                   "neural+eflomal": _combined}
"""Backend name → factory taking the backend's options as keywords."""


def make_aligner(name: str, **options: Any) -> WordAligner:
    """The aligner called ``name``, built with ``options`` (e.g. ``symmetrization="gdfa"``)."""
    factory = BACKENDS.get(name)
    if factory is None:
        raise ValueError(f"unknown aligner {name!r} (known: {', '.join(sorted(BACKENDS))})")
    try:
        return factory(**options)
    except TypeError as err:
        raise ValueError(f"aligner {name!r}: {err}") from None


def uses_encoder(name: str) -> bool:
    """Whether the backend loads an encoder (and so has a model, a device and a ``.map`` rank)."""
    return name in ("neural", "neural+eflomal")


def learns_from_batch(name: str) -> bool:
    """Whether the backend trains on the pairs it aligns (give it the whole corpus as one batch)."""
    return name in ("eflomal", "neural+eflomal")
