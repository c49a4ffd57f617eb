"""Aligner backends by name, so commands and pipelines can take ``--aligner NAME``.

A small registry: each entry builds a :class:`~projner.processing.align.base.WordAligner` from
keyword options and imports its (possibly heavy) module only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projner.processing.align.base import WordAligner


def _eflomal(**options: Any) -> WordAligner:
    from projner.processing.align.statistical import EflomalAligner, EflomalConfig

    extra_source = options.pop("extra_source", ())
    extra_target = options.pop("extra_target", ())
    return EflomalAligner(EflomalConfig(**options), extra_source=extra_source, extra_target=extra_target)


def _neural(**options: Any) -> WordAligner:
    from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig

    return NeuralAligner(NeuralAlignerConfig(**options))


BACKENDS: dict[str, Callable[..., WordAligner]] = {"eflomal": _eflomal, "neural": _neural}
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
