"""Pearson and Spearman correlation with the number of languages they rest on.

Both are reported because F1 against distance is rarely linear; n is reported because a
correlation over a handful of languages says little. Below :data:`MIN_POINTS` languages (where
Spearman's rho can only take a few values and its p-value is meaningless), or with a constant input,
there is no correlation to report (None), rather than a misleading number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

MIN_POINTS = 5


@dataclass(frozen=True)
class Correlation:
    n: int
    pearson_r: float | None
    pearson_p: float | None
    spearman_rho: float | None
    spearman_p: float | None


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def correlate(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    if len(xs) != len(ys):
        raise ValueError(f"{len(xs)} x values but {len(ys)} y values")
    n = len(xs)
    if n < MIN_POINTS or len(set(xs)) < 2 or len(set(ys)) < 2:
        return Correlation(n, None, None, None, None)
    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    return Correlation(
        n=n,
        pearson_r=_finite(pearson.statistic), pearson_p=_finite(pearson.pvalue),
        spearman_rho=_finite(spearman.statistic), spearman_p=_finite(spearman.pvalue),
    )
