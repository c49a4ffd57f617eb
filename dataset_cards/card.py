"""The dataset card of an exported folder: YAML metadata for the Hub and a Markdown body, both
written from each config's provenance, statistics and run report.

Every section is filled from what the run recorded, or says explicitly why there is nothing to
report (no gold → the evaluation section gives the reason). :func:`check_card` refuses a card with
an empty section or a surviving template placeholder; :func:`render_card` always runs it.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from projner.dataset_cards import citations
from projner.dataset_cards.folder import (
    CARD_MARKER,
    PROVENANCE_FILE,
    README,
    REPORT_FILE,
    STATISTICS_FILE,
    HubFolderError,
    read_front_matter,
    read_json,
    read_provenance,
    write_readme,
)
from projner.dataset_cards.provenance import Provenance, SourceDataset
from projner.dataset_cards.statistics import SplitStatistics
from projner.errors import UserError
from projner.labels import entity_types
from projner.languages import Language, get_language


class CardError(UserError):
    """A card that would publish an empty section or an unfilled placeholder."""


@dataclass(frozen=True)
class ConfigRecord:
    """Everything the card says about one config (one target language)."""

    name: str
    provenance: Provenance
    statistics: Mapping[str, SplitStatistics]
    report: Mapping[str, Any] | None
    columns: Mapping[str, str]
    """Column name → a short type description, in the published order."""
    default: bool = False

    @property
    def language(self) -> Language | None:
        """The target language; None where the run did not record it."""
        code = self.provenance.target_language
        return get_language(code) if code else None

    @property
    def source_languages(self) -> tuple[Language, ...]:
        return tuple(get_language(code) for code in self.provenance.source_languages)


COLUMN_DOCS: dict[str, str] = {
    "id": "the sentence's id in the source dataset",
    "tokens": "the words that carry the labels (target language)",
    "ner_tags": "the labels of `tokens`, IOB2, as `ClassLabel` ids (names in the features)",
    "src_tokens": "the words of the labelled side the entities came from",
    "src_tags": "the IOB2 tags of `src_tokens`",
    "tgt_tags": "gold IOB2 tags of the target words, where the source dataset has them",
    "original_tokens": "the input dataset's own `tokens`, kept where the published `tokens` are "
    "the other side",
    "original_ner_tags": "the input dataset's own gold `ner_tags`, kept beside the published labels",
    "translation": "the raw machine translation",
    "translation_offsets": "character spans of the words of `translation`",
    "alignments": "word links `[source index, target index]`, 0-indexed",
    "src_entities": "source entities `{start, end (exclusive), label, score}` over word indices",
    "tgt_entities": "projected entities `{start, end (exclusive), label, score}` with their scores",
    "src_unmapped_tags": "the source's gold IOB2 tags before the label map dropped types "
    "(`MISC=O`); `src_tags` are after it",
    "typed_tags": "the projection under the source's own types (MISC kept), before retyping",
    "typed_entities": "the projected spans under the source's own types, before retyping: a span "
    "of a dropped type became the type the corpus's other projections give its text, or was removed",
    "dropped_reason": "empty, or why the sentence would be left out of a silver corpus (published "
    "only in evaluation folders exported with `--keep-dropped`)",
    "projection_issues": "empty, or why some source entity got no target span (`unaligned`, "
    "`filtered`, `overlap`, ...); keep `projection_issues == \"\"` for complete sentences only",
    "unprojected_entities": "the source entities that got no target span, each with its reason",
    "method": "the projection method and aligner settings that produced the labels",
    "models": "the models (with revisions) that produced the row",
}

TASK_DOCS: dict[str, str] = {
    "project-parallel": "gold entities of a human-translated parallel corpus projected across word "
    "alignments onto the other side",
    "translate-test": "the target text machine-translated into the source language, labelled there "
    "by a source-language NER model, and the entities projected back onto the target words",
    "translate-train": "a gold source-language corpus machine-translated into the target language "
    "and its gold entities projected onto the translation",
    "model-transfer": "the target text labelled directly by a multilingual NER model (no "
    "translation, no projection)",
}

_PLACEHOLDER_RE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def _template(name: str) -> string.Template:
    text = resources.files("projner.dataset_cards").joinpath("templates", name).read_text("utf-8")
    return string.Template(text)


def _template_fields(name: str) -> set[str]:
    return set(_template(name).get_identifiers())


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v) for v in value) if value else "(empty list)"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items()) if value else "(empty mapping)"
    if value is None:
        return "none"
    return f"`{value}`"


def _plain(text: str) -> str:
    """Text a user or a file name supplied, shown as text: a ``<`` there (``<!--``, ``<img …>``) would
    otherwise be read as HTML by the Hub's Markdown and hide or break the rest of the card."""
    return html.escape(text, quote=False)


