"""What every ``Dataset.map`` stage is: one contract, so pipelines, engines and users can chain any
of them, cache each under an explicit fingerprint and check columns before anything runs.

A stage holds a frozen config dataclass (everything that decides its output), says which columns it
reads and which it adds, gives the fingerprint of its output from its input's, and maps a batch
(``dict`` of column lists) to the new columns. It never rewrites a column it was given. A stage
whose errors name rows sets ``with_indices = True``: every engine then passes, after the batch, the
batch rows' positions in the dataset it maps (``Dataset.map(..., with_indices=True)``). A stage
that adds list columns declares the output's features (``features(given)``, from the input's): every
engine and ``*_dataset`` helper maps it with ``features=``, since ``datasets`` would otherwise type a
column from the first batch, as ``list<null>`` where that batch's lists are all empty.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from projner.processing.fingerprint import stage_fingerprint, typed_fingerprint

if TYPE_CHECKING:
    import datasets


@runtime_checkable
class Stage(Protocol):
    """``dataset.map(stage, batched=True, new_fingerprint=stage.fingerprint(dataset._fingerprint))``."""

    stage: str
    """The stage's name, part of its fingerprint."""
    config: Any
    """A frozen dataclass: every parameter that decides the output, the column names included."""

    @property
    def inputs(self) -> tuple[str, ...]:
        """Columns the stage reads (each must exist)."""
        ...

    @property
    def outputs(self) -> tuple[str, ...]:
        """Columns the stage adds (none may exist yet)."""
        ...

    def fingerprint(self, previous: str) -> str:
        """The output's fingerprint, from the input's, the config and the model id and revision."""
        ...

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        ...


def takes_indices(stage: Any) -> bool:
    """Whether ``stage`` is called with the batch rows' positions in the dataset (module doc)."""
    return bool(getattr(stage, "with_indices", False))


def row_at(stage: str, row: int, indices: Sequence[int] | None, batch: Mapping[str, list]) -> str:
    """Where a stage met a bad row, said as the up-front row checks say it: the dataset's row (and
    its ``id``) where the engine gave ``indices``, else the row of the batch."""
    at = f"row {indices[row]}" if indices is not None else f"row {row} of the batch"
    return f"stage {stage!r}, {at}" + (f" (id {batch['id'][row]})" if "id" in batch else "")


def check_at_least_one(owner: str, config: Any, *names: str) -> None:
    """Counts a stage steps through or sizes its batches by: 0 fails inside the stage and a negative
    batch size steps over every row silently (``range(0, n, -1)`` is empty)."""
    for name in names:
        value = getattr(config, name)
        if value < 1:
            raise ValueError(f"{owner}: {name} must be at least 1, got {value}")


def stage_features(stage: Any, given: datasets.Features) -> datasets.Features | None:
    """The features of ``stage``'s output over a dataset of features ``given``, where the stage
    declares them (``features``); None leaves them to ``datasets``' inference."""
    declare = getattr(stage, "features", None)
    return declare(given) if declare is not None else None


def check_columns(stage: Stage, columns: list[str] | tuple[str, ...]) -> None:
    """An error naming the stage and column where an input is missing or an output exists already."""
    check_inputs(stage, columns)
    clash = [c for c in stage.outputs if c in columns]
    if clash:
        raise ValueError(f"stage {stage.stage!r} would add {', '.join(clash)}, which the dataset already has; "
                         "a stage never overwrites a column")


def check_inputs(stage: Stage, columns: Collection[str]) -> None:
    """An error naming the stage, the inputs ``columns`` lacks and the columns there are: else a
    stage called by ``Dataset.map`` fails on a ``KeyError`` from inside ``datasets``."""
    missing = [c for c in stage.inputs if c not in columns]
    if missing:
        raise ValueError(f"stage {stage.stage!r} reads {', '.join(missing)}, which the dataset lacks "
                         f"(columns: {', '.join(columns)})")


def check_whole_corpus(what: str, rows: int | None, got: int) -> None:
    """An error where a stage that counts over the whole corpus (``rows`` of it) got another batch."""
    if rows is not None and got != rows:
        raise ValueError(f"{what} needs the whole corpus ({rows} rows) in one batch, got {got}")


def map_whole_corpus(dataset: Any, stage: Any, **map_kwargs: Any) -> Any:
    """``dataset.map(stage, batched=True)`` over the whole corpus in one batch, fingerprinted, for a
    stage with a ``rows`` field (set here to the corpus size, so any other batch is refused). A
    missing input or an existing output is an error naming the stage and the column."""
    check_columns(stage, dataset.column_names)
    return map_stage(dataset, replace(stage, rows=len(dataset)), batch_size=max(1, len(dataset)), **map_kwargs)


def map_stage(dataset: Any, stage: Any, **map_kwargs: Any) -> Any:
    """``dataset.map(stage, batched=True)`` as every ``*_dataset`` helper calls it: typed by the
    stage's declared features (unless ``features`` is given), with indices where the stage takes
    them, under its explicit fingerprint told apart by those features (:func:`typed_fingerprint`)."""
    features = map_kwargs.setdefault("features", stage_features(stage, dataset.features))
    return dataset.map(stage, batched=True, with_indices=takes_indices(stage),
                       new_fingerprint=typed_fingerprint(stage.fingerprint(dataset._fingerprint), features),
                       **map_kwargs)


class ConfigStage:
    """What most stages share: the config they are built from, their columns read off it by field
    name (``input_fields``/``output_fields``: the one form every stage declares them in) and a
    fingerprint of the config."""

    stage: ClassVar[str]
    input_fields: ClassVar[tuple[str, ...]] = ()
    output_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Any) -> None:
        self.config = config

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(getattr(self.config, name) for name in self.input_fields)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(getattr(self.config, name) for name in self.output_fields)

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, self.config)
