"""What a run was: the record every exported corpus carries, from which its dataset card is written.

A silver corpus is only as useful as the account of how it was made, so the pipelines fill one
:class:`Provenance` per output (one target language) and the export stores it beside the data
(``<config>/provenance.json``) and renders the card from it. The JSON form (``to_dict``) is::

    {
      "task": "project-parallel" | "translate-test" | "translate-train" | "model-transfer",
      "source_dataset": {"name": "masakhane/masakhaner2", "config": "yor", "split": "test",
                          "license": "cc-by-nc-4.0", "citation": "@inproceedings{...}",
                          "homepage": "https://...", "pretty_name": "MasakhaNER 2.0",
                          "license_name": null, "license_details": null},
      "source_language": "en",            # the labelled side (several: "en,de"); null: not recorded
      "target_language": "yo",            # the side that receives labels; null: not recorded
      "method": {"name": "candidates", "params": {"selection": "ner", ...every parameter...}},
      "aligner": {"name": "simalign", "params": {"model": "...", "method": "itermax"}} | null,
      "models": [{"role": "translator", "id": "facebook/nllb-200-distilled-600M",
                  "revision": "f8d333a..."}],
      "label_map": ["DATE=O"],            # LabelMap.as_strings()
      "labels": ["O", "B-PER", ...],      # ner_tags names, in ClassLabel order
      "created": "2025-03-01",            # ISO date of the run
      "projner_version": "0.1.0"
    }

``aligner`` is null only where nothing was aligned (model transfer); ``revision`` is null only for a
model that was not loaded from the Hub (a local folder), and the card says so. The languages may be
null only for ``project-parallel`` (CoNLL files of any language pair, languages optional); the
export then names the config ``default`` and the card says the language was not recorded and how
to record it. ``citation``/``homepage`` of a source dataset may be null for local files (the card
says they were not recorded).

The run *report* passed beside it (``export_hub_folder(..., report=...)``) is a plain dict; every key
is optional:

    {
      "scores": ner_scores(...),                     # on the gold split, when gold exists
      "gold": "masakhane/masakhaner2 yor test",       # what the scores were measured against
      "baseline": {"name": "model-transfer", "scores": ner_scores(...)},   # beside the scores
      "no_gold_reason": "the target side of ... is unlabelled",   # why there are no scores
      "statistics": {...}                              # the run's own counts (kept in report.json)
    }

:func:`check_report` says clearly what is wrong with one that does not follow this.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from projner.errors import UserError
from projner.labels import LabelMap, entity_types

TASKS: tuple[str, ...] = ("project-parallel", "translate-test", "translate-train", "model-transfer")
"""The pipelines whose outputs can be exported."""


class ProvenanceError(UserError):
    """A provenance record or run report that is missing something the card needs, or malformed."""


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, Mapping):  # a JSON string or list where an object belongs
        raise ProvenanceError(f"{where} must be a mapping, got {type(data).__name__}")
    if key not in data or data[key] is None or data[key] == "":
        raise ProvenanceError(f"{where}: missing {key!r} (have: {', '.join(sorted(data)) or 'nothing'})")
    return data[key]


@dataclass(frozen=True)
class SourceDataset:
    """The gold dataset the entities came from; its licence is the one the output inherits."""

    name: str
    """Hub id (``masakhane/masakhaner2``) or, for local files, a short descriptive name."""
    license: str
    """Hub licence id (``cc-by-nc-4.0``, ``apache-2.0``, ``other``, ``unknown``)."""
    citation: str | None
    """BibTeX of the dataset's paper; None: not recorded (local files), and the card says so."""
    homepage: str | None
    """Where the dataset lives; None: not recorded (local files)."""
    config: str | None = None
    split: str | None = None
    """The split(s) read, comma-separated where several."""
    pretty_name: str | None = None
    license_name: str | None = None
    """Short name of a licence that is not on the Hub's list (with ``license: other``)."""
    license_details: str | None = None
    """What the licence allows, in words; required with ``license: other`` or ``unknown``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "config": self.config, "split": self.split,
            "license": self.license, "license_name": self.license_name,
            "license_details": self.license_details, "citation": self.citation,
            "homepage": self.homepage, "pretty_name": self.pretty_name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceDataset:
        where = "provenance.source_dataset"
        source = cls(
            name=str(_require(data, "name", where)),
            license=str(_require(data, "license", where)),
            citation=data.get("citation") or None,
            homepage=data.get("homepage") or None,
            config=data.get("config"),
            split=data.get("split"),
            pretty_name=data.get("pretty_name"),
            license_name=data.get("license_name"),
            license_details=data.get("license_details"),
        )
        if source.license in ("other", "unknown") and not source.license_details:
            raise ProvenanceError(
                f"{where}: license {source.license!r} needs 'license_details' saying what the terms "
                "allow (e.g. 'research use only')"
            )
        return source

    @property
    def title(self) -> str:
        return self.pretty_name or self.name


@dataclass(frozen=True)
class Component:
    """A named step (projection method, aligner) with every parameter it ran with."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Component:
        name = str(_require(data, "name", where))
        params = data.get("params") or {}
        if not isinstance(params, Mapping):
            raise ProvenanceError(f"{where}.params must be a mapping, got {type(params).__name__}")
        return cls(name=name, params=dict(params))


@dataclass(frozen=True)
class ModelRef:
    """A model a run used, pinned to the revision it was loaded at."""

    role: str
    """What it did: ``translator``, ``ner``, ``aligner``, ``candidate-selector``, …"""
    id: str
    revision: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "id": self.id, "revision": self.revision}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> ModelRef:
        return cls(
            role=str(_require(data, "role", where)),
            id=str(_require(data, "id", where)),
            revision=data.get("revision") or None,
        )


