"""The paper's pipelines as chains of cached ``Dataset.map`` stages: translate-test, model transfer
and translate-train.

Each pipeline only says which stages run in which order (every stage cached under its explicit
fingerprint by :mod:`.stage_cache`, so a crashed run resumes and a repeated run reuses everything)
and what goes into the report and the output. Every input sentence comes out, either labelled or
with a ``dropped_reason``, and the report counts them by reason.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import datasets

from projner.labels import OUTSIDE, LabelMap, entity_types
from projner.languages import get_language
from projner.processing.align.backends import BACKENDS
from projner.processing.align.statistical import DEFAULT_SYMMETRIZATION
from projner.processing.corpora import GoldInput, load_gold
from projner.processing.evaluate import ner_scores
from projner.processing.stage_cache import DEFAULT_SHARD_ROWS, Chain, StepRunner
from projner.processing.stages.correspondence import RefineLinks
from projner.processing.stages.selection import SelectConfig, SelectSentences
from projner.processing.stages.tag_columns import GoldTags, MapTags

REFINEMENTS = ("markers", "back-translation", "intersection", "union")
"""How translate-test uses the back-translation of the labelled English: ``markers`` (the paper's
pipeline: EasyProject carries the entities into the back-translation, which is aligned to the
original and projected from) or one of :class:`~projner.processing.align.refine.Refinement`'s
link refinements (English→back-translation links composed with back-translation→original links,
alone or intersected/united with the direct English→original links)."""


# --- options --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOptions:
    """What every pipeline command takes: models, data, limits, outputs and where to run."""

    data_dir: str | None = None
    translator: str = "facebook/nllb-200-3.3B"
    ner_model: str = "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
    aligner_model: str = "bert-base-multilingual-cased"
    ner_label_map: tuple[str, ...] = ("MISC=O",)
    """``TYPE=NEW`` rewrites of the NER model's types onto the dataset's (MISC=O by default)."""
    limit: int | None = None
    output: str | None = None
    report: str | None = None
    cache_dir: str | None = None
    """Where stage caches live (default: ``<datasets cache>/projner``); reruns reuse them."""
    num_proc: int | None = None
    device: str = "auto"
    num_beams: int = 4
    max_new_tokens: int = 256
    translate_batch_size: int = 16
    ner_batch_size: int = 32
    lenient: bool = False
    shard_rows: int = DEFAULT_SHARD_ROWS
    """Rows a model stage maps and caches at a time: a killed run resumes at its first missing shard."""

    def cache_root(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else Path(datasets.config.HF_DATASETS_CACHE) / "projner"

    def runner(self) -> StepRunner:
        return StepRunner(self.cache_root() / "runs", num_proc=self.num_proc, device=self.device,
                          shard_rows=self.shard_rows)

    def translate_config(self, source: str, target: str, **changes: Any) -> Any:
        from projner.processing.stages.translation import TranslateConfig

        return TranslateConfig(**({
            "source_lang": source, "target_lang": target, "model": self.translator,
            "num_beams": self.num_beams, "max_new_tokens": self.max_new_tokens,
            "batch_size": self.translate_batch_size, "device": self.device,
        } | changes))


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
    align_method: str = "itermax"
    align_layer: int = 8
    symmetrization: str = DEFAULT_SYMMETRIZATION
    """For ``eflomal``: how its two directions are combined (intersection, as ``project-parallel``)."""
    align_batch_size: int = 32
    backtranslation: bool = False
    """translate-test: use a back-translation of the labelled English (see ``refinement``)."""
    refinement: str = "markers"
    """How the back-translation is used: one of :data:`REFINEMENTS`."""
    easyproject_model: str = "ychenNLP/nllb-200-3.3B-easyproject"
    easyproject_tokenizer: str | None = "facebook/nllb-200-3.3B"
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
        spaceless = target_lang is not None and not get_language(target_lang).spaces
        scores = ScoreConfig(weights=weights, linked_tie_break=spaceless)
        return ProjectionConfig(method=self.method, solver=self.solver, scores=scores)

    def retype_config(self, drops: LabelMap) -> Any:
        """The retyping of the types ``drops`` maps to O, or None where nothing is retyped."""
        from projner.processing.project.retype import RetypeConfig

        if not (self.retype_dropped and drops and self.method != "easyproject"):
            return None
        return RetypeConfig(types=tuple(sorted(drops.mapping)))

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


@dataclass
class PipelineResult:
    """A pipeline's output (every input sentence, dropped ones with their reason) and its report."""

    dataset: datasets.Dataset | datasets.DatasetDict
    report: dict[str, Any]


