"""The paper's pipelines as functions of ``datasets``: each takes a ``Dataset`` (or a ``DatasetDict``,
run split by split) and returns a :class:`~projner.processing.results.PipelineResult`: the output
``DatasetDict``, the report and the typed provenance. Publishing is a separate call
(:func:`~projner.processing.results.export`).

- :func:`project_parallel`: a labelled side and a side that receives labels, links given or aligned;
- :func:`translate_test`: target sentences → pivot language → NER → projection back (scored);
- :func:`model_transfer`: the NER model on the target sentences (the zero-shot baseline);
- :func:`translate_train`: a labelled corpus translated into a language, entities projected.

Each pipeline only says which stages run in which order (every stage cached under its explicit
fingerprint by :mod:`.stage_cache`, so a crashed run resumes and a repeated run reuses everything)
and what goes into the report. Every input sentence comes out: ``projection_issues`` says why some
entity of it got no span; ``dropped_reason`` (translate-train only) why a silver corpus leaves it
out. The report counts both by reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import datasets

from projner.dataset_cards.provenance import Component, ModelRef, Provenance
from projner.labels import OUTSIDE, LabelMap, entity_types, labels_for_types
from projner.languages import get_language
from projner.processing.evaluate import ner_scores
from projner.processing.inputs import (
    check_pair_rows,
    check_rows,
    is_class_label,
    label_names,
    mapped_columns,
    named_splits,
    source_record,
    tag_strings,
    usual_order,
)
from projner.processing.options import (
    Columns,
    MethodOptions,
    Origin,
    PairColumns,
    RunOptions,
)
from projner.processing.project.name_evidence import NameEvidenceConfig
from projner.processing.project.pair import ProjectionConfig
from projner.processing.project.span_completion import SpanCompletionConfig
from projner.processing.project.spans import tags_to_spans
from projner.processing.results import PipelineResult, prediction_counts, reason_counts
from projner.processing.stage_cache import Chain, content_fingerprint
from projner.processing.stages.correspondence import (
    AlignConfig,
    RefineConfig,
    RefineLinks,
)
from projner.processing.stages.selection import (
    SelectConfig,
    SelectSentences,
    Stamp,
    StampConfig,
)
from projner.processing.stages.tag_columns import (
    GoldTags,
    GoldTagsConfig,
    MapTags,
    MapTagsConfig,
)

if TYPE_CHECKING:
    from projner.processing.stages.transfer import ProjectColumns

UNMAPPED_TAGS = "src_unmapped_tags"
"""The source's tags before the label map drops types (with MISC where ``MISC=O``)."""
TARGET_UNMAPPED_TAGS = "tgt_unmapped_tags"
"""project-parallel: the target's gold tags as given, where the label map (or ids) changes them."""
TAG_INPUT = "src_input_tags"
"""project-parallel: the user's source tags where they need converting (ids, renamed types)."""
TYPED_TAGS, TYPED_ENTITIES = "typed_tags", "typed_entities"
"""The projection under the source's own types, before retyping and the label map."""


# --- what the pipelines share -----------------------------------------------------------------------


class _Models:
    """The models a run used (each role and model once), for the report and the provenance."""

    def __init__(self) -> None:
        self.refs: list[ModelRef] = []

    def add(self, role: str, model: str, revision: str | None) -> None:
        """A Hub id with its commit, or a local folder (no revision)."""
        if not any(r.role == role and r.id == model for r in self.refs):
            self.refs.append(ModelRef(role, model, None if Path(model).is_dir() else revision))

    def as_dicts(self) -> list[dict[str, Any]]:
        return [ref.to_dict() for ref in self.refs]


def _label_stage(run: RunOptions, target_types: Sequence[str], **columns: str) -> Any:
    from projner.processing.stages.tagging import Label, LabelConfig

    return Label(LabelConfig(
        target_types=tuple(target_types), label_map=run.ner_label_map, model=run.ner_model,
        batch_size=run.ner_batch_size, device=run.device, strict=run.strict, **columns,
    ))


def _align(chain: Chain, config: AlignConfig, models: _Models, *, name: str = "align") -> None:
    """Align two word columns; a statistical aligner sees the whole corpus in one batch (it learns
    from it)."""
    from projner.processing.align.backends import learns_from_batch, uses_encoder
    from projner.processing.stages.correspondence import Align

    neural = uses_encoder(config.backend)
    batch_size = max(1, len(chain.dataset)) if learns_from_batch(config.backend) else 1000
    chain.step(name, Align(config), uses_model=neural, batch_size=batch_size)
    if neural:
        from projner.processing.runtime import model_revision

        model = config.options["model"]
        models.add("aligner", model, model_revision(model, config.options.get("revision")))


def _aligner_entry(config: AlignConfig) -> dict[str, Any]:
    """The aligner's provenance entry: backend and the options that decide its links."""
    hidden = ("batch_size", "device", "extra_source", "extra_target")
    params = {k: v for k, v in config.options.items() if k not in hidden}
    if config.options.get("extra_source"):
        params["extra_parallel_pairs"] = len(config.options["extra_source"])
    return {"name": config.backend, "params": params}


def _method_aligner(method: MethodOptions, run: RunOptions, source: str, target: str,
                    output: str = "alignments") -> AlignConfig:
    return AlignConfig(method.aligner, method.aligner_options(run), source, target, output)


