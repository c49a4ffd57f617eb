"""NER results from the places they are written: the paper's per-run CSVs, projner's export folders
and JSON reports. Every result is one F1 for one (dataset, language, method).

Accepted inputs (``projner report RESULTS...``):

- **Paper CSV** (``reference-results/*_metrics.csv``): columns ``lang``, ``dataset``,
  ``pipeline_type``, ``aligner``, ``candidate_selection``, ``overall_f1``. ``pipeline_type
  model_transfer`` is the model-transfer baseline; every other pipeline is translate-test, labelled
  ``<pipeline_type>/<aligner>[/<candidate_selection>]`` as in the paper's repository.
- **Export folder** (``projner export`` / a pipeline's ``--output``): each config's
  ``provenance.json`` and ``report.json`` (its ``scores`` and ``baseline``).
- **JSON file**: one record or a list of records. A record is either a run report with its
  provenance embedded (``{"provenance": {...}, "scores": {...}, "baseline": {...}}``) or a flat
  result ``{"language": "yo", "method": "...", "task": "...", "dataset": "...", "f1": 0.71}``
  (``"scores": {"f1": ...}`` may replace ``f1``; ``task`` defaults to ``method``; training results
  use ``"task": "train"``; ``"sources": ["de", "es"]`` names the source set of a source-set
  experiment, see :mod:`projner.typology.source_sets`). F1 is a fraction.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projner.dataset_cards.folder import read_json, read_provenance
from projner.dataset_cards.provenance import ProvenanceError, as_provenance
from projner.dataset_cards.sources import KNOWN_SOURCES
from projner.errors import UserError
from projner.languages import LanguageError, get_language

PAPER_DATASETS: dict[str, str] = {
    "masakhaner2": KNOWN_SOURCES["masakhaner2"].title,
    "xtreme": KNOWN_SOURCES["panx"].title,
    "europarl": KNOWN_SOURCES["europarl-ner"].title,
}
"""The paper's ``dataset`` column → the name projner's own provenance gives the same dataset."""

PAPER_COLUMNS = ("lang", "dataset", "pipeline_type", "aligner", "candidate_selection", "overall_f1")


class ResultsError(UserError):
    """A results file projner cannot read; the message names the file and row."""


@dataclass(frozen=True)
class Result:
    dataset: str
    language: str
    """projner's code for the language (ISO 639-1 where it exists)."""
    method: str
    task: str
    f1: float
    """A fraction."""
    origin: str
    """Where the figure comes from: ``paper`` or ``projner``."""
    file: str
    sources: tuple[str, ...] = ()
    """The source languages this result was transferred from, where the record names them (source-set
    experiments); empty: the report's ``--source`` languages."""


def _code(value: str, where: str) -> str:
    try:
        return get_language(value).code
    except LanguageError as err:
        raise ResultsError(f"{where}: {err}") from None


def _f1(value: Any, where: str) -> float:
    if isinstance(value, bool):  # float(True) is 1.0: a flag written where the score belongs
        raise ResultsError(f"{where}: F1 {value!r} is not a number")
    try:
        f1 = float(value)
    except (TypeError, ValueError):
        raise ResultsError(f"{where}: F1 {value!r} is not a number") from None
    if not 0.0 <= f1 <= 1.0:
        raise ResultsError(f"{where}: F1 {f1} is not a fraction in [0, 1]")
    return f1


def paper_method(row: Mapping[str, str]) -> tuple[str, str]:
    """(method label, task) of a row of the paper's CSVs."""
    pipeline = row["pipeline_type"]
    if pipeline == "model_transfer":
        return "model-transfer", "model-transfer"
    parts = [pipeline, row.get("aligner") or ""]
    if row.get("candidate_selection"):
        parts.append(row["candidate_selection"])
    return "/".join(p for p in parts if p), "translate-test"


def read_paper_csv(path: Path) -> list[Result]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PAPER_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ResultsError(f"{path}: not a results CSV; missing columns {', '.join(missing)}")
        results = []
        for line, row in enumerate(reader, start=2):
            where = f"{path}, line {line}"
            method, task = paper_method(row)
            results.append(Result(
                dataset=PAPER_DATASETS.get(row["dataset"], row["dataset"]),
                language=_code(row["lang"], where), method=method, task=task,
                f1=_f1(row["overall_f1"], where), origin="paper", file=str(path),
            ))
    return results


def _provenance_method(provenance: Mapping[str, Any]) -> str:
    prov = as_provenance(provenance)
    if prov.task == "model-transfer":
        return "model-transfer"
    return prov.method.name + (f"/{prov.aligner.name}" if prov.aligner else "")


