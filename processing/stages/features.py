"""The ``datasets`` features of the list columns stages add, declared so that ``Dataset.map`` writes
them whatever the first batch holds: inferred from a batch whose rows are all empty lists, a column
becomes ``list<null>``, and a later batch with elements cannot be cast to it.

The types are those ``datasets`` infers from a batch with elements (``int64``, ``float64`` scores,
fields in the order the stages write them), so caches and exports keep their schema. Imported by the
stages only when asked for their features: a stage module loads without ``datasets``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datasets import Features, List, Value

STRING = Value("string")
INT = Value("int64")
BOOL = Value("bool")
STRINGS = List(STRING)
"""Words, IOB2 tags, messages."""
INTS = List(INT)
"""Indices (each projected span's source entity)."""
PAIRS = List(List(INT))
"""Links ``[[source, target], ...]`` and character spans ``[[start, end], ...]``."""
SCORED_SPANS = List({"start": INT, "end": INT, "label": STRING, "score": Value("float64")})
"""``src_entities``, ``tgt_entities``: what ``ScoredSpan.as_dict`` writes."""
UNPROJECTED = List({"start": INT, "end": INT, "label": STRING, "reason": STRING})
"""``unprojected_entities``: each source entity left without a span, and why."""


def added(given: Mapping[str, Any], columns: Mapping[str, Any]) -> Features:
    """The features of a dataset of features ``given`` after a stage adds ``columns`` (in the order
    the stage returns them: the output's column order)."""
    return Features({**given, **columns})