def _percent(value: float) -> str:
    return f"{100 * value:.1f}"


NOT_RECORDED = "not recorded"


def _language_label(lang: Language | None) -> str:
    return f"{lang.name} (`{lang.code}`)" if lang else f"language {NOT_RECORDED}"


def _record_hint(side: str, option: str) -> str:
    """How to record a language the run did not record, for the card."""
    return (f"give `{option} CODE` to `projner project-parallel`, or set `{side}` in "
            "`<config>/provenance.json` and run `projner export FOLDER` to rewrite this card")


def _source_label(source: SourceDataset) -> str:
    title = f"[{_plain(source.title)}]({source.homepage})" if source.homepage else _plain(source.title)
    parts = [title]
    if source.config:
        parts.append(f"config `{source.config}`")
    if source.split:
        parts.append(f"split `{source.split}`")
    return ", ".join(parts)


# --- one config -------------------------------------------------------------------------------


def _overview(record: ConfigRecord) -> str:
    prov, lang = record.provenance, record.language
    if lang is None:
        target = (f"- Target language: {NOT_RECORDED} (so its script and word spacing are unknown "
                  f"too); to record it, {_record_hint('target_language', '--target-lang')}")
    else:
        spacing = "separates words by spaces" if lang.spaces else "does not separate words by spaces"
        target = f"- Target language: {_language_label(lang)}, script `{lang.script}`, which {spacing}"
    sources = ", ".join(_language_label(s) for s in record.source_languages) or (
        f"{NOT_RECORDED}; to record it, {_record_hint('source_language', '--source-lang')}")
    return "\n".join([
        target,
        f"- Source language: {sources}",
        f"- Task: `{prov.task}`: {TASK_DOCS[prov.task]}",
        f"- Created: {prov.created} with projner {prov.projner_version}",
        f"- Config: `{record.name}`" + (" (the default)" if record.default else ""),
    ])


def _source(record: ConfigRecord) -> str:
    source = record.provenance.source_dataset
    named = f" (`{source.name}`)" if source.name != source.title else ""
    lines = [f"Entities come from {_source_label(source)}{named}."]
    if not source.homepage:
        lines.append(f"Its homepage was {NOT_RECORDED} (local files).")
    license_text = source.license_name or source.license
    lines.append(f"Its licence, inherited by this config: `{license_text}`.")
    if source.license_details:
        lines.append(_plain(source.license_details))
    return "\n".join(lines)


def _component(component_name: str, params: Mapping[str, Any], what: str) -> str:
    head = f"{what} `{component_name}`"
    if not params:
        return f"{head}, which takes no parameters."
    rows = [(f"`{key}`", _value(value)) for key, value in params.items()]
    return f"{head}, with every parameter it ran with:\n\n" + _table(("parameter", "value"), rows)


def _aligner(record: ConfigRecord) -> str:
    aligner = record.provenance.aligner
    if aligner is None:
        return ("No word alignment: model transfer labels the target words directly, so no "
                "aligner was used.")
    return _component(aligner.name, aligner.params, "Aligner")


def _models(record: ConfigRecord) -> str:
    models = record.provenance.models
    if not models:
        return (f"No pretrained model is recorded for this run: the source entities are gold, and "
                f"the aligner `{record.provenance.aligner.name}` ran with the parameters above.")
    rows = []
    for model in models:
        revision = f"`{model.revision}`" if model.revision else "not pinned (loaded from a local path)"
        rows.append((model.role, model_link(model.id), revision))
    return _table(("role", "model", "revision"), rows)


