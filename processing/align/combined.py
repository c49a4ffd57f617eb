"""The neural aligner and eflomal together: one aligner's links filled in, united or intersected.

The two err differently. The neural aligner reads meaning from a multilingual encoder and links
names across scripts, but misses words its layer does not bring close; eflomal learns from the
corpus at hand which words co-occur. Measured on a real encoder (docs/alignment.md), uniting them
costs precision (eflomal ties articles to names: Europarl es lost 6 points) and intersecting them
costs the neural links of rare names, so the default, ``fill``, keeps every neural link and adds
eflomal's only between two words the neural aligner left unaligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from projner.processing.align.links import Link
from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig
from projner.processing.align.statistical import EflomalAligner, EflomalConfig

COMBINATIONS = ("union", "intersection", "fill")
DEFAULT_COMBINATION = "fill"


@dataclass(frozen=True)
class CombinedConfig:
    """How the two aligners' links are combined, and each aligner's own settings."""

    neural: NeuralAlignerConfig = field(default_factory=NeuralAlignerConfig)
    eflomal: EflomalConfig = field(default_factory=EflomalConfig)
    combination: str = DEFAULT_COMBINATION
    """``fill`` (the neural links, and eflomal's between two words the neural aligner left
    unaligned), ``union`` (links either aligner finds) or ``intersection`` (links both find)."""

    def __post_init__(self) -> None:
        if self.combination not in COMBINATIONS:
            raise ValueError(f"combination must be one of {', '.join(COMBINATIONS)}, got {self.combination!r}")

    @classmethod
    def from_options(cls, **options: Any) -> CombinedConfig:
        """The config from flat keyword options (as ``make_aligner`` takes them; see
        :func:`split_options`)."""
        neural, eflomal, combination = split_options(options)
        return cls(NeuralAlignerConfig(**neural), EflomalConfig(**eflomal), combination)


def split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Flat options sorted to the aligner they belong to: ``combination`` here, names only
    :class:`EflomalConfig` has to eflomal, the rest (``model`` included: the encoder) to the neural
    aligner. Returns the neural options, the eflomal options and the combination."""
    eflomal_names = {f.name for f in fields(EflomalConfig)} - {f.name for f in fields(NeuralAlignerConfig)}
    rest = {k: v for k, v in options.items() if k != "combination"}
    eflomal = {k: v for k, v in rest.items() if k in eflomal_names}
    neural = {k: v for k, v in rest.items() if k not in eflomal_names}
    return neural, eflomal, options.get("combination", DEFAULT_COMBINATION)


def _fill(first: set[Link], second: set[Link]) -> set[Link]:
    """``first`` and the links of ``second`` between two words ``first`` leaves both unaligned."""
    sources, targets = {i for i, _ in first}, {j for _, j in first}
    return first | {(i, j) for i, j in second if i not in sources and j not in targets}


_MERGES = {"union": set.union, "intersection": set.intersection, "fill": _fill}


def combine_links(first: Sequence[Sequence[Link]], second: Sequence[Sequence[Link]], combination: str) -> list[list[Link]]:
    """Per pair, the union or the intersection of two aligners' links, or ``fill``: the first's
    links and the second's where the first left both words unaligned; sorted."""
    if combination not in COMBINATIONS:
        raise ValueError(f"combination must be one of {', '.join(COMBINATIONS)}, got {combination!r}")
    merge = _MERGES[combination]
    return [sorted(merge(set(map(tuple, a)), set(map(tuple, b)))) for a, b in zip(first, second, strict=True)]


class CombinedAligner:
    """:class:`~projner.processing.align.base.WordAligner` running both aligners on the same pairs.

    eflomal learns from the batch: pass the whole corpus in one ``align`` call (as for eflomal alone).
    """

    def __init__(self, config: CombinedConfig = CombinedConfig(), eflomal: EflomalAligner | None = None) -> None:
        """``eflomal``: the eflomal side, where it trains on extra parallel text too (its config must
        be ``config.eflomal``); by default built from ``config.eflomal`` alone."""
        if eflomal is not None and eflomal.config != config.eflomal:
            raise ValueError("the eflomal aligner given has another config than the combined config's eflomal")
        self.config = config
        self.neural = NeuralAligner(config.neural)
        self.eflomal = eflomal or EflomalAligner(config.eflomal)

    def align(self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]) -> list[list[Link]]:
        return combine_links(self.neural.align(source, target), self.eflomal.align(source, target),
                             self.config.combination)