def _check_method(method: MethodOptions, run: RunOptions, target_lang: str) -> None:
    """The projection and aligner settings, checked by building their configs (no model loads):
    otherwise a bad solver or aligner setting is found after translation and labelling."""
    from projner.processing.align.backends import make_aligner

    if method.method != "easyproject":  # EasyProject's markers neither align nor solve
        method.projection_config(target_lang)
        make_aligner(method.aligner, **method.aligner_options(run))


def _predictable_types(run: RunOptions, labels: Sequence[str]) -> tuple[str, ...]:
    """Gold types the NER model can produce after its label map (its config is read, not its weights)."""
    gold_types = entity_types(labels)
    produced = {tag.partition("-")[2] for tag in _label_stage(run, gold_types).label_mapping() if tag != OUTSIDE}
    return tuple(t for t in gold_types if t in produced)


def evaluation_map(gold_labels: Sequence[str], predictable: Sequence[str]) -> LabelMap:
    """Gold types the NER model cannot produce are scored as O on both sides (e.g. MasakhaNER's
    DATE with a CoNLL-2003 model), as the paper does; the map goes into the report."""
    return LabelMap({etype: OUTSIDE for etype in entity_types(gold_labels) if etype not in predictable})


def split_label_map(label_map: LabelMap) -> tuple[LabelMap, LabelMap]:
    """``(renames, drops)``: the entries that rename a type, and those that map one to O."""
    renames = {k: v for k, v in label_map.mapping.items() if v != OUTSIDE}
    drops = {k: v for k, v in label_map.mapping.items() if v == OUTSIDE}
    return LabelMap(renames), LabelMap(drops)


def _translation_counts(dataset: datasets.Dataset, pieces: str = "translation_pieces",
                        complete: str = "translation_complete") -> dict[str, int]:
    """Inputs cut into pieces for length, and translations that hit the length limit (flagged)."""
    return {"translations_split": sum(1 for n in dataset[pieces] if n > 1),
            "translations_incomplete": sum(1 for done in dataset[complete] if not done)}


def _entity_count(rows: Sequence[Sequence[str]]) -> int:
    return sum(len(tags_to_spans(tags)) for tags in rows)


def _finish_report(report: dict[str, Any], chain: Chain) -> dict[str, Any]:
    """Timings and cache hits of the run's steps (a second identical run lists every step cached)."""
    report["timings"] = chain.runner.timings
    report["cached_steps"] = chain.runner.cached_steps
    report["cached_shards"] = chain.runner.cached_shards
    return report


@dataclass(frozen=True)
class _TargetGold:
    """What a run on target sentences is scored against: the gold tags' label names and the types
    scored as O (the model cannot produce them); without gold tags, the NER model's own types and
    why nothing is scored."""

    labels: tuple[str, ...]
    eval_map: LabelMap
    missing: str | None = None


def _target_gold(ds: datasets.Dataset, run: RunOptions, columns: Columns) -> _TargetGold:
    """The gold of ``ds`` (``ner_tags``, as :func:`_target_inputs` maps it), or its absence."""
    produced = _label_stage(run, ()).produced_types
    if "ner_tags" in ds.column_names:
        labels = label_names(ds, "ner_tags")
        if not is_class_label(ds, "ner_tags"):  # string tags name only the types they hold; the model adds its own
            labels = labels_for_types(usual_order({*entity_types(labels), *produced()}))
        return _TargetGold(labels, evaluation_map(labels, _predictable_types(run, labels)))
    types = usual_order(produced())
    absent = "no tags column was named" if columns.tags is None else f"no column {columns.tags!r}"
    return _TargetGold(labels_for_types(types), LabelMap({}),
                       f"the target sentences have no gold tags ({absent}): predictions only, nothing scored")


def _target_report(task: str, ds: datasets.Dataset, predicted: Sequence[Sequence[str]], gold: _TargetGold,
                   *, lang: str, split: str, origin: Origin) -> dict[str, Any]:
    """The report's head: seqeval strict IOB2 scores (fractions) against the gold; without gold, why
    not and what was predicted (never a score)."""
    head = {"task": task, "lang": lang, "split": split, "input_skipped": {}, **origin.report}
    if gold.missing is not None:
        return head | {"sentences": len(predicted), "no_gold": gold.missing, **prediction_counts(predicted)}
    scores = ner_scores(tag_strings(ds, "ner_tags", gold.labels), predicted, label_map=gold.eval_map or None)
    return head | scores | {"sentences": len(predicted), "eval_label_map": gold.eval_map.as_strings()}


def _target_result(outputs: dict[str, tuple[datasets.Dataset, dict[str, Any], Provenance]],
                   origin: Origin) -> PipelineResult:
    """The result of a run on target sentences: what it was scored against, or why nothing was."""
    missing = [report["no_gold"] for _, report, _ in outputs.values() if "no_gold" in report]
    source = next(iter(outputs.values()))[2].source_dataset
    return _result(outputs, keep_dropped=True, no_gold_reason=missing[0] if missing else None,
                   gold=None if len(missing) == len(outputs) else _gold_name(origin, source))


def _gold_name(origin: Origin, source: Any) -> str:
    return origin.gold or " ".join(str(part) for part in (source.name, source.config, source.split) if part)


