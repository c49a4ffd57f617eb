"""The Ray Data engine: each stage a ``map_batches`` over Arrow blocks of one batch each, model stages
on an actor pool (the stage object sent once to each actor, which loads its model on first use),
the others as Ray tasks.

A step's batches are the ``datasets`` engine's batches (blocks cut at ``batch_size``, order kept by
``preserve_order``), each crosses as Arrow, the stage sees its usual dict of lists, and its columns
are encoded to Arrow by ``datasets``' own type inference: the written cache file and everything
after it are the ``datasets`` engine's. Ray retries what a lost worker was doing: a dead actor is
restarted and its batches resubmitted, a dead task rerun (``RayConfig.retries``); an exception
raised by a stage is not retried (it would only repeat) and ends the run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import warnings
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

import datasets
import pyarrow as pa

from projner.errors import UserError
from projner.processing.engines import Engine, RayConfig, Step
from projner.processing.stages.base import stage_features, takes_indices

INSTALL_HINT = "the ray engine needs Ray Data: pip install 'projner[ray]'"
ROW_COLUMN = "__projner_row__"
"""The rows' positions in the stage's input, carried beside a batch for a stage that takes them
(a block sent to Ray does not know where it was cut); never reaches the stage or the output."""


def require_ray() -> ModuleType:
    """The ``ray`` module with Ray Data, or an ImportError of one line saying what to install."""
    try:
        import ray
        import ray.data  # the Data library is the [data] extra
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return ray


def run_stage(table: pa.Table, stage: Any, features: datasets.Features | None = None) -> pa.Table:
    """One batch through ``stage``: the input columns as they came, the stage's columns added (or
    replacing an input column of the same name) in the order it returns them, typed as
    ``Dataset.map`` types them (by the stage's declared ``features``, else inferred from the batch);
    a stage that takes indices gets the batch rows' positions."""
    from datasets.arrow_writer import OptimizedTypedSequence

    rows: tuple[list[int], ...] = ()
    if takes_indices(stage):
        rows = (table.column(ROW_COLUMN).to_pylist(),)
        table = table.drop_columns([ROW_COLUMN])
    for name, values in stage(table.to_pydict(), *rows).items():
        declared = features[name] if features is not None else None
        array = pa.array(OptimizedTypedSequence(values, type=declared, col=name, on_mixed_types="use_json"))
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, array)
        else:
            table = table.append_column(name, array)
    return table


REACH_SECONDS = 5.0
"""How long a cluster's head gets to answer before the run stops (Ray itself retries for minutes)."""


