"""Several sources projected onto the same target sentences, combined into one projection.

Each source (or each view of one: its projection through one symmetrisation of its links) is first
projected on its own by a single-source pipeline; :func:`combine_projections` then puts the
sources' projected spans side by side on the target words, one column per source
(``tgt_entities_<name>``, ``projected_tags_<name>``: who projected what stays visible), and runs the
Combine stage (:mod:`projner.processing.stages.combination`) over them. The sources must describe
the same target sentences: same ids, same words, in the same order; anything else is an error that
names the first sentence that differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import datasets

from projner.dataset_cards.provenance import Component, Provenance, SourceDataset
from projner.labels import LabelMap
from projner.languages import get_language
from projner.processing.evaluate import ner_scores
from projner.processing.options import Origin, PairColumns
from projner.processing.project.combine import CombineConfig
from projner.processing.results import PipelineResult
from projner.processing.stages.combination import (
    Combine,
    CombineColumns,
    combine_dataset,
    summed_counts,
    voter_weights,
)
from projner.processing.stages.correspondence import AlignConfig

PAIR_TARGET = ("tgt_tokens", ("id", "tgt_tags"))
"""project-parallel's target side: its words column and the columns kept from the first source."""
ORIGINAL_TARGET = ("tokens", ("id", "ner_tags"))
"""translate-test's target side: the original sentence's words and gold tags."""


@dataclass(frozen=True)
class CombinedProjection:
    dataset: datasets.Dataset
    report: dict[str, Any]


def voter_column(prefix: str, name: str) -> str:
    """``tgt_entities_en``, ``projected_tags_en-gdfa``: a source's column under a safe name."""
    return f"{prefix}_{re.sub(r'[^0-9A-Za-z_-]+', '_', name)}"


def _check_names(names: Sequence[str], described: Sequence[str] | None = None) -> None:
    """Every source its own columns: names that are equal, or that differ only where
    :func:`voter_column` makes them safe (``a.b``, ``a_b``), would write one column twice."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        column = voter_column("tgt_entities", name)
        if column in seen:
            first, said = seen[column], described or names
            raise ValueError(f"sources {said[first]!r} and {said[index]!r} would both be written as {column}: "
                             "give each source a distinct name")
        seen[column] = index


def _check_same_target(first: tuple[str, datasets.Dataset], other: tuple[str, datasets.Dataset],
                       words: str) -> None:
    (name_a, a), (name_b, b) = first, other
    if len(a) != len(b):
        raise ValueError(f"sources {name_a!r} and {name_b!r} cover {len(a)} and {len(b)} target sentences; "
                         "several sources must be projected onto the same target sentences")
    ids_a = a["id"] if "id" in a.column_names else list(range(len(a)))
    ids_b = b["id"] if "id" in b.column_names else list(range(len(b)))
    for row, (id_a, id_b, words_a, words_b) in enumerate(zip(ids_a, ids_b, a[words], b[words])):
        if id_a != id_b or words_a != words_b:
            raise ValueError(f"sources {name_a!r} and {name_b!r} differ at target sentence {row} "
                             f"(ids {id_a!r} / {id_b!r}): several sources must share the target's words")


def combine_projections(projected: Sequence[tuple[str, datasets.Dataset]],
                        config: CombineConfig | None = None, *,
                        target: tuple[str, tuple[str, ...]] = PAIR_TARGET, groups: Sequence[str] | None = None,
                        **map_kwargs: Any) -> CombinedProjection:
    """One dataset over the target sentences: every source's projection as its own columns, and the
    combination (``projected_tags``, ``tgt_entities``, ``combine_voters``, ``combine_counts``).

    ``projected``: ``(source name, projected dataset)`` pairs, each with the target's words
    (``target``: its words column and the target columns kept, :data:`PAIR_TARGET` or
    :data:`ORIGINAL_TARGET`) and ``tgt_entities`` (what the Project stage writes); names must be distinct. ``config``: default
    :class:`CombineConfig` (ilp, voter weights from their reliability
    over the dataset, estimated without gold). ``groups``: per voter, the source it is a view of
    (its views share one reliability estimate); default: every voter its own source.
    """
    config = config or CombineConfig()
    if not projected:
        raise ValueError("combining needs at least one projected source")
    names = [name for name, _ in projected]
    _check_names(names)
    words, kept = target
    for name, dataset in projected:
        missing = [c for c in (words, "tgt_entities") if c not in dataset.column_names]
        if missing:
            raise ValueError(f"source {name!r} has no {', '.join(missing)} column: project it first")
    for other in projected[1:]:
        _check_same_target(projected[0], other, words)
    first = projected[0][1]
    table = first.select_columns([c for c in (words, *kept) if c in first.column_names])
    for name, dataset in projected:
        table = table.add_column(voter_column("tgt_entities", name), dataset["tgt_entities"])
        if "projected_tags" in dataset.column_names:
            table = table.add_column(voter_column("projected_tags", name), dataset["projected_tags"])
    stage_columns = CombineColumns(voters=tuple(voter_column("tgt_entities", n) for n in names), target_tokens=words)
    if groups is not None and len(groups) != len(names):
        raise ValueError(f"{len(groups)} groups for {len(names)} sources")
    weights = voter_weights(table, stage_columns, groups) if config.method == "ilp" else None
    stage = Combine(stage_columns, config, names=tuple(names), weights=weights)
    combined = combine_dataset(table, stage, **map_kwargs)
    report = {"sources": names, "combine": config.describe(),
              "min_agree": config.needed(len(names)) if config.method == "vote" else None,
              "weights": dict(zip(names, weights)) if weights else None,
              "counts": summed_counts(combined, stage_columns)}
    return CombinedProjection(combined, report)


@dataclass(frozen=True)
class SourcePairs:
    """One source of a multi-source projection: its sentence pairs with the target and its language."""

    name: str
    """How the source is called in the output's columns and the report (its language code, a file)."""
    pairs: datasets.Dataset | datasets.DatasetDict
    """What :func:`~projner.processing.pipelines.project_parallel` takes: ``src_tokens``, ``src_tags``,
    ``tgt_tokens`` (the same target sentences for every source), optionally ``tgt_tags``, ``alignments``."""
    lang: str | None = None
    origin: Origin = field(default_factory=Origin)