def _target_inputs(data: datasets.Dataset | datasets.DatasetDict, split: str | None, columns: Columns, task: str,
                   *, tags: str = "gold tags", tags_required: bool = False,
                   ) -> dict[str, tuple[datasets.Dataset, datasets.Dataset]]:
    """Per split, the given dataset and its words (and tags, where it has them; ``tags``: what they
    are) under projner's names, every split checked (:func:`check_rows`) before the first one runs
    a model: a bad row found after hours of translation costs the run."""
    _check_columns_type(columns, Columns, task)
    if tags_required and columns.tags is None:
        raise ValueError(f"{task} needs labelled sentences: name their tags column (columns.tags)")
    mapping = {"id": columns.id, "tokens": columns.tokens}
    if columns.tags is not None:
        mapping["ner_tags"] = columns.tags
    inputs = {}
    for name, given in named_splits(data, split).items():
        where = f"{task}, split {name!r}"
        ds = mapped_columns(given, mapping, required=("tokens", "ner_tags") if tags_required else ("tokens",),
                            where=where)
        check_rows(ds, mapping, where, (("tokens", "ner_tags", tags),), what="sentences")
        inputs[name] = (given, ds)
    return inputs


def _source_tag_steps(chain: Chain, input_column: str, labels: Sequence[str], label_map: LabelMap) -> str:
    """The labelled side's tags as IOB2 strings after ``label_map`` in ``src_tags``; where the map
    drops types, the tags before the drop stay in ``src_unmapped_tags``. ``input_column`` holds the
    given tags (ids or strings; ``src_tags``/``src_unmapped_tags`` where they need no converting).
    Returns the column projection reads to project every type (the unmapped one where types drop)."""
    renames, drops = split_label_map(label_map)
    named = UNMAPPED_TAGS if drops else "src_tags"
    if input_column not in (named, "src_tags"):
        chain.step("gold_tags", GoldTags(GoldTagsConfig(tuple(labels), tuple(renames.as_strings()),
                                                        tags_column=named, input_column=input_column)))
    if drops:
        chain.step("map_source_tags", MapTags(MapTagsConfig(tuple(drops.as_strings()), UNMAPPED_TAGS, "src_tags")))
    return named


def project_corpus(chain: Chain, projection: ProjectionConfig, drops: LabelMap, retype: Any, *,
                   columns: ProjectColumns,
                   source_tags: str | None = None, name_evidence: NameEvidenceConfig | None = None,
                   span_completion: SpanCompletionConfig | None = None) -> dict[str, Any]:
    """Projection of a chain positioned after alignment (every pipeline), through the columns
    ``columns`` (a :class:`~projner.processing.stages.transfer.ProjectColumns`) names.

    Without ``retype``: ``project`` reads ``columns.source_tags`` (the dropped types already O). With
    it: every source type is projected from ``source_tags`` (``typed_tags``/``typed_entities``; an unprojected
    entity of a dropped type never drops its sentence), then the ``retype`` step (the whole corpus in
    one batch) gives those spans a type from the corpus's evidence and applies ``drops``, adding
    ``tgt_entities``/``projected_tags``. With ``name_evidence`` (a
    :class:`~projner.processing.project.name_evidence.NameEvidenceConfig`), ``project`` also writes
    the links it used and the ``keep_named`` step (the whole corpus in one batch) drops the spans
    the corpus uses as common words, before retyping. With ``span_completion`` (a
    :class:`~projner.processing.project.span_completion.SpanCompletionConfig`), the
    ``complete_spans`` step (the whole corpus in one batch) then widens spans to the whole names the
    corpus projects, also before retyping. Returns what the report and provenance record: the
    retyping config and the counts of what dropped-type spans became, the name evidence config and
    the spans it dropped, the span completion config and the spans it widened.
    """
    from projner.processing.stages.corpus_names import KeepNamed, KeepNamedColumns
    from projner.processing.stages.corpus_spans import (
        CompleteSpans,
        CompleteSpansColumns,
        widened_spans,
    )
    from projner.processing.stages.corpus_types import (
        Retype,
        RetypeColumns,
        retype_counts,
    )
    from projner.processing.stages.transfer import Project

    optional = retype.types if retype is not None else ()
    labels = {"projected_tags": TYPED_TAGS, "target_entities": TYPED_ENTITIES} if retype is not None else {}
    completed = CompleteSpansColumns(target_tokens=columns.target_tokens, **labels)
    # with completion, what comes before it writes its spans under other names (one producer per column)
    before = ({"projected_tags": "uncompleted_tags", "target_entities": completed.uncompleted_entities}
              if span_completion is not None else labels)
    columns = replace(columns, **before, **({} if retype is None else {"source_tags": source_tags}))
    words = {"source_tokens": columns.source_tokens, "source_entities": columns.source_entities,
             "target_tokens": columns.target_tokens}
    if name_evidence is not None:
        kept = KeepNamedColumns(**words, **before)
        columns = replace(columns, target_entities=kept.unfiltered_entities, projected_tags="unfiltered_tags",
                          issues=kept.unfiltered_issues, unprojected=kept.unfiltered_unprojected,
                          used_links=kept.used_links)
    chain.step("project", Project(projection, columns, optional_types=optional))
    recorded: dict[str, Any] = {}
    if name_evidence is not None:
        chain.step("keep_named", KeepNamed(name_evidence, kept, optional, rows=len(chain.dataset)),
                   batch_size=max(1, len(chain.dataset)))
        ds = chain.dataset
        recorded["name_evidence"] = {"config": asdict(name_evidence), "dropped_spans": sum(
            len(ahead) - len(after) for ahead, after in zip(ds[kept.unfiltered_entities], ds[kept.target_entities]))}
    if span_completion is not None:
        chain.step("complete_spans", CompleteSpans(span_completion, completed, rows=len(chain.dataset)),
                   batch_size=max(1, len(chain.dataset)))
        ds = chain.dataset
        recorded["span_completion"] = {"config": asdict(span_completion), "widened_spans": widened_spans(
            ds[completed.uncompleted_entities], ds[completed.target_entities])}
    if retype is None:
        return recorded
    chain.step("retype", Retype(retype, tuple(drops.as_strings()), RetypeColumns(target_tokens=columns.target_tokens),
                                rows=len(chain.dataset)),
               batch_size=max(1, len(chain.dataset)))
    ds = chain.dataset
    return recorded | {"config": asdict(retype),
                       "retyped": retype_counts(ds[TYPED_ENTITIES], ds["tgt_entities"], retype.types)}