# --- stages the pipelines share ----------------------------------------------------------------


def _label_stage(options: RunOptions, target_types: Sequence[str], **columns: str) -> Any:
    from projner.processing.stages.tagging import Label, LabelConfig

    return Label(LabelConfig(
        target_types=tuple(target_types), label_map=options.ner_label_map, model=options.ner_model,
        batch_size=options.ner_batch_size, device=options.device, **columns,
    ))


def _model_ref(role: str, model: str, revision: str | None) -> dict[str, Any]:
    """Provenance entry of a model: Hub id and commit, or a local folder (no revision)."""
    return {"role": role, "id": model, "revision": None if Path(model).is_dir() else revision}


class _Models:
    """The models a run used (each role and model once), for the report and the provenance."""

    def __init__(self) -> None:
        self.refs: list[dict[str, Any]] = []

    def add(self, role: str, model: str, revision: str | None) -> None:
        if not any(r["role"] == role and r["id"] == model for r in self.refs):
            self.refs.append(_model_ref(role, model, revision))


def _align(chain: Chain, options: RunOptions, method: MethodOptions, models: _Models, *, name: str,
           source: str, target: str, output: str = "alignments") -> dict[str, Any]:
    """Align two word columns; a statistical aligner sees the whole corpus in one batch (it learns
    from it). Returns the aligner's provenance entry."""
    from projner.processing.align.backends import learns_from_batch, uses_encoder
    from projner.processing.stages.correspondence import Align

    options_ = method.aligner_options(options)
    align = Align(method.aligner, source_column=source, target_column=target, output_column=output, **options_)
    neural = uses_encoder(method.aligner)
    batch_size = max(1, len(chain.dataset)) if learns_from_batch(method.aligner) else 1000
    chain.step(name, align, uses_model=neural, batch_size=batch_size)
    if neural:
        from projner.processing.runtime import model_revision

        models.add("aligner", options.aligner_model, model_revision(options.aligner_model))
    return {"name": method.aligner, "params": {k: v for k, v in options_.items() if k not in ("batch_size", "device")}}


def _predictable_types(options: RunOptions, gold: GoldInput) -> tuple[str, ...]:
    """Gold types the NER model can produce after its label map (its config is read, not its weights)."""
    gold_types = entity_types(gold.labels)
    produced = {tag.partition("-")[2] for tag in _label_stage(options, gold_types).label_mapping() if tag != OUTSIDE}
    return tuple(t for t in gold_types if t in produced)


# --- scoring, reports, outputs -------------------------------------------------------------------


def evaluation_map(gold_labels: Sequence[str], predictable: Sequence[str]) -> LabelMap:
    """Gold types the NER model cannot produce are scored as O on both sides (e.g. MasakhaNER's
    DATE with a CoNLL-2003 model), as the paper does; the map goes into the report."""
    return LabelMap({etype: OUTSIDE for etype in entity_types(gold_labels) if etype not in predictable})


def dropped_counts(reasons: Sequence[str]) -> dict[str, int]:
    return dict(sorted(Counter(r for r in reasons if r).items()))


def _translation_counts(dataset: datasets.Dataset, pieces: str = "translation_pieces",
                        complete: str = "translation_complete") -> dict[str, int]:
    """Inputs cut into pieces for length, and translations that hit the length limit (flagged)."""
    return {"translations_split": sum(1 for n in dataset[pieces] if n > 1),
            "translations_incomplete": sum(1 for done in dataset[complete] if not done)}