def project_parallel_sources(sources: Sequence[SourcePairs], *, target_lang: str | None = None,
                             combine: CombineConfig | None = None, views: int | None = None,
                             split: str | None = None, **options: Any) -> PipelineResult:
    """Project several labelled sources onto the same target sentences, each on its own (aligned and
    projected by :func:`~projner.processing.pipelines.project_parallel` with ``options``), then
    combine them (:func:`combine_projections`). One source is exactly ``project_parallel``.

    ``views``: each source is aligned by ``views`` eflomal runs and every run's links, symmetrised
    each way of :data:`~projner.processing.align.statistical.VIEW_SYMMETRIZATIONS`, are projected on
    their own (:func:`source_views`); every view votes, the views of one source sharing its weight.
    None (default): one voter per source, through the aligner's voted links.

    The report holds, per split, every voter's own report (``sources``), the combination's counts,
    the voters' weights and, where the target has gold tags, the combined projection's scores.
    """
    from projner.processing.align.statistical import VIEW_SYMMETRIZATIONS
    from projner.processing.pipelines import pair_inputs, project_parallel

    if not sources:
        raise ValueError("project-parallel needs at least one source")
    _check_kind(sources, SourcePairs)
    _check_splits([(s.name, s.pairs) for s in sources], split)
    _check_votes(combine, len(sources) * (views * len(VIEW_SYMMETRIZATIONS) if views else 1), "sources")
    _check_names([s.name for s in sources], [_described(s) for s in sources])
    for source in sources:  # every source's rows, before the first one is aligned
        pair_inputs(source.pairs, split, options.get("columns") or PairColumns())
    groups = None
    if views is not None:
        voters = [(source.name, view) for source in sources
                  for view in source_views(source, views, options.get("aligner"), options.get("columns"), split)]
        groups, sources = [name for name, _ in voters], [view for _, view in voters]
    runs = [project_parallel(s.pairs, source_lang=s.lang, target_lang=target_lang, origin=s.origin, split=split,
                             **options) for s in sources]
    if len(sources) == 1:
        return runs[0]
    config = combine or CombineConfig()
    names = [s.name for s in sources]
    outputs, reports = {}, {}
    for split_name in runs[0].dataset:
        combined = combine_projections([(name, run.dataset[split_name]) for name, run in zip(names, runs)], config,
                                       groups=groups)
        report = {"sentences": len(combined.dataset), **combined.report, "views": views,
                  **_source_reports(names, [run.reports[split_name] for run in runs])}
        if "tgt_tags" in combined.dataset.column_names:
            report |= ner_scores(combined.dataset["tgt_tags"], combined.dataset["projected_tags"])
        outputs[split_name], reports[split_name] = combined.dataset, report
    # every source's language, each once (two English sources are English), or none where one is unknown
    languages = list(dict.fromkeys(get_language(s.lang).code for s in sources if s.lang))
    provenance = _combined_provenance(runs[0].provenance, languages if all(s.lang for s in sources) else [],
                                      names, config, views=views and _views_entry(views, options.get("aligner")))
    return PipelineResult(datasets.DatasetDict(outputs), reports, provenance, keep_dropped=True,
                          gold=runs[0].gold, no_gold_reason=runs[0].no_gold_reason)