CORPUS_STEPS = ("keep_named", "complete_spans")
"""The whole-corpus steps between projection and retyping, as :func:`project_corpus` runs them."""
_CORPUS_STEP_RECORDS = ("name_evidence", "span_completion")


def _corpus_step_reports(recorded: dict[str, Any]) -> dict[str, Any]:
    """What :func:`project_corpus` recorded of its whole-corpus steps (config and counts), for reports."""
    return {name: recorded[name] for name in _CORPUS_STEP_RECORDS if name in recorded}


def _corpus_step_params(recorded: dict[str, Any]) -> dict[str, Any]:
    """The configs of the whole-corpus steps that ran, for the method's provenance."""
    return {name: recorded[name]["config"] for name in _CORPUS_STEP_RECORDS if name in recorded}


def _check_columns_type(columns: object, expected: type, pipeline: str) -> None:
    """``Columns`` and ``PairColumns`` name different columns: the wrong one would fail later on a
    missing attribute, far from the call."""
    if not isinstance(columns, expected):
        raise TypeError(f"{pipeline}: columns must be a {expected.__name__}, got {type(columns).__name__}"
                        + (" (PairColumns names a parallel corpus's columns, for project_parallel)"
                           if isinstance(columns, PairColumns) else "")
                        + (" (Columns names one side's tokens and tags, for the target-side pipelines)"
                           if isinstance(columns, Columns) else ""))


def _result(outputs: dict[str, tuple[datasets.Dataset, dict[str, Any], Provenance]], **extra: Any) -> PipelineResult:
    """One result from the runs of every split (the provenance of the first: all read the same way)."""
    provenance = next(iter(outputs.values()))[2]
    return PipelineResult(datasets.DatasetDict({split: ds for split, (ds, _, _) in outputs.items()}),
                          {split: report for split, (_, report, _) in outputs.items()}, provenance, **extra)


# --- project-parallel -----------------------------------------------------------------------------


def pair_inputs(pairs: datasets.Dataset | datasets.DatasetDict, split: str | None,
                columns: PairColumns = PairColumns()) -> dict[str, tuple[datasets.Dataset, datasets.Dataset]]:
    """Per split, the given dataset and the columns :func:`project_parallel` reads under projner's
    names, every row of every split checked (:func:`check_pair_rows`) before the first pair is aligned."""
    _check_columns_type(columns, PairColumns, "project_parallel")
    mapping = {"id": columns.id, "src_tokens": columns.src_tokens, "src_tags": columns.src_tags,
               "tgt_tokens": columns.tgt_tokens, "tgt_tags": columns.tgt_tags, "alignments": columns.alignments}
    inputs = {}
    for name, given in named_splits(pairs, split).items():
        where = f"project-parallel, split {name!r}"
        ds = mapped_columns(given, mapping, required=("src_tokens", "src_tags", "tgt_tokens"), where=where)
        check_pair_rows(ds, mapping, where)
        inputs[name] = (given, ds)
    return inputs


def project_parallel(
    pairs: datasets.Dataset | datasets.DatasetDict,
    *,
    columns: PairColumns = PairColumns(),
    source_lang: str | None = None,
    target_lang: str | None = None,
    projection: ProjectionConfig = ProjectionConfig(),
    aligner: AlignConfig = AlignConfig("eflomal"),
    label_map: Sequence[str] = (),
    retype_dropped: bool = False,
    name_evidence: NameEvidenceConfig | None = None,
    span_completion: SpanCompletionConfig | None = None,
    run: RunOptions = RunOptions(),
    origin: Origin = Origin(),
    split: str | None = None,
) -> PipelineResult:
    """Project the labelled side of a parallel corpus onto the other side, and score the projection
    where the other side has gold tags.

    ``pairs`` has (names mapped by ``columns``) ``src_tokens``, ``src_tags`` (IOB2 strings or
    ``ClassLabel`` ids), ``tgt_tokens``, optionally ``tgt_tags`` and ``alignments`` (``[[src, tgt],
    ...]`` per pair; without them ``aligner`` links the corpus). ``label_map`` (``MISC=O``) applies
    to both sides; with ``retype_dropped`` the dropped types are projected too and retyped from the
    corpus's evidence (:mod:`projner.processing.project.retype`); with ``name_evidence``
    projected spans the corpus uses as common words are dropped (reason ``common word``,
    :mod:`projner.processing.project.name_evidence`); with ``span_completion`` projected spans are
    widened to the whole names the corpus projects (:mod:`projner.processing.project.span_completion`).
    The same ``project`` (and ``keep_named``, ``complete_spans``, ``retype``) stages as translate-train, under the same stage cache. Every pair comes out, those
    where some entity got no span with their ``projection_issues`` (an evaluation: nothing is left out)
    """
    for lang in (source_lang, target_lang):
        if lang:
            get_language(lang)  # an unknown code fails now, not after the alignment
    parsed = LabelMap.parse(label_map)
    outputs = {
        name: _project_parallel_split(name, ds, given, source_lang, target_lang, projection, aligner, parsed,
                                      retype_dropped, name_evidence, span_completion, run, origin)
        for name, (given, ds) in pair_inputs(pairs, split, columns).items()
    }
    target = origin.report.get("target", "the target side")
    return _result(outputs, keep_dropped=True, gold=origin.gold or f"the tags of {target}",
                   no_gold_reason=f"{target} has no tags")


