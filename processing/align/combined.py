"""The neural aligner and eflomal together: links that either finds (union) or both find (intersection).

The two err differently. The neural aligner reads meaning from a multilingual encoder and links
names across scripts, but misses words its layer does not bring close; eflomal learns from the
corpus at hand which words co-occur and links frequent words, often function words, where the
encoder sees nothing. Their union gives projection the links of both (see docs/alignment.md for
the measurements that made it the combined default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from projner.processing.align.links import Link
from projner.processing.align.neural import NeuralAligner, NeuralAlignerConfig
from projner.processing.align.statistical import EflomalAligner, EflomalConfig

COMBINATIONS = ("union", "intersection")
DEFAULT_COMBINATION = "union"


@dataclass(frozen=True)
class CombinedConfig:
    """How the two aligners' links are combined, and each aligner's own settings."""

    neural: NeuralAlignerConfig = field(default_factory=NeuralAlignerConfig)
    eflomal: EflomalConfig = field(default_factory=EflomalConfig)
    combination: str = DEFAULT_COMBINATION
    """``union`` (links either aligner finds) or ``intersection`` (links both find)."""

    def __post_init__(self) -> None:
        if self.combination not in COMBINATIONS:
            raise ValueError(f"combination must be one of {', '.join(COMBINATIONS)}, got {self.combination!r}")

    @classmethod
    def from_options(cls, **options: Any) -> CombinedConfig:
        """Flat keyword options (as ``make_aligner`` takes them) sorted to the aligner they belong to:
        ``combination`` here, names only :class:`EflomalConfig` has to eflomal, the rest (``model``
        included: the encoder) to the neural aligner."""
        eflomal_names = {f.name for f in fields(EflomalConfig)} - {f.name for f in fields(NeuralAlignerConfig)}
        combination = options.pop("combination", DEFAULT_COMBINATION)
        eflomal = {k: options.pop(k) for k in list(options) if k in eflomal_names}
        return cls(NeuralAlignerConfig(**options), EflomalConfig(**eflomal), combination)


def combine_links(first: Sequence[Sequence[Link]], second: Sequence[Sequence[Link]], combination: str) -> list[list[Link]]:
    """Per pair, the union or the intersection of two aligners' links, sorted."""
    if combination not in COMBINATIONS:
        raise ValueError(f"combination must be one of {', '.join(COMBINATIONS)}, got {combination!r}")
    merge = set.union if combination == "union" else set.intersection
    return [sorted(merge(set(map(tuple, a)), set(map(tuple, b)))) for a, b in zip(first, second, strict=True)]


class CombinedAligner:
    """:class:`~projner.processing.align.base.WordAligner` running both aligners on the same pairs.

    eflomal learns from the batch: pass the whole corpus in one ``align`` call (as for eflomal alone).
    """

    def __init__(
        self,
        config: CombinedConfig = CombinedConfig(),
        *,
        extra_source: Sequence[Sequence[str]] = (),
        extra_target: Sequence[Sequence[str]] = (),
    ) -> None:
        self.config = config
        self.neural = NeuralAligner(config.neural)
        self.eflomal = EflomalAligner(config.eflomal, extra_source=extra_source, extra_target=extra_target)

    def align(self, source: Sequence[Sequence[str]], target: Sequence[Sequence[str]]) -> list[list[Link]]:
        return combine_links(self.neural.align(source, target), self.eflomal.align(source, target),
                             self.config.combination)