def _described(source: SourcePairs) -> str:
    """The source's name, with the file it was read from where its origin says."""
    file = source.origin.report.get("source") if isinstance(source.origin.report, Mapping) else None
    return f"{source.name} ({file})" if file else source.name


def source_views(source: SourcePairs, runs: int, aligner: AlignConfig | None = None,
                 columns: PairColumns | None = None, split: str | None = None) -> list[SourcePairs]:
    """The source once per view: its pairs with the links of one eflomal run symmetrised one way
    (:func:`~projner.processing.align.statistical.run_views`) as given alignments, named
    ``<source>/run<k>/<symmetrization>``. ``aligner``: eflomal's options (its ``runs`` replaced by
    ``runs``, its symmetrisation by the views'); each split is aligned on its own, as the pipeline does."""
    from projner.processing.align.backends import make_aligner
    from projner.processing.align.statistical import EflomalAligner, run_views
    from projner.processing.inputs import named_splits

    aligner = aligner or AlignConfig("eflomal")
    columns = columns or PairColumns()
    if aligner.backend != "eflomal":
        raise ValueError(f"views are eflomal runs: they need the eflomal aligner, not {aligner.backend!r}")
    if runs < 1:
        raise ValueError(f"views: at least one eflomal run, got {runs}")
    _check_view_options(aligner.options)
    options = {k: v for k, v in aligner.options.items() if k != "symmetrization"} | {"runs": runs}
    backend = make_aligner("eflomal", **options)
    assert isinstance(backend, EflomalAligner)
    by_view: dict[str, dict[str, datasets.Dataset]] = {}
    for split_name, pairs in named_splits(source.pairs, split).items():
        if columns.alignments in pairs.column_names:
            raise ValueError(f"source {source.name!r} has given alignments ({columns.alignments!r}): views are "
                             "eflomal runs of an unaligned source")
        links = run_views(backend.align_runs(pairs[columns.src_tokens], pairs[columns.tgt_tokens]))
        for view, per_sentence in links.items():
            by_view.setdefault(view, {})[split_name] = pairs.add_column(
                columns.alignments, [[list(link) for link in sentence] for sentence in per_sentence])
    return [replace(source, name=f"{source.name}/{view}", pairs=datasets.DatasetDict(splits))
            for view, splits in by_view.items()]