_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")


def model_link(model_id: str) -> str:
    """A model's id, linked to its Hub page where it is a Hub id (a local folder is not)."""
    if _HUB_ID.fullmatch(model_id) and ".." not in model_id:
        return f"[`{model_id}`](https://huggingface.co/{model_id})"
    return f"`{model_id}` (a local folder)"


def _retyped(record: ConfigRecord) -> bool:
    """Whether the types the label map drops were projected and retyped (translate-train)."""
    return bool(record.provenance.method and record.provenance.method.params.get("retype_dropped"))


def _labels(record: ConfigRecord) -> str:
    prov = record.provenance
    names = ", ".join(f"`{label}`" for label in prov.labels)
    lines = [f"`ner_tags` names, in id order: {names}."]
    if prov.label_map and _retyped(record):
        lines.append("Label map: " + ", ".join(f"`{item}`" for item in prov.label_map)
                     + ". The types it drops were projected too, and each of their spans took the type "
                     "the corpus's other projections give its text, where enough of them agree "
                     "(`retype_dropped` above); the rest were removed, so those types are not annotated.")
    elif prov.label_map:
        lines.append("Label map applied before projection and scoring: "
                     + ", ".join(f"`{item}`" for item in prov.label_map)
                     + " (a type mapped to `O` is not annotated in this config).")
    else:
        lines.append("No label map: the source's entity types are kept as they are.")
    return "\n".join(lines)


def _by_reason(counts: Mapping[str, int]) -> str:
    if not counts:
        return "none"
    return "; ".join(f"{reason}: {count}" for reason, count in sorted(counts.items()))


def _statistics(record: ConfigRecord) -> str:
    types = entity_types(record.provenance.labels)
    kept = any(stats.keep_dropped for stats in record.statistics.values())
    header = ["split", "input sentences", "published", "dropped (by reason)"]
    header += ["published incomplete (by reason)"] if kept else []
    header += ["tokens"] + [f"{etype} entities" for etype in types] + ["projection rate (%)"]
    rows = []
    for split, stats in record.statistics.items():
        rate = stats.projection_rate
        rows.append(
            [f"`{split}`", stats.input_sentences, stats.sentences, _by_reason(stats.dropped)]
            + ([_by_reason(stats.incomplete)] if kept else [])
            + [stats.tokens] + [stats.entities.get(etype, 0) for etype in types]
            + [_percent(rate) if rate is not None else "n/a"]
        )
    notes = []
    if kept:
        notes.append("Every sentence is published, as scored: a sentence where some entity could "
                     "not be projected carries what was projected and why the rest was not "
                     "(`projection_issues`; `dropped_reason` in a folder exported with "
                     "`--keep-dropped`), counted above as incomplete: filter on that column for "
                     "complete sentences only.")
    else:
        notes.append("Sentences with a `dropped_reason` (an entity not projected, an empty "
                     "translation, a low score) are left out of the published split and counted "
                     "above by reason.")
    notes.append("Projection rate: entities in the published labels over entities on the labelled "
                 "source side of every input sentence (dropped sentences included).")
    if any(stats.projection_rate is None for stats in record.statistics.values()):
        notes.append("n/a: the split has no source-side tags to compare with (model transfer) or "
                     "its source side holds no entity.")
    return _table(header, rows) + "\n\n" + " ".join(notes)


def _evaluation(record: ConfigRecord) -> str:
    report = record.report or {}
    scores = report.get("scores")
    if not scores:
        reason = report.get("no_gold_reason")
        if not reason:
            if record.report is None:
                reason = "no run report was given at export, so no scores were recorded"
            elif record.provenance.task == "translate-train":
                reason = ("the published text is a machine translation, for which no gold labels "
                          "exist; score a model trained on it on a gold test set instead")
            else:
                reason = "the run's report holds no scores"
        return f"No evaluation: {_plain(reason)}."
    baseline = report.get("baseline")
    header = ["entity type", "precision", "recall", "F1", "support"]
    if baseline:
        header.append(f"F1 of {baseline.get('name', 'baseline')}")
    rows = []
    per_type = scores.get("per_type", {})
    base_types = baseline["scores"].get("per_type", {}) if baseline else {}
    for etype, row in per_type.items():
        line = [etype, _percent(row["precision"]), _percent(row["recall"]), _percent(row["f1"]),
                row.get("support", "")]
        if baseline:
            base = base_types.get(etype)
            line.append(_percent(base["f1"]) if base else "n/a")
        rows.append(line)
    overall = ["**overall**", _percent(scores["precision"]), _percent(scores["recall"]),
               f"**{_percent(scores['f1'])}**", scores.get("support", "")]
    if baseline:
        overall.append(f"**{_percent(baseline['scores']['f1'])}**")
    rows.append(overall)
    against = _plain(report["gold"]) if report.get("gold") else _source_label(record.provenance.source_dataset)
    return (f"seqeval, strict IOB2, scores in %, measured against {against}.\n\n"
            + _table(header, rows))


