"""What a pipeline run is told, as frozen dataclasses that are easy to extend: where it runs and
with which models (:class:`RunOptions`), how entities cross over (:class:`MethodOptions`), which
of the user's columns hold what (:class:`Columns`, :class:`PairColumns`) and what the rows cannot
say about themselves (:class:`Origin`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from projner.dataset_cards.provenance import SourceDataset
from projner.labels import LabelMap
from projner.languages import get_language
from projner.processing.align.backends import BACKENDS
from projner.processing.align.statistical import DEFAULT_SYMMETRIZATION
from projner.processing.defaults import (
    DEFAULT_ALIGN_LAYER,
    DEFAULT_ALIGN_METHOD,
    DEFAULT_ALIGNER_MODEL,
    DEFAULT_NER_MODEL,
    DEFAULT_TRANSLATOR,
    EASYPROJECT_TRANSLATOR,
)
from projner.processing.engines import ENGINES, RayConfig, build_engine
from projner.processing.runtime import projner_cache_root
from projner.processing.stage_cache import DEFAULT_SHARD_ROWS, StepRunner
from projner.processing.stages.base import check_at_least_one

REFINEMENTS = ("markers", "back-translation", "intersection", "union")
"""How translate-test uses the back-translation of the labelled pivot: ``markers`` (the paper's
pipeline: EasyProject carries the entities into the back-translation, which is aligned to the
original and projected from) or one of :class:`~projner.processing.align.refine.Refinement`'s
link refinements (pivot→back-translation links composed with back-translation→original links,
alone or intersected/united with the direct pivot→original links)."""


@dataclass(frozen=True)
class RunOptions:
    """Models, caches and execution: what every pipeline takes besides its method."""

    translator: str = DEFAULT_TRANSLATOR
    ner_model: str = DEFAULT_NER_MODEL
    aligner_model: str = DEFAULT_ALIGNER_MODEL
    ner_label_map: tuple[str, ...] = ("MISC=O",)
    """``TYPE=NEW`` rewrites of the NER model's types onto the dataset's (MISC=O by default)."""
    cache_dir: str | None = None
    """Where stage caches live (default: ``<datasets cache>/projner``); reruns reuse them."""
    num_proc: int | None = None
    device: str = "auto"
    num_beams: int = 4
    max_new_tokens: int = 256
    translate_batch_size: int = 16
    translator_backend: str = "transformers"
    """Engine of every translation step (translation, EasyProject, back-translation): ``transformers``
    or ``ctranslate2`` (converted on first use into ``<cache>/ctranslate2``)."""
    compute_type: str = "auto"
    """Precision of the ctranslate2 backend (auto: int8 on CPU, float16 on GPU)."""
    ner_batch_size: int = 32
    shard_rows: int = DEFAULT_SHARD_ROWS
    """Rows a model stage maps and caches at a time: a killed run resumes at its first missing shard."""
    strict: bool = False
    """A label map entry naming a type the model or the source lacks is an error, not a warning."""
    engine: str = "datasets"
    """Where the stages run: ``datasets`` (``Dataset.map`` here) or ``ray`` (Ray Data; see ``ray``)."""
    ray: RayConfig = field(default_factory=RayConfig)
    """The ray engine's cluster address, actors per model stage, GPUs per actor and retries."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.engine == "ray" and self.num_proc:
            raise ValueError("num_proc is the datasets engine's; the ray engine's model stages take ray.workers")
        check_at_least_one("RunOptions", self, "num_beams", "max_new_tokens", "translate_batch_size",
                           "ner_batch_size", "shard_rows")

    def cache_root(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else projner_cache_root()

    def runner(self) -> StepRunner:
        engine = build_engine(self.engine, num_proc=self.num_proc, device=self.device, ray=self.ray)
        return StepRunner(self.cache_root() / "runs", num_proc=self.num_proc, shard_rows=self.shard_rows,
                          engine=engine)

    def translate_config(self, source: str, target: str, **changes: Any) -> Any:
        from projner.processing.stages.translation import TranslateConfig

        return TranslateConfig(**({
            "source_lang": source, "target_lang": target, "model": self.translator,
            "num_beams": self.num_beams, "max_new_tokens": self.max_new_tokens,
            "batch_size": self.translate_batch_size, "device": self.device,
            "backend": self.translator_backend, "compute_type": self.compute_type,
            "converted_dir": str(self.cache_root() / "ctranslate2"),
        } | changes))


def written_without_spaces(lang: str | None) -> bool:
    """Whether ``lang`` (None: unknown) writes no spaces between words: there the target words are
    characters or segments, and projection prefers, among equal spans, the one holding more of the
    entity's linked words (``ScoreConfig.linked_tie_break``)."""
    return lang is not None and not get_language(lang).spaces


@dataclass(frozen=True)
class MethodOptions:
    """How entities cross from the labelled side to the other: aligner, projection, refinements."""

    method: str = "candidates"
    """``heuristic``, ``candidates`` (scored spans + solver) or ``easyproject`` (markers)."""
    solver: str = "exact"
    candidates: str = "ngram"
    """``ngram``: spans around the aligned words; ``ner``: also the spans the NER model finds on
    the target side (the paper's NER candidate selection)."""
    ner_weight: float = 0.0
    """Weight of the target-side NER probability in the candidate score (``candidates=ner``)."""
    aligner: str = "neural"
    align_method: str = DEFAULT_ALIGN_METHOD
    align_layer: int = DEFAULT_ALIGN_LAYER
    symmetrization: str = DEFAULT_SYMMETRIZATION
    """For ``eflomal``: how its two directions are combined."""
    align_batch_size: int = 32
    backtranslation: bool = False
    """translate-test: use a back-translation of the labelled pivot (see ``refinement``)."""
    refinement: str = "markers"
    """How the back-translation is used: one of :data:`REFINEMENTS`."""
    easyproject_model: str = EASYPROJECT_TRANSLATOR
    easyproject_tokenizer: str | None = DEFAULT_TRANSLATOR
    """The EasyProject model ships no tokenizer: the base NLLB one (None: the model's own)."""
    easyproject_threshold: float = 0.5
    keep_partial: bool = False
    """translate-train: keep sentences where some entity was not projected (default: drop them)."""
    min_score: float | None = None
    """translate-train: drop sentences with a projected entity scored below this."""
    retype_dropped: bool = True
    """translate-train (alignment methods): project the source types the label map drops (``MISC=O``)
    too, give each projected span the type the corpus's other projections give its text, or O
    (:mod:`projner.processing.project.retype`), then apply the map."""
    name_evidence: bool = False
    """translate-train (alignment methods) and translate-test: drop projected spans each of whose
    words the corpus uses more as a common word than as a name
    (:mod:`projner.processing.project.name_evidence`); their entities count as unprojected, reason
    ``common word``."""
    span_completion: bool = False
    """translate-train (alignment methods) and translate-test: widen projected spans to the word
    sequences the corpus projects as whole names (``Unione`` of ``EU`` to ``Unione europea``;
    :mod:`projner.processing.project.span_completion`)."""

    def __post_init__(self) -> None:
        if self.method not in ("heuristic", "candidates", "easyproject"):
            raise ValueError(f"method must be heuristic, candidates or easyproject, got {self.method!r}")
        if self.candidates not in ("ngram", "ner"):
            raise ValueError(f"candidates must be ngram or ner, got {self.candidates!r}")
        if self.refinement not in REFINEMENTS:
            raise ValueError(f"refinement must be one of {', '.join(REFINEMENTS)}, got {self.refinement!r}")
        if self.aligner not in BACKENDS:
            raise ValueError(f"aligner must be one of {', '.join(BACKENDS)}, got {self.aligner!r}")

    def projection_config(self, target_lang: str | None = None) -> Any:
        """The projection; onto a language written without spaces, whose words are characters or
        segments, spans of equal score are told apart by the linked words they hold."""
        from projner.processing.project.pair import ProjectionConfig
        from projner.processing.project.scores import ScoreConfig

        weights = ScoreConfig().weights
        if self.candidates == "ner" and self.ner_weight:
            weights += (("ner", self.ner_weight),)
        scores = ScoreConfig(weights=weights, linked_tie_break=written_without_spaces(target_lang))
        return ProjectionConfig(method=self.method, solver=self.solver, scores=scores)

    def retype_config(self, drops: LabelMap) -> Any:
        """The retyping of the types ``drops`` maps to O, or None where nothing is retyped."""
        from projner.processing.project.retype import RetypeConfig

        if not (self.retype_dropped and drops and self.method != "easyproject"):
            return None
        return RetypeConfig(types=tuple(sorted(drops.mapping)))

    def name_evidence_config(self) -> Any:
        """The name evidence step's config, or None where it does not run."""
        from projner.processing.project.name_evidence import NameEvidenceConfig

        return NameEvidenceConfig() if self.name_evidence and self.method != "easyproject" else None

    def span_completion_config(self) -> Any:
        """The span completion step's config, or None where it does not run."""
        from projner.processing.project.span_completion import SpanCompletionConfig

        return SpanCompletionConfig() if self.span_completion and self.method != "easyproject" else None

    def aligner_options(self, run: RunOptions) -> dict[str, Any]:
        neural = {"model": run.aligner_model, "layer": self.align_layer, "method": self.align_method,
                  "batch_size": self.align_batch_size, "device": run.device}
        eflomal = {"symmetrization": self.symmetrization}
        return {"neural": neural, "eflomal": eflomal, "neural+eflomal": neural | eflomal}[self.aligner]

    def describe(self, target_lang: str | None = None) -> dict[str, Any]:
        """The method's provenance entry: its name and every parameter that shaped the output."""
        params: dict[str, Any] = {}
        if self.method == "easyproject":
            params |= {"model": self.easyproject_model, "threshold": self.easyproject_threshold}
        else:
            params |= {"candidates": self.candidates, "projection": asdict(self.projection_config(target_lang))}
        if self.backtranslation:
            params["backtranslation"] = self.refinement
        params |= {"keep_partial": self.keep_partial, "min_score": self.min_score}
        return {"name": self.method, "params": params}


@dataclass(frozen=True, kw_only=True)
class RowIds:
    """Which of the user's columns names the rows."""

    id: str = "id"
    """Used where the dataset has it (error messages and outputs name rows by it)."""


@dataclass(frozen=True)
class Columns(RowIds):
    """Which of the user's columns hold the words and the gold tags (IOB2 strings or ``ClassLabel``
    ids, names read from the features). The pipeline reads them under these names; the user's
    dataset is never renamed in place."""

    tokens: str = "tokens"
    tags: str | None = "ner_tags"
    """translate-test and model-transfer score against it where the dataset has it; without it (or
    with None) they label the sentences and score nothing. translate-train needs it."""


@dataclass(frozen=True)
class PairColumns(RowIds):
    """Which of the user's columns hold a parallel corpus: the labelled side, the side that receives
    labels, its gold tags where it has them (to score the projection) and ready links where given
    (``[[src, tgt], ...]`` per pair; without them the pipeline aligns)."""

    src_tokens: str = "src_tokens"
    src_tags: str = "src_tags"
    tgt_tokens: str = "tgt_tokens"
    tgt_tags: str = "tgt_tags"
    """Optional: scored against where the dataset has the column."""
    alignments: str = "alignments"
    """Optional: used where the dataset has the column."""


@dataclass(frozen=True)
class Origin:
    """What the rows cannot say about themselves, for the report, the provenance and the card."""

    source: SourceDataset | None = None
    """The dataset the entities come from, with its licence (default: read from ``dataset.info``)."""
    report: Mapping[str, Any] = field(default_factory=dict)
    """Facts about the input the report records as they are (``dataset``, files read, lines skipped)."""
    gold: str | None = None
    """What scores are measured against, in words (default: the input's name)."""
    alignments: str | None = None
    """Where given links came from (a file), for the aligner entry of the provenance."""