def _check_view_options(options: Mapping[str, Any]) -> None:
    """Refuse the eflomal options that views set themselves (a run count, a symmetrisation): else
    ``--symmetrization grow --views 3`` runs intersection and gdfa without a word."""
    from projner.processing.align.statistical import (
        DEFAULT_SYMMETRIZATION,
        VIEW_SYMMETRIZATIONS,
    )

    ignored = [f"{key}={value!r}" for key, value in options.items()
               if key == "runs" or (key == "symmetrization" and value != DEFAULT_SYMMETRIZATION)]
    if ignored:
        raise ValueError(f"views are eflomal runs (their number given by views) each symmetrised both ways "
                         f"({', '.join(VIEW_SYMMETRIZATIONS)}): the aligner's {', '.join(ignored)} would be "
                         "ignored; leave it out")


def _check_kind(sources: Sequence[Any], kind: type) -> None:
    """A list of ``kind``: anything else fails on a missing attribute, far from the call."""
    if isinstance(sources, kind):
        raise TypeError(f"sources is a list of {kind.__name__}, got one (write [source] for one)")
    for index, source in enumerate(sources):
        if not isinstance(source, kind):
            raise TypeError(f"source {index} is a {type(source).__name__}, not a {kind.__name__}: wrap each "
                            f"dataset as {kind.__name__}(name, dataset, lang)")


def _check_splits(data: Sequence[tuple[str, Any]], split: str | None) -> None:
    """Every source (its name and dataset) with the same splits, checked before the first one runs:
    else a ``KeyError`` from inside ``datasets`` comes after it."""
    from projner.processing.inputs import named_splits

    splits = [(name, list(named_splits(dataset, split))) for name, dataset in data]
    if any(set(found) != set(splits[0][1]) for _, found in splits):
        raise ValueError("the sources have different splits (" + "; ".join(
            f"{name}: {', '.join(found)}" for name, found in splits) + "): give every source the same ones")


def _check_votes(combine: CombineConfig | None, voters: int, what: str) -> None:
    """Refuse, before any work, a ``min_agree`` that nothing would use or that no span could meet."""
    if combine is None or combine.min_agree is None:
        return
    if voters == 1:
        raise ValueError(f"min_agree applies when several {what} are combined; one was given")
    if combine.method == "vote" and combine.min_agree > voters:
        raise ValueError(f"min_agree {combine.min_agree} is more than the {voters} voters: no span could be kept")


def _views_entry(runs: int, aligner: AlignConfig | None) -> dict[str, Any]:
    from projner.processing.align.statistical import VIEW_SYMMETRIZATIONS

    options = {k: v for k, v in (aligner.options if aligner else {}).items()
               if k not in ("symmetrization", "runs", "extra_source", "extra_target")}
    return {"aligner": "eflomal", "runs": runs, "symmetrizations": list(VIEW_SYMMETRIZATIONS), **options}


def translate_test_pivots(target: datasets.Dataset | datasets.DatasetDict, lang: str, pivots: Sequence[str], *,
                          combine: CombineConfig | None = None, split: str | None = None,
                          **options: Any) -> PipelineResult:
    """translate-test through several pivot languages at once: the target sentences are translated
    into each pivot, labelled and projected back on their own
    (:func:`~projner.processing.pipelines.translate_test` with ``options``), and the projections
    onto the original words are combined and scored against the gold. One pivot is exactly
    ``translate_test``. ``pivots``: a list of codes (``["en", "fr"]``, what ``--pivots en,fr``
    gives); a string is refused rather than guessed at, as :meth:`~projner.labels.LabelMap.parse`
    refuses one."""
    from projner.processing.pipelines import translate_test

    if isinstance(pivots, str):  # one code or several separated by commas? refused rather than guessed at
        raise TypeError(f"pivots is a list of language codes, got the string {pivots!r} (write [{pivots!r}] for "
                        "one pivot)")
    if not pivots:
        raise ValueError("translate-test needs at least one pivot language")
    codes = [get_language(p).code for p in pivots]
    if len(set(codes)) != len(codes):
        raise ValueError(f"pivot languages must be distinct, got {list(pivots)}")
    if get_language(lang).code in codes:
        raise ValueError(f"pivot languages {list(pivots)} hold the target language {lang!r}: each pivot is a "
                         "language the target is translated into")
    _check_votes(combine, len(codes), "pivots")
    runs = [translate_test(target, lang, pivot_lang=code, split=split, **options) for code in codes]
    if len(runs) == 1:
        return runs[0]
    config = combine or CombineConfig()
    outputs, reports = {}, {}
    for split_name in runs[0].dataset:
        combined = combine_projections([(code, run.dataset[split_name]) for code, run in zip(codes, runs)], config,
                                       target=ORIGINAL_TARGET)
        first = runs[0].reports[split_name]
        report = {"task": "translate-test", "lang": first["lang"], "split": split_name,
                  **_against_gold(combined.dataset, first), "sentences": len(combined.dataset),
                  **combined.report, **_source_reports(codes, [run.reports[split_name] for run in runs])}
        outputs[split_name], reports[split_name] = combined.dataset, report
    provenance = _combined_provenance(runs[0].provenance, codes, codes, config)
    return PipelineResult(datasets.DatasetDict(outputs), reports, provenance, keep_dropped=True,
                          gold=runs[0].gold, no_gold_reason=runs[0].no_gold_reason)


