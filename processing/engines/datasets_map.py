"""The ``datasets`` engine: each stage is a ``Dataset.map`` in this process, model stages optionally
in ``num_proc`` worker processes (one per GPU, each told its rank)."""

from __future__ import annotations

import contextlib
import os
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
        spawned when on CUDA, else forked and held to one thread each (:class:`OneThreadWhenForked`). The output is typed by the stage's declared features, else inferred;
        ``datasets`` loads the cache file (or its per-process files) where present, a complete one
        with the schema it was written with (one written before its stage declared features may
        hold a ``list<null>`` column, which those features would refuse). Worker files cached by a run
        with another ``num_proc`` are loaded as that many: ``datasets`` finds them by a glob of the
        cache path, which misses where the path holds glob characters (``runs [old]``)."""
        processes = self.num_proc if step.uses_model else None
        if step.cached:
            processes = step.ranks if step.ranks > 1 else None
        indexed = takes_indices(stage)
        function = FromRow(stage, step.rows[0]) if indexed and step.rows else stage
        spawn = bool(processes) and _on_cuda(self.device)
        with _start_method(spawn=spawn):
            return dataset.map(
                OneThreadWhenForked(function, os.getpid()) if processes and not spawn else function,
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


@dataclass(frozen=True)
class OneThreadWhenForked:
    """``function`` with torch held to one thread in a forked worker. Where a model already ran in the
    parent on the CPU, torch's OpenMP thread pool does not survive the fork: a child that computes
    with more than one thread waits for good on threads it does not have (one thread never calls on
    the pool). One thread a worker is also what ``num_proc`` workers on the CPU should use, not a
    full set each. Spawned workers (CUDA) start fresh and are left as they are."""

    function: Any
    parent: int
    """The pid of the process that forked the workers."""

    def __call__(self, *args: Any) -> Any:
        if os.getpid() != self.parent:
            import torch

            if torch.get_num_threads() != 1:
                torch.set_num_threads(1)
        return self.function(*args)


def _on_cuda(device: str) -> bool:
    """Whether model stages may run on CUDA (``auto`` does where a GPU is visible)."""
    import torch

    return device != "cpu" and torch.cuda.is_available()


def _start_method(*, spawn: bool) -> contextlib.AbstractContextManager:
    """CUDA cannot be used in forked workers: GPU stages start theirs fresh (each loads its model
    lazily); the start method is restored afterwards."""
    if spawn:
        from projner.processing.stages.correspondence import spawn_start_method

        return spawn_start_method()
    return contextlib.nullcontext()