def _project_parallel_split(name: str, ds: datasets.Dataset, given: datasets.Dataset, source_lang: str | None,
                            target_lang: str | None, projection: ProjectionConfig, aligner: AlignConfig,
                            label_map: LabelMap, retype_dropped: bool, name_evidence: NameEvidenceConfig | None,
                            span_completion: SpanCompletionConfig | None, run: RunOptions, origin: Origin) -> tuple[datasets.Dataset, dict[str, Any], Provenance]:
    from projner.processing.project.retype import RetypeConfig
    from projner.processing.stages.transfer import ProjectColumns, unprojected_counts

    renames, drops = split_label_map(label_map)
    labels = label_names(ds, "src_tags")
    target_labels = label_names(ds, "tgt_tags") if "tgt_tags" in ds.column_names else ()
    if is_class_label(ds, "src_tags") or renames:
        tags_input = TAG_INPUT
    else:
        tags_input = UNMAPPED_TAGS if drops else "src_tags"
    if tags_input != "src_tags":
        ds = ds.rename_column("src_tags", tags_input)
    target_input = target_labels and (is_class_label(ds, "tgt_tags") or label_map)
    if target_input:
        ds = ds.rename_column("tgt_tags", TARGET_UNMAPPED_TAGS)
    chain = Chain(run.runner(), ds, content_fingerprint(ds, "project-parallel", name))
    models = _Models()
    source_tags = _source_tag_steps(chain, tags_input, labels, label_map)
    if target_input:
        chain.step("target_tags", GoldTags(GoldTagsConfig(tuple(target_labels), tuple(label_map.as_strings()),
                                                          tags_column="tgt_tags", input_column=TARGET_UNMAPPED_TAGS)))
    if "alignments" in ds.column_names:
        aligner_entry = ({"name": "file", "params": {"path": origin.alignments}} if origin.alignments
                         else {"name": "given", "params": {}})
    else:
        from projner.processing.align.backends import make_aligner

        _align(chain, AlignConfig(aligner.backend, aligner.options), models)
        aligner_entry = _aligner_entry(aligner)
        backend_config = getattr(make_aligner(aligner.backend, **aligner.options), "config", None)
        if backend_config is not None:
            aligner_entry["params"] |= {k: v for k, v in asdict(backend_config).items()
                                        if k not in ("batch_size", "device")}
    retype = RetypeConfig(types=tuple(sorted(drops.mapping))) if retype_dropped and drops else None
    retyping = project_corpus(chain, projection, drops, retype, columns=ProjectColumns(source_tokens="src_tokens"),
                              source_tags=source_tags, name_evidence=name_evidence, span_completion=span_completion)
    chain.step("stamp", Stamp(StampConfig(method=projection.describe())))
    out = chain.dataset
    report: dict[str, Any] = {
        "sentences": len(out),
        "source_entities": _entity_count(out["src_tags"]),
        "projected_entities": sum(len(row) for row in out["tgt_entities"]),
        "unprojected": unprojected_counts(out["unprojected_entities"]),
        "incomplete_sentences": reason_counts(out["projection_issues"]),
        "projection_seconds": sum(chain.runner.timings.get(step, 0.0)
                                  for step in ("project", *CORPUS_STEPS, "retype")),
        "alignment_seconds": chain.runner.timings.get("align", 0.0),
        "method": projection.describe(),
        "aligner": aligner_entry,
        "label_map": label_map.as_strings(),
        **({"retyped": retyping["retyped"], "retype_config": retyping["config"]} if "retyped" in retyping else {}),
        **_corpus_step_reports(retyping),
        **origin.report,
    }
    if target_labels:
        report |= ner_scores(out["tgt_tags"], out["projected_tags"])
    provenance = Provenance(
        task="project-parallel", source_dataset=source_record(given, origin.source, name),
        source_language=get_language(source_lang).code if source_lang else None,
        target_language=get_language(target_lang).code if target_lang else None,
        method=_component({"name": projection.method, "params": asdict(projection) | (
            {"retype_dropped": retyping["config"]} if "config" in retyping else {}) | _corpus_step_params(retyping)}),
        aligner=_component(aligner_entry),
        models=tuple(models.refs), label_map=tuple(label_map.as_strings()), labels=label_map.map_labels(labels),
    )
    return out, _finish_report(report, chain), provenance


def _component(entry: dict[str, Any]) -> Component:
    """A provenance entry with JSON-ready parameters (tuples as lists), as it is written and read."""
    import json

    return Component(entry["name"], json.loads(json.dumps(entry["params"])))


# --- model transfer -------------------------------------------------------------------------------