def _against_gold(combined: datasets.Dataset, pivot_report: dict[str, Any]) -> dict[str, Any]:
    """The combination's scores against the target's gold tags, with the types the pivots' runs
    scored as O; where the target has no gold, the pivots' reason and what was predicted."""
    from projner.processing.inputs import label_names, tag_strings
    from projner.processing.results import prediction_counts

    predicted = combined["projected_tags"]
    if "no_gold" in pivot_report:
        return {"no_gold": pivot_report["no_gold"], **prediction_counts(predicted)}
    gold = tag_strings(combined, "ner_tags", label_names(combined, "ner_tags"))
    eval_map = LabelMap.parse(pivot_report["eval_label_map"])
    return {**ner_scores(gold, predicted, label_map=eval_map or None), "eval_label_map": pivot_report["eval_label_map"]}


def _source_reports(names: Sequence[str], reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Every source's own report, and their steps' timings and cache use under the source's name."""
    return {"source_reports": dict(zip(names, reports)),
            "timings": {f"{name} {step}": seconds for name, report in zip(names, reports)
                        for step, seconds in report.get("timings", {}).items()},
            "cached_steps": [f"{name} {step}" for name, report in zip(names, reports)
                             for step in report.get("cached_steps", [])]}


def _combined_provenance(first: Provenance, languages: Sequence[str], names: Sequence[str],
                         config: CombineConfig, views: dict[str, Any] | None = None) -> Provenance:
    """The first source's provenance, naming every source language and the combination as the method
    (and, with views, the eflomal runs that made them as the aligner)."""
    combined = replace(first, source_language=",".join(languages) or None, method=Component("combine", json.loads(
        json.dumps({"combine": asdict(config), "sources": list(names),
                    "per_source": {"method": first.method.name, "params": first.method.params}}))))
    if views:
        combined = replace(combined, aligner=Component("eflomal views", json.loads(json.dumps(views))))
    return combined


@dataclass(frozen=True)
class SourceCorpus:
    """One labelled source corpus of a multi-source translate-train run."""

    name: str
    dataset: datasets.Dataset | datasets.DatasetDict
    lang: str
    origin: Origin = field(default_factory=Origin)


def translate_train_sources(sources: Sequence[SourceCorpus], target_lang: str, *, split: str | None = None,
                            **options: Any) -> PipelineResult:
    """translate-train from several labelled corpora, each in its own language, into one target
    language: each is translated and projected on its own
    (:func:`~projner.processing.pipelines.translate_train` with ``options``), and the silver
    sentences are pooled into one corpus with a ``source_language`` column. Their translations are
    different sentences, so there are no shared target words to vote on: pooling, not combining,
    is what several sources mean here. One source is exactly ``translate_train``.
    """
    from projner.processing.pipelines import translate_train

    if not sources:
        raise ValueError("translate-train needs at least one source corpus")
    _check_kind(sources, SourceCorpus)
    _check_splits([(s.name, s.dataset) for s in sources], split)
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ValueError(f"source names must be distinct, got {names}")
    runs = [translate_train(s.dataset, target_lang, source_lang=s.lang, origin=s.origin, split=split, **options)
            for s in sources]
    if len(runs) == 1:
        return runs[0]
    labels = [run.provenance.labels for run in runs]
    if any(set(other) != set(labels[0]) for other in labels[1:]):
        raise ValueError("the source corpora's entity types differ after their label maps ("
                         + "; ".join(f"{n}: {', '.join(sorted(set(lab)))}" for n, lab in zip(names, labels))
                         + "): map them onto the same types (--source-label-map) to pool them")
    outputs, reports = {}, {}
    for split_name in runs[0].dataset:
        parts = [run.dataset[split_name] for run in runs]
        common = [c for c in parts[0].column_names if all(c in p.column_names for p in parts)]
        parts = [_tags_by_name(p.select_columns(common), [q.features for q in parts]) for p in parts]
        parts = [p.add_column("source_language", [get_language(s.lang).code] * len(p))
                 for p, s in zip(parts, sources)]
        try:
            features = datasets.Features({c: _typed_feature([p.features[c] for p in parts]) for c in common
                                          + ["source_language"]})
            pooled = datasets.concatenate_datasets([p.cast(features) for p in parts])
        except (ValueError, TypeError) as err:
            raise ValueError(f"the source corpora's outputs cannot be pooled into one split {split_name!r}: {err}") \
                from None
        own = [run.reports[split_name] for run in runs]
        report = {"task": "translate-train", "lang": own[0]["lang"], "split": split_name,
                  **{key: sum(r[key] for r in own) for key in ("sentences", "kept", "source_entities",
                                                                "projected_entities")},
                  "dropped": _summed([r.get("dropped", {}) for r in own]), "sources": names,
                  "no_gold_reason": own[0]["no_gold_reason"], **_source_reports(names, own)}
        outputs[split_name], reports[split_name] = pooled, report
    provenance = replace(runs[0].provenance, source_language=",".join(get_language(s.lang).code for s in sources),
                         source_dataset=_pooled_source([run.provenance.source_dataset for run in runs]))
    return PipelineResult(datasets.DatasetDict(outputs), reports, provenance, keep_dropped=runs[0].keep_dropped,
                          gold=runs[0].gold, no_gold_reason=runs[0].no_gold_reason)


def _pooled_source(records: Sequence[SourceDataset]) -> SourceDataset:
    """One record for pooled corpora: the shared one, or their names with every licence to respect."""
    if all(r == records[0] for r in records):
        return records[0]
    licences = "; ".join(f"{r.name}: {r.license_name or r.license}" for r in records)
    return SourceDataset(name=" + ".join(r.name for r in records), license="other", license_name="several",
                         citation=None, homepage=None,
                         license_details=f"Pooled from several corpora; every one's terms apply: {licences}.")


def _tags_by_name(part: datasets.Dataset, features: Sequence[datasets.Features]) -> datasets.Dataset:
    """``part`` with each ``ClassLabel`` list column the parts do not share written as its label
    names: casting one part's ids to another's feature keeps the ids, which become the strings
    ``'5'`` beside IOB2 strings, or another label under ClassLabel names in another order."""
    for column in part.column_names:
        feature = part.features[column]
        if isinstance(getattr(feature, "feature", None), datasets.ClassLabel) and any(
                other.get(column) != feature for other in features):
            names = feature.feature.names
            part = part.map(lambda batch, c=column, n=names: {c: [[n[t] for t in row] for row in batch[c]]},
                            batched=True, features=datasets.Features({**part.features,
                                                                      column: datasets.List(datasets.Value("string"))}))
    return part


def _typed_feature(candidates: Sequence[Any]) -> Any:
    """A column's feature across parts: one that knows its types (a part whose lists were all empty
    only knows ``null``)."""
    return next((f for f in candidates if "null" not in repr(f)), candidates[0])


def _summed(counts: Sequence[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for table in counts:
        for key, value in table.items():
            total[key] = total.get(key, 0) + value
    return total
