"""Everything the page shows, as one JSON-ready value: the run's header and the pair records.

The header takes what the run recorded (provenance, report, this split's statistics) and the
per-type counts of what the page holds; parameters are flattened to ``key = value`` strings here so
the page's script has nothing to interpret.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from projner.languages import LanguageError, get_language
from projner.viewer.agreement import KINDS
from projner.viewer.columns import ViewColumns
from projner.viewer.output_folder import RunOutput
from projner.viewer.pairs import TypeIndex, pair_records

RIGHT_TO_LEFT_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr"})
"""ISO 15924 scripts written right to left; a line in one of them is laid out with ``dir="rtl"``."""
SCORE_KEYS = ("precision", "recall", "f1", "support", "per_type")


def language_layout(code: str | None) -> dict[str, Any]:
    """How a side's line is laid out: its name, direction and whether its words take spaces.

    Unknown or several languages (``"en,de"``): direction from each line's own first letters
    (``dir="auto"``) and spaces between words.
    """
    try:
        language = get_language(code) if code and "," not in code else None
    except LanguageError:
        language = None
    if language is None:
        return {"code": code, "name": code, "dir": "auto", "spaces": True}
    return {"code": language.code, "name": language.name,
            "dir": "rtl" if language.script in RIGHT_TO_LEFT_SCRIPTS else "ltr", "spaces": language.spaces}


def flat_params(params: Mapping[str, Any] | None, prefix: str = "") -> list[list[str]]:
    """``[[key, value], ...]`` with nested mappings joined by dots (``names.threshold``)."""
    flat: list[list[str]] = []
    for key, value in (params or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.extend(flat_params(value, f"{name}."))
        else:
            flat.append([name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)])
    return flat


def _component(component: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not component:
        return None
    return {"name": str(component.get("name")), "params": flat_params(component.get("params"))}


def _scores(report: Mapping[str, Any] | None) -> dict[str, Any]:
    """Scores, what they were measured against, the baseline, or why there are none."""
    if not report:
        return {}
    scores = report.get("scores") or {k: report[k] for k in SCORE_KEYS if k in report}
    found: dict[str, Any] = {"scores": scores} if scores.get("f1") is not None else {}
    for key in ("gold", "no_gold_reason"):
        if report.get(key):
            found[key] = str(report[key])
    baseline = report.get("baseline")
    if baseline and baseline.get("scores"):
        found["baseline"] = {"name": str(baseline.get("name", "baseline")), "scores": baseline["scores"]}
    return found


def type_counts(records: Sequence[Mapping[str, Any]], types: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per type: source entities, projected spans, gold entities, source entities nothing joined."""
    counts = {name: Counter() for name in types}
    for record in records:
        joined = {entity[4] for entity in record.get("te", [])}
        for k, entity in enumerate(record.get("se", [])):
            counts[types[entity[2]]]["source"] += 1
            counts[types[entity[2]]]["unprojected"] += k not in joined
        for entity in record.get("te", []):
            counts[types[entity[2]]]["projected"] += 1
        for entity in record.get("g", []):
            counts[types[entity[2]]]["gold"] += 1
    return {name: dict(counter) for name, counter in counts.items()}


def build_payload(output: RunOutput, *, page_size: int, where: str) -> dict[str, Any]:
    """The page's data for one split of a run (see :mod:`projner.viewer.pairs` for the records)."""
    columns = ViewColumns.detect(output.dataset.column_names, where=where)
    types = TypeIndex()
    for label in output.provenance.get("labels") or []:
        if label != "O":
            types(label.split("-", 1)[-1])
    records = pair_records(output.dataset, columns, types, where=where)
    provenance = output.provenance
    source_dataset = provenance.get("source_dataset") or {}
    return {
        "task": provenance.get("task"),
        "config": output.config,
        "split": output.split,
        "others": list(output.others),
        "source_dataset": {key: source_dataset.get(key) for key in ("name", "pretty_name", "config", "split",
                                                                      "license", "homepage")},
        "languages": {"source": language_layout(provenance.get("source_language")) if columns.source_words else None,
                      "target": language_layout(provenance.get("target_language"))},
        "method": _component(provenance.get("method")),
        "aligner": _component(provenance.get("aligner")),
        "models": [{key: model.get(key) for key in ("role", "id", "revision")} for model in provenance.get("models") or []],
        "label_map": list(provenance.get("label_map") or []),
        "created": provenance.get("created"),
        "projner_version": provenance.get("projner_version"),
        **_scores(output.report),
        "statistics": dict(output.statistics or {}),
        "columns": {role: name for role, name in vars(columns).items() if name},
        "has_gold": columns.gold_tags is not None,
        "has_source": columns.source_words is not None,
        "types": types.names,
        "kinds": list(KINDS),
        "type_counts": type_counts(records, types.names),
        "page_size": page_size,
        "pairs": records,
    }