def model_transfer(
    target: datasets.Dataset | datasets.DatasetDict,
    lang: str,
    *,
    columns: Columns = Columns(),
    run: RunOptions = RunOptions(),
    origin: Origin = Origin(),
    split: str | None = None,
) -> PipelineResult:
    """The zero-shot baseline: the NER model labels the target sentences directly; scored against
    their gold tags (``columns.tags``: strings or ``ClassLabel`` ids) where the dataset has them,
    else the predictions come out unscored (the report says why)."""
    code = get_language(lang).code
    outputs = {}
    for name, (given, ds) in _target_inputs(target, split, columns, "model-transfer").items():
        gold = _target_gold(ds, run, columns)
        labels, eval_map = gold.labels, gold.eval_map
        chain = Chain(run.runner(), ds, content_fingerprint(ds, "model-transfer", name))
        models = _Models()
        label = chain.step("label_target", _label_stage(run, entity_types(labels), words_column="tokens",
                                                        tags_column="projected_tags", entities_column="tgt_entities"),
                           uses_model=True, batch_size=run.ner_batch_size * 8)
        models.add("ner", run.ner_model, label.revision())
        report = _target_report("model-transfer", ds, chain.dataset["projected_tags"], gold, lang=code, split=name,
                                origin=origin)
        report |= {"ner_label_map": list(run.ner_label_map), "models": models.as_dicts()}
        source = source_record(given, origin.source, name)
        provenance = Provenance(
            task="model-transfer", source_dataset=source, source_language=code, target_language=code,
            method=Component("model-transfer", {"ner_label_map": list(run.ner_label_map)}), aligner=None,
            models=tuple(models.refs), labels=eval_map.map_labels(labels),
            label_map=tuple(sorted({*run.ner_label_map, *eval_map.as_strings()})),
        )
        outputs[name] = (chain.dataset, _finish_report(report, chain), provenance)
    return _target_result(outputs, origin)


# --- translate-test -------------------------------------------------------------------------------


def translate_test(
    target: datasets.Dataset | datasets.DatasetDict,
    lang: str,
    *,
    pivot_lang: str = "en",
    columns: Columns = Columns(),
    run: RunOptions = RunOptions(),
    method: MethodOptions = MethodOptions(),
    origin: Origin = Origin(),
    split: str | None = None,
) -> PipelineResult:
    """The paper's protocol: gold target sentence → pivot language (English) → NER → projection back
    onto the original target words → seqeval strict IOB2 against the gold (every sentence, projected
    or not)."""
    if method.method == "easyproject":
        raise ValueError("translate-test projects onto the original sentence: EasyProject's markers are used "
                         "through --backtranslation (refinement 'markers')")
    if get_language(pivot_lang).code == get_language(lang).code:
        raise ValueError(f"pivot language {pivot_lang!r} is the target language {lang!r}: translate-test translates "
                         "the target into another language; to label the target directly, use model_transfer")
    _check_method(method, run, lang)
    outputs = {name: _translate_test_split(name, given, ds, lang, pivot_lang, columns, run, method, origin)
               for name, (given, ds) in _target_inputs(target, split, columns, "translate-test").items()}
    return _target_result(outputs, origin)


def _translate_test_split(name: str, given: datasets.Dataset, ds: datasets.Dataset, lang: str, pivot: str,
                          columns: Columns, run: RunOptions, method: MethodOptions,
                          origin: Origin) -> tuple[datasets.Dataset, dict[str, Any], Provenance]:
    from projner.processing.stages.transfer import ProjectColumns
    from projner.processing.stages.translation import Translate
    from projner.processing.stages.words import (
        Detokenize,
        DetokenizeConfig,
        SplitWords,
        SplitWordsConfig,
    )

    code, pivot_code = get_language(lang).code, get_language(pivot).code
    gold = _target_gold(ds, run, columns)
    labels, eval_map = gold.labels, gold.eval_map
    chain = Chain(run.runner(), ds, content_fingerprint(ds, "translate-test", name))
    models = _Models()

    chain.step("detokenize", Detokenize(DetokenizeConfig(lang=lang, words_column="tokens", text_column="sentence")))
    translate = chain.step("translate", Translate(run.translate_config(lang, pivot)), uses_model=True,
                           batch_size=run.translate_batch_size * 16)
    models.add("translator", run.translator, translate.revision())
    chain.step("split_words", SplitWords(SplitWordsConfig(lang=pivot, words_column="src_tokens")))
    label = chain.step("label_source", _label_stage(run, entity_types(labels)),
                       uses_model=True, batch_size=run.ner_batch_size * 8)
    models.add("ner", run.ner_model, label.revision())
    project_columns = ProjectColumns(source_tokens="src_tokens", source_tags="src_tags", target_tokens="tokens")
    if method.candidates == "ner":
        candidates = chain.step("label_target", _label_stage(
            run, entity_types(labels), words_column="tokens", tags_column="candidate_tags",
            entities_column="candidate_entities"), uses_model=True, batch_size=run.ner_batch_size * 8)
        models.add("candidate-selector", run.ner_model, candidates.revision())
        project_columns = ProjectColumns(**(asdict(project_columns) | {"external_spans": "candidate_entities"}))
    if not method.backtranslation:
        align_config = _method_aligner(method, run, "src_tokens", "tokens")
        _align(chain, align_config, models)
    elif method.refinement == "markers":
        _backtranslate_with_markers(chain, run, method, models, lang, pivot)
        align_config = _method_aligner(method, run, "bt_tokens", "tokens", "bt_alignments")
        _align(chain, align_config, models)
        project_columns = ProjectColumns(**(asdict(project_columns) | {
            "source_tokens": "bt_tokens", "source_tags": "bt_tags", "source_entities": "bt_entities",
            "alignments": "bt_alignments"}))
    else:
        align_config = _refined_alignment(chain, run, method, models, lang, pivot)
    corpus_steps = project_corpus(chain, method.projection_config(lang), LabelMap(), None, columns=project_columns,
                                  name_evidence=method.name_evidence_config(),
                                  span_completion=method.span_completion_config())

    out = chain.dataset
    aligner = _aligner_entry(align_config)
    described = method.describe(lang)
    described["params"] |= _corpus_step_params(corpus_steps)
    report = _target_report("translate-test", out, out["projected_tags"], gold, lang=code, split=name, origin=origin)
    report |= {"incomplete_sentences": reason_counts(out["projection_issues"]), **_translation_counts(out),
               "ner_label_map": list(run.ner_label_map), "method": described, "aligner": aligner,
               "models": models.as_dicts(), **_corpus_step_reports(corpus_steps)}
    if method.backtranslation and method.refinement == "markers":
        report["backtranslation_incomplete"] = reason_counts(out["bt_projection_issues"])
    provenance = Provenance(
        task="translate-test", source_dataset=source_record(given, origin.source, name), source_language=pivot_code,
        target_language=code, method=_component(described), aligner=_component(aligner),
        models=tuple(models.refs), labels=eval_map.map_labels(labels),
        label_map=tuple(sorted({*run.ner_label_map, *eval_map.as_strings()})),
    )
    return out, _finish_report(report, chain), provenance


