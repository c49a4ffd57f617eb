"""Running ``Dataset.map`` stages under explicit fingerprints, with a cache a run can resume from.

Every stage's fingerprint (input fingerprint, stage parameters, model id and version) names its cache
file in the run's cache folder. ``datasets`` writes that file only once the stage has finished (to a
temporary file, renamed at the end), so a file's presence means the stage completed for exactly
that fingerprint: an interrupted run starts again at the first stage whose file is missing, and an
identical second run loads every stage from disk. ``datasets`` 5 does not say whether ``map`` came
from the cache, so :class:`StepRunner` looks for the file itself before mapping; a file that does not
read to its end (cut short, emptied, overwritten), or that holds another number of rows than its
input (cut at a record-batch boundary, it still reads), is deleted with a warning and its stage run
again. Every stage maps rows one to one: ``Dataset.map`` refuses a batch of another length while
the input columns stay (no stage removes them), and the Ray engine checks each shard's rows.
"""

from __future__ import annotations

import glob
import hashlib
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projner.processing.engines import Engine, Step, build_engine

if TYPE_CHECKING:
    import datasets


DEFAULT_SHARD_ROWS = 1000
"""Rows a model stage maps at a time (each shard cached on its own), so a killed run loses at most one."""


class CorruptCacheWarning(UserWarning):
    """A stage cache file that could not be read, or held the wrong number of rows, was deleted and
    its stage runs again; or a cached CTranslate2 conversion that could not be loaded was deleted and
    converted again."""


@dataclass(frozen=True)
class StepRecord:
    """One stage of a run: its fingerprint, wall time, whether it came from the cache, and (for a
    stage run in shards) how many of its shards were already cached."""

    name: str
    fingerprint: str
    seconds: float
    cached: bool
    shards: int = 1
    shards_cached: int = 0


@dataclass(frozen=True)
class Shard:
    """Rows ``[start, end)`` of a stage's input, cached under a fingerprint of their own."""

    start: int
    end: int
    fingerprint: str


def shard_plan(rows: int, shard_rows: int, fingerprint: str) -> list[Shard]:
    """Contiguous shards of ``shard_rows`` rows; each fingerprint is the stage's with the row range.

    The plan depends only on the row count and the shard size, so a rerun finds the shards a killed
    run finished, and an uninterrupted run maps exactly the same shards (so the same batches).
    """
    from projner.processing.fingerprint import stage_fingerprint

    if rows <= shard_rows:
        return [Shard(0, rows, fingerprint)]
    return [Shard(start, min(start + shard_rows, rows),
                  stage_fingerprint(fingerprint, "shard", {"start": start, "end": min(start + shard_rows, rows)}))
            for start in range(0, rows, shard_rows)]


class StepRunner:
    """Runs ``.map`` stages with explicit fingerprints and cache files under ``cache_dir``.

    A model stage runs over contiguous shards of ``shard_rows`` rows, each cached on its own, so a
    run killed in the middle of translation resumes at its first missing shard. With ``num_proc``
    ``datasets`` shards a model stage by worker instead (one file per rank); a stage counts as cached
    only when every shard of one sharding is there (``datasets`` recomputes missing shards).
    """

    def __init__(self, cache_dir: str | os.PathLike, *, num_proc: int | None = None, device: str = "auto",
                 shard_rows: int = DEFAULT_SHARD_ROWS, engine: Engine | None = None) -> None:
        if shard_rows < 1:
            raise ValueError(f"shard_rows must be at least 1, got {shard_rows}")
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.num_proc = num_proc if num_proc and num_proc > 1 else None
        self.shard_rows = shard_rows
        self.engine = engine or build_engine("datasets", num_proc=self.num_proc, device=device)
        self.records: list[StepRecord] = []

    def cache_file(self, name: str, fingerprint: str) -> Path:
        return self.cache_dir / f"{name}-{fingerprint}.arrow"

    def is_cached(self, name: str, fingerprint: str, rows: int) -> bool:
        """Whether the stage's output over an input of ``rows`` rows is complete on disk: whole, or
        every shard of one sharding, each file holding its rows of the input."""
        return self.cached_ranks(name, fingerprint, rows) is not None

    def cached_ranks(self, name: str, fingerprint: str, rows: int) -> int | None:
        """The number of files the stage's complete output is in (1: one file), None where it is not."""
        path = self.cache_file(name, fingerprint)
        if path.exists() and _complete(path, rows):
            return 1
        shards: dict[int, set[int]] = {}
        for found in glob.glob(glob.escape(str(path.with_suffix(""))) + "_*_of_*.arrow"):
            *_, rank, _, total = found.removesuffix(".arrow").rsplit("_", 3)
            if _complete(Path(found), _rank_rows(rows, int(rank), int(total))):
                shards.setdefault(int(total), set()).add(int(rank))
        return min((total for total, ranks in shards.items() if ranks == set(range(total))), default=None)

    def map(
        self,
        dataset: datasets.Dataset,
        name: str,
        stage: Callable,
        fingerprint: str,
        *,
        uses_model: bool = False,
        batch_size: int = 256,
    ) -> datasets.Dataset:
        """``stage`` over ``dataset`` in batches, cached under ``fingerprint``, run by the engine;
        model stages get their own workers (and rank, for their GPU) and run in contiguous shards,
        or in ``num_proc`` processes."""
        started = time.perf_counter()
        whole = [Shard(0, len(dataset), fingerprint)]
        plan = shard_plan(len(dataset), self.shard_rows, fingerprint) if uses_model and not self.num_proc else whole
        ranks = [self.cached_ranks(name, shard.fingerprint, shard.end - shard.start) for shard in plan]
        steps = [Step(name, shard.fingerprint, self.cache_file(name, shard.fingerprint), uses_model=uses_model,
                      batch_size=batch_size, cached=found is not None, ranks=found or 1,
                      rows=(shard.start, shard.end) if len(plan) > 1 else None) for shard, found in zip(plan, ranks)]
        parts = self.engine.map(dataset, stage, steps)
        out = parts[0] if len(parts) == 1 else _concatenate(parts)
        cached = [step.cached for step in steps]
        self.records.append(StepRecord(name, fingerprint, time.perf_counter() - started, all(cached),
                                       shards=len(plan), shards_cached=sum(cached)))
        return out

    @property
    def timings(self) -> dict[str, float]:
        return {r.name: round(r.seconds, 3) for r in self.records}

    @property
    def cached_steps(self) -> list[str]:
        return [r.name for r in self.records if r.cached]

    @property
    def cached_shards(self) -> dict[str, list[int]]:
        """``{step: [shards found cached, shards]}`` for every step run in several shards."""
        return {r.name: [r.shards_cached, r.shards] for r in self.records if r.shards > 1}


