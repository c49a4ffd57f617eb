"""The ``datasets`` engine: each stage is a ``Dataset.map`` in this process, model stages optionally
in ``num_proc`` worker processes (one per GPU, each told its rank)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import datasets

from projner.processing.engines import Step
from projner.processing.stages.base import stage_features, takes_indices


class DatasetsEngine:
    """``dataset.map(stage, batched=True)`` under the step's fingerprint and cache file."""

    def __init__(self, *, num_proc: int | None = None, device: str = "auto") -> None:
        self.num_proc = num_proc if num_proc and num_proc > 1 else None
        self.device = device

    def map(self, dataset: datasets.Dataset, stage: Any, steps: Sequence[Step]) -> list[datasets.Dataset]:
        return [self.map_step(step.select(dataset), stage, step) for step in steps]

    def map_step(self, dataset: datasets.Dataset, stage: Any, step: Step) -> datasets.Dataset:
        """Model stages get the worker rank (for their GPU) and run in ``num_proc`` processes,
        spawned when on CUDA. The output is typed by the stage's declared features, else inferred;
        ``datasets`` loads the cache file (or its per-process files) where present, a complete one
        with the schema it was written with (one written before its stage declared features may
        hold a ``list<null>`` column, which those features would refuse)."""
        processes = self.num_proc if step.uses_model else None
        indexed = takes_indices(stage)
        with _start_method(spawn=bool(processes) and self.device != "cpu"):
            return dataset.map(
                FromRow(stage, step.rows[0]) if indexed and step.rows else stage,
                batched=True,
                batch_size=step.batch_size,
                with_indices=indexed,
                with_rank=step.uses_model,
                num_proc=processes,
                features=None if step.cached else stage_features(stage, dataset.features),
                cache_file_name=str(step.cache_file),
                new_fingerprint=step.fingerprint,
                load_from_cache_file=True,
                desc=step.name,
            )


@dataclass(frozen=True)
class FromRow:
    """``stage`` over a shard that starts at row ``start`` of the stage's input: ``Dataset.map``
    counts the indices of the selected shard from 0, the stage is told the input's rows (as on Ray)."""

    stage: Any
    start: int

    def __call__(self, batch: dict[str, list], indices: list[int], *rank: int | None) -> dict[str, list]:
        return self.stage(batch, [self.start + i for i in indices], *rank)


def _start_method(*, spawn: bool) -> contextlib.AbstractContextManager:
    """CUDA cannot be used in forked workers: GPU stages start theirs fresh (each loads its model
    lazily); the start method is restored afterwards."""
    import torch

    if spawn and torch.cuda.is_available():
        from projner.processing.stages.correspondence import spawn_start_method

        return spawn_start_method()
    return contextlib.nullcontext()