def write_json(path: str | os.PathLike, data: Mapping[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _provenance(task: str, gold: GoldInput, *, target_language: str, method: dict, aligner: dict | None,
                models: list[dict], labels: Sequence[str], label_map: Sequence[str]) -> dict[str, Any]:
    from projner.dataset_cards.sources import known_source

    return {
        "task": task,
        "source_dataset": known_source(gold.name, config=gold.config, split=gold.split).to_dict(),
        "source_language": "en",
        "target_language": target_language,
        "method": method,
        "aligner": aligner,
        "models": models,
        "labels": list(labels),
        "label_map": sorted(set(label_map)),
    }


def _finish(options: RunOptions, runner: StepRunner, dataset: datasets.Dataset | datasets.DatasetDict,
            report: dict[str, Any], provenance: dict[str, Any], *, scores: dict[str, Any] | None = None,
            gold_name: str | None = None, keep_dropped: bool) -> PipelineResult:
    """Timings and cache hits into the report; the report JSON and the output written where asked.

    ``--output`` is a Hub dataset folder (parquet, card, provenance, statistics, report) with one
    config, the target language (a plain ``Dataset`` becomes the report's ``split``).
    ``keep_dropped`` (the scoring pipelines, where every sentence is a scored prediction):
    sentences with a ``dropped_reason`` are published too, the column kept; otherwise (silver
    corpora) they are left out. Either way they are counted by reason.
    """
    report["timings"] = runner.timings
    report["cached_steps"] = runner.cached_steps
    report["cached_shards"] = runner.cached_shards
    if options.report:
        write_json(options.report, report)
    export_report = {"statistics": report} | ({"scores": scores, "gold": gold_name} if scores else {})
    if options.output:
        from projner.dataset_cards.export import export_hub_folder

        splits = dataset if isinstance(dataset, datasets.DatasetDict) else {report["split"]: dataset}
        export_hub_folder(splits, options.output, config_name=report["lang"], provenance=provenance,
                          report=export_report, keep_dropped=keep_dropped)
    return PipelineResult(dataset, report)


def _scored(task: str, dataset_name: str, gold: GoldInput, predicted: Sequence[Sequence[str]],
            eval_map: LabelMap) -> dict[str, Any]:
    """The report's head: what was scored and seqeval strict IOB2 scores (fractions)."""
    scores = ner_scores(gold.tag_strings(), predicted, label_map=eval_map or None)
    return {"task": task, "dataset": dataset_name, "lang": get_language(gold.config).code, "split": gold.split,
            **scores, "sentences": len(predicted), "input_skipped": gold.skipped,
            "eval_label_map": eval_map.as_strings()}


# --- model transfer -------------------------------------------------------------------------------


def model_transfer(dataset: str, lang: str, split: str = "test", options: RunOptions = RunOptions()) -> PipelineResult:
    """The zero-shot baseline: the NER model labels the target sentences directly."""
    gold = load_gold(dataset, lang, split, data_dir=options.data_dir, cache_dir=options.cache_root(),
                     limit=options.limit, lenient=options.lenient)
    chain = Chain(options.runner(), gold.dataset, gold.fingerprint)
    models = _Models()
    label = chain.step("label_target", _label_stage(options, entity_types(gold.labels), words_column="tokens",
                                                    tags_column="projected_tags", entities_column="tgt_entities"),
                       uses_model=True, batch_size=options.ner_batch_size * 8)
    models.add("ner", options.ner_model, label.revision())
    eval_map = evaluation_map(gold.labels, _predictable_types(options, gold))
    report = _scored("model-transfer", dataset, gold, chain.dataset["projected_tags"], eval_map)
    report |= {"dropped": {}, "ner_label_map": list(options.ner_label_map), "models": models.refs}
    method = {"name": "model-transfer", "params": {"ner_label_map": list(options.ner_label_map)}}
    provenance = _provenance("model-transfer", gold, target_language=report["lang"], method=method, aligner=None,
                             models=models.refs, labels=eval_map.map_labels(gold.labels),
                             label_map=[*options.ner_label_map, *eval_map.as_strings()])
    return _finish(options, chain.runner, chain.dataset, report, provenance, scores=_scores_of(report),
                   gold_name=f"{gold.name} {gold.config} {gold.split}", keep_dropped=True)


def _scores_of(report: dict[str, Any]) -> dict[str, Any]:
    return {k: report[k] for k in ("precision", "recall", "f1", "support", "per_type")}


# --- translate-test -------------------------------------------------------------------------------


def translate_test(
    dataset: str,
    lang: str,
    split: str = "test",
    options: RunOptions = RunOptions(),
    method: MethodOptions = MethodOptions(),
) -> PipelineResult:
    """The paper's protocol: gold target sentence → English → English NER → projection back onto the
    original target words → seqeval strict IOB2 against the gold (all sentences, projected or not)."""
    from projner.processing.stages.transfer import Project, ProjectColumns
    from projner.processing.stages.translation import Translate
    from projner.processing.stages.words import (
        Detokenize,
        DetokenizeConfig,
        SplitWords,
        SplitWordsConfig,
    )

    if method.method == "easyproject":
        raise ValueError("translate-test projects onto the original sentence: EasyProject's markers are used "
                         "through --backtranslation (refinement 'markers')")
    gold = load_gold(dataset, lang, split, data_dir=options.data_dir, cache_dir=options.cache_root(),
                     limit=options.limit, lenient=options.lenient)
    predictable = _predictable_types(options, gold)
    chain = Chain(options.runner(), gold.dataset, gold.fingerprint)
    models = _Models()

    chain.step("detokenize", Detokenize(DetokenizeConfig(lang=lang, words_column="tokens", text_column="sentence")))
    translate = chain.step("translate", Translate(options.translate_config(lang, "en")), uses_model=True,
                           batch_size=options.translate_batch_size * 16)
    models.add("translator", options.translator, translate.revision())
    chain.step("split_words", SplitWords(SplitWordsConfig(lang="en", words_column="src_tokens")))
    label = chain.step("label_source", _label_stage(options, entity_types(gold.labels)),
                       uses_model=True, batch_size=options.ner_batch_size * 8)
    models.add("ner", options.ner_model, label.revision())
    columns = ProjectColumns(source_tokens="src_tokens", source_tags="src_tags", target_tokens="tokens")
    if method.candidates == "ner":
        candidates = chain.step("label_target", _label_stage(
            options, entity_types(gold.labels), words_column="tokens", tags_column="candidate_tags",
            entities_column="candidate_entities"), uses_model=True, batch_size=options.ner_batch_size * 8)
        models.add("candidate-selector", options.ner_model, candidates.revision())
        columns = ProjectColumns(**(asdict(columns) | {"external_spans": "candidate_entities"}))
    if not method.backtranslation:
        aligner = _align(chain, options, method, models, name="align", source="src_tokens", target="tokens")
    elif method.refinement == "markers":
        _backtranslate_with_markers(chain, options, method, models, lang)
        aligner = _align(chain, options, method, models, name="align", source="bt_tokens", target="tokens",
                         output="bt_alignments")
        columns = ProjectColumns(**(asdict(columns) | {"source_tokens": "bt_tokens", "source_tags": "bt_tags",
                                                        "source_entities": "bt_entities",
                                                        "alignments": "bt_alignments"}))
    else:
        aligner = _refined_alignment(chain, options, method, models, lang)
    chain.step("project", Project(method.projection_config(lang), columns))

    ds = chain.dataset
    eval_map = evaluation_map(gold.labels, predictable)
    report = _scored("translate-test", dataset, gold, ds["projected_tags"], eval_map)
    report |= {"dropped": dropped_counts(ds["dropped_reason"]), **_translation_counts(ds),
               "ner_label_map": list(options.ner_label_map), "method": method.describe(lang), "aligner": aligner,
               "models": models.refs}
    if method.backtranslation and method.refinement == "markers":
        report["backtranslation_dropped"] = dropped_counts(ds["bt_dropped_reason"])
    provenance = _provenance("translate-test", gold, target_language=report["lang"], method=method.describe(lang),
                             aligner=aligner, models=models.refs, labels=eval_map.map_labels(gold.labels),
                             label_map=[*options.ner_label_map, *eval_map.as_strings()])
    return _finish(options, chain.runner, ds, report, provenance, scores=_scores_of(report),
                   gold_name=f"{gold.name} {gold.config} {gold.split}", keep_dropped=True)


def _backtranslate_with_markers(chain: Chain, options: RunOptions, method: MethodOptions, models: _Models,
                                lang: str) -> None:
    """The labelled English back into the target language through EasyProject: ``bt_tokens`` with
    the entities' spans as ``bt_tags`` (``bt_dropped_reason`` where markers could not be matched)."""
    from projner.processing.stages.translation import (
        EasyProjectTranslate,
        EasyProjectTranslateConfig,
        ProjectMarked,
        ProjectMarkedConfig,
    )

    back = chain.step("backtranslate", EasyProjectTranslate(EasyProjectTranslateConfig(
        translate=options.translate_config("en", lang, model=method.easyproject_model,
                                           tokenizer=method.easyproject_tokenizer,
                                           pieces_column="bt_pieces", complete_column="bt_complete"),
        marked_column="bt_marked", entities_column="bt_entity_translations",
    )), uses_model=True, batch_size=options.translate_batch_size * 16)
    models.add("backtranslator", method.easyproject_model, back.revision())
    chain.step("backtranslation_markers", ProjectMarked(ProjectMarkedConfig(
        target_lang=lang, threshold=method.easyproject_threshold, marked_column="bt_marked",
        entities_column="bt_entity_translations", text_column="backtranslation", tokens_column="bt_tokens",
        offsets_column="backtranslation_offsets", output_tags_column="bt_tags",
        output_entities_column="bt_entities", problems_column="bt_problems", dropped_column="bt_dropped_reason",
    )))


def _refined_alignment(chain: Chain, options: RunOptions, method: MethodOptions, models: _Models,
                       lang: str) -> dict[str, Any]:
    """English→original links refined through a plain back-translation (issue 4's refinement):
    English→back-translation and back-translation→original (monolingual) links composed, alone or
    intersected/united with the direct links."""
    from projner.processing.stages.translation import Translate
    from projner.processing.stages.words import SplitWords, SplitWordsConfig

    back = chain.step("backtranslate", Translate(options.translate_config(
        "en", lang, input_column="translation", output_column="backtranslation",
        pieces_column="bt_pieces", complete_column="bt_complete")),
        uses_model=True, batch_size=options.translate_batch_size * 16)
    models.add("backtranslator", options.translator, back.revision())
    chain.step("split_backtranslation", SplitWords(SplitWordsConfig(
        lang=lang, text_column="backtranslation", words_column="bt_tokens", offsets_column="backtranslation_offsets")))
    aligner = _align(chain, options, method, models, name="align_backtranslation", source="src_tokens",
                     target="bt_tokens", output="en_bt_alignments")
    _align(chain, options, method, models, name="align_monolingual", source="bt_tokens", target="tokens",
           output="bt_alignments")
    if method.refinement != "back-translation":
        _align(chain, options, method, models, name="align", source="src_tokens", target="tokens",
               output="direct_alignments")
    chain.step("refine_links", RefineLinks(method.refinement))
    return aligner


# --- translate-train ------------------------------------------------------------------------------


def translate_train(
    lang: str,
    split: str = "train",
    options: RunOptions = RunOptions(),
    method: MethodOptions = MethodOptions(),
    *,
    source: str = "conll2003",
    source_label_map: Sequence[str] = ("MISC=O",),
) -> PipelineResult:
    """Labelled English → target-language translation → projection → a silver ``DatasetDict``.

    Every source sentence comes out: kept, or with ``dropped_reason`` (counted in the report, left
    out of the published split). Provenance columns: the source words (``original_tokens`` once
    published) and ``src_tags``, ``translation``, ``alignments``, ``src_entities``/``tgt_entities``
    with scores, ``method`` and ``models`` (with revisions).

    The label map: renames apply when the source is read; the types it drops (``MISC=O``) are, for
    the alignment methods, kept in ``src_unmapped_tags`` and mapped away into ``src_tags``. With
    ``method.retype_dropped`` they are projected under their own names (``typed_entities``),
    retyped from the corpus's own evidence, and what remains of them becomes O
    (:func:`project_corpus`).
    """
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

    if method.backtranslation:
        raise ValueError("back-translation refines translate-test; translate-train projects gold entities")
    if source != "conll2003":
        raise ValueError(f"unknown source {source!r}; projner translates from conll2003")
    label_map = LabelMap.parse(source_label_map)
    renames, drops = split_label_map(label_map)
    markers = method.method == "easyproject"
    gold = load_gold(source, "en", split, data_dir=options.data_dir, cache_dir=options.cache_root(),
                     limit=options.limit, lenient=options.lenient,
                     label_map=source_label_map if markers else renames.as_strings())
    labels = drops.map_labels(gold.labels)
    code = get_language(lang).code
    chain = Chain(options.runner(), gold.dataset, gold.fingerprint)
    models = _Models()
    retyping: dict[str, Any] = {}
    if markers:
        chain.step("gold_tags", GoldTags(gold.labels))
        translate = chain.step("easyproject_translate", EasyProjectTranslate(EasyProjectTranslateConfig(
            translate=options.translate_config("en", lang, model=method.easyproject_model,
                                               tokenizer=method.easyproject_tokenizer),
            words_column="tokens",
        )), uses_model=True, batch_size=options.translate_batch_size * 16)
        models.add("translator", method.easyproject_model, translate.revision())
        chain.step("easyproject_match", ProjectMarked(ProjectMarkedConfig(
            target_lang=lang, threshold=method.easyproject_threshold, words_column="tokens",
            dropped_column="projection_issues")))
        aligner = {"name": "none", "params": {"projection": "EasyProject markers, no word alignment"}}
    else:
        source_tags = source_tag_steps(chain, gold.labels, drops)
        chain.step("detokenize", Detokenize(DetokenizeConfig(lang="en", words_column="tokens", text_column="sentence")))
        translate = chain.step("translate", Translate(options.translate_config("en", lang)), uses_model=True,
                               batch_size=options.translate_batch_size * 16)
        models.add("translator", options.translator, translate.revision())
        chain.step("split_words", SplitWords(SplitWordsConfig(lang=lang)))
        external = None
        if method.candidates == "ner":
            candidates = chain.step("label_target", _label_stage(
                options, entity_types(labels), words_column="tgt_tokens", tags_column="candidate_tags",
                entities_column="candidate_entities"), uses_model=True, batch_size=options.ner_batch_size * 8)
            models.add("candidate-selector", options.ner_model, candidates.revision())
            external = "candidate_entities"
        aligner = _align(chain, options, method, models, name="align", source="tokens", target="tgt_tokens")
        retyping = project_corpus(chain, method.projection_config(lang), drops, method.retype_config(drops),
                                  source_tags=source_tags, external_spans=external)
    described = method.describe(lang)
    if not markers:
        described["params"]["retype_dropped"] = retyping.get("config")
    settings = ", ".join(f"{k}={v}" for k, v in aligner["params"].items())
    chain.step("select", SelectSentences(SelectConfig(
        keep_partial=method.keep_partial, min_score=method.min_score,
        method=f"{described['name']} ({aligner['name']}: {settings})",
        models=tuple(f"{m['role']}={m['id']}@{m['revision'] or 'local'}" for m in models.refs),
    )))
    ds = chain.dataset
    kept = [not reason for reason in ds["dropped_reason"]]
    report = {
        "task": "translate-train", "source": source, "lang": code, "split": gold.split,
        "sentences": len(ds), "kept": sum(kept), "dropped": dropped_counts(ds["dropped_reason"]),
        "input_skipped": gold.skipped,
        "source_entities": sum(_entity_count(tags) for tags in ds["src_tags"]),
        "projected_entities": sum(len(e) for e, k in zip(ds["tgt_entities"], kept) if k),
        **({"retyped": retyping["retyped"]} if "retyped" in retyping else {}),
        **_translation_counts(ds), "source_label_map": list(source_label_map), "method": described,
        "aligner": aligner, "models": models.refs,
        "no_gold_reason": "translate-train labels a new translation: there is no target-side gold to score",
    }
    provenance = _provenance("translate-train", gold, target_language=code, method=described, aligner=aligner,
                             models=models.refs, labels=labels, label_map=source_label_map)
    return _finish(options, chain.runner, datasets.DatasetDict({gold.split: ds}), report, provenance,
                   keep_dropped=False)


UNMAPPED_TAGS = "src_unmapped_tags"
"""The source's tags before the label map drops types (with MISC where ``MISC=O``)."""
TYPED_TAGS, TYPED_ENTITIES = "typed_tags", "typed_entities"
"""The projection under the source's own types, before retyping and the label map."""


def split_label_map(label_map: LabelMap) -> tuple[LabelMap, LabelMap]:
    """``(renames, drops)``: the entries that rename a type, and those that map one to O."""
    renames = {k: v for k, v in label_map.mapping.items() if v != OUTSIDE}
    drops = {k: v for k, v in label_map.mapping.items() if v == OUTSIDE}
    return LabelMap(renames), LabelMap(drops)


def source_tag_steps(chain: Chain, labels: Sequence[str], drops: LabelMap) -> str:
    """The gold tags as strings in ``src_tags`` (after ``drops``), the unmapped ones kept in
    ``src_unmapped_tags`` where ``drops`` removes a type; returns the column projection reads."""
    if not drops:
        chain.step("gold_tags", GoldTags(labels))
        return "src_tags"
    chain.step("gold_tags", GoldTags(labels, tags_column=UNMAPPED_TAGS))
    chain.step("map_source_tags", MapTags(drops, UNMAPPED_TAGS, "src_tags"))
    return UNMAPPED_TAGS


def project_corpus(chain: Chain, projection: Any, drops: LabelMap, retype: Any, *, source_tags: str,
                   external_spans: str | None = None, source_tokens: str = "tokens") -> dict[str, Any]:
    """translate-train's projection of a chain positioned after alignment.

    Without ``retype``: ``project`` reads ``src_tags`` (the dropped types already O). With it: every
    source type is projected from ``source_tags`` (``typed_tags``/``typed_entities``; an unprojected
    entity of a dropped type never drops its sentence), then the ``retype`` step (the whole corpus in
    one batch) gives those spans a type from the corpus's evidence and applies ``drops``, adding
    ``tgt_entities``/``projected_tags``. ``dropped_reason`` becomes ``projection_issues``. Returns
    what the report and provenance record: the retyping config and the counts of what dropped-type
    spans became.
    """
    from projner.processing.stages.corpus_types import Retype, retype_counts
    from projner.processing.stages.transfer import Project, ProjectColumns

    if retype is None:
        columns = ProjectColumns(source_tokens=source_tokens, source_tags="src_tags", external_spans=external_spans)
        chain.step("project", Project(projection, columns))
        chain.rename("dropped_reason", "projection_issues")
        return {}
    columns = ProjectColumns(source_tokens=source_tokens, source_tags=source_tags, external_spans=external_spans,
                             projected_tags=TYPED_TAGS, target_entities=TYPED_ENTITIES)
    chain.step("project", Project(projection, columns, optional_types=retype.types))
    chain.rename("dropped_reason", "projection_issues")
    chain.step("retype", Retype(retype, tuple(drops.as_strings()), rows=len(chain.dataset)),
               batch_size=max(1, len(chain.dataset)))
    ds = chain.dataset
    return {"config": asdict(retype),
            "retyped": retype_counts(ds[TYPED_ENTITIES], ds["tgt_entities"], retype.types)}


def _entity_count(tags: Sequence[str]) -> int:
    from projner.processing.project.spans import tags_to_spans

    return len(tags_to_spans(tags))