def reachable(address: str) -> None:
    """A ``HOST:PORT`` or ``ray://HOST:PORT`` head that accepts a connection, else a ConnectionError
    naming it at once; ``auto`` is Ray's to resolve."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"Ray address {address!r}: expected auto, HOST:PORT or ray://HOST:PORT")
    try:
        socket.create_connection((host, int(port)), timeout=REACH_SECONDS).close()
    except OSError as err:
        raise ConnectionError(f"Ray address {address!r}: nothing answers there ({err.strerror or err}); "
                              "is the cluster started (ray start --head)?") from None


class StageWorker:
    """An actor of a model stage's pool: holds its own copy of the stage (models are never pickled,
    so each actor loads the model once, on its first batch, onto the GPUs Ray gave it)."""

    def __init__(self, stage: Any, features: datasets.Features | None = None) -> None:
        self.stage = stage
        self.features = features

    def __call__(self, table: pa.Table) -> pa.Table:
        return run_stage(table, self.stage, self.features)


class RayEngine:
    """Runs each step on Ray Data and writes its result to the step's cache file."""

    def __init__(self, config: RayConfig, *, cached: Engine) -> None:
        require_ray()  # missing, the run stops before its first step, not at its first uncached one
        self.config = config
        self.cached = cached
        """Loads steps already on disk (whole or sharded, whichever engine wrote them)."""

    def map(self, dataset: datasets.Dataset, stage: Any, steps: Sequence[Step]) -> list[datasets.Dataset]:
        """The steps not yet cached run as one Ray Data execution (one actor pool per stage, however
        many shards); each shard's file is written as soon as its last batch is back, so a driver
        killed mid-stage leaves the finished shards for the next run."""
        todo = [step for step in steps if not step.cached]
        if not todo or len(dataset) == 0:
            return self.cached.map(dataset, stage, steps)
        ray = self.connect()
        table = dataset.with_format("arrow")[:]
        if takes_indices(stage):
            table = table.append_column(ROW_COLUMN, pa.array(range(len(dataset)), pa.int64()))
        blocks = []
        for step in todo:
            start, end = step.bounds(len(dataset))
            blocks += [table.slice(first, min(step.batch_size, end - first)) for first in range(start, end, step.batch_size)]
        features = stage_features(stage, dataset.features)
        context = ray.data.DataContext.get_current()
        wrapped, context.raise_original_map_exception = context.raise_original_map_exception, True
        try:  # the dataset keeps a copy of the context it was made in
            mapped = self._map_batches(ray, ray.data.from_arrow(blocks), stage, todo[0], batches=len(blocks),
                                       features=features)
        finally:
            context.raise_original_map_exception = wrapped
        batches = iter(mapped.iter_batches(batch_size=None, batch_format="pyarrow"))
        out = []
        try:
            for step in steps:
                if step.cached:
                    out += self.cached.map(dataset, stage, [step])
                else:
                    start, end = step.bounds(len(dataset))
                    out.append(write_cache(dataset, next_rows(batches, end - start), step, features))
        except ray.exceptions.RayTaskError as err:
            if isinstance(err.cause, UserError):
                raise user_error(err.cause) from None
            raise
        return out

    def connect(self) -> ModuleType:
        """Ray, connected: to ``address``, or a local instance started now (an already connected
        session, e.g. a test's, is used as it is). Rows keep their input order."""
        ray = require_ray()
        if not ray.is_initialized():
            if self.config.address is None:
                ray.init(include_dashboard=False)
            else:
                reachable(self.config.address)
                try:
                    ray.init(address=self.config.address)
                except ConnectionError as err:
                    raise ConnectionError(f"Ray address {self.config.address!r}: {err}") from err
        ray.data.DataContext.get_current().execution_options.preserve_order = True
        return ray

    def pool(self, ray: ModuleType) -> tuple[int, float]:
        """``(actors, GPUs per actor)`` of a model stage, the defaults resolved on the cluster."""
        c = self.config
        gpus_total = ray.cluster_resources().get("GPU", 0.0)
        gpus = c.gpus_per_worker if c.gpus_per_worker is not None else (1.0 if gpus_total else 0.0)
        workers = c.workers or (max(1, int(gpus_total // gpus)) if gpus else 1)
        return workers, gpus

    def _map_batches(self, ray: ModuleType, source: Any, stage: Any, step: Step, *, batches: int,
                     features: datasets.Features | None = None) -> Any:
        c = self.config
        # batch_size=None: each block (cut at the step's batches) is one batch, never bundled with the next
        common: dict[str, Any] = {"batch_size": None, "batch_format": "pyarrow", "num_cpus": c.cpus_per_worker}
        if step.uses_model:
            workers, gpus = self.pool(ray)
            common |= {"fn_constructor_kwargs": {"stage": stage, "features": features}, "num_gpus": gpus,
                       "compute": ray.data.ActorPoolStrategy(
                           size=min(workers, batches), max_tasks_in_flight_per_actor=c.batches_ahead)}
            retry = {"max_restarts": c.retries, "max_task_retries": c.retries}
            function: Any = StageWorker
        else:
            common |= {"fn_kwargs": {"stage": stage, "features": features}, "compute": ray.data.TaskPoolStrategy()}
            retry = {"max_retries": c.retries, "retry_exceptions": False}
            function = run_stage
        with warnings.catch_warnings():
            # Ray 2.60 deprecates ray.remote options in map_batches (removal announced for 2.64,
            # hence the pin of the [ray] extra) but has no named parameter for retries yet.
            warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
            return source.map_batches(function, **common, **retry)


RAY_NOTE = "\nFailed to "
"""Where Ray Data's retry note starts, appended to the first argument of a stage's exception."""


def user_error(error: UserError) -> UserError:
    """A stage's :class:`UserError` as the stage raised it: Ray Data appends its retry note to the
    message, and the worker's traceback would print in its place (the command says it in one line)."""
    if error.args and isinstance(error.args[0], str):
        error.args = (error.args[0].split(RAY_NOTE, 1)[0], *error.args[1:])
    return error


def next_rows(tables: Iterator[pa.Table], rows: int) -> Iterator[pa.Table]:
    """The next ``rows`` rows of ``tables``, which come back in the blocks they were cut in (so a
    shard ends at a block's end)."""
    while rows > 0:
        table = next(tables, None)
        if table is None:
            raise RuntimeError(f"Ray returned {rows} rows fewer than it was given")
        if table.num_rows > rows:
            raise RuntimeError(f"Ray returned a block of {table.num_rows} rows across a shard's end")
        rows -= table.num_rows
        yield table


def write_cache(dataset: datasets.Dataset, tables: Iterable[pa.Table], step: Step,
                features: datasets.Features | None = None) -> datasets.Dataset:
    """The stage's output batches, in order, into ``step.cache_file`` as ``Dataset.map`` writes it
    (the stage's declared ``features``, else the schema of the first batch with the input columns
    keeping their features), then loaded from there.

    Written to a temporary name and renamed at the end, so the file's presence still means the
    step completed (what a resumed run relies on). The name is this writer's own: two runs sharing
    a cache folder may write the same step at once (the last rename wins, with the same rows).
    """
    import tempfile

    from datasets.arrow_writer import ArrowWriter

    handle, temporary = tempfile.mkstemp(dir=step.cache_file.parent, prefix=f"{step.cache_file.name}.ray-partial-")
    os.close(handle)
    writer: ArrowWriter | None = None
    try:
        try:
            for table in tables:
                table = table.replace_schema_metadata(None)
                if writer is None:
                    features = output_features(dataset, table.schema) if features is None else features
                    writer = ArrowWriter(features=features, path=temporary, fingerprint=step.fingerprint)
                writer.write_table(table)
            if writer is None:
                raise RuntimeError(f"step {step.name}: Ray returned no batches")
            writer.finalize()
        finally:
            if writer is not None:
                writer.close()
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp's 0600, as Dataset.map's own cache files do not have it
        os.replace(temporary, step.cache_file)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    info = dataset.info.copy()
    info.features = features
    return datasets.Dataset.from_file(str(step.cache_file), info=info, split=dataset.split)


def output_features(dataset: datasets.Dataset, schema: pa.Schema) -> datasets.Features:
    """Features of a stage's output: an input column the stage left as it was keeps its feature
    (a ClassLabel stays one), the stage's columns get the features their Arrow types infer."""
    inferred = datasets.Features.from_arrow_schema(schema)
    before = dataset.data.schema
    return datasets.Features({
        name: dataset.features[name]
        if name in dataset.features and before.field(name).type == schema.field(name).type else inferred[name]
        for name in schema.names
    })
