"""Links from similarity matrices, for a whole batch of sentence pairs at once.

SimAlign's extractions (argmax, itermax, match, with its distortion prior) and AWESoME's softmax
threshold, on padded ``[batch, source, target]`` tensors: one set of torch ops serves every pair
of a batch whatever their lengths, and padded cells never produce links. Every function returns a
boolean link matrix of the batch's shape; ``links_of`` turns one row of it into index pairs.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

ITERMAX_ALPHA = 0.9
"""SimAlign's discount for a cell whose row or column is already aligned (itermax)."""
ITERMAX_ROUNDS = 2
"""SimAlign's ``max_count``: the argmax intersection, then one more round over unaligned words."""


class Method(str, Enum):
    """How links are read off a similarity matrix."""

    ARGMAX = "argmax"
    """Cells that are the maximum of both their row and their column (SimAlign "inter")."""
    ITERMAX = "itermax"
    """Argmax, then argmax again among words left unaligned (SimAlign "itermax")."""
    MATCH = "match"
    """A maximum-weight matching of the smaller side (SimAlign "mwmf")."""
    SOFTMAX = "softmax"
    """Dot products, softmax in both directions, both above a threshold (AWESoME)."""


def valid_cells(source_lengths: torch.Tensor, target_lengths: torch.Tensor, m: int, n: int) -> torch.Tensor:
    """``[batch, m, n]``: True where both the row and the column are inside their sentence."""
    rows = torch.arange(m, device=source_lengths.device)[None, :] < source_lengths[:, None]
    cols = torch.arange(n, device=target_lengths.device)[None, :] < target_lengths[:, None]
    return rows[:, :, None] & cols[:, None, :]


def cosine_scores(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """SimAlign's similarity, ``(cos + 1) / 2`` in [0, 1], for padded ``[batch, len, dim]`` vectors.

    Computed in float64 when the vectors are, else float32 (half-precision vectors are widened).
    """
    dtype = torch.float64 if source.dtype == torch.float64 else torch.float32
    src = torch.nn.functional.normalize(source.to(dtype), dim=-1)
    tgt = torch.nn.functional.normalize(target.to(dtype), dim=-1)
    return (torch.bmm(src, tgt.transpose(1, 2)) + 1.0) / 2.0


def apply_distortion(
    scores: torch.Tensor, source_lengths: torch.Tensor, target_lengths: torch.Tensor, ratio: float
) -> torch.Tensor:
    """SimAlign's position prior: scale cell ``(i, j)`` by ``1 - ratio * (j/(n-1) - i/(m-1))^2``.

    Pairs with fewer than two words on a side are left as they are (relative position undefined).
    """
    if ratio == 0.0:
        return scores
    _, m, n = scores.shape
    device = scores.device
    src_den = (source_lengths - 1).clamp(min=1).to(torch.float64)
    tgt_den = (target_lengths - 1).clamp(min=1).to(torch.float64)
    src_pos = torch.arange(m, device=device, dtype=torch.float64)[None, :] / src_den[:, None]
    tgt_pos = torch.arange(n, device=device, dtype=torch.float64)[None, :] / tgt_den[:, None]
    mask = 1.0 - (tgt_pos[:, None, :] - src_pos[:, :, None]) ** 2 * ratio
    applies = (source_lengths >= 2) & (target_lengths >= 2)
    mask = torch.where(applies[:, None, None], mask, torch.ones_like(mask))
    return scores.to(torch.float64) * mask


def _row_and_column_maxima(scores: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Cells that are the first maximum of their row and the first maximum of their column."""
    masked = scores.masked_fill(~valid, float("-inf"))
    forward = torch.zeros_like(valid).scatter_(2, masked.argmax(dim=2, keepdim=True), True)
    backward = torch.zeros_like(valid).scatter_(1, masked.argmax(dim=1, keepdim=True), True)
    return forward & backward & valid


def argmax_links(scores: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """Intersection of the forward and the backward argmax (ties: the first index, as numpy)."""
    return _row_and_column_maxima(scores, valid)


def itermax_links(
    scores: torch.Tensor, valid: torch.Tensor, source_lengths: torch.Tensor, target_lengths: torch.Tensor
) -> torch.Tensor:
    """SimAlign's itermax: the argmax intersection, then rounds in which words still unaligned may
    link to their best partner, cells with one aligned side discounted by ``ITERMAX_ALPHA`` and cells
    with both sides aligned excluded. Pairs with a side of at most two words keep the intersection;
    a pair whose rows or columns are all aligned gets nothing more."""
    scores = scores.to(torch.float64)  # SimAlign's masks are float64; so are the discounted scores
    links = _row_and_column_maxima(scores, valid)
    eligible = torch.minimum(source_lengths, target_lengths) > 2
    for _ in range(ITERMAX_ROUNDS - 1):
        row_free = ~links.any(dim=2) & valid.any(dim=2)
        col_free = ~links.any(dim=1) & valid.any(dim=1)
        open_pair = eligible & row_free.any(dim=1) & col_free.any(dim=1)
        weight = (ITERMAX_ALPHA * row_free.to(scores.dtype)[:, :, None]
                  + ITERMAX_ALPHA * col_free.to(scores.dtype)[:, None, :]).clamp(0.0, 1.0)
        weight = weight * open_pair[:, None, None]
        candidates = (row_free[:, :, None] | col_free[:, None, :]) & open_pair[:, None, None]
        new = _row_and_column_maxima(scores * weight, valid) & candidates
        links = links | new
    return links


def match_links(scores: torch.Tensor, source_lengths: torch.Tensor, target_lengths: torch.Tensor) -> torch.Tensor:
    """A maximum-weight matching that pairs every word of the shorter side (the Hungarian method).

    With positive similarities on a complete bipartite graph this is exactly the maximum-weight
    maximum-cardinality matching SimAlign asks networkx for.
    """
    cpu = scores.detach().to("cpu", torch.float64).numpy()
    links = np.zeros(cpu.shape, dtype=bool)
    for b, (m, n) in enumerate(zip(source_lengths.tolist(), target_lengths.tolist())):
        if m and n:
            rows, cols = linear_sum_assignment(cpu[b, :m, :n], maximize=True)
            links[b, rows, cols] = True
    return torch.from_numpy(links).to(scores.device)


def softmax_links(scores: torch.Tensor, valid: torch.Tensor, threshold: float) -> torch.Tensor:
    """AWESoME: softmax over targets and over sources; a link needs both above ``threshold``."""
    masked = scores.masked_fill(~valid, float("-inf"))
    forward = torch.softmax(masked, dim=2).nan_to_num(0.0)
    backward = torch.softmax(masked, dim=1).nan_to_num(0.0)
    return (forward > threshold) & (backward > threshold) & valid