def _backtranslate_with_markers(chain: Chain, run: RunOptions, method: MethodOptions, models: _Models,
                                lang: str, pivot: str) -> None:
    """The labelled pivot back into the target language through EasyProject: ``bt_tokens`` with
    the entities' spans as ``bt_tags`` (``bt_projection_issues`` where markers could not be matched)."""
    from projner.processing.stages.translation import (
        EasyProjectTranslate,
        EasyProjectTranslateConfig,
        ProjectMarked,
        ProjectMarkedConfig,
    )

    back = chain.step("backtranslate", EasyProjectTranslate(EasyProjectTranslateConfig(
        translate=run.translate_config(pivot, lang, model=method.easyproject_model,
                                       tokenizer=method.easyproject_tokenizer,
                                       pieces_column="bt_pieces", complete_column="bt_complete"),
        marked_column="bt_marked", entities_column="bt_entity_translations",
    )), uses_model=True, batch_size=run.translate_batch_size * 16)
    models.add("backtranslator", method.easyproject_model, back.revision())
    chain.step("backtranslation_markers", ProjectMarked(ProjectMarkedConfig(
        target_lang=lang, threshold=method.easyproject_threshold, marked_column="bt_marked",
        entities_column="bt_entity_translations", text_column="backtranslation", tokens_column="bt_tokens",
        offsets_column="backtranslation_offsets", output_tags_column="bt_tags",
        output_entities_column="bt_entities", problems_column="bt_problems", issues_column="bt_projection_issues",
    )))


def _refined_alignment(chain: Chain, run: RunOptions, method: MethodOptions, models: _Models,
                       lang: str, pivot: str) -> AlignConfig:
    """Pivot→original links refined through a plain back-translation: pivot→back-translation and
    back-translation→original (monolingual) links composed, alone or intersected/united with the
    direct links. Returns the aligner of the first link set (the provenance's)."""
    from projner.processing.stages.translation import Translate
    from projner.processing.stages.words import SplitWords, SplitWordsConfig

    back = chain.step("backtranslate", Translate(run.translate_config(
        pivot, lang, input_column="translation", output_column="backtranslation",
        pieces_column="bt_pieces", complete_column="bt_complete")),
        uses_model=True, batch_size=run.translate_batch_size * 16)
    models.add("backtranslator", run.translator, back.revision())
    chain.step("split_backtranslation", SplitWords(SplitWordsConfig(
        lang=lang, text_column="backtranslation", words_column="bt_tokens", offsets_column="backtranslation_offsets")))
    first = _method_aligner(method, run, "src_tokens", "bt_tokens", "en_bt_alignments")
    _align(chain, first, models, name="align_backtranslation")
    _align(chain, _method_aligner(method, run, "bt_tokens", "tokens", "bt_alignments"), models,
           name="align_monolingual")
    if method.refinement != "back-translation":
        _align(chain, _method_aligner(method, run, "src_tokens", "tokens", "direct_alignments"), models)
    chain.step("refine_links", RefineLinks(RefineConfig(method.refinement)))
    return first


# --- translate-train ------------------------------------------------------------------------------


def translate_train(
    source: datasets.Dataset | datasets.DatasetDict,
    target_lang: str,
    *,
    source_lang: str = "en",
    columns: Columns = Columns(),
    source_label_map: Sequence[str] = ("MISC=O",),
    run: RunOptions = RunOptions(),
    method: MethodOptions = MethodOptions(),
    origin: Origin = Origin(),
    split: str | None = None,
) -> PipelineResult:
    """Labelled sentences → translation into ``target_lang`` → projection → a silver ``DatasetDict``.

    ``source`` is any labelled corpus (``columns.tags``: IOB2 strings or ``ClassLabel`` ids, names
    read from the features) in ``source_lang``. Every source sentence comes out: kept, or with
    ``dropped_reason`` (counted in the report, left out of the published split). Provenance columns:
    the source words (``original_tokens`` once published) and ``src_tags``, ``translation``,
    ``alignments``, ``src_entities``/``tgt_entities`` with scores, ``method`` and ``models``.

    The label map: renames apply first; the types it drops (``MISC=O``) are, for the alignment
    methods, kept in ``src_unmapped_tags`` and mapped away into ``src_tags``. With
    ``method.retype_dropped`` they are projected under their own names (``typed_entities``),
    retyped from the corpus's own evidence, and what remains of them becomes O
    (:func:`project_corpus`).
    """
    if method.backtranslation:
        raise ValueError("back-translation refines translate-test; translate-train projects gold entities")
    get_language(source_lang), get_language(target_lang)
    _check_method(method, run, target_lang)
    label_map = LabelMap.parse(source_label_map)
    inputs = _target_inputs(source, split, columns, "translate-train", tags="source tags", tags_required=True)
    outputs = {name: _translate_train_split(name, given, ds, source_lang, target_lang, label_map, run, method, origin)
               for name, (given, ds) in inputs.items()}
    return _result(outputs, keep_dropped=False)


