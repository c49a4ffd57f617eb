"""Where a pipeline's stages run: ``datasets`` (``Dataset.map`` in this process, ``num_proc`` workers)
or Ray Data (actor pools for model stages, tasks for the rest, on one machine or a cluster).

Both run the same stage objects on the same batches and hand back a ``datasets.Dataset`` written to
the step's cache file, so a run's outputs, fingerprints and caches do not depend on the engine: a
run started on one resumes on the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import datasets

ENGINES = ("datasets", "ray")


@dataclass(frozen=True)
class Step:
    """One cache file of a stage, as the runner hands it to an engine: the whole stage, or one
    shard (a row range) of a model stage."""

    name: str
    fingerprint: str
    cache_file: Path
    uses_model: bool = False
    """A model stage: its own workers (processes or actors), each loading the model once."""
    batch_size: int = 256
    cached: bool = False
    """Its cache file is complete on disk: the engine only loads it."""
    ranks: int = 1
    """Worker files the cached output is in (``<file>_<rank>_of_<ranks>.arrow`` where above 1)."""
    rows: tuple[int, int] | None = None
    """The shard's rows ``[start, end)`` of the stage's input; None: all of them."""

    def bounds(self, length: int) -> tuple[int, int]:
        """The step's rows ``[start, end)`` of an input of ``length`` rows."""
        return self.rows or (0, length)

    def select(self, dataset: datasets.Dataset) -> datasets.Dataset:
        """The step's rows of ``dataset``."""
        return dataset if self.rows is None else dataset.select(range(*self.rows))


@dataclass(frozen=True)
class RayConfig:
    """Where and how wide the stages run on Ray; none of it changes a stage's output."""

    address: str | None = None
    """None: a local Ray started for the run; ``auto``: the cluster running on this machine's
    network (``ray start``); or a head's ``HOST:PORT`` / ``ray://HOST:PORT``."""
    workers: int | None = None
    """Actors per model stage; None: one per GPU slot (GPUs ÷ ``gpus_per_worker``), else one."""
    gpus_per_worker: float | None = None
    """GPUs each actor reserves (0.5: two actors share a GPU); None: 1 where the cluster has GPUs."""
    cpus_per_worker: float = 1.0
    retries: int = 3
    """Restarts of a lost actor, resubmissions of its batches, reruns of a lost task (-1: unlimited)."""
    batches_ahead: int = 4
    """Batches queued on each actor (Ray Data's ``max_tasks_in_flight_per_actor``). Ray Data's own
    default, 2, let two CPU actors wait for the driver between batches (1.4x one actor instead of
    1.6x, ``benchmarks/ray_scaling.py``); a queued batch costs only its input block's memory."""

    def __post_init__(self) -> None:
        if self.batches_ahead < 1:
            raise ValueError(f"batches_ahead must be at least 1, got {self.batches_ahead}")


class Engine(Protocol):
    def map(self, dataset: datasets.Dataset, stage: Any, steps: Sequence[Step]) -> list[datasets.Dataset]:
        """``stage`` over each step's rows of ``dataset`` in batches of ``batch_size`` counted from
        the step's first row: the input columns plus the stage's, in input order, written to (or,
        when cached, read from) the step's cache file; one dataset per step. A stage that takes
        indices (``with_indices``) is given the batch rows' positions in ``dataset``, whatever the step."""
        ...


def build_engine(name: str, *, num_proc: int | None = None, device: str = "auto",
                 ray: RayConfig | None = None) -> Engine:
    """The engine called ``name``; ``ray`` configures the ray engine (None: the defaults)."""
    from projner.processing.engines.datasets_map import DatasetsEngine

    local = DatasetsEngine(num_proc=num_proc, device=device)
    if name == "datasets":
        return local
    if name == "ray":
        from projner.processing.engines.ray_data import RayEngine

        return RayEngine(ray or RayConfig(), cached=local)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {name!r}")
