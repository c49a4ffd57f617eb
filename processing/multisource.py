"""Several sources projected onto the same target sentences, combined into one projection.

Each source (or each view of one: its projection through one symmetrisation of its links) is first
projected on its own by a single-source pipeline; :func:`combine_projections` then puts the
sources' projected spans side by side on the target words, one column per source
(``tgt_entities_<name>``, ``projected_tags_<name>``: who projected what stays visible), and runs the
Combine stage (:mod:`projner.processing.stages.combination`) over them. The sources must describe
the same target sentences: same ids, same words, in the same order; anything else is an error that
names the first sentence that differs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import datasets

from projner.processing.project.combine import CombineConfig
from projner.processing.stages.combination import (
    Combine,
    CombineColumns,
    combine_dataset,
    summed_counts,
    voter_weights,
)

KEPT_TARGET_COLUMNS = ("id", "tgt_tokens", "tgt_tags")
"""The target side's own columns, taken from the first source's dataset where it has them."""


@dataclass(frozen=True)
class CombinedProjection:
    dataset: datasets.Dataset
    report: dict[str, Any]


def voter_column(prefix: str, name: str) -> str:
    """``tgt_entities_en``, ``projected_tags_en-gdfa``: a source's column under a safe name."""
    return f"{prefix}_{re.sub(r'[^0-9A-Za-z_-]+', '_', name)}"


def _check_same_target(first: tuple[str, datasets.Dataset], other: tuple[str, datasets.Dataset]) -> None:
    (name_a, a), (name_b, b) = first, other
    if len(a) != len(b):
        raise ValueError(f"sources {name_a!r} and {name_b!r} cover {len(a)} and {len(b)} target sentences; "
                         "several sources must be projected onto the same target sentences")
    ids_a = a["id"] if "id" in a.column_names else list(range(len(a)))
    ids_b = b["id"] if "id" in b.column_names else list(range(len(b)))
    for row, (id_a, id_b, words_a, words_b) in enumerate(zip(ids_a, ids_b, a["tgt_tokens"], b["tgt_tokens"])):
        if id_a != id_b or words_a != words_b:
            raise ValueError(f"sources {name_a!r} and {name_b!r} differ at target sentence {row} "
                             f"(ids {id_a!r} / {id_b!r}): several sources must share the target's words")


def combine_projections(projected: Sequence[tuple[str, datasets.Dataset]],
                        config: CombineConfig | None = None, **map_kwargs: Any) -> CombinedProjection:
    """One dataset over the target sentences: every source's projection as its own columns, and the
    combination (``projected_tags``, ``tgt_entities``, ``combine_voters``, ``combine_counts``).

    ``projected``: ``(source name, projected dataset)`` pairs, each with ``tgt_tokens`` and
    ``tgt_entities`` (what the Project stage writes); names must be distinct. ``config``: default
    :class:`CombineConfig` (ilp, voter weights from their agreement over the dataset).
    """
    config = config or CombineConfig()
    if not projected:
        raise ValueError("combining needs at least one projected source")
    names = [name for name, _ in projected]
    if len(set(names)) != len(names):
        raise ValueError(f"source names must be distinct, got {names}")
    for name, dataset in projected:
        missing = [c for c in ("tgt_tokens", "tgt_entities") if c not in dataset.column_names]
        if missing:
            raise ValueError(f"source {name!r} has no {', '.join(missing)} column: project it first")
    for other in projected[1:]:
        _check_same_target(projected[0], other)
    first = projected[0][1]
    columns: dict[str, list] = {c: first[c] for c in KEPT_TARGET_COLUMNS if c in first.column_names}
    for name, dataset in projected:
        columns[voter_column("tgt_entities", name)] = dataset["tgt_entities"]
        if "projected_tags" in dataset.column_names:
            columns[voter_column("projected_tags", name)] = dataset["projected_tags"]
    table = datasets.Dataset.from_dict(columns)
    stage_columns = CombineColumns(voters=tuple(voter_column("tgt_entities", n) for n in names))
    weights = voter_weights(table, stage_columns) if config.method == "ilp" else None
    stage = Combine(stage_columns, config, names=tuple(names), weights=weights)
    combined = combine_dataset(table, stage, **map_kwargs)
    report = {"sources": names, "combine": config.describe(),
              "min_agree": config.needed(len(names)) if config.method == "vote" else None,
              "weights": dict(zip(names, weights)) if weights else None,
              "counts": summed_counts(combined, stage_columns)}
    return CombinedProjection(combined, report)
