"""Explicit ``.map`` fingerprints: a stage's name, its parameter dataclass, model id and revision.

``datasets`` would otherwise hash the callable, models and all: slow, and unstable across processes.
What decides a stage's output is exactly what goes in here, so equal inputs reuse the cache and
any changed parameter recomputes.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from typing import Any


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot fingerprint a {type(value).__name__}; use plain values in stage configs")


def stage_fingerprint(
    previous: str,
    stage: str,
    config: Any,
    *,
    model_id: str | None = None,
    revision: str | None = None,
    version: str = "1",
) -> str:
    """The fingerprint of ``stage`` applied to a dataset whose fingerprint is ``previous``.

    ``version`` is bumped by the stage's code when its output changes for the same parameters.
    """
    payload = json.dumps(
        {
            "previous": previous,
            "stage": stage,
            "version": version,
            "config": _plain(config),
            "model_id": model_id,
            "revision": revision,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def typed_fingerprint(fingerprint: str, features: Any) -> str:
    """``fingerprint`` told apart by the output's declared ``datasets.Features`` (unchanged for None).

    A ``*_dataset`` helper's cache written before its stage declared features can hold a
    ``list<null>`` column (the lists of every batch were empty), which ``datasets`` refuses to load
    under the declared types ("Type mismatch"); under this fingerprint that file is not looked up.
    """
    if features is None:
        return fingerprint
    payload = json.dumps({"fingerprint": fingerprint, "features": features.to_dict()}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