@dataclass(frozen=True)
class Provenance:
    """How one exported config (one target language) was made; see the module docstring."""

    task: str
    source_dataset: SourceDataset
    source_language: str | None
    """ISO code(s) of the labelled side, comma-separated; None: not recorded (project-parallel)."""
    target_language: str | None
    """ISO code of the side that receives labels; None: not recorded (project-parallel)."""
    method: Component
    labels: tuple[str, ...]
    aligner: Component | None = None
    models: tuple[ModelRef, ...] = ()
    label_map: tuple[str, ...] = ()
    created: str = field(default_factory=lambda: _dt.date.today().isoformat())
    projner_version: str = field(default_factory=lambda: _projner_version())

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ProvenanceError(f"provenance.task {self.task!r} is not one of {', '.join(TASKS)}")
        if not self.labels or self.labels[0] != "O":
            raise ProvenanceError(
                f"provenance.labels must list the IOB2 label names with 'O' first, got {list(self.labels)}"
            )
        for side in ("source_language", "target_language"):
            if getattr(self, side) is None and self.task != "project-parallel":
                raise ProvenanceError(
                    f"provenance.{side} is required for task {self.task!r} (only project-parallel "
                    "runs on files whose languages may be unknown)"
                )
        if self.aligner is None and self.task != "model-transfer":
            raise ProvenanceError(f"provenance.aligner is required for task {self.task!r}")
        if not self.models and self.task != "project-parallel":
            raise ProvenanceError(
                f"provenance.models is empty, but task {self.task!r} runs models (translator, NER "
                "model): list each with its Hub id and revision"
            )
        mapped = LabelMap.parse(self.label_map) if self.label_map else None
        if mapped and any(mapped.maps_away(etype) for etype in entity_types(self.labels)):
            raise ProvenanceError(
                f"provenance.labels {list(self.labels)} still hold types the label map "
                f"{list(self.label_map)} removes or renames; list the labels after mapping"
            )
        try:
            _dt.date.fromisoformat(self.created[:10])
        except ValueError as err:
            raise ProvenanceError(f"provenance.created {self.created!r} is not an ISO date") from err

    @property
    def source_languages(self) -> tuple[str, ...]:
        """The source language codes; empty where none was recorded."""
        return tuple(code.strip() for code in (self.source_language or "").split(",") if code.strip())

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "source_dataset": self.source_dataset.to_dict(),
            "source_language": self.source_language,
            "target_language": self.target_language,
            "method": self.method.to_dict(),
            "aligner": self.aligner.to_dict() if self.aligner else None,
            "models": [model.to_dict() for model in self.models],
            "label_map": list(self.label_map),
            "labels": list(self.labels),
            "created": self.created,
            "projner_version": self.projner_version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        if not isinstance(data, Mapping):
            raise ProvenanceError(f"provenance must be a mapping, got {type(data).__name__}")
        where = "provenance"
        models = data.get("models") or []
        aligner = data.get("aligner")
        return cls(
            task=str(_require(data, "task", where)),
            source_dataset=SourceDataset.from_dict(_require(data, "source_dataset", where)),
            source_language=_optional_text(data, "source_language"),
            target_language=_optional_text(data, "target_language"),
            method=Component.from_dict(_require(data, "method", where), f"{where}.method"),
            aligner=Component.from_dict(aligner, f"{where}.aligner") if aligner else None,
            models=tuple(ModelRef.from_dict(m, f"{where}.models[{i}]") for i, m in enumerate(models)),
            label_map=tuple(data.get("label_map") or ()),
            labels=tuple(_require(data, "labels", where)),
            created=str(data.get("created") or _dt.date.today().isoformat()),
            projner_version=str(data.get("projner_version") or _projner_version()),
        )


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None or value == "" else str(value)


def _projner_version() -> str:
    from projner import __version__

    return __version__


def _check_scores(scores: Any, where: str) -> None:
    if not isinstance(scores, Mapping):
        raise ProvenanceError(f"{where} must be a ner_scores() mapping, got {type(scores).__name__}")
    for key in ("precision", "recall", "f1", "per_type"):
        if key not in scores:
            raise ProvenanceError(f"{where}: missing {key!r} (expected the output of ner_scores)")
    for key in ("precision", "recall", "f1"):
        value = scores[key]
        if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise ProvenanceError(f"{where}.{key} must be a fraction in [0, 1], got {value!r}")


def check_report(report: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The report as a plain dict, or a :class:`ProvenanceError` naming what is malformed."""
    if report is None:
        return None
    if not isinstance(report, Mapping):
        raise ProvenanceError(f"report must be a mapping, got {type(report).__name__}")
    if "scores" in report and report["scores"] is not None:
        _check_scores(report["scores"], "report.scores")
    baseline = report.get("baseline")
    if baseline is not None:
        if not isinstance(baseline, Mapping) or "scores" not in baseline:
            raise ProvenanceError("report.baseline must be {'name': ..., 'scores': ner_scores(...)}")
        _check_scores(baseline["scores"], "report.baseline.scores")
        if not report.get("scores"):
            raise ProvenanceError("report.baseline is given without report.scores to compare it with")
    return dict(report)


def as_provenance(value: Provenance | Mapping[str, Any]) -> Provenance:
    """Accept either the dataclass or its JSON form (what the pipelines pass)."""
    return value if isinstance(value, Provenance) else Provenance.from_dict(value)