def _translate_train_split(name: str, given: datasets.Dataset, ds: datasets.Dataset, source_lang: str, lang: str,
                           label_map: LabelMap, run: RunOptions, method: MethodOptions,
                           origin: Origin) -> tuple[datasets.Dataset, dict[str, Any], Provenance]:
    from projner.processing.stages.transfer import ProjectColumns
    from projner.processing.stages.translation import (
        EasyProjectTranslate,
        EasyProjectTranslateConfig,
        ProjectMarked,
        ProjectMarkedConfig,
        Translate,
    )
    from projner.processing.stages.words import (
        Detokenize,
        DetokenizeConfig,
        SplitWords,
        SplitWordsConfig,
    )

    labels = label_names(ds, "ner_tags")
    label_map.check_types(entity_types(labels), where=f"the source's {name} split", strict=run.strict)
    _, drops = split_label_map(label_map)
    code, source_code = get_language(lang).code, get_language(source_lang).code
    chain = Chain(run.runner(), ds, content_fingerprint(ds, "translate-train", name))
    models = _Models()
    retyping: dict[str, Any] = {}
    if method.method == "easyproject":
        chain.step("gold_tags", GoldTags(GoldTagsConfig(tuple(labels), tuple(label_map.as_strings()))))
        translate = chain.step("easyproject_translate", EasyProjectTranslate(EasyProjectTranslateConfig(
            translate=run.translate_config(source_lang, lang, model=method.easyproject_model,
                                           tokenizer=method.easyproject_tokenizer),
            words_column="tokens",
        )), uses_model=True, batch_size=run.translate_batch_size * 16)
        models.add("translator", method.easyproject_model, translate.revision())
        chain.step("easyproject_match", ProjectMarked(ProjectMarkedConfig(
            target_lang=lang, threshold=method.easyproject_threshold, words_column="tokens")))
        aligner = {"name": "none", "params": {"projection": "EasyProject markers, no word alignment"}}
    else:
        source_tags = _source_tag_steps(chain, "ner_tags", labels, label_map)
        chain.step("detokenize", Detokenize(DetokenizeConfig(lang=source_lang, words_column="tokens",
                                                             text_column="sentence")))
        translate = chain.step("translate", Translate(run.translate_config(source_lang, lang)), uses_model=True,
                               batch_size=run.translate_batch_size * 16)
        models.add("translator", run.translator, translate.revision())
        chain.step("split_words", SplitWords(SplitWordsConfig(lang=lang)))
        external = None
        if method.candidates == "ner":
            candidates = chain.step("label_target", _label_stage(
                run, entity_types(label_map.map_labels(labels)), words_column="tgt_tokens",
                tags_column="candidate_tags", entities_column="candidate_entities"),
                uses_model=True, batch_size=run.ner_batch_size * 8)
            models.add("candidate-selector", run.ner_model, candidates.revision())
            external = "candidate_entities"
        align_config = _method_aligner(method, run, "tokens", "tgt_tokens")
        _align(chain, align_config, models)
        aligner = _aligner_entry(align_config)
        retyping = project_corpus(chain, method.projection_config(lang), drops, method.retype_config(drops),
                                  columns=ProjectColumns(source_tokens="tokens", external_spans=external),
                                  source_tags=source_tags,
                                  name_evidence=method.name_evidence_config(),
                                  span_completion=method.span_completion_config())
    described = method.describe(lang)
    if method.method != "easyproject":
        described["params"]["retype_dropped"] = retyping.get("config")
        described["params"] |= _corpus_step_params(retyping)
    settings = ", ".join(f"{k}={v}" for k, v in aligner["params"].items())
    chain.step("select", SelectSentences(SelectConfig(keep_partial=method.keep_partial, min_score=method.min_score)))
    chain.step("stamp", Stamp(StampConfig(
        method=f"{described['name']} ({aligner['name']}: {settings})",
        models=tuple(f"{m.role}={m.id}@{m.revision or 'local'}" for m in models.refs),
    )))
    out = chain.dataset
    kept = [not reason for reason in out["dropped_reason"]]
    report = {
        "task": "translate-train", "lang": code, "split": name, "input_skipped": {}, **origin.report,
        "sentences": len(out), "kept": sum(kept), "dropped": reason_counts(out["dropped_reason"]),
        "source_entities": _entity_count(out["src_tags"]),
        "projected_entities": sum(len(e) for e, k in zip(out["tgt_entities"], kept) if k),
        **({"retyped": retyping["retyped"]} if "retyped" in retyping else {}),
        **_corpus_step_reports(retyping),
        **_translation_counts(out), "source_label_map": label_map.as_strings(), "method": described,
        "aligner": aligner, "models": models.as_dicts(),
        "no_gold_reason": "translate-train labels a new translation: there is no target-side gold to score",
    }
    provenance = Provenance(
        task="translate-train", source_dataset=source_record(given, origin.source, name),
        source_language=source_code, target_language=code, method=_component(described),
        aligner=_component(aligner), models=tuple(models.refs), labels=label_map.map_labels(labels),
        label_map=tuple(sorted(set(label_map.as_strings()))),
    )
    return out, _finish_report(report, chain), provenance