def render_config_section(record: ConfigRecord) -> str:
    lang = record.language
    return _template("config.md").substitute(
        heading=f"{lang.name if lang else 'Language ' + NOT_RECORDED} (`{record.name}`)",
        overview=_overview(record),
        source=_source(record),
        method=_component(record.provenance.method.name, record.provenance.method.params,
                          "Projection method" if record.provenance.aligner else "Method"),
        aligner=_aligner(record),
        models=_models(record),
        labels=_labels(record),
        statistics=_statistics(record),
        evaluation=_evaluation(record),
    )


# --- the whole card ---------------------------------------------------------------------------


def _unique(items: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _pretty_name(records: Sequence[ConfigRecord]) -> str:
    tasks = "/".join(_unique([r.provenance.task for r in records]))
    sources = ", ".join(_unique([r.provenance.source_dataset.title for r in records]))
    return f"projner {tasks} NER corpus from {sources}"


def _summary(records: Sequence[ConfigRecord]) -> str:
    languages = ", ".join(
        _language_label(r.language) if r.language
        else f"a language that was not recorded (config `{r.name}`)"
        for r in records)
    types = ", ".join(_unique([t for r in records for t in entity_types(r.provenance.labels)]))
    return (
        f"Named-entity annotations ({types}) for {languages}, made by projner "
        f"following Politov et al. (NoDaLiDa 2025, "
        f"[arXiv:2501.18750]({citations.PAPER_URL})). The labels are silver: produced "
        "automatically, not checked by people. Each config is one target language; its section "
        "below records how it was made, from what, and how well it scores where gold exists."
    )


def _configurations(records: Sequence[ConfigRecord]) -> str:
    rows = []
    for r in records:
        splits = ", ".join(f"`{s}` ({st.sentences})" for s, st in r.statistics.items())
        rows.append((f"`{r.name}`" + (" (default)" if r.default else ""),
                     _language_label(r.language), f"`{r.provenance.task}`",
                     _source_label(r.provenance.source_dataset), splits))
    return _table(("config", "language", "task", "source", "splits (sentences)"), rows)


def _loading(records: Sequence[ConfigRecord], location: str) -> str:
    default = next((r for r in records if r.default), records[0])
    split = next(iter(default.statistics))
    return "\n".join([
        "```python",
        "from datasets import load_dataset",
        "",
        f'corpus = load_dataset("{location}", "{default.name}")',
        f'names = corpus["{split}"].features["ner_tags"].feature.names',
        f'print([names[i] for i in corpus["{split}"][0]["ner_tags"]])',
        "```",
        "",
        "Configs: " + ", ".join(f"`{r.name}`" for r in records) + ".",
    ])


def _fields(records: Sequence[ConfigRecord]) -> str:
    columns: dict[str, str] = {}
    for record in records:
        for name, kind in record.columns.items():
            columns.setdefault(name, kind)
    lines = []
    for name, kind in columns.items():
        doc = COLUMN_DOCS.get(name, "a column kept from the run's output")
        lines.append(f"- `{name}` ({kind}): {doc}")
    return "\n".join(lines)


def _intended_use(records: Sequence[ConfigRecord]) -> str:
    tasks = {r.provenance.task for r in records}
    lines = []
    if tasks & {"project-parallel", "translate-train", "model-transfer"}:
        lines.append("- Training or augmenting NER models for the languages above, where little or "
                     "no gold data exists; research on annotation projection and cross-lingual "
                     "transfer.")
    if "translate-test" in tasks:
        lines.append("- Inspecting and re-scoring translate-test predictions on a gold set, and "
                     "comparing them with other systems on the same sentences.")
    lines.append("- Not a gold standard: do not report scores measured against these labels as "
                 "NER quality; evaluate on a human-annotated test set.")
    if any("nc" in r.provenance.source_dataset.license.split("-") for r in records):
        lines.append("- Non-commercial use only where the source licence is non-commercial "
                     "(see License).")
    if any("sa" in r.provenance.source_dataset.license.split("-") for r in records):
        lines.append("- Share-alike: data derived from a share-alike source is released under the "
                     "same licence, with attribution (see License).")
    return "\n".join(lines)


def _limitations(records: Sequence[ConfigRecord]) -> str:
    lines = [("- **Silver labels.** Entities were transferred automatically; boundaries and types "
              "can be wrong or missing, and recall is bounded by the projection rate in each "
              "config's statistics.")]
    aligned = [r for r in records if r.provenance.aligner is not None]
    if aligned:
        names = ", ".join(_unique([f"`{r.provenance.aligner.name}`" for r in aligned]))
        lines.append(f"- **Alignment errors.** Projection follows word links from {names}; a wrong "
                     "or missing link moves or loses an entity.")
    translated = [r for r in records if r.provenance.task in ("translate-train", "translate-test")]
    if translated:
        langs = ", ".join(_unique([r.language.name for r in translated]))
        lines.append(f"- **Translation errors** ({langs}). The text passed through machine "
                     "translation: names may be translated, transliterated, dropped or "
                     "hallucinated, and the translation may read unnaturally.")
    if any(r.provenance.task == "model-transfer" for r in records):
        lines.append("- **Model errors.** Model-transfer labels are one multilingual model's "
                     "predictions and inherit its biases for the language.")
    unspaced = [r for r in records if r.language is not None and not r.language.spaces]
    if unspaced:
        langs = ", ".join(_unique([r.language.name for r in unspaced]))
        lines.append(f"- **Scripts without spaces** ({langs}). These scripts do not mark word "
                     "boundaries; the words here come from a segmenter, and entity boundaries "
                     "inherit its mistakes.")
    unrecorded = [r for r in records if r.language is None or not r.source_languages]
    if unrecorded:
        names = ", ".join(f"`{r.name}`" for r in unrecorded)
        lines.append(f"- **Languages not recorded** ({names}). The run did not record which "
                     "language each side is, so this card cannot say whether the script separates "
                     "words, and the Hub cannot list the corpus under its language.")
    mapped = [r for r in records if r.provenance.label_map]
    if mapped:
        items = ", ".join(_unique([i for r in mapped for i in r.provenance.label_map]))
        lines.append(f"- **Reduced label set.** The label map {items} removed or renamed types; "
                     "those entities are not annotated"
                     + (" (where a dropped type was retyped from the corpus's own projections, such "
                        "as a nationality translated into a country name, the span carries the new "
                        "type, which can be wrong)." if any(_retyped(r) for r in mapped) else "."))
    return "\n".join(lines)


def _license(records: Sequence[ConfigRecord]) -> str:
    lines = ["The labels and text inherit the licence of the dataset they were made from:"]
    for source in _unique([r.provenance.source_dataset for r in records]):
        text = f"`{source.license}`" + (f" (`{source.license_name}`)" if source.license_name else "")
        detail = f" {_plain(source.license_details)}" if source.license_details else ""
        lines.append(f"- {_plain(source.title)}: {text}.{detail}")
    return "\n".join(lines)


def _citations(records: Sequence[ConfigRecord]) -> str:
    blocks = ["The method (please cite when you use this corpus):",
              f"```bibtex\n{citations.PAPER_BIBTEX}\n```"]
    blocks.append("The source data:")
    for source in _unique([r.provenance.source_dataset for r in records]):
        if source.citation:
            blocks.append(f"{_plain(source.title)}:\n\n```bibtex\n{source.citation}\n```")
        else:
            blocks.append(f"{_plain(source.title)}: no citation was recorded for these files. Add "
                          "`citation` (BibTeX) and `homepage` to `source_dataset` in "
                          "`<config>/provenance.json` and run `projner export FOLDER` to rewrite "
                          "this card.")
    models = _unique([m.id for r in records for m in r.provenance.models])
    aligners = _unique([r.provenance.aligner.name for r in records if r.provenance.aligner])
    known = _unique([c for c in [citations.model_citation(m) for m in models]
                     + [citations.aligner_citation(a) for a in aligners] if c])
    if models or aligners:
        blocks.append("The models and aligners: " + ", ".join(
            [model_link(m) for m in models] + [f"`{a}`" for a in aligners]
        ) + (" (see each model page for its own citation)." if models else "."))
        blocks += [f"```bibtex\n{bibtex}\n```" for bibtex in known]
    return "\n\n".join(blocks)


def render_body(records: Sequence[ConfigRecord], *, location: str) -> str:
    """The Markdown card for these configs; ``location`` is what ``load_dataset`` is given."""
    if not records:
        raise CardError("a card needs at least one config")
    body = _template("card.md").substitute(
        title=_plain(_pretty_name(records)),
        summary=_summary(records),
        configurations=_configurations(records),
        loading=_loading(records, location),
        fields=_fields(records),
        languages="\n".join(render_config_section(r) for r in records),
        intended_use=_intended_use(records),
        limitations=_limitations(records),
        license=_license(records),
        citations=_citations(records),
    )
    check_card(body)
    return body


def check_card(body: str) -> None:
    """Raise :class:`CardError` on an empty section or a template placeholder left in the card."""
    fields = _template_fields("card.md") | _template_fields("config.md")
    for match in _PLACEHOLDER_RE.finditer(body):
        if match.group(0).strip("${}") in fields:
            raise CardError(f"template placeholder {match.group(0)} survives in the card")
    sections = re.split(r"^(#{1,6} .*)$", body, flags=re.MULTILINE)
    # sections = [preamble, heading1, text1, heading2, text2, ...]
    for index in range(1, len(sections), 2):
        heading, text = sections[index], sections[index + 1]
        level = len(heading) - len(heading.lstrip("#"))
        next_heading = sections[index + 2] if index + 2 < len(sections) else None
        has_children = next_heading is not None and (
            len(next_heading) - len(next_heading.lstrip("#")) > level
        )
        if not text.strip() and not has_children:
            raise CardError(f"section {heading.strip()!r} is empty")


# --- metadata ---------------------------------------------------------------------------------

_SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                    (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"))


def size_category(examples: int) -> str:
    for bound, name in _SIZE_CATEGORIES:
        if examples < bound:
            return name
    return "n>100M"


def card_metadata(records: Sequence[ConfigRecord], configs: list[dict[str, Any]],
                  dataset_info: list[dict[str, Any]]) -> dict[str, Any]:
    """The Hub YAML: descriptive fields from the provenance, then ``configs`` and ``dataset_info``."""
    codes = [r.language.code for r in records if r.language is not None]
    sides = len([r for r in records if r.language is None])  # unrecorded languages with data
    for r in records:
        if "src_tokens" in r.columns or "original_tokens" in r.columns:
            codes += [lang.code for lang in r.source_languages]
            sides += not r.source_languages
    codes = _unique(codes)
    sources = _unique([r.provenance.source_dataset for r in records])
    licenses = _unique([s.license for s in sources])
    metadata: dict[str, Any] = {"pretty_name": _pretty_name(records)}
    if codes:  # the Hub lists a corpus under its languages; an unrecorded one is left out
        metadata["language"] = codes
    metadata["license"] = licenses[0] if len(licenses) == 1 else licenses
    named = [s for s in sources if s.license_name]
    if named:
        metadata["license_name"] = "; ".join(_unique([s.license_name for s in named]))
    detailed = [s for s in sources if s.license_details]
    if detailed:
        metadata["license_details"] = " ".join(
            _unique([f"{s.title}: {s.license_details}" for s in detailed]))
    published_sources = [f"extended|{s.name}" for s in sources if s.homepage]
    translated = any(r.provenance.task in ("translate-train", "translate-test") for r in records)
    total = sum(st.sentences for r in records for st in r.statistics.values())
    metadata.update({
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found", "machine-generated"] if translated else ["found"],
        "multilinguality": "multilingual" if len(codes) + sides > 1 else "monolingual",
        "size_categories": [size_category(total)],
        # local files (no homepage recorded) are no dataset a Hub user could follow
        **({"source_datasets": published_sources} if published_sources else {}),
        "task_categories": ["token-classification"],
        "task_ids": ["named-entity-recognition"],
        "tags": _unique(["ner", "silver-standard", "annotation-projection", "cross-lingual",
                         "projner"] + [r.provenance.task for r in records]),
        "configs": configs,
        "dataset_info": dataset_info,
    })
    return metadata


# --- reading a folder back --------------------------------------------------------------------


def _column_kinds(info: Mapping[str, Any]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for feature in info.get("features", []):
        name = feature.get("name")
        spec = {k: v for k, v in feature.items() if k != "name"}
        kinds[name] = _describe_feature(spec)
    return kinds


def _describe_feature(spec: Mapping[str, Any] | str) -> str:
    if isinstance(spec, str):
        return spec
    if "dtype" in spec:
        return str(spec["dtype"])
    if "class_label" in spec:
        return "ClassLabel"
    if "list" in spec:
        inner = spec["list"]
        if isinstance(inner, list):
            return "list of {" + ", ".join(f["name"] for f in inner) + "}"
        return f"list of {_describe_feature(inner)}"
    if "struct" in spec:
        return "{" + ", ".join(f["name"] for f in spec["struct"]) + "}"
    return "value"


def load_records(folder: Path, configs: list[dict[str, Any]],
                 dataset_info: list[dict[str, Any]]) -> list[ConfigRecord]:
    """Each listed config's record from its JSON files beside the data."""
    infos = {info.get("config_name"): info for info in dataset_info}
    records = []
    for config in configs:
        name = config["config_name"]
        config_dir = Path(folder) / name
        provenance_path = config_dir / PROVENANCE_FILE
        if not provenance_path.is_file():
            raise HubFolderError(
                f"{folder / README} lists config {name!r} but {provenance_path} is missing: the "
                "folder holds data projner did not export; export into a new folder"
            )
        if not (config_dir / STATISTICS_FILE).is_file():
            raise HubFolderError(f"{config_dir / STATISTICS_FILE} is missing (written by the export)")
        statistics = read_json(config_dir / STATISTICS_FILE)
        report_path = config_dir / REPORT_FILE
        records.append(ConfigRecord(
            name=name,
            provenance=read_provenance(provenance_path),
            statistics={split: SplitStatistics.from_dict(s) for split, s in statistics["splits"].items()},
            report=read_json(report_path) if report_path.is_file() else None,
            columns=_column_kinds(infos.get(name, {})),
            default=bool(config.get("default")),
        ))
    return records


def write_card(folder: Path, *, location: str | None = None,
               configs: list[dict[str, Any]] | None = None,
               dataset_info: list[dict[str, Any]] | None = None) -> Path:
    """(Re)write ``folder/README.md`` from the folder's configs.

    ``configs``/``dataset_info`` default to those in the present README (to regenerate a card);
    ``location`` is the name ``load_dataset`` is shown with (the Hub repo id once pushed; the folder
    path before).
    """
    folder = Path(folder)
    readme = folder / README
    if configs is None or dataset_info is None:
        if not readme.is_file():
            raise HubFolderError(f"{readme}: missing; nothing to regenerate the card from")
        metadata, _ = read_front_matter(readme)
        configs = metadata.get("configs") if configs is None else configs
        info = metadata.get("dataset_info") if dataset_info is None else dataset_info
        dataset_info = [info] if isinstance(info, dict) else list(info or [])
        if not configs:
            raise HubFolderError(f"{readme}: front matter has no 'configs' list")
    records = load_records(folder, configs, dataset_info)
    body = render_body(records, location=location or str(folder))
    write_readme(readme, card_metadata(records, configs, dataset_info), f"{CARD_MARKER}\n\n{body}")
    return readme