class Chain:
    """A dataset and its fingerprint, advanced one stage at a time through a :class:`StepRunner`.

    Each stage brings its own ``fingerprint(previous)``, so the chain's fingerprint after a stage
    depends on every stage before it and on nothing else.
    """

    def __init__(self, runner: StepRunner, dataset: datasets.Dataset, fingerprint: str) -> None:
        self.runner = runner
        self.dataset = dataset
        self.fingerprint = fingerprint

    def step(self, name: str, stage: Any, *, uses_model: bool = False, batch_size: int = 256) -> Any:
        """Run ``stage`` (cached); returns the stage, for its revision and provenance. A missing input
        column or an output that exists already is an error naming both, before anything runs."""
        from projner.processing.stages.base import check_columns

        check_columns(stage, self.dataset.column_names)
        self.fingerprint = stage.fingerprint(self.fingerprint)
        self.dataset = self.runner.map(self.dataset, name, stage, self.fingerprint,
                                       uses_model=uses_model, batch_size=batch_size)
        return stage

    def rename(self, old: str, new: str) -> None:
        """Rename a column (metadata only, nothing recomputed); the fingerprint records it."""
        from projner.processing.fingerprint import stage_fingerprint

        self.fingerprint = stage_fingerprint(self.fingerprint, "rename", {old: new})
        self.dataset = self.dataset.rename_column(old, new, new_fingerprint=self.fingerprint)


def _complete(path: Path, rows: int) -> bool:
    """Whether an Arrow cache file reads to its end and holds ``rows`` rows. One that does not is
    deleted, with a warning naming it and what was wrong, so its stage is computed again instead of
    the run failing on pyarrow's bare message or going on with rows missing."""
    problem = _problem(path, rows)
    if problem is None:
        return True
    path.unlink(missing_ok=True)
    warnings.warn(f"stage cache file {path} {problem}; deleted, its stage runs again",
                  CorruptCacheWarning, stacklevel=2)
    return False


def _problem(path: Path, rows: int) -> str | None:
    """What is wrong with an Arrow cache file meant to hold ``rows`` rows, None if nothing. The rows
    are counted batch by batch, as the stream is read to its end anyway; nothing is decoded."""
    import pyarrow as pa

    with pa.memory_map(str(path)) as source:  # a file that cannot be opened is not ours to delete
        try:
            with pa.ipc.open_stream(source) as reader:
                found = sum(batch.num_rows for batch in reader)
        except (pa.ArrowInvalid, OSError) as err:  # pyarrow says OSError for a message cut short
            return f"could not be read ({err})"
    return None if found == rows else f"holds {found} rows, its input {rows}"


def _rank_rows(rows: int, rank: int, ranks: int) -> int:
    """Rows of worker ``rank``'s file when ``Dataset.map(num_proc=ranks)`` mapped ``rows`` rows: its
    contiguous shard (``Dataset.shard(contiguous=True)``), the first ``rows % ranks`` one row longer."""
    return rows // ranks + (rank < rows % ranks)


def _concatenate(parts: list[datasets.Dataset]) -> datasets.Dataset:
    from datasets import concatenate_datasets

    return concatenate_datasets(parts)


def content_fingerprint(dataset: datasets.Dataset, *identity: object) -> str:
    """Fingerprint of a run's input: its rows (Arrow bytes, after any ``select``) and what it is.

    Hashing the input itself makes the first stage's cache key independent of where and how the
    input was loaded, yet sensitive to any change in the data.
    """
    import pyarrow as pa

    table = dataset.with_format("arrow")[:]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest = hashlib.sha256(sink.getvalue().to_pybytes())
    digest.update(repr(identity).encode())
    return digest.hexdigest()[:32]