def _from_report(record: Mapping[str, Any], where: str, file: str) -> list[Result]:
    """A run report with provenance: its score and the baseline beside it."""
    try:
        prov = as_provenance(record["provenance"])
    except ProvenanceError as err:  # the record's own message cannot say which file or record
        raise ResultsError(f"{where}: {err}") from None
    scores = record.get("scores")
    if not scores:
        return []
    if not prov.target_language:
        raise ResultsError(f"{where}: the run recorded no target language (set target_language in "
                           "its provenance.json) and cannot be placed by typology")
    common = {"dataset": prov.source_dataset.title, "language": _code(prov.target_language, where),
              "origin": "projner", "file": file}
    results = [Result(method=_provenance_method(record["provenance"]), task=prov.task,
                      f1=_f1(_scores_f1(scores, f"{where}: scores"), where), **common)]
    baseline = record.get("baseline")
    if baseline:
        if not isinstance(baseline, Mapping):
            raise ResultsError(f"{where}: baseline must be {{'name': ..., 'scores': {{'f1': ...}}}}")
        name = str(baseline.get("name", "baseline"))
        results.append(Result(method=name, task=name,
                              f1=_f1(_scores_f1(baseline.get("scores"), f"{where}: baseline scores"), where),
                              **common))
    return results


def _scores_f1(scores: Any, where: str) -> Any:
    """The ``f1`` of a report's scores object; anything else in its place is an error naming it."""
    if not isinstance(scores, Mapping):
        raise ResultsError(f"{where} must be an object with f1, got {json.dumps(scores)[:40]}")
    return scores.get("f1")


def _from_record(record: Any, where: str, file: str) -> list[Result]:
    if not isinstance(record, Mapping):
        raise ResultsError(f"{where}: expected a JSON object, got {type(record).__name__}")
    if "provenance" in record:
        return _from_report(record, where, file)
    if record.get("complete") is True and record.get("task"):  # a pipeline's --report: no provenance in it
        raise ResultsError(
            f"{where}: a {record['task']} run report (--report), which does not say which dataset and method "
            "in the form report reads; give the run's --output export folder (its report comes with its "
            "provenance) or flat results with language, method, dataset and f1"
        )
    missing = [k for k in ("language", "method", "dataset") if not record.get(k)]
    if missing or ("f1" not in record and "f1" not in (record.get("scores") or {})):
        raise ResultsError(
            f"{where}: a result needs language, method, dataset and f1 (or scores.f1), or an "
            f"embedded provenance; missing {', '.join(missing) or 'f1'}"
        )
    f1 = record["f1"] if "f1" in record else record["scores"]["f1"]
    sources = record.get("sources") or []
    if not isinstance(sources, list):
        raise ResultsError(f"{where}: sources must be a list of language codes, got {sources!r}")
    return [Result(dataset=str(record["dataset"]), language=_code(str(record["language"]), where),
                   method=str(record["method"]), task=str(record.get("task") or record["method"]),
                   f1=_f1(f1, where), origin="projner", file=file,
                   sources=tuple(_code(str(s), where) for s in sources))]


def read_json_results(path: Path) -> list[Result]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not valid JSON: {err}") from None
    records = data if isinstance(data, list) else [data]
    results = []
    for index, record in enumerate(records):
        results += _from_record(record, f"{path}, record {index}", str(path))
    return results


def read_export_folder(folder: Path) -> list[Result]:
    results = []
    for provenance_path in sorted(folder.glob("*/provenance.json")):
        report_path = provenance_path.with_name("report.json")
        if not report_path.is_file():
            continue
        report = read_json(report_path)
        if not isinstance(report, Mapping):
            raise ResultsError(f"{report_path}: expected a JSON object, got {type(report).__name__}")
        provenance = read_provenance(provenance_path)
        results += _from_report({**report, "provenance": provenance}, str(report_path), str(report_path))
    return results


def read_results(paths: Iterable[Path]) -> list[Result]:
    """Every result in these files and folders; the same (dataset, language, method, origin) twice
    is an error naming both files, since averaging runs silently would hide a difference."""
    results: list[Result] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise ResultsError(f"{path}: no such file or folder")
        if path.is_dir():
            found = read_export_folder(path)
            if not found:
                raise ResultsError(f"{path}: no <config>/provenance.json with a scored report.json")
        elif path.suffix.lower() == ".csv":
            found = read_paper_csv(path)
        elif path.suffix.lower() == ".json":
            found = read_json_results(path)
        else:
            raise ResultsError(f"{path}: expected a .csv, a .json or an export folder")
        if not found:  # a header without rows, an empty list: a report of nothing is a mistake
            raise ResultsError(f"{path}: no results in it")
        results += found
    seen: dict[tuple, Result] = {}
    for result in results:
        key = (result.dataset, result.language, result.method, result.origin, result.sources)
        if key in seen:
            raise ResultsError(
                f"two results for {result.method} on {result.dataset} {result.language}"
                + (f" from {'+'.join(result.sources)}" if result.sources else "") + ": "
                f"{seen[key].file} and {result.file}"
            )
        seen[key] = result
    return results
