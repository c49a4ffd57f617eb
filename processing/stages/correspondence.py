"""Word alignment as a ``Dataset.map`` stage: any backend of ``make_aligner`` over two word columns.

``Align`` is the thin adapter: it builds its aligner on first use (so it pickles without a model and
each worker process loads its own), aligns a whole batch in one call, and writes ``alignments``
(``[source, target]`` pairs). Its fingerprint comes from the backend's parameters and the model's
id and revision, never from hashing weights. On several GPUs, ``align_dataset`` runs one worker per
GPU (``num_proc`` + ``with_rank``) under the ``spawn`` start method, which CUDA requires.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from projner.processing.align.backends import make_aligner, uses_encoder
from projner.processing.align.base import WordAligner
from projner.processing.fingerprint import stage_fingerprint
from projner.processing.runtime import model_revision, pick_device
from projner.processing.stages.base import ConfigStage, map_stage

if TYPE_CHECKING:
    import datasets

EXECUTION_OPTIONS = frozenset({"batch_size", "device"})
"""Backend options that change speed, not links: left out of the fingerprint."""
STAGE_VERSION = "1"


@dataclass(frozen=True)
class AlignConfig:
    """One aligner backend with its options, and the word columns it links."""

    backend: str = "neural"
    """A name of :data:`~projner.processing.align.backends.BACKENDS` (``neural``, ``eflomal``)."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """The backend's keywords (``NeuralAlignerConfig`` or ``EflomalConfig`` fields)."""
    source_column: str = "src_tokens"
    target_column: str = "tgt_tokens"
    output_column: str = "alignments"


class Align:
    """``dataset.map(Align(AlignConfig("neural", {"model": ..., "method": "itermax"})), batched=True)``
    adds ``alignments`` (``Align("neural", model=..., method=...)`` says the same).

    A pair with an empty side gets no links (an empty list), never an error.
    """

    stage = "align"

    def __init__(
        self,
        config: AlignConfig | str = "neural",
        *,
        source_column: str = "src_tokens",
        target_column: str = "tgt_tokens",
        output_column: str = "alignments",
        **options: Any,
    ) -> None:
        if isinstance(config, str):
            config = AlignConfig(config, dict(options), source_column, target_column, output_column)
        self.config = config
        self.backend = config.backend
        self.source_column = config.source_column
        self.target_column = config.target_column
        self.output_column = config.output_column
        self.options = dict(config.options)
        self._aligner: WordAligner | None = None
        make_aligner(self.backend, **self.options)  # fail on bad options now, not in a worker; loads nothing

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.source_column, self.target_column)

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output_column,)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_aligner"] = None
        return state

    def aligner(self, rank: int | None = None) -> WordAligner:
        """The backend, built once per process; a rank picks that worker's GPU."""
        if self._aligner is None:
            options = dict(self.options)
            if rank is not None and uses_encoder(self.backend):
                options["device"] = str(pick_device(options.get("device", "auto"), rank))
            self._aligner = make_aligner(self.backend, **options)
        return self._aligner

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's and the links."""
        from projner.processing.stages.features import PAIRS, added

        return added(given, {self.output_column: PAIRS})

    def __call__(self, batch: dict[str, list], rank: int | None = None) -> dict[str, list]:
        links = self.aligner(rank).align(batch[self.source_column], batch[self.target_column])
        return {self.output_column: [[[i, j] for i, j in pair] for pair in links]}

    def fingerprint(self, previous: str) -> str:
        """The output's fingerprint: input fingerprint, backend, link-deciding options, model version."""
        options = {k: v for k, v in sorted(self.options.items()) if k not in EXECUTION_OPTIONS}
        model = self.options.get("model")
        if uses_encoder(self.backend):
            from projner.processing.align.combined import CombinedConfig
            from projner.processing.align.neural import resolve_dtype

            links_options = {k: v for k, v in self.options.items() if not k.startswith("extra_")}
            config = CombinedConfig.from_options(**links_options).neural
            model = config.model
            options["dtype"] = str(resolve_dtype(config.dtype, pick_device(config.device))).removeprefix("torch.")
        config_view = {
            "backend": self.backend,
            "options": options,
            "columns": [self.source_column, self.target_column, self.output_column],
        }
        revision = model_revision(model, self.options.get("revision")) if model else None
        return stage_fingerprint(
            previous, self.stage, config_view, model_id=model, revision=revision, version=STAGE_VERSION
        )


@contextlib.contextmanager
def spawn_start_method() -> Iterator[None]:
    """Worker processes started by ``spawn`` (CUDA cannot be used in forked children); restored after."""
    import multiprocess

    previous = multiprocess.get_start_method(allow_none=True)
    multiprocess.set_start_method("spawn", force=True)
    try:
        yield
    finally:
        multiprocess.set_start_method(previous, force=True)


def align_dataset(dataset: Any, align: Align, *, batch_size: int = 1000, num_proc: int | None = None) -> Any:
    """``dataset`` with ``align``'s output column, cached under ``align``'s explicit fingerprint (typed
    by its declared features, whatever the first batch holds).

    ``num_proc`` > 1 starts that many workers (one per GPU with a CUDA device) by ``spawn``.
    """
    kwargs = {"batch_size": batch_size, "with_rank": True, "desc": f"Aligning ({align.backend})"}
    if num_proc is None or num_proc <= 1:
        return map_stage(dataset, align, **kwargs)
    with spawn_start_method():
        return map_stage(dataset, align, num_proc=num_proc, **kwargs)


@dataclass(frozen=True)
class RefineConfig:
    """How back-translation links refine the direct ones, and the link columns involved."""

    mode: str
    """A :class:`~projner.processing.align.refine.Refinement` value."""
    direct: str = "direct_alignments"
    english_to_back: str = "en_bt_alignments"
    back_to_target: str = "bt_alignments"
    output: str = "alignments"

    def __post_init__(self) -> None:
        from projner.processing.align.refine import Refinement

        object.__setattr__(self, "mode", Refinement(self.mode).value)


class RefineLinks(ConfigStage):
    """``.map`` adapter of :func:`projner.processing.align.refine.refine`: English→original links
    through the back-translation, alone or combined with the direct links (``direct`` is read
    where the dataset has it)."""

    stage = "refine_links"
    input_fields = ("english_to_back", "back_to_target")
    output_fields = ("output",)

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's and the refined links."""
        from projner.processing.stages.features import PAIRS, added

        return added(given, {self.config.output: PAIRS})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        from projner.processing.align.refine import refine

        c = self.config
        rows = len(batch[c.english_to_back])
        direct = batch[c.direct] if c.direct in batch else [[]] * rows
        links = [
            [list(link) for link in refine(map(tuple, d), map(tuple, e2b), map(tuple, b2t), c.mode)]
            for d, e2b, b2t in zip(direct, batch[c.english_to_back], batch[c.back_to_target])
        ]
        return {c.output: links}
